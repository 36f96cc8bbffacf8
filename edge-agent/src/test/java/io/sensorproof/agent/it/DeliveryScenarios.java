package io.sensorproof.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.protocol.ack.Acknowledgement;
import io.sensorproof.protocol.ack.AcknowledgementCodec;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.senml.Reading;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delivery behaviour every broker must support; subclasses say which broker. */
abstract class DeliveryScenarios {
    @TempDir
    Path dir;

    abstract String brokerUrl();

    /** Every (boot, seq) arrived with one content only, and the readings arrived in full. */
    static void assertDeliveredExactly(List<AcknowledgingGateway.Delivery> deliveries, List<Reading> expected) {
        Map<String, String> bytesById = new HashMap<>();
        for (AcknowledgingGateway.Delivery d : deliveries) {
            String hex = HexFormat.of().formatHex(d.bytes());
            String previous = bytesById.putIfAbsent(d.boot() + ":" + d.seq(), hex);
            assertThat(previous == null || previous.equals(hex)).as("duplicate of %s:%s is byte-identical", d.boot(), d.seq()).isTrue();
        }
        List<Reading> received = new ArrayList<>();
        deliveries.stream().filter(distinctBy(bytesById)).sorted((a, b) -> Long.compare(a.seq(), b.seq()))
                .forEach(d -> received.addAll(d.message().pack().readings()));
        assertThat(received).containsExactlyInAnyOrderElementsOf(expected);
    }

