package io.sensorproof.gateway.core.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.gateway.core.AcceptedMessage;
import io.sensorproof.gateway.core.DeviceStatus;
import io.sensorproof.gateway.core.MessageStore;
import io.sensorproof.gateway.core.QuarantineEntry;
import io.sensorproof.gateway.core.StoredOutcome;
import io.sensorproof.protocol.ack.Acknowledgement;
import io.sensorproof.protocol.ack.AcknowledgementCodec;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CoAP over DTLS on loopback: the real edge agent (certificate and raw public key), messages above
 * Californium's 1 KiB default, signed rejections, unauthenticated refusals, a path naming another
 * device, a revoked device, and 5.03 back-pressure.
 */
class CoapIngestIT {
    @TempDir
    Path dir;

    @Test
    void agentWithCertificateIsStoredOnceAndDrainsIncludingMessagesAboveOneKib() throws Exception {
        try (CoapFixture gateway = new CoapFixture(dir)) {
            CoapFixture.Device device = gateway.new Device("acme", "cold-room-7", SignatureAlgorithm.ES256);
            // sealed by count only: a third of the readings are registers, each a durable write that a loaded machine can slow
            AgentConfig config = device.config(false, Map.of("pack.max-records", "100", "pack.max-age-millis", "600000"));
            long now = System.currentTimeMillis();
            try (EdgeAgent agent = device.agent(config)) {
                for (int i = 0; i < 330; i++) {
                    Quantity q = Quantity.values()[i % 3];
                    // the emissions register only goes up (the agent refuses a lower one)
                    agent.submit(new Reading(q, q == Quantity.CO2E_REGISTER ? 1_000 + i : 20 + i % 10, now - 60_000 + i));
                }
                agent.flush();
                assertThat(agent.awaitDrained(Duration.ofSeconds(60))).as("drained: %s", agent.describe()).isTrue();
                assertThat(agent.metrics().acksForged()).isZero();
            }
            assertThat(gateway.store.messages()).hasSize(4);
            assertThat(gateway.store.readingCount()).isEqualTo(330);
            assertThat(gateway.store.messages()).filteredOn(m -> m.raw().length > 1024).hasSizeGreaterThanOrEqualTo(3);
            assertThat(gateway.store.messages()).allSatisfy(m -> assertThat(m.sourceConnectionId()).isEqualTo("coap:acme/cold-room-7"));
            assertThat(gateway.quarantine.entries()).isEmpty();
            assertThat(gateway.adapter.verifier().accepted()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void agentWithRawPublicKeyIsStoredAndItsStatusRecorded() throws Exception {
        try (CoapFixture gateway = new CoapFixture(dir)) {
            CoapFixture.Device device = gateway.new Device("acme", "freezer-2", SignatureAlgorithm.ES256);
            AgentConfig config = device.config(true, Map.of());
            long now = System.currentTimeMillis();
            try (EdgeAgent agent = device.agent(config)) {
                for (int i = 0; i < 25; i++) {
                    agent.submit(new Reading(Quantity.TEMPERATURE, -18 + i % 3, now - 1000 + i));
                }
                agent.flush();
                assertThat(agent.awaitDrained(Duration.ofSeconds(60))).as("drained: %s", agent.describe()).isTrue();
            }
            assertThat(gateway.store.readingCount()).isEqualTo(25);
            assertThat(gateway.adapter.ingest().counters()).containsEntry("status.accepted", 1L);
        }
    }

    @Test
    void ed25519DeviceAuthenticatesWithItsOwnKeyByCertificateAndRawPublicKey() throws Exception {
        try (CoapFixture gateway = new CoapFixture(dir)) {
            CoapFixture.Device device = gateway.new Device("acme", "ed-1", SignatureAlgorithm.EDDSA);
            for (boolean rawPublicKey : new boolean[] {false, true}) {
                try (CoapFixture.RawClient client = new CoapFixture.RawClient(device.config(rawPublicKey, Map.of()))) {
                    long seq = rawPublicKey ? 2 : 1;
                    CoapResponse response = client.post("t/acme/d/ed-1/up", sign(device, 1, seq, System.currentTimeMillis()));
                    assertThat(response).as("answer over DTLS with an Ed25519 %s", rawPublicKey ? "raw public key" : "certificate").isNotNull();
                    assertThat(response.getCode()).isEqualTo(ResponseCode.CHANGED);
                }
            }
            assertThat(gateway.store.messages()).hasSize(2);
        }
    }

    @Test
    void sm2DeviceUsesAP256TransportKeyRegisteredForItsDevice() throws Exception {
        try (CoapFixture gateway = new CoapFixture(dir)) {
            CoapFixture.Device device = gateway.new Device("acme", "sm2-1", SignatureAlgorithm.SM2_SM3);
            AgentConfig rpk = device.config(true, Map.of());
            SigningKey transportKey = io.sensorproof.agent.keys.KeyFiles.load(io.sensorproof.agent.transport.CoapTransport.dtlsKeyFile(rpk));
            assertThat(transportKey.algorithm()).isEqualTo(SignatureAlgorithm.ES256);
            try (CoapFixture.RawClient unregistered = new CoapFixture.RawClient(rpk)) {
                assertThat(unregistered.handshake()).as("transport key not registered yet").isFalse();
            }
            gateway.transportKeys.put(java.nio.ByteBuffer.wrap(transportKey.verificationKey().kid()),
                    new io.sensorproof.gateway.core.TransportPeer("acme", "sm2-1"));
            try (EdgeAgent agent = device.agent(rpk)) {
                agent.submit(new Reading(Quantity.CO2E_REGISTER, 1500, System.currentTimeMillis() - 1000));
                agent.flush();
                assertThat(agent.awaitDrained(Duration.ofSeconds(60))).as("drained: %s", agent.describe()).isTrue();
            }
            try (CoapFixture.RawClient byCertificate = new CoapFixture.RawClient(device.config(false, Map.of()))) {
                assertThat(byCertificate.post("t/acme/d/sm2-1/up", sign(device, 2, 100, System.currentTimeMillis())).getCode())
                        .isEqualTo(ResponseCode.CHANGED);
            }
            assertThat(gateway.store.messages()).hasSize(2);
        }
    }

    @Test
    void messageOfFifteenKibArrivesBlockwiseAndOneAboveSixteenKibIsRefused() throws Exception {
        try (CoapFixture gateway = new CoapFixture(dir);
                CoapFixture.RawClient client = new CoapFixture.RawClient(
                        gateway.new Device("acme", "big-1", SignatureAlgorithm.ES256).config(false, Map.of()))) {
            CoapFixture.Device device = gateway.new Device("acme", "big-2", SignatureAlgorithm.ES256);
            try (CoapFixture.RawClient own = new CoapFixture.RawClient(device.config(false, Map.of()))) {
                byte[] message = sign(device, 256, 1, System.currentTimeMillis());
                assertThat(message.length).isBetween(8 * 1024, 16 * 1024);
                CoapResponse response = own.post("t/acme/d/big-2/up", message);
                assertThat(response.getCode()).isEqualTo(ResponseCode.CHANGED);
                Acknowledgement ack = AcknowledgementCodec.verify(response.getPayload(), gateway.gatewayKey.verificationKey());
                assertThat(ack.isStored(1, 1)).isTrue();
                assertThat(gateway.store.readingCount()).isEqualTo(256);
            }
            CoapResponse tooLarge = client.post("t/acme/d/big-1/up", new byte[16 * 1024 + 100]);
            assertThat(tooLarge.getCode()).isEqualTo(ResponseCode.REQUEST_ENTITY_TOO_LARGE);
        }
    }

    @Test
    void authenticMessageWithFutureReadingGetsSignedRejectionAndIsQuarantined() throws Exception {
        try (CoapFixture gateway = new CoapFixture(dir)) {
            CoapFixture.Device device = gateway.new Device("acme", "cold-room-7", SignatureAlgorithm.ES256);
            try (CoapFixture.RawClient client = new CoapFixture.RawClient(device.config(false, Map.of()))) {
                byte[] future = sign(device, 1, 4, System.currentTimeMillis() + 3_600_000);
                CoapResponse response = client.post("t/acme/d/cold-room-7/up", future);
                assertThat(response.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
                assertThat(response.getOptions().getContentFormat()).isEqualTo(CoapReply.COSE_SIGN1);
                Acknowledgement rejection = AcknowledgementCodec.verify(response.getPayload(), gateway.gatewayKey.verificationKey());
                assertThat(rejection.rejection(1, 4)).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo("FUTURE_TIMESTAMP"));

                byte[] conflicting = sign(device, 1, 5, System.currentTimeMillis());
                assertThat(client.post("t/acme/d/cold-room-7/up", conflicting).getCode()).isEqualTo(ResponseCode.CHANGED);
                CoapResponse conflict = client.post("t/acme/d/cold-room-7/up", sign(device, 2, 5, System.currentTimeMillis() - 5));
                assertThat(conflict.getCode()).isEqualTo(ResponseCode.CONFLICT);
                assertThat(AcknowledgementCodec.verify(conflict.getPayload(), gateway.gatewayKey.verificationKey()).rejection(1, 5))
                        .hasValueSatisfying(r -> assertThat(r.code()).isEqualTo("CONFLICTING_DUPLICATE"));
            }
            assertThat(gateway.quarantine.entries()).extracting(e -> e.reason().name()).containsExactly("FUTURE_TIMESTAMP", "CONFLICTING_DUPLICATE");
            assertThat(gateway.quarantine.entries()).allSatisfy(e -> assertThat(e.authenticated()).isTrue());
        }
    }

    @Test
    void tamperedMessageGetsUnsignedForbiddenAndIsQuarantined() throws Exception {
        try (CoapFixture gateway = new CoapFixture(dir)) {
            CoapFixture.Device device = gateway.new Device("acme", "cold-room-7", SignatureAlgorithm.ES256);
            try (CoapFixture.RawClient client = new CoapFixture.RawClient(device.config(true, Map.of()))) {
                byte[] message = sign(device, 3, 1, System.currentTimeMillis());
                message[message.length - 3] ^= 0x01;
                CoapResponse response = client.post("t/acme/d/cold-room-7/up", message);
                assertThat(response.getCode()).isEqualTo(ResponseCode.FORBIDDEN);
                assertThat(response.getOptions().hasContentFormat()).isFalse();
                assertThat(response.getResponseText()).startsWith("BAD_SIGNATURE");
                QuarantineEntry entry = gateway.quarantine.entries().get(0);
                assertThat(entry.reason().name()).isEqualTo("BAD_SIGNATURE");
                assertThat(entry.raw()).isEqualTo(message);
                assertThat(entry.sourceConnectionId()).isEqualTo("coap:acme/cold-room-7");
            }
            assertThat(gateway.store.messages()).isEmpty();
        }
    }

    @Test
    void pathNamingAnotherDeviceIsRefusedAsPeerMismatch() throws Exception {
        try (CoapFixture gateway = new CoapFixture(dir)) {
            CoapFixture.Device mallory = gateway.new Device("acme", "mallory", SignatureAlgorithm.ES256);
            CoapFixture.Device victim = gateway.new Device("acme", "victim", SignatureAlgorithm.ES256);
            byte[] victimsMessage = sign(victim, 1, 1, System.currentTimeMillis());
            try (CoapFixture.RawClient client = new CoapFixture.RawClient(mallory.config(false, Map.of()))) {
                CoapResponse response = client.post("t/acme/d/victim/up", victimsMessage);
                assertThat(response.getCode()).isEqualTo(ResponseCode.FORBIDDEN);
                assertThat(response.getResponseText()).startsWith("PEER_MISMATCH");
                CoapResponse status = client.post("t/acme/d/victim/status", new byte[] {1});
                assertThat(status.getCode()).isEqualTo(ResponseCode.FORBIDDEN);
            }
            assertThat(gateway.store.messages()).isEmpty();
            assertThat(gateway.quarantine.entries()).singleElement().satisfies(e -> {
                assertThat(e.reason().name()).isEqualTo("PEER_MISMATCH");
                assertThat(e.sourceConnectionId()).isEqualTo("coap:acme/mallory");
            });
        }
    }

    @Test
    void revokedDeviceFailsTheHandshakeAndLosesAnEstablishedSession() throws Exception {
        try (CoapFixture gateway = new CoapFixture(dir)) {
            CoapFixture.Device revoked = gateway.new Device("acme", "old-7", SignatureAlgorithm.ES256);
            revoked.setStatus(DeviceStatus.REVOKED);
            try (CoapFixture.RawClient client = new CoapFixture.RawClient(revoked.config(true, Map.of()))) {
                assertThat(client.handshake()).isFalse();
            }
            assertThat(gateway.adapter.verifier().refused()).containsEntry("PEER_INACTIVE", 1L);

            CoapFixture.Device suspended = gateway.new Device("acme", "old-8", SignatureAlgorithm.ES256);
            try (CoapFixture.RawClient client = new CoapFixture.RawClient(suspended.config(false, Map.of()))) {
                assertThat(client.post("t/acme/d/old-8/up", sign(suspended, 1, 1, System.currentTimeMillis())).getCode())
                        .isEqualTo(ResponseCode.CHANGED);
                suspended.setStatus(DeviceStatus.SUSPENDED);
                CoapResponse response = client.post("t/acme/d/old-8/up", sign(suspended, 1, 2, System.currentTimeMillis()));
                assertThat(response.getCode()).isEqualTo(ResponseCode.FORBIDDEN);
                assertThat(response.getResponseText()).startsWith("DEVICE_INACTIVE");
            }
            assertThat(gateway.store.messages()).hasSize(1);
        }
    }

    @Test
    void fullQueueAnswersServiceUnavailableWithMaxAge() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        MessageStoreGate gate = new MessageStoreGate(release);
        try (CoapFixture gateway = new CoapFixture(dir,
                s -> new CoapIngestSettings(s.bindAddress(), 1, 1, Duration.ZERO, Duration.ofSeconds(7), s.maxMessageSize(), s.preferredBlockSize()),
                store -> gate.wrap(store))) {
            CoapFixture.Device device = gateway.new Device("acme", "busy-1", SignatureAlgorithm.ES256);
            java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(2);
            try (CoapFixture.RawClient client = new CoapFixture.RawClient(device.config(false, Map.of()))) {
                assertThat(client.handshake()).isTrue();
                CompletableFuture<CoapResponse> first = postAsync(client, sign(device, 1, 1, System.currentTimeMillis()), senders);
                assertThat(gate.entered.await(20, TimeUnit.SECONDS)).as("the worker holds the first batch").isTrue();
                CompletableFuture<CoapResponse> second = postAsync(client, sign(device, 1, 2, System.currentTimeMillis()), senders);
                await("the second request queued").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5))
                        .until(() -> gateway.adapter.ingest().queueDepth() >= 1);
                assertThat(gateway.adapter.ingest().queueDepth()).as("the second request waits in the queue").isEqualTo(1);
                CoapResponse overloaded = client.post("t/acme/d/busy-1/up", sign(device, 1, 3, System.currentTimeMillis()));
                assertThat(overloaded.getCode()).isEqualTo(ResponseCode.SERVICE_UNAVAILABLE);
                assertThat(overloaded.getOptions().getMaxAge()).isEqualTo(7L);
                assertThat(new String(overloaded.getPayload(), StandardCharsets.UTF_8)).startsWith("OVERLOADED");
                release.countDown();
                assertThat(first.get(30, TimeUnit.SECONDS).getCode()).isEqualTo(ResponseCode.CHANGED);
                assertThat(second.get(30, TimeUnit.SECONDS).getCode()).isEqualTo(ResponseCode.CHANGED);
            } finally {
                release.countDown();
                senders.shutdownNow();
            }
            assertThat(gateway.adapter.ingest().counters().get("overloaded")).isPositive();
        }
    }

