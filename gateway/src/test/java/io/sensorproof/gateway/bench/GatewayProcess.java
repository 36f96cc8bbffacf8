package io.sensorproof.gateway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.VerificationKey;
import java.io.IOException;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The packaged gateway ({@code quarkus-run.jar}) as a child process in standalone mode: its own
 * data directory, free HTTP and broker ports, the embedded PostgreSQL server and broker process it
 * starts. Stopped with SIGTERM (Quarkus, then the broker and PostgreSQL, stop in order).
 */
final class GatewayProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path dataDir;
    private final int httpPort;
    private final int brokerPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String apiKey;

    private GatewayProcess(Process process, Path dataDir, int httpPort, int brokerPort) {
        this.process = process;
        this.dataDir = dataDir;
        this.httpPort = httpPort;
        this.brokerPort = brokerPort;
    }

    /** Starts the gateway in {@code runDir} (its working directory; data in {@code runDir/data}) and waits until it is ready. */
    static GatewayProcess start(Path jar, Path runDir, List<String> jvmOptions, Duration timeout) throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " not found: package the gateway first (mvn -B -pl gateway -am package -DskipTests)");
        }
        Files.createDirectories(runDir);
        Path data = runDir.resolve("data");
        int httpPort = freePort();
        int brokerPort = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        ProcessBuilder pb = new ProcessBuilder(command).directory(runDir.toFile()).redirectErrorStream(true)
                .redirectOutput(runDir.resolve("gateway.log").toFile());
        Map<String, String> env = pb.environment();
        env.put("SENSORPROOF_DATA_DIR", data.toAbsolutePath().toString());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        env.put("SENSORPROOF_EMBEDDED_BROKER_PORT", Integer.toString(brokerPort));
        env.put("SENSORPROOF_EMBEDDED_BROKER_TLS_PORT", Integer.toString(freePort()));
        env.put("SENSORPROOF_COAP_PORT", "0");
        env.put("SENSORPROOF_CHAIN_LOCAL_PORT", Integer.toString(freePort()));
        env.put("SENSORPROOF_PROVER_ENABLED", "false");
        GatewayProcess gateway = new GatewayProcess(pb.start(), data, httpPort, brokerPort);
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "gateway-load-stop-gateway"));
        gateway.awaitReady(timeout);
        gateway.apiKey = Files.readString(data.resolve("operator-api-key")).trim();
        return gateway;
    }

    private void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("gateway exited with " + process.exitValue() + "; see " + dataDir.getParent().resolve("gateway.log"));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/q/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && Files.exists(dataDir.resolve("operator-api-key"))) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("gateway not ready after " + timeout + "; see " + dataDir.getParent().resolve("gateway.log"));
    }

    /** POST with the operator key; returns the JSON answer, failing unless the status is {@code expected}. */
    JsonNode post(String path, Object body, int expected) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new IllegalStateException("POST " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** GET with the operator key. */
    String get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + apiKey).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /** The acknowledgement key from {@code GET /api/v1/gateway/ack-key}. */
    VerificationKey ackKey() throws Exception {
        JsonNode k = JSON.readTree(get("/api/v1/gateway/ack-key"));
        return Keys.publicKeyFromSpki(Base64.getDecoder().decode(k.get("spki").asText()));
    }

    /** The UDP port of the CoAP/DTLS endpoint (started on a free port), from the {@code coap} check of {@code /q/health/ready}. */
    int coapPort() throws Exception {
        JsonNode health = JSON.readTree(get("/q/health/ready"));
        for (JsonNode check : health.path("checks")) {
            if ("coap".equals(check.path("name").asText()) && check.path("data").has("port")) {
                return check.path("data").path("port").asInt();
            }
        }
        throw new IllegalStateException("no CoAP port in /q/health/ready: " + health);
    }

    /** The gateway's DTLS certificate ({@code data/coap-server.pem}, created at the first start), which devices trust. */
    Path coapServerCertificate() {
        return dataDir.resolve("coap-server.pem");
    }

    /**
     * The broker's password for the gateway's user ({@code data/broker/auth/gateway-password}, ADR
     * 019): the plain loopback listener accepts no other client without a device certificate.
     */
    String brokerGatewayPassword() throws IOException {
        return Files.readString(dataDir.resolve("broker").resolve("auth").resolve("gateway-password")).trim();
    }

    String mqttUrl() {
        return "tcp://127.0.0.1:" + brokerPort;
    }

    long pid() {
        return process.pid();
    }

    /** The postmaster, from {@code data/postgres/postmaster.pid}. */
    Optional<Long> postmasterPid() {
        return Proc.pidFile(dataDir.resolve("postgres").resolve("postmaster.pid"));
    }

    /** The broker process, from {@code data/broker/broker.pid}, else the gateway's child running the broker jar. */
    Optional<Long> brokerPid() {
        return Proc.pidFile(dataDir.resolve("broker").resolve("broker.pid")).or(() -> process.toHandle().children()
                .filter(h -> h.info().commandLine().orElse("").contains("embedded-broker")).map(ProcessHandle::pid).findFirst());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(Duration.ofSeconds(60).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