    private static java.util.function.Predicate<AcknowledgingGateway.Delivery> distinctBy(Map<String, String> ids) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        return d -> seen.add(d.boot() + ":" + d.seq());
    }

    @Test
    void deliversEveryReadingSignedAndDrainsTheOutbox() throws Exception {
        SigningKey device = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        String deviceId = "dev-" + getClass().getSimpleName().toLowerCase().substring(0, 5);
        try (AcknowledgingGateway gateway = new AcknowledgingGateway(brokerUrl(), AgentHarness.GATEWAY_KEY, device.verificationKey());
                EdgeAgent agent = AgentHarness.start(AgentHarness.config(AgentHarness.properties(brokerUrl(), dir.resolve("agent"), deviceId)), device)) {
            List<Reading> sent = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                Reading r = AgentHarness.reading(i);
                agent.submit(r);
                sent.add(r);
            }
            agent.flush();
            assertThat(agent.awaitDrained(Duration.ofSeconds(60))).as("drained: %s", agent.describe()).isTrue();
            assertThat(gateway.invalid()).isEmpty();
            assertDeliveredExactly(gateway.deliveries(), sent);
            assertThat(agent.outboxStats().lastStored()).isPresent();
            waitFor(() -> !gateway.statuses().isEmpty(), Duration.ofSeconds(10));
            assertThat(gateway.statuses().get(0).deviceId()).isEqualTo(deviceId);
            assertThat(gateway.statuses().get(0).boot()).isEqualTo(agent.boot());
        }
    }

    /** Issue 20: an ML-DSA-44 device, and acknowledgements signed with an ML-DSA-65 gateway key, which the agent verifies. */
    @Test
    void mlDsaDeviceDrainsOnMlDsaSignedAcknowledgements() throws Exception {
        SigningKey device = Keys.generate(SignatureAlgorithm.ML_DSA_44, new SecureRandom());
        SigningKey ackKey = Keys.generate(SignatureAlgorithm.ML_DSA_65, new SecureRandom());
        String deviceId = "pq-" + getClass().getSimpleName().toLowerCase().substring(0, 5);
        Properties p = AgentHarness.properties(brokerUrl(), dir.resolve("agent"), deviceId);
        p.setProperty("gateway.ack-key", Base64.getEncoder().encodeToString(ackKey.verificationKey().spki()));
        try (AcknowledgingGateway gateway = new AcknowledgingGateway(brokerUrl(), ackKey, device.verificationKey());
                EdgeAgent agent = AgentHarness.start(AgentHarness.config(p), device, ackKey.verificationKey())) {
            List<Reading> sent = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                Reading r = AgentHarness.reading(i);
                agent.submit(r);
                sent.add(r);
            }
            agent.flush();
            assertThat(agent.awaitDrained(Duration.ofSeconds(60))).as("drained: %s", agent.describe()).isTrue();
            assertThat(gateway.invalid()).isEmpty();
            assertDeliveredExactly(gateway.deliveries(), sent);
            assertThat(agent.metrics().acksForged()).isZero();
        }
    }

    @Test
    void keepsMessagesWhenAnAcknowledgementIsForged() throws Exception {
        SigningKey device = Keys.generate(SignatureAlgorithm.EDDSA, new SecureRandom());
        SigningKey forger = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        String deviceId = "forged-" + getClass().getSimpleName().toLowerCase().substring(0, 5);
        try (AcknowledgingGateway gateway = new AcknowledgingGateway(brokerUrl(), AgentHarness.GATEWAY_KEY, device.verificationKey());
                EdgeAgent agent = AgentHarness.start(AgentHarness.config(AgentHarness.properties(brokerUrl(), dir.resolve("agent"), deviceId)), device)) {
            gateway.acknowledging(false);
            List<Reading> sent = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                sent.add(AgentHarness.reading(i));
                agent.submit(sent.get(i));
            }
            agent.flush();
            waitFor(() -> gateway.deliveries().size() >= 3, Duration.ofSeconds(20));
            long boot = agent.boot();
            Acknowledgement claim = new Acknowledgement(deviceId, System.currentTimeMillis(),
                    List.of(new io.sensorproof.protocol.ack.BootAck(boot, List.of(new io.sensorproof.protocol.ack.SeqRange(0, 100)), List.of())));
            gateway.publish(Topics.ack("acme", deviceId), AcknowledgementCodec.sign(claim, forger));
            byte[] tampered = AcknowledgementCodec.sign(claim, AgentHarness.GATEWAY_KEY);
            tampered[tampered.length - 1] ^= 1;
            gateway.publish(Topics.ack("acme", deviceId), tampered);
            waitFor(() -> agent.metrics().acksForged() >= 2, Duration.ofSeconds(10));
            assertThat(agent.outboxStats().depth()).isEqualTo(3);

            gateway.acknowledging(true);
            assertThat(agent.awaitDrained(Duration.ofSeconds(30))).as("drained after real acks: %s", agent.describe()).isTrue();
            assertDeliveredExactly(gateway.deliveries(), sent);

            long redundantBefore = agent.metrics().acksRedundant();
            gateway.publish(Topics.ack("acme", deviceId), AcknowledgementCodec.sign(Acknowledgement.stored(deviceId, 1, boot, 0),
                    AgentHarness.GATEWAY_KEY));
            waitFor(() -> agent.metrics().acksRedundant() > redundantBefore, Duration.ofSeconds(10));
            assertThat(agent.outboxStats().depth()).as("a replayed acknowledgement changes nothing").isZero();
        }
    }

    @Test
    void keepsRejectedMessagesAsideAndNeverResendsThem() throws Exception {
        SigningKey device = Keys.generate(SignatureAlgorithm.SM2_SM3, new SecureRandom());
        String deviceId = "reject-" + getClass().getSimpleName().toLowerCase().substring(0, 5);
        try (AcknowledgingGateway gateway = new AcknowledgingGateway(brokerUrl(), AgentHarness.GATEWAY_KEY, device.verificationKey());
                EdgeAgent agent = AgentHarness.start(AgentHarness.config(AgentHarness.properties(brokerUrl(), dir.resolve("agent"), deviceId)), device)) {
            gateway.reject(agent.boot(), 1, "INVALID_VALUE");
            for (int i = 0; i < 30; i++) {
                agent.submit(AgentHarness.reading(i));
            }
            agent.flush();
            assertThat(agent.awaitDrained(Duration.ofSeconds(30))).isTrue();
            assertThat(agent.outboxStats().keptAside()).isEqualTo(1);
            long copiesOfRejected = gateway.deliveries().stream().filter(d -> d.seq() == 1).count();
            // more traffic after the rejection: sent from the outbox in order, so a rejected message still
            // pending would go out again before these are acknowledged
            for (int i = 30; i < 50; i++) {
                agent.submit(AgentHarness.reading(i));
            }
            agent.flush();
            assertThat(agent.awaitDrained(Duration.ofSeconds(30))).isTrue();
            assertThat(gateway.deliveries().stream().filter(d -> d.seq() >= 3).count()).isGreaterThanOrEqualTo(2);
            assertThat(gateway.deliveries().stream().filter(d -> d.seq() == 1).count()).isEqualTo(copiesOfRejected);
        }
    }

    @Test
    void sealsPacksByAgeAndResendsInOrderAfterTheAcknowledgementTimeout() throws Exception {
        SigningKey device = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        String deviceId = "timeout-" + getClass().getSimpleName().toLowerCase().substring(0, 5);
        java.util.Properties p = AgentHarness.properties(brokerUrl(), dir.resolve("agent"), deviceId);
        p.setProperty("ack.timeout-millis", "700");
        try (AcknowledgingGateway gateway = new AcknowledgingGateway(brokerUrl(), AgentHarness.GATEWAY_KEY, device.verificationKey());
                EdgeAgent agent = AgentHarness.start(AgentHarness.config(p), device)) {
            gateway.acknowledging(false);
            List<Reading> sent = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                sent.add(AgentHarness.reading(i));
                agent.submit(sent.get(i));
            }
            // no flush: the last 5 readings go out when the open pack is 200 ms old
            waitFor(() -> gateway.deliveries().stream().filter(d -> d.seq() == 2).count() >= 2, Duration.ofSeconds(20));
            assertThat(agent.metrics().snapshot().get("resends_after_timeout")).isGreaterThan(0);
            List<Long> order = gateway.deliveries().stream().map(AcknowledgingGateway.Delivery::seq).toList();
            assertThat(order.subList(0, 6)).as("sent in order, then again in order: %s", order).containsExactly(0L, 1L, 2L, 0L, 1L, 2L);
            gateway.acknowledging(true);
            assertThat(agent.awaitDrained(Duration.ofSeconds(30))).isTrue();
            assertDeliveredExactly(gateway.deliveries(), sent);
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition, Duration timeout) {
        org.awaitility.Awaitility.await().atMost(timeout).until(condition::getAsBoolean);
    }
}