    private static CompletableFuture<CoapResponse> postAsync(CoapFixture.RawClient client, byte[] message,
            java.util.concurrent.Executor executor) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return client.post("t/acme/d/busy-1/up", message);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, executor);
    }

    @Test
    void agentHonoursMaxAgeOfServiceUnavailableAndDeliversEverythingOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        MessageStoreGate gate = new MessageStoreGate(release);
        try (CoapFixture gateway = new CoapFixture(dir,
                s -> new CoapIngestSettings(s.bindAddress(), 1, 1, Duration.ZERO, Duration.ofSeconds(1), s.maxMessageSize(), s.preferredBlockSize()),
                store -> gate.wrap(store))) {
            CoapFixture.Device device = gateway.new Device("acme", "patient-1", SignatureAlgorithm.ES256);
            AgentConfig config = device.config(false, Map.of("pack.max-records", "1"));
            java.util.concurrent.atomic.AtomicReference<io.sensorproof.agent.transport.CoapTransport> transport =
                    new java.util.concurrent.atomic.AtomicReference<>();
            try (EdgeAgent agent = EdgeAgent.start(config, device.key, gateway.gatewayKey.verificationKey(), metrics -> {
                transport.set(new io.sensorproof.agent.transport.CoapTransport(config,
                        new io.sensorproof.protocol.retry.Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), new java.security.SecureRandom()),
                        metrics::recordBackoff));
                return transport.get();
            }, java.time.Clock.systemUTC())) {
                long now = System.currentTimeMillis();
                for (int i = 0; i < 4; i++) {
                    agent.submit(new Reading(Quantity.TEMPERATURE, 5 + i, now - 1000 + i));
                }
                assertThat(gate.entered.await(30, TimeUnit.SECONDS)).isTrue();
                await("the agent meets a full queue").atMost(Duration.ofSeconds(30))
                        .until(() -> transport.get().responses().getOrDefault("5.03", 0L) > 0);
                assertThat(transport.get().responses()).as("the agent met a full queue").containsKey("5.03");
                release.countDown();
                assertThat(agent.awaitDrained(Duration.ofSeconds(60))).as("drained: %s", agent.describe()).isTrue();
                assertThat(agent.metrics().acksForged()).isZero();
            }
            assertThat(gateway.store.messages()).hasSize(4);
            assertThat(gateway.quarantine.entries()).isEmpty();
        } finally {
            release.countDown();
        }
    }

    /** Holds the first store call until released, so the queue behind it fills. */
    static final class MessageStoreGate {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release;

        MessageStoreGate(CountDownLatch release) {
            this.release = release;
        }

        MessageStore wrap(MessageStore store) {
            return new MessageStore() {
                @Override
                public StoredOutcome store(List<AcceptedMessage> batch) {
                    entered.countDown();
                    try {
                        release.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return store.store(batch);
                }

                @Override
                public Map<io.sensorproof.gateway.core.MessageKey, io.sensorproof.gateway.core.ContentDigest> storedDigests(
                        Collection<io.sensorproof.gateway.core.MessageKey> keys) {
                    return store.storedDigests(keys);
                }
            };
        }
    }

    static byte[] sign(CoapFixture.Device device, int records, long seq, long timeMillis) {
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            readings.add(new Reading(Quantity.TEMPERATURE, 4.25 + i % 7, timeMillis - records + i));
        }
        return ReadingMessages.sign(new ReadingPack(device.id, readings), 1, seq, System.currentTimeMillis(), device.key);
    }
}
