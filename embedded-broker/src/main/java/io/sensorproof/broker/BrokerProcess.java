package io.sensorproof.broker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Starts and stops the standalone broker ({@link BrokerMain}) as a child process. A gateway killed
 * with {@code kill -9} leaves its broker running; the next start finds it through
 * {@code broker.pid} in the data directory and either adopts it as it runs ({@link #adoptOrphan},
 * ADR 040: same jar, arguments and JVM, both listeners answering) or stops it before starting a
 * fresh one ({@link #start}), so two brokers never share a data directory or a port.
 */
public final class BrokerProcess implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BrokerProcess.class.getName());
    /**
     * System property that, when set (e.g. {@code -Dhivemq.log-level=DEBUG}), starts the broker with
     * that HiveMQ log level ({@code --log-level}): for diagnosing a test; the log is {@code broker.log}
     * in the data directory.
     */
    public static final String LOG_LEVEL_PROPERTY = "hivemq.log-level";

    private final ProcessHandle process;
    private final boolean adopted;
    private final int port;
    private final String host;
    private final Optional<DeviceListener> devices;
    private final Optional<BrokerCredentials> credentials;

    private BrokerProcess(ProcessHandle process, boolean adopted, String host, int port, Optional<DeviceListener> devices,
            Optional<BrokerCredentials> credentials) {
        this.process = process;
        this.adopted = adopted;
        this.host = host;
        this.port = port;
        this.devices = devices;
        this.credentials = credentials;
    }

    /**
     * The listener devices connect to (ADR 019): TLS with a client certificate from the device CA.
     *
     * @param bind address to listen on ({@code 0.0.0.0} for every interface)
     * @param port TCP port
     */
    public record DeviceListener(String bind, int port) {
        public DeviceListener {
            if (bind == null || bind.isBlank() || port < 1 || port > 65535) {
                throw new IllegalArgumentException("device listener needs an address and a port 1-65535");
            }
        }
    }

    /**
     * Starts the broker from {@code jar} with its plain listener on {@code host:port} (the gateway's
     * own client, by password) and {@code devices} (TLS, device certificates), its state under
     * {@code dataDir} and its credentials in {@code dataDir/auth} ({@link BrokerCredentials}), after
     * stopping an orphan left there, and waits until it says READY (its own listeners are up) and both accept connections.
     */
    public static BrokerProcess start(Path jar, Path dataDir, String host, int port, DeviceListener devices, Duration timeout)
            throws IOException {
        return start(jar, dataDir, host, port, Optional.of(devices), timeout);
    }

    /**
     * Starts an open broker that serves anyone on {@code host:port} without credentials or topic
     * permissions: for tests that stand in for an external broker, never for standalone mode.
     */
    public static BrokerProcess startAnonymous(Path jar, Path dataDir, String host, int port, Duration timeout) throws IOException {
        return start(jar, dataDir, host, port, Optional.empty(), timeout);
    }

    private static BrokerProcess start(Path jar, Path dataDir, String host, int port, Optional<DeviceListener> devices, Duration timeout)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException("broker jar not found: " + jar + " (build it with mvn -pl embedded-broker package)");
        }
        Files.createDirectories(dataDir);
        stopOrphan(dataDir, timeout);
        Path log = dataDir.resolve("broker.log");
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        List<String> command = new ArrayList<>();
        command.add(javaExecutable().toString());
        command.addAll(arguments(jar, dataDir, host, port, devices));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        BrokerProcess broker = new BrokerProcess(process.toHandle(), false, host, port, devices,
                devices.map(d -> new BrokerCredentials(dataDir.resolve("auth"))));
        long deadline = System.nanoTime() + timeout.toNanos();
        // the broker's own READY, not only a port that accepts: another process may hold the port (OwnListeners)
        while (!ready(log, logStart, port) || !broker.accepting()) {
            if (!process.isAlive()) {
                throw new IOException("broker exited with " + process.exitValue() + "; see " + log + ":\n" + tail(log));
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("broker did not listen on " + host + ":" + port + " within " + timeout + "; see " + log);
            }
            sleep(100);
        }
        LOG.info(() -> "broker started, pid " + process.pid() + ", " + broker.url() + broker.deviceUrl().map(u -> " and " + u).orElse(""));
        return broker;
    }

    /** Whether the broker wrote {@code READY <port>} to its log since {@code from} (the log is appended to across starts). */
    static boolean ready(Path log, long from, int port) throws IOException {
        if (!Files.exists(log) || Files.size(log) <= from) {
            return false;
        }
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(log.toFile(), "r")) {
            file.seek(from);
            String line;
            while ((line = file.readLine()) != null) {
                if (line.equals("READY " + port)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Path javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** The broker JVM's arguments (after the java executable) for these settings. */
    static List<String> arguments(Path jar, Path dataDir, String host, int port, Optional<DeviceListener> devices) {
        List<String> args = new ArrayList<>(List.of("-Xmx256m", "-jar", jar.toAbsolutePath().toString(), "--port",
                Integer.toString(port), "--bind", host, "--data-dir", dataDir.toAbsolutePath().toString()));
        String logLevel = System.getProperty(LOG_LEVEL_PROPERTY);
        if (logLevel != null) {
            args.addAll(List.of("--log-level", logLevel));
        }
        if (devices.isPresent()) {
            // standalone mode: every publisher is an agent that keeps its messages until the gateway's signed
            // acknowledgement and resends after a reconnect, and the gateway's session is clean, so the broker
            // keeps nothing worth a disk copy; memory only makes its start and stop seconds faster (ADR 049)
            args.addAll(List.of("--tls-port", Integer.toString(devices.get().port()), "--tls-bind", devices.get().bind(),
                    "--persistence", "in-memory"));
        } else {
            args.add("--anonymous");
        }
        return args;
    }

    /**
     * Adopts the broker that a gateway killed with {@code kill -9} left running in {@code dataDir}
     * (ADR 040), so that the devices' connections and sessions survive the gateway's restart: the
     * process named by {@code broker.pid} must be alive, run this jar with exactly the arguments
     * {@link #start} would use (same data directory, listeners, ports) on this JVM, accept
     * connections on both listeners, and pass {@code probe} (the caller's protocol-level check, e.g.
     * an MQTT CONNECT with the gateway's credentials; it returns its reasons to refuse). Nothing is
     * stopped here: when empty comes back, {@link #start} stops the orphan and starts a fresh broker.
     *
     * @param refusal told why an orphan that was found is not adopted
     * @return the adopted broker, or empty when there is no orphan or it does not qualify
     */
    public static Optional<BrokerProcess> adoptOrphan(Path jar, Path dataDir, String host, int port, DeviceListener devices,
            java.util.function.Function<BrokerProcess, List<String>> probe, java.util.function.Consumer<String> refusal)
            throws IOException {
        Path pidFile = dataDir.resolve("broker.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (handle.isEmpty()) {
            return Optional.empty();
        }
        ProcessHandle.Info info = handle.get().info();
        List<String> expected = arguments(jar, dataDir, host, port, Optional.of(devices));
        List<String> actual = info.arguments().map(List::of).orElse(List.of());
        if (!actual.equals(expected)) {
            refusal.accept("broker pid " + pid + " runs with " + actual + ", not " + expected);
            return Optional.empty();
        }
        if (!sameFile(info.command().map(Path::of), javaExecutable())) {
            refusal.accept("broker pid " + pid + " runs on " + info.command().orElse("?") + ", not " + javaExecutable());
            return Optional.empty();
        }
        BrokerProcess broker = new BrokerProcess(handle.get(), true, host, port, Optional.of(devices),
                Optional.of(new BrokerCredentials(dataDir.resolve("auth"))));
        if (!broker.accepting()) {
            refusal.accept("broker pid " + pid + " does not accept connections on " + broker.url() + " and " + broker.deviceUrl().orElse(""));
            return Optional.empty();
        }
        List<String> problems = probe.apply(broker);
        if (!problems.isEmpty()) {
            refusal.accept("broker pid " + pid + ": " + String.join("; ", problems));
            return Optional.empty();
        }
        LOG.info(() -> "adopted the running broker pid " + pid + " left in " + dataDir + " by a gateway that died, " + broker.url()
                + broker.deviceUrl().map(u -> " and " + u).orElse(""));
        return Optional.of(broker);
    }

    private static boolean sameFile(Optional<Path> a, Path b) {
        if (a.isEmpty()) {
            return false;
        }
        try {
            return Files.isSameFile(a.get(), b);
        } catch (IOException e) {
            return a.get().toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    /** Stops a broker process recorded in {@code dataDir/broker.pid}, if it is still running. */
    static Optional<Long> stopOrphan(Path dataDir, Duration timeout) throws IOException {
        Path pidFile = dataDir.resolve("broker.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).trim());
        } catch (NumberFormatException e) {
            Files.delete(pidFile);
            return Optional.empty();
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().map(c -> c.contains("embedded-broker")).orElse(false));
        if (handle.isEmpty()) {
            Files.delete(pidFile);
            return Optional.empty();
        }
        LOG.warning(() -> "stopping orphaned broker pid " + pid + " left in " + dataDir);
        ProcessHandle h = handle.get();
        h.destroy();
        try {
            h.onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            h.destroyForcibly();
            try {
                h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception again) {
                throw new IOException("orphaned broker pid " + pid + " does not stop", again);
            }
        }
        Files.deleteIfExists(pidFile);
        return Optional.of(pid);
    }

    /** The URL of the plain listener: the gateway's client (or anyone, when anonymous). */
    public String url() {
        return "tcp://" + host + ":" + port;
    }

    /**
     * The URL of the device listener as seen from this machine ({@code ssl://127.0.0.1:port} when it
     * listens on every interface); empty for an anonymous broker.
     */
    public Optional<String> deviceUrl() {
        return devices.map(d -> "ssl://" + localAddress(d) + ":" + d.port());
    }

    /** The credential files (gateway password, TLS key, device trust store); empty for an anonymous broker. */
    public Optional<BrokerCredentials> credentials() {
        return credentials;
    }

    /** The broker's process id. */
    public long pid() {
        return process.pid();
    }

    /** True while the process runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** True when this broker was left running by a gateway that died and adopted ({@link #adoptOrphan}). */
    public boolean adopted() {
        return adopted;
    }

    private boolean accepting() {
        return accepting(host, port) && devices.map(d -> accepting(localAddress(d), d.port())).orElse(true);
    }

    /** Where this machine reaches the device listener: loopback when it listens on every interface. */
    private static String localAddress(DeviceListener d) {
        return "0.0.0.0".equals(d.bind()) || "::".equals(d.bind()) ? "127.0.0.1" : d.bind();
    }

    private static boolean accepting(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 30 s). */
    @Override
    public void close() {
        process.destroy();
        try {
            process.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            try {
                process.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException again) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException again) {
                LOG.warning(() -> "broker pid " + process.pid() + " survived SIGKILL for 10 s");
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
