package io.sensorproof.gateway.resilience;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The packaged gateway ({@code target/quarkus-app/quarkus-run.jar}) as a child JVM: start, wait
 * for readiness, {@code kill -9}, graceful stop, and the few API calls the resilience tests need.
 */
final class GatewayProcess implements AutoCloseable {
    static final Path RUN_JAR = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String name;
    private final Path dataDir;
    private final int httpPort;
    private final Process process;
    private final Path log;

    private GatewayProcess(String name, Path dataDir, int httpPort, Process process, Path log) {
        this.name = name;
        this.dataDir = dataDir;
        this.httpPort = httpPort;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts the gateway with {@code SENSORPROOF_DATA_DIR=dataDir}, {@code QUARKUS_HTTP_PORT=httpPort}
     * and the audit log on, plus {@code env} (environment) and {@code sysProps} (-D options);
     * SENSORPROOF_* and QUARKUS_* variables of the test JVM are not inherited. Output goes to
     * {@code log}. Does not wait.
     */
    static GatewayProcess start(String name, Path dataDir, int httpPort, Map<String, String> env, Map<String, String> sysProps, Path log)
            throws IOException {
        if (!Files.isRegularFile(RUN_JAR)) {
            throw new IllegalStateException(RUN_JAR + " is missing: run the package phase first");
        }
        Files.createDirectories(dataDir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC"));
        sysProps.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(RUN_JAR.toString());
        ProcessBuilder pb = new ProcessBuilder(command).directory(dataDir.getParent().toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("SENSORPROOF_") || k.startsWith("QUARKUS_"));
        pb.environment().put("SENSORPROOF_DATA_DIR", dataDir.toString());
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        pb.environment().put("SENSORPROOF_INGEST_AUDIT_LOG", "true");
        // replicas on one machine: each CoAP endpoint on a free UDP port instead of all on 5684
        pb.environment().put("SENSORPROOF_COAP_PORT", "0");
        // each gateway's local chain on a port of its own; the prover workers (two Node processes
        // proving a self-check claim at every start) only where a test asks for them
        pb.environment().put("SENSORPROOF_CHAIN_LOCAL_PORT", Integer.toString(freePort()));
        pb.environment().put("SENSORPROOF_PROVER_ENABLED", "false");
        pb.environment().putAll(env);
        return new GatewayProcess(name, dataDir, httpPort, pb.start(), log);
    }

    /** Waits until {@code /q/health/ready} answers 200; fails with the log's tail if the JVM exits. */
    GatewayProcess awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before it was ready; log:\n" + tail());
            }
            if (Files.exists(log) && Files.readString(log).contains("Failed to start application")) {
                throw new AssertionError(name + " failed to start; log:\n" + tail());
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri("/q/health/ready")).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " not ready within " + timeout + "; log:\n" + tail());
            }
            Thread.sleep(250);
        }
    }

    /** Waits for the JVM to exit by itself and returns its exit code; fails if it is still running after {@code timeout}. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still running after " + timeout + "; log:\n" + tail());
        }
        return process.exitValue();
    }

    /** SIGKILL of the gateway JVM (its PostgreSQL and broker children are left running). */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " survived SIGKILL");
        }
    }

    /** SIGTERM and wait: Quarkus stops, then the embedded broker and PostgreSQL. */
    void stop() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    Path dataDir() {
        return dataDir;
    }

    Path auditLog() {
        return dataDir.resolve("ingest-audit.log");
    }

    String operatorKey() throws IOException {
        return Files.readString(dataDir.resolve("operator-api-key")).trim();
    }

    /** The public half of the acknowledgement key (SPKI DER). */
    byte[] ackKeySpki(String apiKey) throws Exception {
        JsonNode n = JSON.readTree(call("GET", "/api/v1/gateway/ack-key", apiKey, null, 200));
        return Base64.getDecoder().decode(n.get("spki").asText());
    }

    void createTenant(String apiKey, String id) throws Exception {
        call("POST", "/api/v1/tenants", apiKey, Map.of("id", id, "name", "Tenant " + id), 201);
    }

    void registerDevice(String apiKey, String tenant, String deviceId, byte[] spki) throws Exception {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("deviceId", deviceId);
        body.put("publicKey", Base64.getEncoder().encodeToString(spki));
        call("POST", "/api/v1/tenants/" + tenant + "/devices", apiKey, body, 201);
    }

    /** Creates a device awaiting enrollment and returns its one-time enrollment token. */
    String createDeviceForEnrollment(String apiKey, String tenant, String deviceId) throws Exception {
        JsonNode n = JSON.readTree(call("POST", "/api/v1/tenants/" + tenant + "/devices", apiKey, Map.of("deviceId", deviceId), 201));
        return n.path("enrollment").path("token").asText();
    }

    /** The embedded broker's TLS certificate, which agents trust for its device listener (ADR 019). */
    Path brokerServerCertificate() {
        return dataDir.resolve("broker").resolve("auth").resolve("server.pem");
    }

    /** The embedded broker's credential directory (gateway password, device trust store). */
    Path brokerAuthDirectory() {
        return dataDir.resolve("broker").resolve("auth");
    }

    /** {@code sensorproof_ingest_stored_messages_total} from /q/metrics. */
    double storedMessagesMetric() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri("/q/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString());
        for (String line : r.body().split("\n")) {
            if (line.startsWith("sensorproof_ingest_stored_messages_total")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }

    /**
     * The value of the first {@code /q/metrics} sample whose line starts with {@code prefix} (name and
     * labels, e.g. {@code sensorproof_ingest_rejected_total{reason="DEVICE_INACTIVE"}}), 0 when absent.
     */
    double metric(String prefix) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri("/q/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString());
        for (String line : r.body().split("\n")) {
            if (line.startsWith(prefix)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    /** The gateway's base URL. */
    URI baseUri() {
        return uri("");
    }

    /** An API call that must answer {@code expected}; returns the body. */
    String call(String method, String path, String apiKey, Object body, int expected) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + apiKey);
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new AssertionError(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The pid in {@code <data-dir>/postgres/postmaster.pid}, if the file exists. */
    Optional<Long> postmasterPid() throws IOException {
        return firstLinePid(dataDir.resolve("postgres").resolve("postmaster.pid"));
    }

    /** The pid in {@code <data-dir>/chain/anvil.pid}, if the file exists. */
    Optional<Long> anvilPid() throws IOException {
        return firstLinePid(dataDir.resolve("chain").resolve("anvil.pid"));
    }

    /** The pid in {@code <data-dir>/broker/broker.pid}, if the file exists. */
    Optional<Long> brokerPid() throws IOException {
        return firstLinePid(dataDir.resolve("broker").resolve("broker.pid"));
    }

    static Optional<Long> firstLinePid(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(file);
        return lines.isEmpty() || lines.get(0).isBlank() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * After the gateways of a test stopped: kills a PostgreSQL server or broker still named by the
     * pid files of {@code dataDir} (what a failed test would leave behind), checked by command line.
     */
    static void killLeftovers(Path dataDir) throws IOException {
        killIfAlive(firstLinePid(dataDir.resolve("postgres").resolve("postmaster.pid")), "postgres");
        killIfAlive(firstLinePid(dataDir.resolve("broker").resolve("broker.pid")), "embedded-broker");
        killIfAlive(firstLinePid(dataDir.resolve("chain").resolve("anvil.pid")), "anvil");
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

    /**
     * Free ports for a standalone gateway's embedded services: the broker's plain listener (the
     * gateway's own client), its TLS device listener (ADR 019) and the embedded PostgreSQL.
     */
    record StandalonePorts(int broker, int brokerTls, int postgres) {
        static StandalonePorts free() throws IOException {
            return new StandalonePorts(freePort(), freePort(), freePort());
        }

        /** The environment that puts the gateway on these ports, with {@code clientId} as its MQTT client id. */
        Map<String, String> env(String clientId) {
            return Map.of("SENSORPROOF_EMBEDDED_BROKER_PORT", Integer.toString(broker),
                    "SENSORPROOF_EMBEDDED_BROKER_TLS_PORT", Integer.toString(brokerTls),
                    "SENSORPROOF_EMBEDDED_BROKER_TLS_BIND", "127.0.0.1",
                    "SENSORPROOF_EMBEDDED_POSTGRES_PORT", Integer.toString(postgres),
                    "SENSORPROOF_MQTT_CLIENT_ID", clientId);
        }

        /** Where devices connect: the broker's TLS listener, with their enrollment certificate. */
        String deviceMqttUrl() {
            return "ssl://127.0.0.1:" + brokerTls;
        }

        /** The embedded PostgreSQL's database. */
        String jdbcUrl() {
            return "jdbc:postgresql://localhost:" + postgres + "/sensorproof";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** Deletes a directory tree (test data from an earlier run). */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
