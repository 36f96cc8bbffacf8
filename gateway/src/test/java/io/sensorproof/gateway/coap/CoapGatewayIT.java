package io.sensorproof.gateway.coap;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.agent.keys.KeyFiles;
import io.sensorproof.agent.transport.CoapTransport;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.ingest.IngestService;
import io.sensorproof.gateway.security.OperatorKey;
import io.sensorproof.protocol.ack.Acknowledgement;
import io.sensorproof.protocol.ack.AcknowledgementCodec;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.junit.jupiter.api.Test;

/**
 * The gateway's CoAP/DTLS endpoint with PostgreSQL: the real edge agent by certificate and by raw
 * public key (messages above 1 KiB included) stored once with verified acknowledgements; a tampered
 * message, a future reading, a path naming another device and a revoked device refused and
 * quarantined with their codes; a queue of one answering 5.03 with Max-Age.
 */
@QuarkusTest
@TestProfile(CoapTestProfile.class)
@WithTestResource(EmbeddedPostgresTestResource.class)
class CoapGatewayIT {
    @Inject
    AgroalDataSource db;
    @Inject
    IngestService ingest;
    @Inject
    CoapService coap;

    private CoapDevices devices() {
        return new CoapDevices(db, coap, ingest.ackKey());
    }

    @Test
    void agentsOverCertificateAndRawPublicKeyAreStoredOnceWithVerifiedAcks() throws Exception {
        CoapDevices registry = devices();
        CoapDevices.Device byCertificate = registry.new Device("acme", "coap-cert-1");
        CoapDevices.Device byRawKey = registry.new Device("acme", "coap-rpk-1");
        long t0 = System.currentTimeMillis() - 60_000;
        try (EdgeAgent cert = byCertificate.agent(byCertificate.config(false,
                        // packs sealed by count only (flush seals the last): the 100 ms age of the test devices sealed a
                        // fourth, partial pack when submitting 300 readings took longer on a loaded machine
                        Map.of("pack.max-records", "100", "pack.max-age-millis", "600000")));
                EdgeAgent rpk = byRawKey.agent(byRawKey.config(true, Map.of()))) {
            for (int i = 0; i < 300; i++) {
                cert.submit(reading(i, t0 + i * 10L));
            }
            for (int i = 0; i < 40; i++) {
                rpk.submit(new Reading(Quantity.HUMIDITY, 50 + i % 5, t0 + i * 10L));
            }
            cert.flush();
            rpk.flush();
            assertThat(cert.awaitDrained(Duration.ofSeconds(90))).as("drained: %s", cert.describe()).isTrue();
            assertThat(rpk.awaitDrained(Duration.ofSeconds(90))).as("drained: %s", rpk.describe()).isTrue();
            assertThat(cert.metrics().acksForged()).isZero();
            assertThat(rpk.metrics().acksForged()).isZero();
        }
        assertThat(registry.count("SELECT count(*) FROM messages WHERE device_id = 'coap-cert-1'")).isEqualTo(3);
        assertThat(registry.count("SELECT count(*) FROM messages WHERE device_id = 'coap-cert-1' AND octet_length(raw) > 1024")).isEqualTo(3);
        assertThat(registry.count("SELECT count(*) FROM readings WHERE device_id = 'coap-cert-1'")).isEqualTo(300);
        assertThat(registry.count("SELECT count(*) FROM readings WHERE device_id = 'coap-rpk-1'")).isEqualTo(40);
        assertThat(registry.count("SELECT count(*) FROM quarantine WHERE claimed_device IN ('coap-cert-1', 'coap-rpk-1')")).isZero();
        io.restassured.RestAssured.get("/q/health/ready").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("\"coap\""));
        String metrics = io.restassured.RestAssured.get("/q/metrics").asString();
        assertThat(metrics).contains("sensorproof_coap_responses_total{code=\"2.04\"}").contains("sensorproof_ingest_queue_depth{transport=\"coap\"}")
                .contains("sensorproof_coap_handshakes_accepted_total");
    }

    @Test
    void sm2DeviceAuthenticatesWithTheTransportKeyRegisteredThroughTheApi() throws Exception {
        CoapDevices registry = devices();
        CoapDevices.Device sm2 = registry.new Device("acme", "coap-sm2-1", SignatureAlgorithm.SM2_SM3);
        SigningKey transport = KeyFiles.generate(sm2.home.resolve("transport-key.p8"), SignatureAlgorithm.ES256);
        AgentConfig config = sm2.config(true, Map.of());
        try (CoapDevices.RawClient unknown = new CoapDevices.RawClient(config)) {
            assertThat(unknown.handshake()).as("transport key not registered yet").isFalse();
        }
        String path = "/api/v1/tenants/acme/devices/coap-sm2-1/transport-key";
        OperatorKey.authorized().contentType("application/json")
                .body(Map.of("publicKey", Base64.getEncoder().encodeToString(sm2.key.verificationKey().spki())))
                .put(path).then().statusCode(400).body("code", org.hamcrest.Matchers.equalTo("TRANSPORT_KEY_UNSUPPORTED"));
        OperatorKey.authorized().contentType("application/json")
                .body(Map.of("publicKey", Base64.getEncoder().encodeToString(transport.verificationKey().spki())))
                .put(path).then().statusCode(200).body("kid", org.hamcrest.Matchers.equalTo(transport.verificationKey().kidHex()));
        OperatorKey.authorized().get(path).then().statusCode(200).body("alg", org.hamcrest.Matchers.equalTo("ES256"));

        long t0 = System.currentTimeMillis() - 60_000;
        try (EdgeAgent agent = sm2.agent(config)) {
            for (int i = 0; i < 20; i++) {
                agent.submit(new Reading(Quantity.TEMPERATURE, 3 + i % 4, t0 + i * 10L));
            }
            agent.flush();
            assertThat(agent.awaitDrained(Duration.ofSeconds(90))).as("drained: %s", agent.describe()).isTrue();
        }
        assertThat(registry.count("SELECT count(*) FROM readings WHERE device_id = 'coap-sm2-1'")).isEqualTo(20);
        assertThat(registry.count("SELECT count(*) FROM audit_log WHERE action = 'TRANSPORT_KEY_SET' AND subject = 'coap-sm2-1'"))
                .isEqualTo(1);

        OperatorKey.authorized().delete(path).then().statusCode(204);
        OperatorKey.authorized().get(path).then().statusCode(200).body("kid", org.hamcrest.Matchers.nullValue());
        try (CoapDevices.RawClient removed = new CoapDevices.RawClient(config)) {
            assertThat(removed.handshake()).as("transport key removed").isFalse();
        }
    }

    /**
     * Issue 20 over CoAP: an ML-DSA-65 device creates its own P-256 DTLS transport key (DTLS has no
     * ML-DSA), which is registered through the API, and sends ML-DSA-signed messages (3.4 KB and more,
     * block-wise) that are stored and acknowledged.
     */
    @Test
    void mlDsaDeviceSignsWithMlDsaAndAuthenticatesDtlsWithItsOwnTransportKey() throws Exception {
        CoapDevices registry = devices();
        CoapDevices.Device pq = registry.new Device("acme", "coap-pq-1", SignatureAlgorithm.ML_DSA_65);
        AgentConfig config = pq.config(true, Map.of());
        Path transportFile = CoapTransport.dtlsKeyFile(config);
        assertThat(transportFile).isEqualTo(pq.home.resolve(CoapTransport.TRANSPORT_KEY_FILE));
        SigningKey transport = KeyFiles.load(transportFile);
        assertThat(transport.algorithm()).isEqualTo(SignatureAlgorithm.ES256);
        OperatorKey.authorized().contentType("application/json")
                .body(Map.of("publicKey", Base64.getEncoder().encodeToString(transport.verificationKey().spki())))
                .put("/api/v1/tenants/acme/devices/coap-pq-1/transport-key").then().statusCode(200);

        long t0 = System.currentTimeMillis() - 60_000;
        try (EdgeAgent agent = pq.agent(config)) {
            for (int i = 0; i < 40; i++) {
                agent.submit(new Reading(Quantity.TEMPERATURE, 3 + i % 4, t0 + i * 10L));
            }
            agent.flush();
            assertThat(agent.awaitDrained(Duration.ofSeconds(90))).as("drained: %s", agent.describe()).isTrue();
        }
        assertThat(registry.count("SELECT count(*) FROM readings WHERE device_id = 'coap-pq-1'")).isEqualTo(40);
        assertThat(registry.count("SELECT count(*) FROM messages WHERE device_id = 'coap-pq-1' AND octet_length(raw) > 3309"))
                .as("ML-DSA-65 messages").isGreaterThan(0);
    }

    @Test
    void refusalsAreAnsweredWithTheirCodesAndQuarantined() throws Exception {
        CoapDevices registry = devices();
        CoapDevices.Device device = registry.new Device("acme", "coap-ref-1");
        registry.new Device("acme", "coap-ref-2");
        AgentConfig config = device.config(false, Map.of());
        try (CoapDevices.RawClient client = new CoapDevices.RawClient(config)) {
            byte[] tampered = device.sign(1, 1, 1, System.currentTimeMillis());
            tampered[tampered.length - 2] ^= 0x40;
            CoapResponse bad = client.post("t/acme/d/coap-ref-1/up", tampered);
            assertThat(bad.getCode()).isEqualTo(ResponseCode.FORBIDDEN);
            assertThat(bad.getResponseText()).startsWith("BAD_SIGNATURE");

            CoapResponse future = client.post("t/acme/d/coap-ref-1/up", device.sign(1, 1, 2, System.currentTimeMillis() + 3_600_000));
            assertThat(future.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
            Acknowledgement rejection = AcknowledgementCodec.verify(future.getPayload(), ingest.ackKey());
            assertThat(rejection.rejection(1, 2)).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo("FUTURE_TIMESTAMP"));

            CoapResponse elsewhere = client.post("t/acme/d/coap-ref-2/up", device.sign(1, 1, 3, System.currentTimeMillis()));
            assertThat(elsewhere.getCode()).isEqualTo(ResponseCode.FORBIDDEN);
            assertThat(elsewhere.getResponseText()).startsWith("PEER_MISMATCH");

            assertThat(client.post("t/acme/d/coap-ref-1/up", device.sign(1, 1, 4, System.currentTimeMillis())).getCode())
                    .isEqualTo(ResponseCode.CHANGED);
            device.setStatus("REVOKED");
            CoapResponse revoked = client.post("t/acme/d/coap-ref-1/up", device.sign(1, 1, 5, System.currentTimeMillis()));
            assertThat(revoked.getCode()).isEqualTo(ResponseCode.FORBIDDEN);
            assertThat(revoked.getResponseText()).startsWith("DEVICE_INACTIVE");
        }
        try (CoapDevices.RawClient again = new CoapDevices.RawClient(device.config(true, Map.of()))) {
            assertThat(again.handshake()).as("a revoked device's raw public key fails the handshake").isFalse();
        }
        assertThat(registry.count("SELECT count(*) FROM messages WHERE device_id = 'coap-ref-1'")).isEqualTo(1);
        for (String reason : List.of("BAD_SIGNATURE", "FUTURE_TIMESTAMP", "PEER_MISMATCH", "DEVICE_INACTIVE")) {
            assertThat(registry.count("SELECT count(*) FROM quarantine WHERE reason = '" + reason + "' AND source = 'coap:acme/coap-ref-1'"))
                    .as(reason).isEqualTo(1);
        }
    }

    @Test
    void aFullQueueAnswersServiceUnavailableWithMaxAgeAndEverythingIsStoredOnRetry() throws Exception {
        CoapDevices registry = devices();
        CoapDevices.Device device = registry.new Device("acme", "coap-busy-1");
        ExecutorService senders = Executors.newFixedThreadPool(16);
        try (CoapDevices.RawClient client = new CoapDevices.RawClient(device.config(true, Map.of()))) {
            assertThat(client.handshake()).isTrue();
            List<CompletableFuture<CoapResponse>> burst = new ArrayList<>();
            List<byte[]> messages = new ArrayList<>();
            long t0 = System.currentTimeMillis() - 10_000;
            for (long seq = 1; seq <= 48; seq++) {
                // one reading time per message: the store keeps one reading per device, quantity and time
                byte[] message = device.sign(1, 1, seq, t0 + seq);
                messages.add(message);
                burst.add(CompletableFuture.supplyAsync(() -> client.post("t/acme/d/coap-busy-1/up", message), senders));
            }
            CoapResponse overloaded = null;
            List<byte[]> refused = new ArrayList<>();
            for (int i = 0; i < burst.size(); i++) {
                CoapResponse r = burst.get(i).get(60, TimeUnit.SECONDS);
                if (r.getCode() == ResponseCode.SERVICE_UNAVAILABLE) {
                    overloaded = r;
                    refused.add(messages.get(i));
                } else {
                    assertThat(r.getCode()).isEqualTo(ResponseCode.CHANGED);
                }
            }
            // the burst is over; one request at a time never finds the queue full
            for (byte[] message : refused) {
                assertThat(client.post("t/acme/d/coap-busy-1/up", message).getCode()).isEqualTo(ResponseCode.CHANGED);
            }
            assertThat(overloaded).as("48 concurrent requests against a queue of one").isNotNull();
            assertThat(overloaded.getOptions().getMaxAge()).isEqualTo(1L);
        } finally {
            senders.shutdownNow();
        }
        assertThat(registry.count("SELECT count(*) FROM messages WHERE device_id = 'coap-busy-1'")).isEqualTo(48);
        assertThat(coap.adapter().orElseThrow().ingest().counters().get("overloaded")).isPositive();
    }

    /**
     * Reading {@code i} of a mixed stream: temperature, humidity and an emissions register that
     * rises by one gram per reading (a register never decreases).
     */
    private static Reading reading(int i, long time) {
        return switch (i % 3) {
            case 0 -> new Reading(Quantity.TEMPERATURE, 10 + i % 20, time);
            case 1 -> new Reading(Quantity.HUMIDITY, 10 + i % 20, time);
            default -> new Reading(Quantity.CO2E_REGISTER, 1_000 + i, time);
        };
    }
}
