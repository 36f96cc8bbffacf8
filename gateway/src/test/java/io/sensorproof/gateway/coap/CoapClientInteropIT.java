package io.sensorproof.gateway.coap;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.core.coap.TestPki;
import io.sensorproof.gateway.ingest.IngestService;
import io.sensorproof.gateway.testing.ExternalTool;
import io.sensorproof.protocol.ack.Acknowledgement;
import io.sensorproof.protocol.ack.AcknowledgementCodec;
import io.sensorproof.protocol.enroll.Pem;
import jakarta.inject.Inject;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A CoAP client nobody here wrote: Debian's {@code coap-client} (libcoap3-bin; each DTLS build
 * installed: GnuTLS, OpenSSL) posts signed messages over DTLS with a device certificate from the test CA, one of them
 * above 1 KiB (block-wise), and gets 2.04 with an acknowledgement that verifies with the gateway key.
 * Skipped when the binary is absent ({@code .ci/run} installs it).
 */
@QuarkusTest
@TestProfile(CoapTestProfile.class)
@WithTestResource(EmbeddedPostgresTestResource.class)
class CoapClientInteropIT {
    @Inject
    AgroalDataSource db;
    @Inject
    IngestService ingest;
    @Inject
    CoapService coap;

    @Test
    void debianCoapClientPostsSignedMessagesOverDtlsAndGetsVerifiableAcks() throws Exception {
        List<Path> binaries = coapClients();
        ExternalTool.require(!binaries.isEmpty(), "coap-client (Debian package libcoap3-bin) is not installed; apt-get install libcoap3-bin to run this test");
        for (int i = 0; i < binaries.size(); i++) {
            postWith(binaries.get(i), "libcoap-" + (i + 1));
        }
    }

    private void postWith(Path binary, String deviceId) throws Exception {
        CoapDevices registry = new CoapDevices(db, coap, ingest.ackKey());
        CoapDevices.Device device = registry.new Device("acme", deviceId);
        Path dir = device.home;
        X509Certificate cert = CoapTestProfile.PKI.issueDevice(TestPki.jca(device.key.verificationKey()), "acme", deviceId, true);
        Path certFile = TestPki.writePem(dir.resolve("libcoap-cert.pem"), List.of(cert));
        Path keyFile = dir.resolve("libcoap-key.pem");
        byte[] pkcs8 = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(dir.resolve("device-key.p8"))))
                .getEncoded();
        Files.writeString(keyFile, Pem.encode("PRIVATE KEY", pkcs8), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        // the gateway's own (self-signed) DTLS certificate is the trust anchor for the server
        Path gatewayTrust = TestPki.writePem(dir.resolve("libcoap-gateway.pem"), coap.adapter().orElseThrow().serverCertificates());
        int port = coap.adapter().orElseThrow().address().getPort();

        long now = System.currentTimeMillis();
        for (int[] message : new int[][] {{1, 1}, {2, 60}}) {
            long seq = message[0];
            // the 60 readings of seq 2 end a second before seq 1's: one reading per device, quantity and time
            byte[] signed = device.sign(message[1], 1, seq, now - 1_000 * (seq - 1));
            Path body = Files.write(dir.resolve("message-" + seq + ".cbor"), signed);
            Path out = dir.resolve("ack-" + seq + ".cbor");
            List<String> command = new ArrayList<>(List.of(binary.toString(), "-m", "post", "-t", "18", "-f", body.toString(),
                    "-o", out.toString(), "-B", "30", "-c", certFile.toString(), "-j", keyFile.toString(), "-R", gatewayTrust.toString()));
            if (signed.length > 1024) {
                command.addAll(List.of("-b", "512"));
            }
            command.add("coaps://127.0.0.1:" + port + "/t/acme/d/" + deviceId + "/up");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("coap-client-" + seq + ".log").toFile())
                    .start();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("coap-client finished").isTrue();
            String log = Files.readString(dir.resolve("coap-client-" + seq + ".log"));
            assertThat(process.exitValue()).as("%s exit status; output:%n%s", binary, log).isZero();
            assertThat(out).as("response body written; output:%n%s", log).exists();
            Acknowledgement ack = AcknowledgementCodec.verify(Files.readAllBytes(out), ingest.ackKey());
            assertThat(ack.deviceId()).isEqualTo(deviceId);
            assertThat(ack.isStored(1, seq)).as("ack names (1, %s)", seq).isTrue();
            if (seq == 2) {
                assertThat(signed.length).isGreaterThan(1024);
            }
        }
        assertThat(registry.count("SELECT count(*) FROM messages WHERE device_id = '" + deviceId + "'")).isEqualTo(2);
        assertThat(registry.count("SELECT count(*) FROM readings WHERE device_id = '" + deviceId + "'")).isEqualTo(61);
    }

    /**
     * The DTLS builds of coap-client that libcoap3-bin installs (Debian 12 ships a GnuTLS and an
     * OpenSSL build; other releases a plain {@code coap-client}): each is tried.
     */
    static List<Path> coapClients() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        List<Path> found = new ArrayList<>();
        for (String name : List.of("coap-client-gnutls", "coap-client-openssl", "coap-client")) {
            Stream.of(path.split(File.pathSeparator)).map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst().ifPresent(found::add);
        }
        return found;
    }
}
