package io.sensorproof.sim.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.sim.SimError;
import io.sensorproof.sim.SimException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The packaged gateway ({@code gateway/target/quarkus-app/quarkus-run.jar}) started as a child
 * process in standalone mode (embedded PostgreSQL and broker under its data directory) on free
 * ports, for the load run, the chaos run and the integration tests. {@link #close()} stops it with
 * SIGTERM (Quarkus, then broker and database) and removes leftovers of a crashed run; {@link #kill9()}
 * is the crash, after which {@link #start(Path, Path, Ports, Duration)} on the same data directory and
 * ports is the restart.
 */
public final class StandaloneGateway implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper HEALTH_JSON = new ObjectMapper();

    private final Process process;
    private final Path dataDir;
    private final Path log;
    private final int httpPort;
    private final int brokerPort;
    private final Ports ports;
    private final int chainPort;

    /**
     * The gateway's TCP ports: operator API, the embedded broker's plain listener (the gateway's own
     * client) and device listener (TLS, device certificates), embedded PostgreSQL.
     */
    public record Ports(int http, int broker, int brokerTls, int postgres) {
        /** Four free ports. */
        public static Ports free() throws IOException {
            return new Ports(freePort(), freePort(), freePort(), freePort());
        }
    }

    private StandaloneGateway(Process process, Path dataDir, Path log, Ports ports, int chainPort) {
        this.process = process;
        this.chainPort = chainPort;
        this.dataDir = dataDir;
        this.log = log;
        this.httpPort = ports.http();
        this.brokerPort = ports.brokerTls();
        this.ports = ports;
    }

    /** Starts the gateway with its data under {@code dataDir} on free ports and waits until it is ready. */
    public static StandaloneGateway start(Path runJar, Path dataDir, Duration readyTimeout) throws IOException, InterruptedException {
        return start(runJar, dataDir, Ports.free(), readyTimeout);
    }

    /** Starts the gateway with its data under {@code dataDir} on {@code ports} and waits until it is ready. */
    public static StandaloneGateway start(Path runJar, Path dataDir, Ports ports, Duration readyTimeout) throws IOException, InterruptedException {
        return start(runJar, dataDir, ports, readyTimeout, Map.of());
    }

    /**
     * Starts the gateway with its data under {@code dataDir} on {@code ports}, with further settings
     * as environment variables (e.g. {@code SENSORPROOF_COLLATERAL_GAP_FACTOR}; they win over the
     * defaults set here), and waits until it is ready.
     */
    public static StandaloneGateway start(Path runJar, Path dataDir, Ports ports, Duration readyTimeout, Map<String, String> settings)
            throws IOException, InterruptedException {
        return start(runJar, dataDir, ports, readyTimeout, settings, line -> { });
    }

    /**
     * As {@link #start(Path, Path, Ports, Duration, Map)}, telling {@code progress} every few seconds what readiness
     * still waits for (e.g. the prover building or loading its circuits), with the seconds elapsed.
     */
    public static StandaloneGateway start(Path runJar, Path dataDir, Ports ports, Duration readyTimeout, Map<String, String> settings,
            Consumer<String> progress) throws IOException, InterruptedException {
        if (!Files.isRegularFile(runJar)) {
            throw new SimException(SimError.GATEWAY_API, runJar + " is missing: mvn -B -pl gateway -am package -DskipTests");
        }
        Files.createDirectories(dataDir);
        int http = ports.http();
        int broker = ports.broker();
        int brokerTls = ports.brokerTls();
        int postgres = ports.postgres();
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-jar", runJar.toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dataDir.toAbsolutePath().getParent().toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("SENSORPROOF_") || k.startsWith("QUARKUS_"));
        pb.environment().put("SENSORPROOF_DATA_DIR", dataDir.toAbsolutePath().toString());
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(http));
        pb.environment().put("SENSORPROOF_EMBEDDED_BROKER_PORT", Integer.toString(broker));
        pb.environment().put("SENSORPROOF_EMBEDDED_BROKER_TLS_PORT", Integer.toString(brokerTls));
        pb.environment().put("SENSORPROOF_EMBEDDED_BROKER_TLS_BIND", "127.0.0.1");
        pb.environment().put("SENSORPROOF_EMBEDDED_POSTGRES_PORT", Integer.toString(postgres));
        // the simulator speaks MQTT only: CoAP on a free UDP port, so that it never collides with another gateway on 5684
        pb.environment().put("SENSORPROOF_COAP_PORT", "0");
        // The local chain on a port of its own (anvil's default 8545 would collide between gateways),
        // and no prover workers unless a caller asks for them: the scenarios prove nothing.
        int chainPort = settings.containsKey("SENSORPROOF_CHAIN_LOCAL_PORT") ? Integer.parseInt(settings.get("SENSORPROOF_CHAIN_LOCAL_PORT"))
                : freePort();
        pb.environment().put("SENSORPROOF_CHAIN_LOCAL_PORT", Integer.toString(chainPort));
        pb.environment().put("SENSORPROOF_PROVER_ENABLED", "false");
        pb.environment().putAll(settings);
        StandaloneGateway gateway = new StandaloneGateway(pb.start(), dataDir.toAbsolutePath(), log, ports, chainPort);
        try {
            gateway.awaitReady(readyTimeout, progress);
        } catch (RuntimeException | InterruptedException e) {
            gateway.close();
            throw e;
        }
        return gateway;
    }

    private void awaitReady(Duration timeout, Consumer<String> progress) throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        long nextReport = started + TimeUnit.SECONDS.toNanos(5);
        String waitingFor = "the gateway to listen";
        while (true) {
            if (!process.isAlive()) {
                throw new SimException(SimError.GATEWAY_API, "gateway exited with " + process.exitValue() + " before it was ready; log:\n" + tail());
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(apiBase().resolve("/q/health/ready")).timeout(Duration.ofSeconds(5))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && Files.exists(dataDir.resolve("operator-api-key"))) {
                    return;
                }
                waitingFor = downChecks(r.body());
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > nextReport) {
                progress.accept("waiting for " + waitingFor + " (" + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + " s)");
                nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            }
            if (System.nanoTime() > deadline) {
                throw new SimException(SimError.GATEWAY_API, "gateway not ready within " + timeout + "; log:\n" + tail());
            }
            Thread.sleep(250);
        }
    }

    /** The readiness checks that are DOWN, with their data (e.g. the prover's current step), from a health answer. */
    static String downChecks(String healthJson) {
        try {
            JsonNode checks = HEALTH_JSON.readTree(healthJson).path("checks");
            List<String> down = new ArrayList<>();
            for (JsonNode check : checks) {
                if (!"UP".equals(check.path("status").asText())) {
                    JsonNode data = check.path("data");
                    down.add(check.path("name").asText() + (data.isMissingNode() || data.isEmpty() ? "" : " " + data));
                }
            }
            return down.isEmpty() ? "the operator key" : String.join(", ", down);
        } catch (IOException e) {
            return "readiness";
        }
    }

    /** The local chain's JSON-RPC endpoint (anvil, started by the gateway on a port chosen here). */
    public URI chainRpc() {
        return URI.create("http://127.0.0.1:" + chainPort);
    }

    /** The operator API, e.g. {@code http://127.0.0.1:41234}. */
    public URI apiBase() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    /**
     * The embedded broker's device listener, {@code ssl://127.0.0.1:port}: devices present their
     * enrollment certificate there (ADR 019) and trust {@link #brokerCaFile()}.
     */
    public String mqttUrl() {
        return "ssl://127.0.0.1:" + brokerPort;
    }

    /** The embedded broker's TLS certificate, the trust anchor for {@link #mqttUrl()}. */
    public Path brokerCaFile() {
        return dataDir.resolve("broker").resolve("auth").resolve("server.pem");
    }

    /** The bootstrap operator API key the gateway wrote at its first start. */
    public String operatorKey() throws IOException {
        return Files.readString(dataDir.resolve("operator-api-key")).trim();
    }

    /** The ports this gateway listens on (pass them to a restart). */
    public Ports ports() {
        return ports;
    }

    /** SIGKILL of the gateway JVM; its PostgreSQL server and broker keep running, as after a crash. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new SimException(SimError.GATEWAY_API, "gateway pid " + process.pid() + " survived SIGKILL");
        }
    }

    /** The gateway JVM's pid. */
    public long pid() {
        return process.pid();
    }

    /** The pid in {@code <data-dir>/postgres/postmaster.pid}, if the file exists. */
    public Optional<Long> postmasterPid() {
        return pidIn(dataDir.resolve("postgres").resolve("postmaster.pid"));
    }

    /** The pid in {@code <data-dir>/broker/broker.pid}, if the file exists. */
    public Optional<Long> brokerPid() {
        return pidIn(dataDir.resolve("broker").resolve("broker.pid"));
    }

    /** The gateway's data directory. */
    public Path dataDir() {
        return dataDir;
    }

    /** The last lines of the gateway's log. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
        killIfAlive(pidIn(dataDir.resolve("postgres").resolve("postmaster.pid")), "postgres");
        killIfAlive(pidIn(dataDir.resolve("broker").resolve("broker.pid")), "embedded-broker");
    }

    private static Optional<Long> pidIn(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(file);
            return lines.isEmpty() || lines.get(0).isBlank() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void killIfAlive(Optional<Long> pid, String commandContains) {
        pid.flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().map(c -> c.contains(commandContains)).orElse(false)).ifPresent(h -> {
            h.destroy();
            try {
                h.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
