package io.sensorproof.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sensorproof.agent.keys.KeyFiles;
import io.sensorproof.agent.outbox.Outbox;
import io.sensorproof.agent.outbox.OutboxConfig;
import io.sensorproof.agent.outbox.OutboxMessage;
import io.sensorproof.agent.outbox.OverflowPolicy;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Reading;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a separate agent process with SIGKILL in the middle of a stream, three times, then lets a
 * fresh process drain. Every message that was durable in the outbox at a kill must arrive, copies
 * of a (boot, seq) must be byte-identical, and the boot counter must increase at every start.
 */
class AgentCrashIT {
    @TempDir
    Path dir;

    @Test
    void losesNothingWrittenToTheOutboxAcrossKill9() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir.resolve("broker"))) {
            Path dataDir = dir.resolve("agent");
            SigningKey device = KeyFiles.generate(dataDir.resolve("device-key.p8"), SignatureAlgorithm.ES256);
            Properties p = AgentHarness.properties(broker.url(), dataDir, "crash-1");
            p.setProperty("pack.max-records", "5");
            p.setProperty("pack.max-age-millis", "100");
            Path config = dir.resolve("agent.properties");
            try (Writer w = Files.newBufferedWriter(config)) {
                p.store(w, null);
            }
            try (AcknowledgingGateway gateway = new AcknowledgingGateway(broker.url(), AgentHarness.GATEWAY_KEY, device.verificationKey())) {
                Map<String, String> durableAtKill = new LinkedHashMap<>();
                AtomicInteger counter = new AtomicInteger();
                for (int cycle = 0; cycle < 3; cycle++) {
                    gateway.acknowledging(true);
                    Process agent = startAgent(config, dir.resolve("agent-" + cycle + ".log"));
                    Thread feeder = new Thread(() -> feed(agent.getOutputStream(), counter));
                    feeder.start();
                    int deliveredBefore = gateway.deliveries().size();
                    int messagesThisCycle = 60 + cycle * 20;
                    await("cycle " + cycle + ": messages flow").atMost(Duration.ofSeconds(60))
                            .until(() -> gateway.deliveries().size() >= deliveredBefore + messagesThisCycle);
                    // hold acknowledgements back until more messages arrived, so that the kill finds messages in the outbox
                    gateway.acknowledging(false);
                    int unacknowledgedFrom = gateway.deliveries().size();
                    await("cycle " + cycle + ": messages left unacknowledged").atMost(Duration.ofSeconds(30))
                            .until(() -> gateway.deliveries().size() >= unacknowledgedFrom + 5);
                    agent.destroyForcibly();
                    assertThat(agent.waitFor(20, TimeUnit.SECONDS)).isTrue();
                    feeder.join(5000);
                    try (Outbox outbox = Outbox.open(dataDir.resolve("outbox"),
                            new OutboxConfig(64L << 20, 8L << 20, OverflowPolicy.BLOCK, Duration.ZERO))) {
                        for (OutboxMessage m : outbox.pending(null, Integer.MAX_VALUE)) {
                            durableAtKill.put(m.id().boot() + ":" + m.id().seq(), HexFormat.of().formatHex(m.bytes()));
                        }
                    }
                }
                assertThat(counter.get()).as("readings fed").isGreaterThan(500);
                assertThat(durableAtKill).as("some messages were waiting at a kill").isNotEmpty();

                gateway.acknowledging(true);
                Process drain = startAgent(config, dir.resolve("agent-drain.log"));
                drain.getOutputStream().close();
                assertThat(drain.waitFor(120, TimeUnit.SECONDS)).isTrue();
                assertThat(drain.exitValue()).as("drain run log:\n%s", Files.readString(dir.resolve("agent-drain.log"))).isZero();

                Map<String, String> delivered = new LinkedHashMap<>();
                List<Long> bootsInArrivalOrder = new ArrayList<>();
                for (AcknowledgingGateway.Delivery d : gateway.deliveries()) {
                    String id = d.boot() + ":" + d.seq();
                    String hex = HexFormat.of().formatHex(d.bytes());
                    String previous = delivered.putIfAbsent(id, hex);
                    assertThat(previous == null || previous.equals(hex)).as("copies of %s are byte-identical", id).isTrue();
                    if (bootsInArrivalOrder.isEmpty() || bootsInArrivalOrder.get(bootsInArrivalOrder.size() - 1) != d.boot()) {
                        bootsInArrivalOrder.add(d.boot());
                    }
                }
                assertThat(gateway.invalid()).isEmpty();
                for (Map.Entry<String, String> e : durableAtKill.entrySet()) {
                    assertThat(delivered).as("message %s durable at a kill was delivered", e.getKey()).containsEntry(e.getKey(), e.getValue());
                }
                List<Long> distinctBoots = bootsInArrivalOrder.stream().distinct().toList();
                assertThat(distinctBoots).as("boots of the killed runs, in order of first arrival").isSorted();
                assertThat(Files.readString(dataDir.resolve("boot")).trim()).isNotEmpty();
            }
        }
    }

    /**
     * Feeds 1 kg interval masses to an agent process and kills it twice: after each kill the register
     * file is whole grams of what was fed, never lower than before, and at least every register
     * reading durable in the outbox (it is written first); after a drain run every delivered register
     * reading is higher than the one before it in time, and the last equals the file.
     */
    @Test
    void registerNeverDecreasesAcrossKill9() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir.resolve("broker"))) {
            Path dataDir = dir.resolve("agent");
            SigningKey device = KeyFiles.generate(dataDir.resolve("device-key.p8"), SignatureAlgorithm.ES256);
            Properties p = AgentHarness.properties(broker.url(), dataDir, "stack-crash-1");
            p.setProperty("pack.max-records", "5");
            p.setProperty("pack.max-age-millis", "100");
            Path config = dir.resolve("agent.properties");
            try (Writer w = Files.newBufferedWriter(config)) {
                p.store(w, null);
            }
            try (AcknowledgingGateway gateway = new AcknowledgingGateway(broker.url(), AgentHarness.GATEWAY_KEY, device.verificationKey())) {
                AtomicInteger counter = new AtomicInteger();
                long previous = 0;
                for (int cycle = 0; cycle < 2; cycle++) {
                    gateway.acknowledging(true);
                    Process agent = startAgent(config, dir.resolve("stack-" + cycle + ".log"));
                    Thread feeder = new Thread(() -> feedIntervals(agent.getOutputStream(), counter));
                    feeder.start();
                    long before = previous;
                    // kill once the run has taken at least 20 more intervals (the register file says so)
                    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20))
                            .until(() -> Files.exists(dataDir.resolve("co2e-register")) && registerFile(dataDir) >= before + 20_000);
                    agent.destroyForcibly();
                    assertThat(agent.waitFor(20, TimeUnit.SECONDS)).isTrue();
                    feeder.join(5000);
                    long grams = registerFile(dataDir);
                    assertThat(grams % 1000).as("whole kg were fed").isZero();
                    assertThat(grams).isGreaterThan(previous).isLessThanOrEqualTo(1000L * counter.get());
                    try (Outbox outbox = Outbox.open(dataDir.resolve("outbox"),
                            new OutboxConfig(64L << 20, 8L << 20, OverflowPolicy.BLOCK, Duration.ZERO))) {
                        for (OutboxMessage m : outbox.pending(null, Integer.MAX_VALUE)) {
                            for (Reading r : ReadingMessages.decode(m.bytes()).pack().readings()) {
                                assertThat(r.fixedValue()).as("the file leads every sealed register reading").isLessThanOrEqualTo(grams);
                            }
                        }
                    }
                    previous = grams;
                }

                gateway.acknowledging(true);
                Process drain = startAgent(config, dir.resolve("stack-drain.log"));
                try (Writer w = new java.io.OutputStreamWriter(drain.getOutputStream(), StandardCharsets.UTF_8)) {
                    w.write("{\"n\":\"co2e\",\"v\":1,\"t\":" + (1_764_000_000 + counter.get() + 1) + "}\n");
                }
                assertThat(drain.waitFor(120, TimeUnit.SECONDS)).isTrue();
                assertThat(drain.exitValue()).as("drain run log:\n%s", Files.readString(dir.resolve("stack-drain.log"))).isZero();
                long last = registerFile(dataDir);
                assertThat(last).as("the drain run continued from the file").isEqualTo(previous + 1000);

                TreeMap<Long, Long> registerByTime = new TreeMap<>();
                for (AcknowledgingGateway.Delivery d : gateway.deliveries()) {
                    for (Reading r : ReadingMessages.decode(d.bytes()).pack().readings()) {
                        Long other = registerByTime.put(r.timeMillis(), r.fixedValue());
                        assertThat(other == null || other == r.fixedValue()).as("one register value per time").isTrue();
                    }
                }
                List<Long> values = new ArrayList<>(registerByTime.values());
                for (int i = 1; i < values.size(); i++) {
                    assertThat(values.get(i)).as("delivered register readings increase in time").isGreaterThan(values.get(i - 1));
                }
                assertThat(registerByTime.lastEntry().getValue()).isEqualTo(last);
            }
        }
    }

    private static long registerFile(Path dataDir) throws IOException {
        String line = Files.readString(dataDir.resolve("co2e-register"));
        return Long.parseLong(line.substring("co2e-register=".length(), line.indexOf(' ')));
    }

    private static void feedIntervals(OutputStream stdin, AtomicInteger counter) {
        try (Writer w = new java.io.OutputStreamWriter(stdin, StandardCharsets.UTF_8)) {
            while (true) {
                int i = counter.getAndIncrement();
                w.write("{\"n\":\"co2e\",\"v\":1,\"t\":" + (1_764_000_000 + i) + "}\n");
                if (i % 10 == 0) {
                    w.flush();
                    Thread.sleep(5);
                }
            }
        } catch (IOException | InterruptedException e) {
            // the process died: the feeder stops
        }
    }

    private static void feed(OutputStream stdin, AtomicInteger counter) {
        try (Writer w = new java.io.OutputStreamWriter(stdin, StandardCharsets.UTF_8)) {
            while (true) {
                int i = counter.getAndIncrement();
                w.write("{\"n\":\"temperature\",\"v\":" + (2 + (i % 40) / 10.0) + ",\"t\":" + (1_764_000_000 + i) + "}\n");
                if (i % 20 == 0) {
                    w.flush();
                    // feed pacing (about 4,000 readings/s), not a synchronisation
                    Thread.sleep(5);
                }
            }
        } catch (IOException | InterruptedException e) {
            // the process died: the feeder stops
        }
    }

    private static Process startAgent(Path config, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"), "io.sensorproof.agent.cli.AgentCli",
                "run", "-c", config.toString(), "--drain-timeout-seconds", "90")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
