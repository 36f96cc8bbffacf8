package io.sensorproof.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.enroll.CertificateRequests;
import io.sensorproof.protocol.enroll.Pem;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent delivers over TLS (ssl:// URL, CA pinned from a PEM file) and refuses an untrusted broker. */
class HiveMqTlsIT {
    @TempDir
    Path dir;

    @Test
    void deliversOverTlsWithTheConfiguredCa() throws Exception {
        SigningKey caKey = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        SigningKey serverKey = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        X509Certificate ca = certificate(caKey, caKey, "CN=test-ca", "CN=test-ca", true);
        X509Certificate server = certificate(caKey, serverKey, "CN=test-ca", "CN=localhost", false);
        Path keystore = dir.resolve("broker.p12");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("broker", CertificateRequests.toJcaPrivate(serverKey), "changeit".toCharArray(), new Certificate[] {server, ca});
        try (OutputStream out = Files.newOutputStream(keystore)) {
            ks.store(out, "changeit".toCharArray());
        }
        Path caPem = Files.writeString(dir.resolve("ca.pem"), Pem.encode("CERTIFICATE", ca.getEncoded()));

        SigningKey device = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir.resolve("broker"), keystore, "changeit");
                AcknowledgingGateway gateway = new AcknowledgingGateway(broker.url(), AgentHarness.GATEWAY_KEY, device.verificationKey())) {
            Properties p = AgentHarness.properties(broker.tlsUrl(), dir.resolve("agent"), "tls-1");
            p.setProperty("mqtt.tls.ca-file", caPem.toString());
            try (EdgeAgent agent = AgentHarness.start(AgentHarness.config(p), device)) {
                for (int i = 0; i < 20; i++) {
                    agent.submit(AgentHarness.reading(i));
                }
                agent.flush();
                assertThat(agent.awaitDrained(Duration.ofSeconds(30))).as("drained over TLS: %s", agent.describe()).isTrue();
            }
            assertThat(gateway.deliveries()).hasSize(2);

            Path otherCa = Files.writeString(dir.resolve("other-ca.pem"), Pem.encode("CERTIFICATE",
                    certificate(serverKey, serverKey, "CN=other", "CN=other", true).getEncoded()));
            Properties untrusting = AgentHarness.properties(broker.tlsUrl(), dir.resolve("agent-2"), "tls-2");
            untrusting.setProperty("mqtt.tls.ca-file", otherCa.toString());
            try (EdgeAgent agent = AgentHarness.start(AgentHarness.config(untrusting), device)) {
                agent.submit(AgentHarness.reading(0));
                agent.flush();
                org.awaitility.Awaitility.await("failed TLS attempts").atMost(Duration.ofSeconds(30))
                        .until(() -> agent.metrics().reconnectsScheduled() >= 3);
                assertThat(agent.metrics().connects()).as("no session with an untrusted broker").isZero();
                assertThat(agent.outboxStats().depth()).isEqualTo(1);
            }
        }
    }

    private static X509Certificate certificate(SigningKey issuer, SigningKey subject, String issuerName, String subjectName, boolean ca)
            throws Exception {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuerName), BigInteger.valueOf(System.nanoTime()),
                Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plusSeconds(3600)), new X500Name(subjectName),
                CertificateRequests.toJcaPublic(subject.verificationKey()));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (!ca) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
        }
        return new JcaX509CertificateConverter().setProvider(new BouncyCastleProvider()).getCertificate(builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").setProvider(new BouncyCastleProvider()).build(CertificateRequests.toJcaPrivate(issuer))));
    }
}
