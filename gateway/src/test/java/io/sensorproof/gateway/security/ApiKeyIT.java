package io.sensorproof.gateway.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** API keys end to end: authentication, creation shown once, hashed storage, revocation, bootstrap. */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class ApiKeyIT {
    private static final String TENANTS = "/api/v1/tenants";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    OperatorKeyBootstrap bootstrap;

    @Test
    void refusesRequestWithoutAuthorizationHeader() {
        given().get(TENANTS).then().statusCode(401)
                .header("WWW-Authenticate", "Bearer realm=\"sensorproof\"")
                .body("code", equalTo("UNAUTHENTICATED"))
                .body("details", equalTo(Map.of()));
    }

    @Test
    void refusesUnknownMalformedAndNonBearerKeys() {
        String unknown = ApiKeySecrets.generate(new java.security.SecureRandom());
        for (String header : List.of("Bearer " + unknown, "Bearer not-a-key", "Bearer ", "Basic dXNlcjpwYXNz",
                OperatorKey.bootstrap())) {
            given().header("Authorization", header).get(TENANTS).then().statusCode(401)
                    .body("code", equalTo("UNAUTHENTICATED"));
        }
    }

    @Test
    void unknownPathsUnderTheApiAreHiddenWithoutKey() {
        given().get("/api/v1/no-such-thing").then().statusCode(401).body("code", equalTo("UNAUTHENTICATED"));
        given().delete(TENANTS).then().statusCode(401);
        OperatorKey.authorized().get("/api/v1/no-such-thing").then().statusCode(404).body("code", equalTo("NOT_FOUND"));
    }

    @Test
    void bootstrapKeyIsInTheDataDirectoryOwnerOnlyAndWorks() throws Exception {
        assertThat(Files.getPosixFilePermissions(bootstrap.keyFile()))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        OperatorKey.authorized().get(TENANTS).then().statusCode(200);
        assertThat(bootstrap.bootstrapIfEmpty()).as("a second bootstrap creates nothing").isEmpty();
        assertThat(apiKeyRows()).anySatisfy(row -> assertThat(row).contains(OperatorKeyBootstrap.LABEL));
    }

    @Test
    void createdKeyIsShownOnceAndAuthenticates() {
        JsonPath created = OperatorKey.authorized().contentType(ContentType.JSON)
                .body(Map.of("label", "ci pipeline"))
                .post("/api/v1/api-keys")
                .then().statusCode(201)
                .header("Cache-Control", "no-store")
                .body("role", equalTo("operator"))
                .body("label", equalTo("ci pipeline"))
                .extract().jsonPath();
        String key = created.getString("key");
        long id = created.getLong("id");
        assertThat(ApiKeySecrets.isWellFormed(key)).isTrue();

        given().header("Authorization", "Bearer " + key).get(TENANTS).then().statusCode(200);

        String list = OperatorKey.authorized().get("/api/v1/api-keys").then().statusCode(200)
                .body("items.find { it.id == " + id + " }.label", equalTo("ci pipeline"))
                .body("items.find { it.id == " + id + " }.revokedAt", nullValue())
                .extract().asString();
        assertThat(list).doesNotContain(key).doesNotContain(key.substring(4)).doesNotContain("\"key\"");
    }

    @Test
    void storesOnlyTheSha256OfKeys() throws Exception {
        String key = OperatorKey.authorized().contentType(ContentType.JSON).body(Map.of("label", "hash check"))
                .post("/api/v1/api-keys").then().statusCode(201).extract().path("key");
        String hashHex = HexFormat.of().formatHex(ApiKeySecrets.hash(key));
        List<String> rows = apiKeyRows();
        assertThat(rows).noneSatisfy(row -> assertThat(row).contains(key.substring(4)));
        assertThat(rows).anySatisfy(row -> assertThat(row).contains(hashHex));
        assertThat(OperatorKey.bootstrap()).satisfies(bootstrapKey ->
                assertThat(rows).noneSatisfy(row -> assertThat(row).contains(bootstrapKey.substring(4))));
    }

    @Test
    void revokedKeyIsRefusedAndRevocationIsIdempotent() {
        JsonPath created = OperatorKey.authorized().contentType(ContentType.JSON).body(Map.of("label", "to revoke"))
                .post("/api/v1/api-keys").then().statusCode(201).extract().jsonPath();
        String key = created.getString("key");
        long id = created.getLong("id");
        given().header("Authorization", "Bearer " + key).get(TENANTS).then().statusCode(200);

        OperatorKey.authorized().delete("/api/v1/api-keys/" + id).then().statusCode(204);
        given().header("Authorization", "Bearer " + key).get(TENANTS).then().statusCode(401)
                .body("code", equalTo("UNAUTHENTICATED"));
        OperatorKey.authorized().delete("/api/v1/api-keys/" + id).then().statusCode(204);
        OperatorKey.authorized().get("/api/v1/api-keys").then()
                .body("items.find { it.id == " + id + " }.revokedAt", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void mintedTestKeyAuthenticatesLikeAnApiCreatedOne() {
        String key = OperatorKey.mint(dataSource, "minted in a test");
        given().header("Authorization", "Bearer " + key).get(TENANTS).then().statusCode(200);
    }

    @Test
    void rejectsBadCreateAndRevokeRequests() {
        OperatorKey.authorized().contentType(ContentType.JSON).body(Map.of("label", " "))
                .post("/api/v1/api-keys").then().statusCode(400)
                .body("code", equalTo("INVALID_REQUEST")).body("details.field", equalTo("label"));
        OperatorKey.authorized().contentType(ContentType.JSON).body(Map.of("label", "x", "role", "admin"))
                .post("/api/v1/api-keys").then().statusCode(400)
                .body("code", equalTo("INVALID_REQUEST")).body("details.field", equalTo("role"));
        OperatorKey.authorized().delete("/api/v1/api-keys/abc").then().statusCode(400)
                .body("code", equalTo("INVALID_PARAMETER")).body("details.parameter", equalTo("id"));
        OperatorKey.authorized().delete("/api/v1/api-keys/999999999").then().statusCode(404)
                .body("code", equalTo("API_KEY_NOT_FOUND"));
    }

    @Test
    void lastActiveKeyCannotBeRevoked() throws Exception {
        String key = OperatorKey.mint(dataSource, "the last one");
        long id;
        List<Long> suspended = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT id FROM api_keys WHERE key_hash = '\\x"
                    + HexFormat.of().formatHex(ApiKeySecrets.hash(key)) + "'")) {
                rs.next();
                id = rs.getLong(1);
            }
            try (ResultSet rs = s.executeQuery("UPDATE api_keys SET revoked_at = now()"
                    + " WHERE revoked_at IS NULL AND id <> " + id + " RETURNING id")) {
                while (rs.next()) {
                    suspended.add(rs.getLong(1));
                }
            }
        }
        try {
            given().header("Authorization", "Bearer " + key).delete("/api/v1/api-keys/" + id)
                    .then().statusCode(409).body("code", equalTo("LAST_ACTIVE_API_KEY"));
            given().header("Authorization", "Bearer " + key).get(TENANTS).then().statusCode(200);
        } finally {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                for (long other : suspended) {
                    s.executeUpdate("UPDATE api_keys SET revoked_at = NULL WHERE id = " + other);
                }
            }
        }
    }

    private List<String> apiKeyRows() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT row_to_json(k)::text FROM api_keys k")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
