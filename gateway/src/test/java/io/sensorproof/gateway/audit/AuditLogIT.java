package io.sensorproof.gateway.audit;

import static io.sensorproof.gateway.security.TenancyWorld.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.security.OperatorKey;
import io.sensorproof.gateway.security.TenancyTestSupport;
import io.sensorproof.gateway.security.TenancyWorld;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every administrative action leaves an entry (who, what, tenant, subject, detail), written with
 * the action; factories read their own tenant's entries, regulators and operators all of them; the
 * table refuses updates and deletes.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class AuditLogIT extends TenancyTestSupport {
    AuditLogIT() {
        super("aud-");
    }

    @Test
    void everyAdministrativeActionIsAudited() {
        as(world.victimFactoryKey).contentType(ContentType.JSON).body(Map.of("status", "SUSPENDED"))
                .patch("/api/v1/tenants/" + world.victim + "/devices/" + world.victimDevice).then().statusCode(200);
        as(world.victimFactoryKey).delete("/api/v1/tenants/" + world.victim + "/grants/" + world.bank2GrantId)
                .then().statusCode(204);
        Map<String, Object> extra = world.createKey(world.victimFactoryKey, "short-lived", "factory", null);
        as(world.victimFactoryKey).delete("/api/v1/api-keys/" + extra.get("id")).then().statusCode(204);

        List<Map<String, Object>> entries = entries(OperatorKey.bootstrap(), Map.of("tenant", world.victim));
        assertThat(entries).extracting(e -> e.get("action")).contains("TENANT_CREATED", "SITE_CREATED",
                "DEVICE_REGISTERED", "DEVICE_STATUS_CHANGED", "API_KEY_CREATED", "API_KEY_REVOKED", "GRANT_GIVEN",
                "GRANT_REVOKED");
        assertThat(entries).filteredOn(e -> e.get("action").equals("DEVICE_REGISTERED")).extracting(e -> e.get("subject"))
                .containsExactlyInAnyOrder(world.victimDevice, world.victimDevice2);

        Map<String, Object> status = only(entries, "DEVICE_STATUS_CHANGED");
        assertThat(status).containsEntry("subject", world.victimDevice).containsEntry("actorRole", "factory")
                .containsEntry("actorTenant", world.victim).containsEntry("tenant", world.victim)
                .containsEntry("actorLabel", world.marker + " factory key")
                .containsEntry("detail", Map.of("from", "ACTIVE", "to", "SUSPENDED"));
        assertThat(((Number) status.get("actorKeyId")).longValue()).isEqualTo(world.victimFactoryKeyId);
        assertThat(only(entries, "GRANT_GIVEN")).containsEntry("subject", String.valueOf(world.bank2GrantId))
                .containsEntry("detail", Map.of("grantee", world.bank2, "device", world.victimDevice2));
        assertThat(only(entries, "GRANT_REVOKED")).containsEntry("subject", String.valueOf(world.bank2GrantId));
        assertThat(only(entries, "API_KEY_REVOKED")).containsEntry("subject", String.valueOf(extra.get("id")));
        assertThat(only(entries, "TENANT_CREATED")).containsEntry("actorRole", "operator")
                .containsEntry("detail", Map.of("name", world.victim, "kind", "factory"));
        assertThat(entries).extracting(e -> ((Number) e.get("id")).longValue()).isSortedAccordingTo((a, b) -> Long.compare(b, a));

        assertThat(entries(OperatorKey.bootstrap(), Map.of("action", "API_KEY_CREATED")))
                .as("the bootstrap key is audited as an action of the gateway itself")
                .anySatisfy(e -> assertThat(e).containsEntry("actorRole", "system").containsEntry("actorKeyId", null));
    }

    @Test
    void factoriesReadTheirOwnEntriesRegulatorsAndOperatorsAll() {
        List<Map<String, Object>> own = entries(world.otherFactoryKey, Map.of());
        assertThat(own).isNotEmpty().allSatisfy(e -> assertThat(e.get("tenant")).isEqualTo(world.other));
        as(world.otherFactoryKey).queryParam("tenant", world.victim).get("/api/v1/audit").then().statusCode(403);
        assertThat(entries(world.regulatorKey, Map.of())).extracting(e -> e.get("tenant"))
                .contains(world.victim, world.other, world.bank2);
        as(world.regulatorKey).queryParam("action", "NOT_AN_ACTION").get("/api/v1/audit").then().statusCode(400)
                .body("code", org.hamcrest.Matchers.equalTo("INVALID_PARAMETER"));
    }

    @Test
    void refusedActionsLeaveNoEntry() {
        String tenant = "aud-once";
        OperatorKey.authorized().contentType(ContentType.JSON).body(Map.of("id", tenant, "name", "once"))
                .post("/api/v1/tenants").then().statusCode(201);
        OperatorKey.authorized().contentType(ContentType.JSON).body(Map.of("id", tenant, "name", "twice"))
                .post("/api/v1/tenants").then().statusCode(409);
        as(world.regulatorKey).contentType(ContentType.JSON).body(Map.of("siteId", "s1", "name", "x"))
                .post("/api/v1/tenants/" + tenant + "/sites").then().statusCode(403);
        assertThat(entries(OperatorKey.bootstrap(), Map.of("tenant", tenant))).extracting(e -> e.get("action"))
                .containsExactly("TENANT_CREATED");
    }

    @Test
    void theTableIsAppendOnly() throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("UPDATE audit_log SET actor_label = 'someone else'"))
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.executeUpdate("DELETE FROM audit_log")).hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.executeUpdate("TRUNCATE audit_log")).hasMessageContaining("append-only");
        }
        assertThat(entries(OperatorKey.bootstrap(), Map.of())).isNotEmpty();
    }

    private static List<Map<String, Object>> entries(String key, Map<String, Object> filters) {
        return as(key).queryParams(filters).queryParam("limit", 1000).get("/api/v1/audit").then().statusCode(200)
                .extract().jsonPath().getList("items");
    }

    private static Map<String, Object> only(List<Map<String, Object>> entries, String action) {
        List<Map<String, Object>> matching = entries.stream().filter(e -> action.equals(e.get("action"))).toList();
        assertThat(matching).as(action).hasSize(1);
        return matching.get(0);
    }
}
