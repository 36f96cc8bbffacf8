package io.sensorproof.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.agent.outbox.FileIo;
import io.sensorproof.agent.runtime.AgentRuntime;
import io.sensorproof.protocol.retry.Backoff;
import io.sensorproof.agent.transport.MqttTransport;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.senml.Reading;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ADR 048: agents sharing one {@link AgentRuntime} (how the fleet simulator runs thousands in a JVM)
 * behave as agents with their own threads: packs sealed by age, everything resent in order after the
 * acknowledgement timeout, reconnected after a broker restart, every reading delivered once; and none
 * of them holds a thread of its own (no sender, timer, acknowledgement or reconnect thread, no Paho
 * keep-alive timer).
 */
class SharedRuntimeDeliveryIT {
    private static final int AGENTS = 3;

    /** One broker for both tests (a HiveMQ start costs seconds); the restart test leaves it running. */
    private static EmbeddedBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedBroker.start(Files.createTempDirectory("hivemq-shared-runtime"));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    private static EdgeAgent start(AgentConfig config, SigningKey device, AgentRuntime runtime) throws Exception {
        return EdgeAgent.start(config, device, AgentHarness.GATEWAY_KEY.verificationKey(),
                metrics -> new MqttTransport(config, new Backoff(config.reconnectMin(), config.reconnectMax(), new SecureRandom()),
                        metrics::recordBackoff, runtime),
                Clock.systemUTC(), FileIo.SYSTEM, runtime);
    }

    private static List<AcknowledgingGateway.Delivery> of(AcknowledgingGateway gateway, String device) {
        return gateway.deliveries().stream().filter(d -> d.message().pack().deviceId().equals(device)).toList();
    }

    /**
     * Threads an agent or its Paho client would start for itself (none on a shared runtime): the
     * agent's sender, timer and acknowledgement threads, the transport's reconnect thread, and Paho's
     * keep-alive {@link java.util.Timer} (the test gateway's own Paho client keeps one: not counted).
     */
    private static List<String> ownAgentThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("agent-") || t.getName().startsWith("mqtt-reconnect")
                        || t.getClass().getName().equals("java.util.TimerThread") && !t.getName().contains("test-gateway"))
                .map(Thread::getName).toList();
    }

    @Test
    void agentsOnOneRuntimeSealByAgeResendInOrderAfterTheTimeoutAndHoldNoThreadOfTheirOwn() throws Exception {
        SigningKey device = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        try (AcknowledgingGateway gateway = new AcknowledgingGateway(broker.url(), AgentHarness.GATEWAY_KEY, device.verificationKey());
                AgentRuntime runtime = AgentRuntime.create("test", 1, 4)) {
            List<EdgeAgent> agents = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            List<List<Reading>> sent = new ArrayList<>();
            gateway.acknowledging(false);
            try {
                for (int a = 0; a < AGENTS; a++) {
                    ids.add("shared-timeout-" + a);
                    Properties p = AgentHarness.properties(broker.url(), dir.resolve("agent-" + a), ids.get(a));
                    p.setProperty("ack.timeout-millis", "700");
                    agents.add(start(AgentHarness.config(p), device, runtime));
                    sent.add(new ArrayList<>());
                }
                for (int i = 0; i < 25; i++) {
                    for (int a = 0; a < AGENTS; a++) {
                        Reading r = AgentHarness.reading(i);
                        agents.get(a).submit(r);
                        sent.get(a).add(r);
                    }
                }
                // no flush: each agent's last 5 readings go out when its open pack is 200 ms old
                for (String id : ids) {
                    DeliveryScenarios.waitFor(() -> of(gateway, id).stream().filter(d -> d.seq() == 2).count() >= 2, Duration.ofSeconds(30));
                }
                assertThat(ownAgentThreads()).as("threads of single agents").isEmpty();
                for (int a = 0; a < AGENTS; a++) {
                    assertThat(agents.get(a).metrics().snapshot().get("resends_after_timeout")).isGreaterThan(0);
                    List<Long> order = of(gateway, ids.get(a)).stream().map(AcknowledgingGateway.Delivery::seq).toList();
                    assertThat(order.subList(0, 6)).as("sent in order, then again in order: %s", order).containsExactly(0L, 1L, 2L, 0L, 1L, 2L);
                }
                gateway.acknowledging(true);
                for (int a = 0; a < AGENTS; a++) {
                    assertThat(agents.get(a).awaitDrained(Duration.ofSeconds(30))).as("drained: %s", agents.get(a).describe()).isTrue();
                    DeliveryScenarios.assertDeliveredExactly(of(gateway, ids.get(a)), sent.get(a));
                }
            } finally {
                for (EdgeAgent agent : agents) {
                    agent.close();
                }
            }
        }
    }

    @Test
    void agentsOnOneRuntimeReconnectAfterABrokerRestartAndLoseNothing() throws Exception {
        SigningKey device = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        try (AcknowledgingGateway gateway = new AcknowledgingGateway(broker.url(), AgentHarness.GATEWAY_KEY, device.verificationKey());
                AgentRuntime runtime = AgentRuntime.create("test", 1, 4)) {
            List<EdgeAgent> agents = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            List<List<Reading>> sent = new ArrayList<>();
            try {
                for (int a = 0; a < AGENTS; a++) {
                    ids.add("shared-bounce-" + a);
                    Properties p = AgentHarness.properties(broker.url(), dir.resolve("agent-" + a), ids.get(a));
                    // packs by count and flush only: a loaded machine must not seal a partial pack by age between submissions
                    p.setProperty("pack.max-age-millis", "60000");
                    agents.add(start(AgentHarness.config(p), device, runtime));
                    sent.add(new ArrayList<>());
                }
                submit(agents, sent, 0, 100);
                for (EdgeAgent agent : agents) {
                    assertThat(agent.awaitDrained(Duration.ofSeconds(30))).as("drained before the restart: %s", agent.describe()).isTrue();
                }
                long[] connects = agents.stream().mapToLong(a -> a.metrics().connects()).toArray();

                broker.stop();
                submit(agents, sent, 100, 300);
                for (EdgeAgent agent : agents) {
                    assertThat(agent.outboxStats().depth()).as("backlog kept while the broker is down").isEqualTo(20);
                }
                broker.startAgain();
                for (int a = 0; a < AGENTS; a++) {
                    EdgeAgent agent = agents.get(a);
                    assertThat(agent.awaitDrained(Duration.ofSeconds(60))).as("drained after the restart: %s", agent.describe()).isTrue();
                    assertThat(agent.metrics().connects()).as("reconnected").isGreaterThan(connects[a]);
                    DeliveryScenarios.assertDeliveredExactly(of(gateway, ids.get(a)), sent.get(a));
                }
                assertThat(gateway.invalid()).isEmpty();
            } finally {
                for (EdgeAgent agent : agents) {
                    agent.close();
                }
            }
        }
    }

    private static void submit(List<EdgeAgent> agents, List<List<Reading>> sent, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            for (int a = 0; a < agents.size(); a++) {
                Reading r = AgentHarness.reading(i);
                agents.get(a).submit(r);
                sent.get(a).add(r);
            }
        }
        for (EdgeAgent agent : agents) {
            agent.flush();
        }
    }
}
