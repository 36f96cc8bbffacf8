package io.sensorproof.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 1, without a broker: while a submitter waits for outbox space (BLOCK), what the
 * transport's reconnect thread does on connect (the signed status message) and the status report
 * must not wait for it. They did: both read the boot counter under the lock the waiting seal held.
 */
class EdgeAgentLockTest {
    @TempDir
    Path dir;

    @Test
    void theStatusMessageDoesNotWaitForASubmitterBlockedOnAFullOutbox() throws Exception {
        Properties p = new Properties();
        p.setProperty("tenant", "acme");
        p.setProperty("device", "lock-1");
        p.setProperty("data.dir", dir.toString());
        p.setProperty("outbox.capacity-bytes", Long.toString(128L << 10));
        AgentConfig config = AgentConfig.resolve(p, Map.of());
        SigningKey key = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        SigningKey gateway = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        EdgeAgent agent = EdgeAgent.start(config, key, gateway.verificationKey(), metrics -> new OfflineTransport(), Clock.systemUTC());
        CompletableFuture<Void> submitter = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; ; i++) {
                    agent.submit(new Reading(Quantity.TEMPERATURE, 4.0 + i % 10, 1_764_000_000_000L + i * 100L));
                }
            } catch (IOException e) {
                // the agent was closed while the outbox was full
            }
        });
        try {
            await("a submitter waits for space").atMost(Duration.ofSeconds(60)).until(() -> agent.outboxStats().overflowWaits() > 0);
            assertThat(submitter).isNotDone();
            byte[] status = assertTimeoutPreemptively(Duration.ofSeconds(2), agent::statusMessage, "status message while the outbox is full");
            assertThat(status).isNotEmpty();
            Map<String, Long> described = assertTimeoutPreemptively(Duration.ofSeconds(2), agent::describe);
            assertThat(described.get("boot")).isEqualTo(agent.boot());
        } finally {
            try {
                agent.close();
            } catch (IOException expected) {
                // closing with a full outbox: the open pack is not durable, and close says so
            }
        }
    }
}
