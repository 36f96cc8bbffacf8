package io.sensorproof.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.agent.transport.Transport;
import io.sensorproof.protocol.ack.Acknowledgement;
import io.sensorproof.protocol.ack.AcknowledgementCodec;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.message.MessageHeader;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway that is alive but slower than {@code ack.timeout-millis} (one that works through a
 * backlog after a restart, ADR 040): it handles one message at a time, in arrival order, a fixed
 * time each, duplicates included. With a fixed timer the agent resent its whole in-flight window at
 * every timeout and the gateway's queue filled with duplicates (PostmasterKillIT: 4,800 messages
 * processed for 1,086 new ones); the resend timer must follow the measured delay instead.
 */
class EdgeAgentSlowGatewayTest {
    private static final int MESSAGES = 200;
    private static final long SERVICE_MILLIS = 10;

    @TempDir
    Path dir;

    /** Always connected; a single worker "stores" each message after SERVICE_MILLIS and acknowledges it. */
    private static final class SlowGateway implements Transport {
        final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
        final Set<Long> stored = ConcurrentHashMap.newKeySet();
        final AtomicLong processed = new AtomicLong();
        final AtomicLong duplicates = new AtomicLong();
        private final SigningKey key;
        private final String device;
        private volatile Thread worker;
        private volatile boolean open = true;

        SlowGateway(SigningKey key, String device) {
            this.key = key;
            this.device = device;
        }

        @Override
        public void start(Listener listener) {
            worker = new Thread(() -> serve(listener), "slow-gateway");
            worker.setDaemon(true);
            worker.start();
            listener.connected();
        }

        private void serve(Listener listener) {
            try {
                while (open) {
                    byte[] message = queue.take();
                    Thread.sleep(SERVICE_MILLIS);
                    MessageHeader header = ReadingMessages.decode(message).header();
                    processed.incrementAndGet();
                    if (!stored.add(header.seq())) {
                        duplicates.incrementAndGet();
                    }
                    listener.acknowledgement(AcknowledgementCodec.sign(
                            Acknowledgement.stored(device, System.currentTimeMillis(), header.boot(), header.seq()), key));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public boolean isConnected() {
            return true;
        }

        @Override
        public void sendMessage(byte[] message) {
            queue.add(message);
        }

        @Override
        public void sendStatus(byte[] status) {
        }

        @Override
        public void close() {
            open = false;
            if (worker != null) {
                worker.interrupt();
            }
        }
    }

    @Test
    void aGatewaySlowerThanTheAckTimeoutGetsFewDuplicates() throws Exception {
        Properties p = new Properties();
        p.setProperty("tenant", "acme");
        p.setProperty("device", "slow-1");
        p.setProperty("data.dir", dir.toString());
        p.setProperty("pack.max-records", "1");
        // a window of 64 takes the gateway 640 ms: far longer than the configured timeout
        p.setProperty("ack.timeout-millis", "100");
        AgentConfig config = AgentConfig.resolve(p, Map.of());
        SigningKey deviceKey = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        SigningKey gatewayKey = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        SlowGateway gateway = new SlowGateway(gatewayKey, "slow-1");
        try (EdgeAgent agent = EdgeAgent.start(config, deviceKey, gatewayKey.verificationKey(), metrics -> gateway, Clock.systemUTC())) {
            for (int i = 0; i < MESSAGES; i++) {
                agent.submit(new Reading(Quantity.TEMPERATURE, 4.0 + i % 10, 1_764_000_000_000L + i * 1000L));
            }
            agent.flush();
            assertThat(agent.awaitDrained(Duration.ofSeconds(60))).as("drained: %s; gateway processed %d, %d duplicates",
                    agent.describe(), gateway.processed.get(), gateway.duplicates.get()).isTrue();
            assertThat(gateway.stored).hasSize(MESSAGES);
            // before the timer has backed off past the window's 640 ms it can fire a few times (100, 200,
            // 400 ms: up to 64 duplicates each); the fixed timer made 5,323 for these 200 and never drained
            assertThat(gateway.duplicates.get()).as("duplicates the gateway processed for %d messages (timer now %s): %s", MESSAGES,
                    agent.currentAckTimeout(), agent.describe()).isLessThan(2L * MESSAGES);
        }
    }
}
