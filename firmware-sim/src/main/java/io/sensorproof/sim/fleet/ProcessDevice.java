package io.sensorproof.sim.fleet;

import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.sim.SimError;
import io.sensorproof.sim.SimException;
import io.sensorproof.sim.net.TcpProxy;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A device whose agent runs in a child JVM ({@code SimCli device}, see {@link DeviceRunner}) with
 * this JVM's class path. Power loss is real: the child is killed with SIGKILL and started again.
 */
final class ProcessDevice implements FleetDevice {
    private final String id;
    private final Path scenarioFile;
    private final Path dataDir;
    private final String mqttUrl;
    private final Optional<Path> mqttCaFile;
    private final byte[] ackKeySpki;
    private final long wallEpochMillis;
    private final long drainMillis;
    private volatile SigningKey key;
    private final Optional<TcpProxy> proxy;
    private final Map<String, Long> killedCounters = new LinkedHashMap<>();
    private Process process;
    private int starts;

    ProcessDevice(String id, Path scenarioFile, Path dataDir, String mqttUrl, Optional<Path> mqttCaFile, byte[] ackKeySpki,
            long wallEpochMillis, long drainMillis, SigningKey key, Optional<TcpProxy> proxy) {
        this.mqttCaFile = mqttCaFile;
        this.id = id;
        this.scenarioFile = scenarioFile;
        this.dataDir = dataDir;
        this.mqttUrl = mqttUrl;
        this.ackKeySpki = ackKeySpki;
        this.wallEpochMillis = wallEpochMillis;
        this.drainMillis = drainMillis;
        this.key = key;
        this.proxy = proxy;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public SigningKey key() {
        return key;
    }

    @Override
    public Optional<TcpProxy> proxy() {
        return proxy;
    }

    @Override
    public synchronized void start() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "io.sensorproof.sim.cli.SimCli", "device",
                "--scenario", scenarioFile.toString(), "--device", id, "--data-dir", dataDir.toString(), "--mqtt-url", mqttUrl,
                "--ack-key", Base64.getEncoder().encodeToString(ackKeySpki), "--wall-epoch-millis", Long.toString(wallEpochMillis),
                "--drain-timeout-seconds", Long.toString(Math.max(1, drainMillis / 1000))));
        mqttCaFile.ifPresent(ca -> command.addAll(List.of("--mqtt-ca-file", ca.toString())));
        starts++;
        Path log = dataDir.resolve("device-" + starts + ".log");
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Override
    public synchronized void powerOff() throws InterruptedException, IOException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new SimException(SimError.DEVICE_PROCESS_FAILED, id + " survived SIGKILL");
            }
            statusFile().forEach((k, v) -> {
                if (!k.equals("boot") && !k.equals("outbox_depth") && !k.equals("outbox_bytes") && !k.startsWith("heap") && !k.startsWith("rss")) {
                    killedCounters.merge(k, v, Long::sum);
                }
            });
        }
        process = null;
    }

    @Override
    public synchronized void powerOn() throws IOException {
        if (process == null) {
            start();
        }
    }

    @Override
    public synchronized Agents.Rekeyed rekey() throws IOException, InterruptedException {
        powerOff();
        try {
            return Agents.rekey(dataDir);
        } finally {
            key = Agents.deviceKey(dataDir);
            powerOn();
        }
    }

    @Override
    public synchronized boolean powered() {
        return process != null && process.isAlive();
    }

    /** Process starts so far (1 + restarts after power loss). */
    synchronized int starts() {
        return starts;
    }

    private Map<String, Long> statusFile() throws IOException {
        return longs(dataDir.resolve("status.properties"));
    }

    private static Map<String, Long> longs(Path file) throws IOException {
        Map<String, Long> m = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return m;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        for (String name : p.stringPropertyNames()) {
            try {
                m.put(name, Long.parseLong(p.getProperty(name).trim()));
            } catch (NumberFormatException e) {
                // not a counter (times, ids)
            }
        }
        return m;
    }

    @Override
    public synchronized Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>(killedCounters);
        try {
            Path result = dataDir.resolve(DeviceRunner.RESULT_FILE);
            Map<String, Long> last = Files.isRegularFile(result) && (process == null || !process.isAlive()) ? longs(result) : statusFile();
            last.forEach((k, v) -> m.merge(k, v, k.equals("boot") || k.startsWith("outbox") || k.equals("kept_aside")
                    || k.equals("drained") || k.startsWith("heap") || k.startsWith("rss") ? (a, b) -> b : Long::sum));
        } catch (IOException e) {
            m.put("status_unreadable", 1L);
        }
        m.put("process_starts", (long) starts);
        return m;
    }

    @Override
    public List<ReadingKey> durableReadings() throws IOException {
        Path trace = dataDir.resolve(DeviceRunner.TRACE_FILE);
        if (!Files.exists(trace)) {
            return List.of();
        }
        List<ReadingKey> keys = new ArrayList<>();
        for (String line : Files.readAllLines(trace)) {
            if (!line.isBlank()) {
                try {
                    keys.add(ReadingKey.parse(line));
                } catch (IllegalArgumentException e) {
                    // a line torn by SIGKILL: its readings are checked as not traced
                }
            }
        }
        return keys;
    }

    @Override
    public void endOfRun() {
        // the device process seals its last tick, drains and exits by itself
    }

    @Override
    public boolean awaitDrained(long millis) throws InterruptedException {
        Process p;
        synchronized (this) {
            p = process;
        }
        if (p == null) {
            return false;
        }
        if (!p.waitFor(millis, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0;
    }

    @Override
    public synchronized void close() throws IOException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
        if (proxy.isPresent()) {
            proxy.get().close();
        }
    }
}
