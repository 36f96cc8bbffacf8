package io.sensorproof.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

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
            Thread.sleep(4_000);
            assertThat(agent.outboxStats().depth()).as("backlog kept while the broker is down").isEqualTo(backlog / 10);
            assertThat(agent.metrics().reconnectsScheduled() - reconnectsBefore).as("reconnect attempts: %s", agent.describe()).isGreaterThanOrEqualTo(3);
            assertThat(agent.metrics().maxBackoffMillis()).as("delays grew beyond the first").isGreaterThan(200);

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
}
