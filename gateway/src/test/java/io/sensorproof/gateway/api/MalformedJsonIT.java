package io.sensorproof.gateway.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.security.OperatorKey;
import org.junit.jupiter.api.Test;

/**
 * A body that is not the endpoint's JSON gets a typed 400 that says what is wrong and where, on any JSON
 * endpoint (one mapper), and is counted (ADR 051).
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class MalformedJsonIT {
    private static final String TENANTS = "/api/v1/tenants";

    @Test
    void truncatedJsonIsMalformedJsonWithWhereItEnded() {
        JsonPath error = OperatorKey.authorized().contentType(ContentType.JSON).body("{\"id\": \"mj-trunc\", \"name\": \"Trunc")
                .post(TENANTS).then().statusCode(400)
                .body("code", equalTo("MALFORMED_JSON"))
                .body("message", containsString("not valid JSON"))
                .body("message", containsString("ends before the JSON value is complete"))
                .body("details.line", equalTo(1))
                .extract().jsonPath();
        assertThat(error.getInt("details.column")).isGreaterThan(30);
    }

    @Test
    void aSyntaxErrorIsMalformedJsonWithLineAndColumn() {
        OperatorKey.authorized().contentType(ContentType.JSON).body("{\n  \"id\": \"mj-syntax\",\n  name: \"x\"\n}")
                .post(TENANTS).then().statusCode(400)
                .body("code", equalTo("MALFORMED_JSON"))
                .body("message", containsString("Unexpected character"))
                .body("message", containsString("line 3"))
                .body("message", not(containsString("Source")))
                .body("details.line", equalTo(3));
    }

    @Test
    void anObjectWhereAStringBelongsNamesTheField() {
        OperatorKey.authorized().contentType(ContentType.JSON).body("{\"id\": \"mj-type\", \"name\": {\"first\": \"x\"}}")
                .post(TENANTS).then().statusCode(400)
                .body("code", equalTo("INVALID_REQUEST"))
                .body("message", containsString("'name'"))
                .body("message", containsString("expected a string"))
                .body("details.field", equalTo("name"));
    }

    @Test
    void textWhereANumberBelongsOnAnotherEndpoint() {
        OperatorKey.authorized().contentType(ContentType.JSON).body("{\"chainFacilityId\": \"seven\"}")
                .put("/api/v1/emission-facilities/mj-facility/chain-link").then().statusCode(400)
                .body("code", equalTo("INVALID_REQUEST"))
                .body("message", containsString("'chainFacilityId'"))
                .body("message", containsString("expected an integer"))
                .body("details.field", equalTo("chainFacilityId"));
    }

    @Test
    void aLargeBodyIsNotEchoed() {
        String huge = "{\"id\": \"mj-huge\", \"name\": " + "x".repeat(20_000) + "}";
        String message = OperatorKey.authorized().contentType(ContentType.JSON).body(huge).post(TENANTS)
                .then().statusCode(400).body("code", equalTo("MALFORMED_JSON")).extract().jsonPath().getString("message");
        assertThat(message).hasSizeLessThan(300);
    }

    @Test
    void malformedBodiesAreCountedByCode() {
        double before = count("MALFORMED_JSON");
        OperatorKey.authorized().contentType(ContentType.JSON).body("{\"id\": \"mj-count").post(TENANTS).then().statusCode(400);
        OperatorKey.authorized().contentType(ContentType.JSON).body("{").post(TENANTS).then().statusCode(400);
        assertThat(count("MALFORMED_JSON")).isEqualTo(before + 2);
    }

    /** sensorproof_api_errors_total for 400 and {@code code}, 0 before the first. */
    private static double count(String code) {
        String series = "sensorproof_api_errors_total{code=\"" + code + "\",status=\"400\"} ";
        return given().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(line -> line.startsWith(series)).mapToDouble(line -> Double.parseDouble(line.substring(series.length())))
                .sum();
    }
}
