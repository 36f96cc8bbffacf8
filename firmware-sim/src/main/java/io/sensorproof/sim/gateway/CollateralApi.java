package io.sensorproof.sim.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's issue-14 API as the parties use it, one key per instance: tenants and API keys
 * (operator), sites and lots (factory), terms (bank), webhook endpoints (each tenant), collateral
 * alerts (REST), and the readings/messages read APIs. Everything goes through HTTP as the gateway
 * README documents it; an unexpected status is an {@link IllegalStateException} with the body.
 */
public final class CollateralApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final URI base;
    private final String key;

    /**
     * @param base the API base, e.g. {@code http://127.0.0.1:8080}
     * @param key the caller's API key
     */
    public CollateralApi(URI base, String key) {
        this.base = base;
        this.key = key;
    }

    /** The same gateway with another caller's key. */
    public CollateralApi as(String otherKey) {
        return new CollateralApi(base, otherKey);
    }

    /** The API base. */
    public URI base() {
        return base;
    }

    /** The caller's key. */
    public String key() {
        return key;
    }

    /** One watch of a lot's terms, fixed-point as stored (temperatures in centi-kelvin). */
    public record Watch(String quantity, long lo, long hi, long minDurationMs, long maxGapMs, long samplingIntervalMs, long maxAgeMs,
            int k) {
    }

    /** A webhook endpoint as registered, with the secret shown once. */
    public record Endpoint(String id, String secret) {
    }

    /** Operator: a tenant of a kind (factory, bank, …). */
    public void createTenant(String id, String kind) {
        expect(201, "POST", "/api/v1/tenants", Map.of("id", id, "name", id, "kind", kind));
    }

    /** Operator: an API key of {@code role} for {@code tenant}; returns its secret. */
    public String createKey(String role, String tenant) {
        return expect(201, "POST", "/api/v1/api-keys", Map.of("label", role + " of " + tenant, "role", role, "tenant", tenant))
                .path("key").asText();
    }

    /** Factory (or operator): a site of a factory. */
    public void createSite(String tenant, String siteId) {
        expect(201, "POST", "/api/v1/tenants/" + tenant + "/sites", Map.of("siteId", siteId, "name", siteId));
    }

    /** Factory: pledges {@code deviceIds} at {@code siteId} to {@code bank}; returns the lot id. */
    public long createLot(String tenant, String siteId, String bank, String name, List<String> deviceIds) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tenant", tenant);
        body.put("siteId", siteId);
        body.put("bank", bank);
        body.put("name", name);
        body.put("deviceIds", deviceIds);
        return expect(201, "POST", "/api/v1/lots", body).path("id").asLong();
    }

    /** Bank: sets the terms of its lot. */
    public void setTerms(long lotId, List<Watch> watches) {
        expect(200, "PUT", "/api/v1/lots/" + lotId + "/terms", Map.of("watches", watches));
    }

    /** The tenant's own key (or operator): registers a webhook endpoint. */
    public Endpoint registerWebhook(String tenant, String url) {
        JsonNode n = expect(201, "POST", "/api/v1/tenants/" + tenant + "/webhooks", Map.of("url", url));
        return new Endpoint(n.path("endpoint").path("id").asText(), n.path("secret").asText());
    }

    /** The attempt history of an endpoint, newest first. */
    public List<JsonNode> deliveries(String tenant, String endpointId) {
        List<JsonNode> out = new ArrayList<>();
        expect(200, "GET", "/api/v1/tenants/" + tenant + "/webhooks/" + endpointId + "/deliveries?limit=1000", null).path("items")
                .forEach(out::add);
        return out;
    }

    /** Operator: a tenant of a kind, or nothing when a tenant with this id exists (a resumed demo). */
    public void ensureTenant(String id, String kind) {
        HttpResponse<String> r = send("POST", "/api/v1/tenants", Map.of("id", id, "name", id, "kind", kind));
        if (r.statusCode() != 201 && r.statusCode() != 409) {
            throw new IllegalStateException("POST /api/v1/tenants answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** Factory (or operator): a site of a factory, or nothing when it exists. */
    public void ensureSite(String tenant, String siteId) {
        HttpResponse<String> r = send("POST", "/api/v1/tenants/" + tenant + "/sites", Map.of("siteId", siteId, "name", siteId));
        if (r.statusCode() != 201 && r.statusCode() != 409) {
            throw new IllegalStateException("POST /api/v1/tenants/" + tenant + "/sites answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** Bank (or operator): links the lot to its on-chain CollateralFinancing facility; returns the lot. */
    public JsonNode linkFacility(long lotId, String facilityId) {
        return expect(200, "PUT", "/api/v1/lots/" + lotId + "/chain-facility", Map.of("facilityId", facilityId));
    }

    /** A lot as the key sees it (terms, {@code chainFacilityId}, {@code chain} state from the chain's events). */
    public JsonNode lot(long lotId) {
        return expect(200, "GET", "/api/v1/lots/" + lotId, null);
    }

    /** A lot's freezes (state SUBMITTED, FROZEN or FAILED, transaction, block, runs of claim ids). */
    public List<JsonNode> freezes(long lotId) {
        List<JsonNode> out = new ArrayList<>();
        expect(200, "GET", "/api/v1/lots/" + lotId + "/freezes", null).path("items").forEach(out::add);
        return out;
    }

    /** The HTTP status of a GET of {@code path} (e.g. an evidence bundle) for this key. */
    public int status(String path) {
        return send("GET", path, null).statusCode();
    }

    /** Every collateral alert the key may see, newest first. */
    public List<JsonNode> alerts() {
        return all("/api/v1/collateral-alerts");
    }

    /** The HTTP status of {@code GET /api/v1/collateral-alerts/{id}} for this key. */
    public int alertStatus(long alertId) {
        return send("GET", "/api/v1/collateral-alerts/" + alertId, null).statusCode();
    }

    /** Every stored reading of a device (its {@code readingTime}, {@code quantity}, key, …). */
    public List<JsonNode> readings(String deviceId) {
        return all("/api/v1/devices/" + deviceId + "/readings");
    }

    /** The stored readings of one quantity of a device from {@code from} (reading time, inclusive), oldest first. */
    public List<JsonNode> readings(String deviceId, String quantity, Instant from) {
        return all("/api/v1/devices/" + deviceId + "/readings?quantity=" + URLEncoder.encode(quantity, StandardCharsets.UTF_8)
                + "&from=" + URLEncoder.encode(from.toString(), StandardCharsets.UTF_8));
    }

    /** A GET of {@code path} that must answer 200, as JSON. */
    public JsonNode get(String path) {
        return expect(200, "GET", path, null);
    }

    /** Every stored message of a device ({@code boot}, {@code seq}, {@code receivedAt}, …). */
    public List<JsonNode> messages(String deviceId) {
        return all("/api/v1/devices/" + deviceId + "/messages");
    }

    private List<JsonNode> all(String path) {
        List<JsonNode> items = new ArrayList<>();
        String cursor = null;
        do {
            String uri = path + (path.contains("?") ? "&" : "?") + "limit=1000"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            JsonNode page = expect(200, "GET", uri, null);
            page.path("items").forEach(items::add);
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        return items;
    }

    private JsonNode expect(int status, String method, String path, Object body) {
        HttpResponse<String> r = send(method, path, body);
        if (r.statusCode() != status) {
            throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        try {
            return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + r.body(), e);
        }
    }

    private HttpResponse<String> send(String method, String path, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + key);
        try {
            if (body != null) {
                b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + path + " interrupted", e);
        }
    }
}
