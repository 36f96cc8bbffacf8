package io.sensorproof.sim.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.sim.SimError;
import io.sensorproof.sim.SimException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's operator REST API, as far as the simulator uses it: registry (tenants, devices,
 * enrollment tokens), the acknowledgement key, and the read APIs (messages, readings, quarantine,
 * alerts, certificates, audit log) through which runs are checked. Every call carries the API key; unexpected answers are
 * {@link SimError#GATEWAY_API} with the status and body.
 */
public final class GatewayClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A stored message (without its bytes). */
    public record StoredMessage(long boot, long seq, int recordCount, Instant receivedAt, Instant deviceTime) {
    }

    /** A stored reading; {@code encodedValue} is the protocol's fixed-point value. */
    public record StoredReading(long boot, long seq, int recordIndex, String quantity, long encodedValue, Instant readingTime, boolean late) {
    }

    /** A quarantine entry (without its bytes). */
    public record QuarantineEntry(long id, String reason, String claimedDevice, boolean authenticated, String kid, Long boot, Long seq,
            String topic, Instant receivedAt) {
    }

    /** A certificate issued to a device (without its PEM). */
    public record Certificate(String serial, String kid, String caFingerprint, Instant notBefore, Instant notAfter, Instant revokedAt) {
    }

    /** An entry of the gateway's audit log. */
    public record AuditEntry(long id, Instant occurredAt, String action, String tenant, String subject, JsonNode detail) {
    }

    /** An operator alert. */
    public record Alert(long id, String kind, String deviceId, JsonNode detail) {
    }

    /**
     * @param base e.g. {@code http://127.0.0.1:8080}
     * @param apiKey an operator API key ({@code spk_…})
     */
    public GatewayClient(URI base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    /** The API's base address. */
    public URI base() {
        return base;
    }

    /** The operator API key this client sends (a multi-process load run hands it to its processes in a file). */
    public String apiKey() {
        return apiKey;
    }

    /** Creates the tenant; an existing tenant with this id is fine. */
    public void ensureTenant(String id, String name) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("name", name);
        HttpResponse<String> r = send("POST", "/api/v1/tenants", body);
        if (r.statusCode() != 201 && r.statusCode() != 409) {
            throw unexpected("POST /api/v1/tenants", r);
        }
    }

    /**
     * Registers a device with its public key (base64 SPKI DER). A device already registered with
     * the same key is fine (a rerun); with another key it is {@link SimError#PROVISIONING_FAILED}.
     */
    public void registerDevice(String tenant, String deviceId, byte[] spki) {
        String key = Base64.getEncoder().encodeToString(spki);
        Map<String, String> body = new LinkedHashMap<>();
        body.put("deviceId", deviceId);
        body.put("publicKey", key);
        String path = "/api/v1/tenants/" + tenant + "/devices";
        HttpResponse<String> r = send("POST", path, body);
        if (r.statusCode() == 201) {
            return;
        }
        if (r.statusCode() == 409) {
            HttpResponse<String> existing = send("GET", path + "/" + deviceId, null);
            if (existing.statusCode() == 200 && key.equals(tree(existing).path("publicKey").asText())) {
                return;
            }
            throw new SimException(SimError.PROVISIONING_FAILED, "device " + deviceId + " is registered with another key: " + r.body());
        }
        throw unexpected("POST " + path, r);
    }

    /**
     * Creates a device without a key, waiting for its enrollment, and returns its one-time
     * enrollment token (shown only in this answer). An existing device is
     * {@link SimError#PROVISIONING_FAILED}: its token is gone, so it cannot be enrolled from here.
     */
    public String createDeviceForEnrollment(String tenant, String deviceId) {
        String path = "/api/v1/tenants/" + tenant + "/devices";
        HttpResponse<String> r = send("POST", path, Map.of("deviceId", deviceId));
        if (r.statusCode() == 409) {
            throw new SimException(SimError.PROVISIONING_FAILED, "device " + deviceId + " exists already (registered or enrolled before,"
                    + " without this work directory's enrollment state): " + r.body());
        }
        if (r.statusCode() != 201) {
            throw unexpected("POST " + path, r);
        }
        JsonNode token = tree(r).path("enrollment").path("token");
        if (!token.isTextual()) {
            throw new SimException(SimError.GATEWAY_API, "POST " + path + " answered without an enrollment token: " + r.body());
        }
        return token.asText();
    }

    /** The certificates the gateway issued to a device, newest first. */
    public List<Certificate> certificates(String tenant, String deviceId) {
        String path = "/api/v1/tenants/" + tenant + "/devices/" + deviceId + "/certificates";
        HttpResponse<String> r = send("GET", path, null);
        if (r.statusCode() != 200) {
            throw unexpected("GET " + path, r);
        }
        List<Certificate> result = new ArrayList<>();
        for (JsonNode n : tree(r)) {
            result.add(new Certificate(n.path("serial").asText(), n.path("kid").asText(), n.path("caFingerprint").asText(),
                    Instant.parse(n.path("notBefore").asText()), Instant.parse(n.path("notAfter").asText()),
                    n.hasNonNull("revokedAt") ? Instant.parse(n.get("revokedAt").asText()) : null));
        }
        return result;
    }

    /** Audit log entries about {@code tenant} with {@code action} (e.g. DEVICE_ENROLLED), newest first. */
    public List<AuditEntry> audit(String tenant, String action) {
        List<AuditEntry> result = new ArrayList<>();
        for (JsonNode n : all("/api/v1/audit", Map.of("tenant", tenant, "action", action))) {
            result.add(new AuditEntry(n.path("id").asLong(), Instant.parse(n.path("occurredAt").asText()), n.path("action").asText(),
                    textOrNull(n, "tenant"), textOrNull(n, "subject"), n.path("detail")));
        }
        return result;
    }

    /** The public key (SPKI DER) that signs the gateway's acknowledgements. */
    public byte[] ackKeySpki() {
        HttpResponse<String> r = send("GET", "/api/v1/gateway/ack-key", null);
        if (r.statusCode() != 200) {
            throw unexpected("GET /api/v1/gateway/ack-key", r);
        }
        return Base64.getDecoder().decode(tree(r).path("spki").asText());
    }

    /** Every stored message of a device, in (boot, seq) order. */
    public List<StoredMessage> messages(String deviceId) {
        List<StoredMessage> result = new ArrayList<>();
        for (JsonNode n : all("/api/v1/devices/" + deviceId + "/messages", Map.of())) {
            result.add(new StoredMessage(n.path("boot").asLong(), n.path("seq").asLong(), n.path("recordCount").asInt(),
                    Instant.parse(n.path("receivedAt").asText()),
                    n.hasNonNull("deviceTime") ? Instant.parse(n.path("deviceTime").asText()) : null));
        }
        return result;
    }

    /** The raw signed bytes of one stored message. */
    public byte[] messageBytes(String deviceId, long boot, long seq) {
        String path = "/api/v1/devices/" + deviceId + "/messages/" + boot + "/" + seq;
        HttpResponse<String> r = send("GET", path, null);
        if (r.statusCode() != 200) {
            throw unexpected("GET " + path, r);
        }
        return Base64.getDecoder().decode(tree(r).path("raw").asText());
    }

    /** Every stored reading of a device, in reading-time order. */
    public List<StoredReading> readings(String deviceId) {
        List<StoredReading> result = new ArrayList<>();
        for (JsonNode n : all("/api/v1/devices/" + deviceId + "/readings", Map.of())) {
            result.add(new StoredReading(n.path("boot").asLong(), n.path("seq").asLong(), n.path("recordIndex").asInt(),
                    n.path("quantity").asText(), n.path("encodedValue").asLong(), Instant.parse(n.path("readingTime").asText()),
                    n.path("late").asBoolean()));
        }
        return result;
    }

    /** Quarantine entries received from {@code from} on. */
    public List<QuarantineEntry> quarantine(Instant from) {
        List<QuarantineEntry> result = new ArrayList<>();
        for (JsonNode n : all("/api/v1/quarantine", Map.of("from", from.toString()))) {
            result.add(new QuarantineEntry(n.path("id").asLong(), n.path("reason").asText(), textOrNull(n, "claimedDevice"),
                    n.path("authenticated").asBoolean(), textOrNull(n, "kid"), n.hasNonNull("boot") ? n.get("boot").asLong() : null,
                    n.hasNonNull("seq") ? n.get("seq").asLong() : null, textOrNull(n, "topic"), Instant.parse(n.path("receivedAt").asText())));
        }
        return result;
    }

    /** The raw bytes of one quarantine entry (empty when none were kept). */
    public Optional<byte[]> quarantineBytes(long id) {
        String path = "/api/v1/quarantine/" + id;
        HttpResponse<String> r = send("GET", path, null);
        if (r.statusCode() != 200) {
            throw unexpected("GET " + path, r);
        }
        JsonNode raw = tree(r).path("raw");
        return raw.isTextual() ? Optional.of(Base64.getDecoder().decode(raw.asText())) : Optional.empty();
    }

    /** Operator alerts about a device. */
    public List<Alert> alerts(String deviceId) {
        List<Alert> result = new ArrayList<>();
        for (JsonNode n : all("/api/v1/alerts", Map.of("device", deviceId))) {
            result.add(new Alert(n.path("id").asLong(), n.path("kind").asText(), textOrNull(n, "deviceId"), n.path("detail")));
        }
        return result;
    }

    /** The value of a Prometheus counter summed over its labels, from {@code /q/metrics} (empty if absent). */
    public Optional<Double> metric(String name) {
        HttpResponse<String> r = send("GET", "/q/metrics", null);
        if (r.statusCode() != 200) {
            throw unexpected("GET /q/metrics", r);
        }
        double sum = 0;
        boolean found = false;
        for (String line : r.body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        return found ? Optional.of(sum) : Optional.empty();
    }

    private List<JsonNode> all(String path, Map<String, String> query) {
        List<JsonNode> items = new ArrayList<>();
        String cursor = null;
        do {
            StringBuilder uri = new StringBuilder(path).append("?limit=1000");
            query.forEach((k, v) -> uri.append('&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
            if (cursor != null) {
                uri.append("&cursor=").append(URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            }
            HttpResponse<String> r = send("GET", uri.toString(), null);
            if (r.statusCode() != 200) {
                throw unexpected("GET " + path, r);
            }
            JsonNode page = tree(r);
            page.path("items").forEach(items::add);
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        return items;
    }

    private HttpResponse<String> send(String method, String path, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + apiKey);
        try {
            if (body != null) {
                b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SimException(SimError.GATEWAY_API, method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SimException(SimError.GATEWAY_API, method + " " + path + " interrupted", e);
        }
    }

    private static JsonNode tree(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new SimException(SimError.GATEWAY_API, "answer is not JSON: " + r.body(), e);
        }
    }

    private static String textOrNull(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }

    private static SimException unexpected(String call, HttpResponse<String> r) {
        return new SimException(SimError.GATEWAY_API, call + " answered " + r.statusCode() + ": " + r.body());
    }
}
