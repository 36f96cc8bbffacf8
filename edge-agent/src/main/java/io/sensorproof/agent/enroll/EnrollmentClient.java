package io.sensorproof.agent.enroll;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.agent.transport.MqttTransport;
import io.sensorproof.protocol.enroll.EnrollmentRequest;
import io.sensorproof.protocol.enroll.EnrollmentResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's side of {@code POST /api/v1/enroll} over {@code java.net.http}: HTTPS (trusting the
 * JDK's CAs, or exactly those in a PEM file), or plain HTTP to a loopback address only (standalone
 * mode on the same machine). Refusals come back as {@link EnrollmentRefusedException} with the
 * gateway's code.
 */
public final class EnrollmentClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI enrollUri;
    private final HttpClient http;

    /**
     * @param gatewayUrl base URL of the gateway, e.g. {@code https://gateway.example:8443}
     * @param caFile PEM CA certificates to trust for HTTPS instead of the JDK's
     */
    public EnrollmentClient(URI gatewayUrl, Optional<Path> caFile) throws IOException {
        String scheme = gatewayUrl.getScheme() == null ? "" : gatewayUrl.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && isLoopback(gatewayUrl.getHost()))) {
            throw new IOException("gateway URL must be https:// (plain http:// only to localhost): " + gatewayUrl);
        }
        String base = gatewayUrl.toString().replaceAll("/+$", "");
        this.enrollUri = URI.create(base + "/api/v1/enroll");
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER);
        if (caFile.isPresent()) {
            try {
                builder.sslContext(MqttTransport.sslContext(caFile.get()));
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot use CA file " + caFile.get() + ": " + e.getMessage(), e);
            }
        }
        this.http = builder.build();
    }

    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!literal.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Sends the request; {@code deviceId}, when given, lets the gateway refuse a token bound to
     * another device (TOKEN_FOR_OTHER_DEVICE).
     *
     * @throws EnrollmentRefusedException for a refusal (4xx, 5xx with an error body)
     * @throws IOException for network failures and unreadable responses
     */
    public EnrollmentResponse exchange(EnrollmentRequest request, Optional<String> deviceId) throws IOException, InterruptedException {
        URI uri = deviceId.map(d -> URI.create(enrollUri + "?deviceId=" + URLEncoder.encode(d, StandardCharsets.UTF_8))).orElse(enrollUri);
        Map<String, String> body = new LinkedHashMap<>();
        body.put("token", request.token());
        body.put("csr", request.csr());
        if (request.postQuantumCsr() != null) {
            body.put("postQuantumCsr", request.postQuantumCsr());
        }
        HttpRequest post = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        HttpResponse<String> response = http.send(post, HttpResponse.BodyHandlers.ofString());
        JsonNode node;
        try {
            node = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IOException("gateway answered " + response.statusCode() + " with a body that is not JSON", e);
        }
        if (response.statusCode() != 200) {
            throw new EnrollmentRefusedException(response.statusCode(), node.path("code").asText("HTTP_" + response.statusCode()),
                    node.path("message").asText(""));
        }
        return parse(node);
    }

    static EnrollmentResponse parse(JsonNode node) throws IOException {
        if (node == null || !node.isObject() || !node.path("certificateChain").isArray() || !node.path("ackKey").isObject()) {
            throw new IOException("enrollment response lacks certificateChain or ackKey");
        }
        List<String> chain = new ArrayList<>();
        node.get("certificateChain").forEach(c -> chain.add(c.asText()));
        JsonNode ack = node.get("ackKey");
        String renewal = node.path("renewalToken").isTextual() ? node.get("renewalToken").asText() : null;
        return new EnrollmentResponse(node.path("tenantId").asText(null), node.path("deviceId").asText(null), chain,
                new EnrollmentResponse.AckKey(ack.path("alg").asText(), ack.path("spki").asText(), ack.path("kid").asText()), renewal);
    }
}
