package io.sensorproof.gateway.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/session} tells each key its own role and tenant (the dashboard's navigation by role, ADR 033),
 * in particular a regulator key from an operator key, which the key listing cannot; never another key's and never
 * a secret.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class SessionIT extends TenancyTestSupport {
    SessionIT() {
        super("ses-");
    }

    @Test
    void eachKeyLearnsItsOwnRoleAndTenant() {
        JsonPath regulator = session(world.regulatorKey);
        assertThat(regulator.getString("role")).isEqualTo("regulator");
        JsonPath operator = session(OperatorKey.bootstrap());
        assertThat(operator.getString("role")).isEqualTo("operator");
        assertThat(operator.getString("tenant")).isNull();
        assertThat(operator.getLong("keyId")).isNotEqualTo(regulator.getLong("keyId"));

        Map<String, Object> created = world.createKey(OperatorKey.bootstrap(), "session probe", "bank", world.bank);
        JsonPath bank = session((String) created.get("key"));
        assertThat(bank.getString("role")).isEqualTo("bank");
        assertThat(bank.getString("tenant")).isEqualTo(world.bank);
        assertThat(bank.getLong("keyId")).isEqualTo(((Number) created.get("id")).longValue());
        assertThat(bank.getString("label")).isEqualTo("session probe");
        assertThat(bank.getMap("$")).containsOnlyKeys("keyId", "label", "role", "tenant");

        assertThat(session(world.exchangeKey).getString("role")).isEqualTo("exchange");
        assertThat(session(world.victimFactoryKey).getString("tenant")).isEqualTo(world.victim);
    }

    @Test
    void refusesWithoutAKey() {
        given().get("/api/v1/session").then().statusCode(401);
    }

    private static JsonPath session(String key) {
        return given().header("Authorization", "Bearer " + key).get("/api/v1/session").then().statusCode(200).extract().jsonPath();
    }
}
