package io.sensorproof.protocol.enroll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.TestKeys;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EnrollmentTest {

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void csrCarriesTheDeviceKeyAndProvesPossession(SignatureAlgorithm alg) {
        SigningKey device = TestKeys.key(alg);
        String csr = CertificateRequests.create(device, "ignored-by-the-ca");
        assertThat(CertificateRequests.parseAndVerify(csr)).isEqualTo(device.verificationKey());
    }

    @Test
    void rejectsCsrWithBrokenSignature() {
        String csr = CertificateRequests.create(TestKeys.key(SignatureAlgorithm.ES256), "x");
        byte[] der = Pem.decode("CERTIFICATE REQUEST", csr);
        der[der.length - 5] ^= 0x40;
        String tampered = Pem.encode("CERTIFICATE REQUEST", der);
        assertThatThrownBy(() -> CertificateRequests.parseAndVerify(tampered))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ENROLLMENT));
    }

    @Test
    void tokenRoundTripsAndPinsTheCa() {
        EnrollmentToken token = EnrollmentToken.generate(new byte[] {1, 2, 3}, new SecureRandom());
        EnrollmentToken parsed = EnrollmentToken.parse(token.value());
        assertThat(parsed.caFingerprint()).isEqualTo(EnrollmentToken.fingerprint(new byte[] {1, 2, 3}));
        assertThat(parsed.storageHash()).hasSize(64).isEqualTo(token.storageHash());
        assertThat(token.toString()).doesNotContain(token.value());
        for (String bad : new String[] {"", "et2.x.y", token.value() + "0", token.value().toUpperCase()}) {
            assertThatThrownBy(() -> EnrollmentToken.parse(bad))
                    .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ENROLLMENT));
        }
    }

    @Test
    void agentAcceptsResponseChainedToThePinnedCaAndRejectsAnother() throws Exception {
        SigningKey caKey = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        SigningKey device = TestKeys.key(SignatureAlgorithm.EDDSA);
        SigningKey ackKey = TestKeys.key(SignatureAlgorithm.ES256);
        byte[] caCert = certificate(caKey, caKey.verificationKey(), "CN=ca", "CN=ca");
        byte[] deviceCert = certificate(caKey, device.verificationKey(), "CN=ca", "CN=cold-room-7");
        EnrollmentToken token = EnrollmentToken.generate(caCert, new SecureRandom());
        EnrollmentRequest request = new EnrollmentRequest(token.value(), CertificateRequests.create(device, "x"));
        assertThat(request.validate()).isEqualTo(device.verificationKey());

        EnrollmentResponse response = new EnrollmentResponse("acme", "cold-room-7",
                List.of(Pem.encode("CERTIFICATE", deviceCert), Pem.encode("CERTIFICATE", caCert)),
                EnrollmentResponse.AckKey.of(ackKey.verificationKey()));
        assertThat(response.verify(token, device.verificationKey())).isEqualTo(ackKey.verificationKey());

        EnrollmentResponse withRenewal = new EnrollmentResponse(response.tenantId(), response.deviceId(), response.certificateChain(),
                response.ackKey(), EnrollmentToken.generate(caCert, new SecureRandom()).value());
        assertThat(withRenewal.verify(token, device.verificationKey())).isEqualTo(ackKey.verificationKey());
        EnrollmentResponse badRenewal = new EnrollmentResponse(response.tenantId(), response.deviceId(), response.certificateChain(),
                response.ackKey(), "et1.short");
        assertThatThrownBy(() -> badRenewal.verify(token, device.verificationKey()))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ENROLLMENT));

        EnrollmentToken otherCa = EnrollmentToken.generate(new byte[] {9}, new SecureRandom());
        assertThatThrownBy(() -> response.verify(otherCa, device.verificationKey()))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ENROLLMENT));
        VerificationKey someoneElse = Keys.generate(SignatureAlgorithm.EDDSA, new SecureRandom()).verificationKey();
        assertThatThrownBy(() -> response.verify(token, someoneElse))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ENROLLMENT));
    }

    private static byte[] certificate(SigningKey issuerKey, VerificationKey subjectKey, String issuer, String subject) throws Exception {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(System.nanoTime()),
                Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plusSeconds(3600)), new X500Name(subject),
                CertificateRequests.toJcaPublic(subjectKey));
        X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder(CertificateRequests.signatureAlgorithm(issuerKey.algorithm()))
                .setProvider(new BouncyCastleProvider()).build(CertificateRequests.toJcaPrivate(issuerKey)));
        return holder.getEncoded();
    }
}
