package io.sensorproof.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sensorproof.gateway.security.OperatorKey;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The application on the embedded server: durability, migrations, readiness, API errors. */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class GatewayApplicationIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Inject
    AgroalDataSource dataSource;

    @TestHTTPResource("/")
    URL root;

    @Test
    void databaseRunsWithFsyncAndSynchronousCommitOn() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            assertThat(show(c, "fsync")).isEqualTo("on");
            assertThat(show(c, "synchronous_commit")).isEqualTo("on");
            assertThat(show(c, "full_page_writes")).isEqualTo("on");
        }
    }

    @Test
    void migrationsCreatedEveryTable() throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables"
                        + " WHERE table_schema = 'public' ORDER BY table_name")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        assertThat(tables).contains("tenants", "devices", "api_keys", "messages", "readings", "quarantine",
                "operator_alerts", "flyway_schema_history");
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version, success FROM flyway_schema_history"
                        + " WHERE version IS NOT NULL ORDER BY installed_rank")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("1");
            assertThat(rs.getBoolean(2)).isTrue();
        }
    }

    @Test
    void messageKeyRejectsDuplicates() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO tenants (id, name) VALUES ('dup-tenant', 'Dup') ON CONFLICT DO NOTHING");
            s.execute("INSERT INTO devices (device_id, tenant_id, kid, spki, alg)"
                    + " VALUES ('dup-device', 'dup-tenant', '\\x01', '\\x02', 'ES256') ON CONFLICT DO NOTHING");
            String insert = "INSERT INTO messages (device_id, boot, seq, content_digest, raw, received_at, record_count)"
                    + " VALUES ('dup-device', 1, 7, '\\x00', '\\x00', now(), 1) ON CONFLICT DO NOTHING";
            assertThat(s.executeUpdate(insert)).isEqualTo(1);
            assertThat(s.executeUpdate(insert)).isZero();
        }
    }

    @Test
    void readinessIncludesTheDatabase() throws Exception {
        HttpResponse<String> response = get("q/health/ready");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode health = JSON.readTree(response.body());
        assertThat(health.path("status").asText()).isEqualTo("UP");
        List<String> checks = new ArrayList<>();
        health.path("checks").forEach(check -> checks.add(check.path("name").asText()));
        assertThat(checks).contains("database-durability", "Database connections health check",
                "Reactive PostgreSQL connections health check");
        JsonNode durability = null;
        for (JsonNode check : health.path("checks")) {
            if (check.path("name").asText().equals("database-durability")) {
                durability = check;
            }
        }
        assertThat(durability.path("status").asText()).isEqualTo("UP");
        assertThat(durability.path("data").path("fsync").asText()).isEqualTo("on");
        assertThat(durability.path("data").path("synchronous_commit").asText()).isEqualTo("on");
    }

    @Test
    void unknownTenantIsRenderedAsCodeMessageDetails() throws Exception {
        HttpResponse<String> response = get("api/v1/tenants/no-such-tenant");
        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.path("code").asText()).isEqualTo("TENANT_NOT_FOUND");
        assertThat(error.path("message").asText()).contains("no-such-tenant");
        assertThat(error.path("details").path("tenant").asText()).isEqualTo("no-such-tenant");
    }

    @Test
    void invalidIdentifierIsRenderedWithProtocolErrorCode() throws Exception {
        HttpResponse<String> response = get("api/v1/tenants/Not_Valid");
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.path("code").asText()).isEqualTo("INVALID_IDENTIFIER");
        assertThat(error.has("details")).isTrue();
    }

    @Test
    void unknownApiPathIsRenderedAsCodeMessageDetails() throws Exception {
        HttpResponse<String> response = get("api/v1/tenants/acme/nothing-here");
        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.path("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(error.has("message")).isTrue();
        assertThat(error.has("details")).isTrue();
    }

    @Test
    void tenantIsReadThroughHibernateReactive() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO tenants (id, name) VALUES ('acme', 'ACME Cold Storage') ON CONFLICT DO NOTHING");
        }
        HttpResponse<String> response = get("api/v1/tenants/acme");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode tenant = JSON.readTree(response.body());
        assertThat(tenant.path("id").asText()).isEqualTo("acme");
        assertThat(tenant.path("name").asText()).isEqualTo("ACME Cold Storage");
        assertThat(tenant.path("createdAt").asText()).isNotBlank();
    }

    @Test
    void servesOpenApiAndPrometheusMetrics() throws Exception {
        assertThat(get("q/openapi").statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = get("q/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_");
    }

    private HttpResponse<String> get(String path) throws Exception {
        URI uri = root.toURI().resolve(path);
        // /api/v1 requires an API key: the bootstrap key the application wrote at its start.
        return HTTP.send(HttpRequest.newBuilder(uri).header("Authorization", OperatorKey.bearer()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String show(Connection c, String setting) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
