package io.sensorproof.gateway.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.restassured.response.Response;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operations of the running application's OpenAPI document ({@code /q/openapi}), turned into
 * concrete requests against a {@link TenancyWorld}: path parameters filled with real ids of the
 * victim tenant's resources, request bodies generated from the operation's schema with plausible
 * values, {@code limit=1000} where the operation pages. A path parameter this class does not know
 * fails the test, so a new endpoint cannot slip past the probes unnoticed.
 */
final class OpenApiOperations {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
    private static final AtomicInteger FRESH = new AtomicInteger();

    /** One operation of the document. */
    record Operation(String method, String path, JsonNode node) {
        boolean hasPathParameters() {
            return path.contains("{");
        }

        boolean isRead() {
            return method.equals("get");
        }

        String key() {
            return method.toUpperCase() + " " + path;
        }

        @Override
        public String toString() {
            return key();
        }
    }

    private final JsonNode doc;
    private final TenancyWorld world;

    private OpenApiOperations(JsonNode doc, TenancyWorld world) {
        this.doc = doc;
        this.world = world;
    }

    static OpenApiOperations load(TenancyWorld world) throws Exception {
        String body = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().asString();
        return new OpenApiOperations(JSON.readTree(body), world);
    }

    List<Operation> all() {
        List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (METHODS.contains(op.getKey())) {
                    operations.add(new Operation(op.getKey(), path.getKey(), op.getValue()));
                }
            }
        }
        return operations;
    }

    /** Sends {@code op} with {@code key}, the path filled with the victim's ids and a generated body. */
    Response send(Operation op, String key) {
        var request = TenancyWorld.as(key);
        if (takesQueryParameter(op, "limit")) {
            request = request.queryParam("limit", 1000);
        }
        if (takesQueryParameter(op, "follow")) {
            // a stream (server-sent events): replay what the key may see, then end
            request = request.queryParam("follow", false);
        }
        if (op.path().startsWith("/api/v1/claims")) {
            // the claims listing must have one of the victim's to show (or to hide)
            victimClaimId();
        }
        JsonNode schema = requestSchema(op);
        if (schema != null) {
            request = request.contentType("application/json").body(generate("body", schema).toString());
        }
        return request.request(op.method(), concretePath(op));
    }

    /** The path with every parameter replaced by a real id of the victim's side. */
    String concretePath(Operation op) {
        String[] segments = op.path().split("/");
        StringBuilder path = new StringBuilder();
        for (int i = 1; i < segments.length; i++) {
            String segment = segments[i];
            path.append('/');
            if (segment.startsWith("{") && segment.endsWith("}")) {
                path.append(pathValue(op, segments[i - 1], segment.substring(1, segment.length() - 1)));
            } else {
                path.append(segment);
            }
        }
        return path.toString();
    }

    private String pathValue(Operation op, String previous, String name) {
        return switch (name) {
            case "tenant" -> world.victim;
            case "deviceId" -> world.victimDevice;
            case "boot" -> String.valueOf(world.boot);
            case "seq" -> String.valueOf(world.seq);
            case "recordIndex" -> "0";
            case "siteId" -> world.victimSite;
            case "grantId" -> String.valueOf(world.bank2GrantId);
            case "lotId" -> String.valueOf(world.victimLotId);
            case "alertId" -> String.valueOf(world.victimAlertId);
            case "facilityId" -> String.valueOf(world.victimFacilityId);
            case "eventId" -> world.victimWebhookEventId;
            case "periodId" -> String.valueOf(victimCarbonPeriodId());
            case "freezeId" -> String.valueOf(victimFreezeId());
            case "claimId" -> victimClaimId();
            case "id" -> switch (previous) {
                case "tenants" -> world.victim;
                case "api-keys" -> String.valueOf(world.victimFactoryKeyId);
                case "quarantine" -> String.valueOf(world.victimQuarantineId);
                case "webhooks" -> world.victimWebhookId;
                case "batches" -> String.valueOf(victimBatchId());
                default -> fail("no id of the victim tenant known for {id} after '" + previous + "' in " + op
                        + "; teach OpenApiOperations.pathValue");
            };
            default -> fail("no id of the victim tenant known for path parameter {" + name + "} in " + op
                    + "; teach OpenApiOperations.pathValue");
        };
    }

    private long victimCarbonPeriodId() {
        try {
            return world.victimCarbonPeriodId();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the victim's carbon period", e);
        }
    }

    private long victimFreezeId() {
        try {
            return world.victimFreezeId();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the victim's freeze", e);
        }
    }

    private String victimClaimId() {
        try {
            return world.victimClaimId();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the victim's claim", e);
        }
    }

    private long victimBatchId() {
        try {
            return world.victimBatchId();
        } catch (SQLException e) {
            throw new IllegalStateException("sealing the victim's batch", e);
        }
    }

    private static boolean takesQueryParameter(Operation op, String name) {
        for (JsonNode p : op.node().path("parameters")) {
            if ("query".equals(p.path("in").asText()) && name.equals(p.path("name").asText())) {
                return true;
            }
        }
        return false;
    }

    private JsonNode requestSchema(Operation op) {
        JsonNode content = op.node().path("requestBody").path("content");
        for (Iterator<Map.Entry<String, JsonNode>> types = content.fields(); types.hasNext(); ) {
            Map.Entry<String, JsonNode> type = types.next();
            if (type.getKey().contains("json")) {
                return resolve(type.getValue().path("schema"));
            }
        }
        return null;
    }

    private JsonNode resolve(JsonNode schema) {
        String ref = schema.path("$ref").asText("");
        if (ref.startsWith("#/components/schemas/")) {
            return doc.path("components").path("schemas").path(ref.substring("#/components/schemas/".length()));
        }
        return schema;
    }

    /** A plausible value for a property {@code name} of {@code schema}: the victim's ids where they fit. */
    private JsonNode generate(String name, JsonNode schemaOrRef) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        JsonNode schema = resolve(schemaOrRef);
        Map<String, JsonNode> known = new HashMap<>();
        int n = FRESH.incrementAndGet();
        known.put("tenant", f.textNode(world.victim));
        known.put("grantee", f.textNode(world.bank));
        known.put("deviceId", f.textNode("probe-dev-" + n));
        known.put("publicKey", f.textNode(TenancyWorld.freshPublicKey()));
        // the optional second key of a hybrid device (ADR 029): a valid ML-DSA key, so the control call registers it
        known.put("postQuantumPublicKey", f.textNode(TenancyWorld.freshPostQuantumPublicKey()));
        known.put("siteId", f.textNode(world.victimSite));
        known.put("id", f.textNode("probe-t-" + n));
        known.put("role", f.textNode("factory"));
        known.put("kind", f.textNode("bank"));
        known.put("status", f.textNode("SUSPENDED"));
        known.put("bank", f.textNode(world.bank2));
        known.put("exchange", f.textNode(world.exchange2));
        known.put("quantity", f.textNode("temperature"));
        known.put("calendar", f.textNode("MONTHLY_UTC"));
        known.put("facilityId", f.textNode("1")); // a chain facility id: a uint256 in decimal
        known.put("url", f.textNode("http://127.0.0.1:9/probe-" + n));
        if (known.containsKey(name)) {
            return known.get(name);
        }
        if (name.equals("deviceIds")) {
            ArrayNode ids = f.arrayNode();
            ids.add(world.victimDevice);
            return ids;
        }
        String type = schema.path("type").asText("object");
        switch (type) {
            case "string":
                return f.textNode("probe " + n);
            case "integer":
            case "number":
                return f.numberNode(1);
            case "boolean":
                return f.booleanNode(true);
            case "array":
                ArrayNode array = f.arrayNode();
                array.add(generate(name, schema.path("items")));
                return array;
            default:
                ObjectNode object = f.objectNode();
                for (Iterator<Map.Entry<String, JsonNode>> props = schema.path("properties").fields(); props.hasNext(); ) {
                    Map.Entry<String, JsonNode> prop = props.next();
                    object.set(prop.getKey(), generate(prop.getKey(), prop.getValue()));
                }
                return object;
        }
    }
}
