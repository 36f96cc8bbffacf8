package io.sensorproof.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.senml.Reading;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Delivery scenarios against an embedded HiveMQ CE broker, plus a broker outage. */
class HiveMqDeliveryIT extends DeliveryScenarios {
    private static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedBroker.start(Files.createTempDirectory("hivemq"));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    @Override
    String brokerUrl() {
        return broker.url();
    }

    @Test
    void losesNothingThroughABrokerOutageAndBacksOff() throws Exception {
        SigningKey device = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        Properties p = AgentHarness.properties(broker.url(), dir.resolve("agent"), "outage-1");
        try (AcknowledgingGateway gateway = new AcknowledgingGateway(broker.url(), AgentHarness.GATEWAY_KEY, device.verificationKey());
                EdgeAgent agent = AgentHarness.start(AgentHarness.config(p), device)) {
            List<Reading> sent = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                sent.add(AgentHarness.reading(i));
                agent.submit(sent.get(i));
            }
            agent.flush();
            assertThat(agent.awaitDrained(Duration.ofSeconds(30))).isTrue();

            long reconnectsBefore = agent.metrics().reconnectsScheduled();
            broker.stop();
            int backlog = 5_000;
            for (int i = 200; i < 200 + backlog; i++) {
                sent.add(AgentHarness.reading(i));
                agent.submit(sent.get(i));
            }
            agent.flush();
            assertThat(agent.outboxStats().depth()).as("backlog kept while the broker is down").isEqualTo(backlog / 10);
            await("reconnect attempts with growing delays").atMost(Duration.ofSeconds(30))
                    .until(() -> agent.metrics().reconnectsScheduled() - reconnectsBefore >= 3 && agent.metrics().maxBackoffMillis() > 200);
            assertThat(agent.outboxStats().depth()).as("backlog kept while the broker is down").isEqualTo(backlog / 10);

            long connectsBefore = agent.metrics().connects();
            long restarted = System.nanoTime();
            broker.startAgain();
            waitFor(() -> agent.metrics().connects() > connectsBefore, Duration.ofSeconds(60));
            long reconnected = System.nanoTime();
            assertThat(agent.awaitDrained(Duration.ofSeconds(90))).as("drained: %s", agent.describe()).isTrue();
            double seconds = (System.nanoTime() - reconnected) / 1e9;
            System.out.printf("backlog drain: %d messages (%d readings) in %.2f s from reconnect (%.2f s after broker start) = %.0f msg/s, "
                    + "%.0f readings/s%n", backlog / 10, backlog, seconds, (reconnected - restarted) / 1e9, backlog / 10 / seconds,
                    backlog / seconds);
            assertDeliveredExactly(gateway.deliveries(), sent);
        }
    }

    /**
     * ADR 041: the broker stops while the gateway's acknowledgement of the second message waits for
     * its PUBACK (held inside the broker), then starts again. The gateway's next connection must
     * acknowledge again and the agent drain. A gateway that reused its Paho client resent that
     * publish with the topic alias of the lost connection and no topic name, HiveMQ disconnected it
     * for the unmapped alias after every reconnect, and nothing was acknowledged any more (ci20:
     * 20 of 520 messages acknowledged in losesNothingThroughABrokerOutageAndBacksOff).
     */
    @Test
    void drainsAfterTheBrokerStopsWithAnAcknowledgementInFlight() throws Exception {
        PublishHold hold = new PublishHold(topic -> topic.endsWith("/ack"));
        SigningKey device = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        try (EmbeddedBroker own = EmbeddedBroker.start(dir.resolve("hivemq"), hold.embedded());
                AcknowledgingGateway gateway = new AcknowledgingGateway(own.url(), AgentHarness.GATEWAY_KEY, device.verificationKey());
                EdgeAgent agent = AgentHarness.start(AgentHarness.config(AgentHarness.properties(own.url(), dir.resolve("agent"), "inflight-1")),
                        device)) {
            List<Reading> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                sent.add(AgentHarness.reading(i));
                agent.submit(sent.get(i));
                if (i == 9) {
                    // the first acknowledgement goes through: Paho gave the ack topic an alias with it
                    agent.flush();
                    assertThat(agent.awaitDrained(Duration.ofSeconds(30))).as("first message acknowledged").isTrue();
                    hold.arm();
                }
            }
            agent.flush();
            await("the second acknowledgement is held in the broker").atMost(Duration.ofSeconds(30)).until(() -> hold.held() >= 1);

            own.stop();
            hold.disarm();
            own.startAgain();
            assertThat(agent.awaitDrained(Duration.ofSeconds(60))).as("drained: %s", agent.describe()).isTrue();
            assertThat(gateway.invalid()).isEmpty();
            assertDeliveredExactly(gateway.deliveries(), sent);
        }
    }

    /**
     * Issue 17 item 1: under BLOCK a submitter waits for outbox space inside the agent; a reconnect
     * during that wait must not get stuck behind it (it did: the status message needed the lock the
     * waiting seal held, so the transport's only reconnect thread blocked and after the next broker
     * restart nothing ever reconnected). Fills the outbox with acknowledgements held back, restarts
     * the broker twice, then lets the gateway acknowledge: everything must drain, every reading once.
     */
    @Test
    void drainsAFullOutboxAfterTwoBrokerRestartsWhileASubmitterWaitsForSpace() throws Exception {
        SigningKey device = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        Properties p = AgentHarness.properties(broker.url(), dir.resolve("agent"), "full-1");
        p.setProperty("outbox.capacity-bytes", Long.toString(128L << 10));
        int readings = 4_000;
        try (AcknowledgingGateway gateway = new AcknowledgingGateway(broker.url(), AgentHarness.GATEWAY_KEY, device.verificationKey());
                EdgeAgent agent = AgentHarness.start(AgentHarness.config(p), device)) {
            gateway.acknowledging(false);
            List<Reading> sent = new ArrayList<>();
            for (int i = 0; i < readings; i++) {
                sent.add(AgentHarness.reading(i));
            }
            CompletableFuture<Void> submitter = CompletableFuture.runAsync(() -> {
                try {
                    for (Reading r : sent) {
                        agent.submit(r);
                    }
                    agent.flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            await("the outbox is full and a submitter waits for space").atMost(Duration.ofSeconds(60))
                    .until(() -> agent.outboxStats().overflowWaits() > 0);
            assertThat(submitter).isNotDone();

            for (int bounce = 1; bounce <= 2; bounce++) {
                long connects = agent.metrics().connects();
                broker.stop();
                broker.startAgain();
                int b = bounce;
                await("reconnect after broker restart " + bounce).atMost(Duration.ofSeconds(60))
                        .failFast("the submitter finished although nothing was acknowledged", submitter::isDone)
                        .until(() -> agent.metrics().connects() > connects);
                assertThat(submitter).as("still waiting for space after restart %d", b).isNotDone();
            }

            gateway.acknowledging(true);
            submitter.get(120, TimeUnit.SECONDS);
            assertThat(agent.awaitDrained(Duration.ofSeconds(120))).as("drained: %s", agent.describe()).isTrue();
            assertThat(gateway.invalid()).isEmpty();
            assertDeliveredExactly(gateway.deliveries(), sent);
        }
    }
}
