package io.sensorproof.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonBodyErrorsTest {
    enum Colour { RED, GREEN }

    record Watch(String quantity, Integer k, Colour colour) {
    }

    record Body(String name, List<Watch> watches) {
        Body {
            if (name != null && name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ApiError read(String body) {
        return read(JSON, body);
    }

    private static ApiError read(ObjectMapper json, String body) {
        JsonProcessingException failure = catchThrowableOfType(JsonProcessingException.class, () -> json.readValue(body, Body.class));
        assertThat(failure).as("Jackson refuses %s", body).isNotNull();
        // as Quarkus hands it over: mismatches as they are, everything else wrapped into a 400
        Throwable delivered = failure instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException ? failure
                : new WebApplicationException(failure, Response.Status.BAD_REQUEST);
        return JsonBodyErrors.describe(JsonBodyErrors.bodyFailure(delivered).orElseThrow());
    }

    @Test
    void syntaxErrorsAreMalformedJsonWithLineAndColumn() {
        ApiError error = read("{\"name\": \"a\",\n \"watches\": [}");
        assertThat(error.code()).isEqualTo("MALFORMED_JSON");
        assertThat(error.message()).startsWith("the request body is not valid JSON: Unexpected close marker").contains("line 2")
                .doesNotContain("Source").doesNotContain("starting at");
        assertThat(error.details()).containsEntry("line", 2).containsKey("column");
    }

    @Test
    void aTruncatedBodyIsMalformedJson() {
        ApiError error = read("{\"name\": \"abc");
        assertThat(error.code()).isEqualTo("MALFORMED_JSON");
        assertThat(error.message()).contains("ends before the JSON value is complete").contains("line 1");
    }

    @Test
    void aWrongTypeNamesTheFieldPathAndWhatWasExpected() {
        ApiError error = read("{\"name\": \"a\", \"watches\": [{\"quantity\": \"t\"}, {\"k\": \"two\"}]}");
        assertThat(error.code()).isEqualTo("INVALID_REQUEST");
        assertThat(error.details()).containsEntry("field", "watches[1].k");
        assertThat(error.message()).contains("'watches[1].k'").contains("expected an integer").contains("not \"two\"");

        assertThat(read("{\"name\": {\"a\": 1}}").message()).contains("'name'").contains("expected a string");
        assertThat(read("{\"watches\": \"t\"}").message()).contains("'watches'").contains("expected an array");
        assertThat(read("[1]").message()).contains("for the body").contains("expected an object");
    }

    @Test
    void anUnknownEnumValueListsTheAllowedOnes() {
        ApiError error = read("{\"watches\": [{\"colour\": \"BLUE\"}]}");
        assertThat(error.code()).isEqualTo("INVALID_REQUEST");
        assertThat(error.message()).contains("'watches[0].colour'").contains("one of [RED, GREEN]").contains("not \"BLUE\"");
    }

    @Test
    void anUnknownFieldIsNamedWhereTheMapperRefusesThem() {
        ObjectMapper strict = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        ApiError error = read(strict, "{\"name\": \"a\", \"colour\": \"x\"}");
        assertThat(error.code()).isEqualTo("INVALID_REQUEST");
        assertThat(error.message()).startsWith("unknown field 'colour'");
    }

    @Test
    void aValueItsTypeRefusesIsAnInvalidRequestWithTheReason() {
        ApiError error = read("{\"name\": \" \"}");
        assertThat(error.code()).isEqualTo("INVALID_REQUEST");
        assertThat(error.message()).contains("name must not be blank");
    }

    @Test
    void longInputIsNotEchoed() {
        ApiError error = read("{\"name\": " + "y".repeat(10_000) + "}");
        assertThat(error.code()).isEqualTo("MALFORMED_JSON");
        assertThat(error.message()).hasSizeLessThan(JsonBodyErrors.MAX_QUOTE + 100);
        ApiError wrong = read("{\"watches\": [{\"k\": \"" + "9".repeat(10_000) + "x\"}]}");
        assertThat(wrong.message()).hasSizeLessThan(JsonBodyErrors.MAX_QUOTE + 150);
    }

    @Test
    void otherFailuresAreNotBodyFailures() {
        assertThat(JsonBodyErrors.bodyFailure(new IllegalStateException("x"))).isEmpty();
        assertThat(JsonBodyErrors.bodyFailure(new WebApplicationException(Response.Status.BAD_REQUEST))).isEmpty();
        // a Jackson failure of the gateway's own (say, reading stored JSON) is not the caller's
        assertThat(JsonBodyErrors.bodyFailure(new com.fasterxml.jackson.core.JsonParseException(null, "stored"))).isEmpty();
        assertThat(JsonBodyErrors.bodyFailure(new WebApplicationException(
                com.fasterxml.jackson.databind.exc.InvalidDefinitionException.from((com.fasterxml.jackson.core.JsonParser) null, "no creator",
                        JSON.constructType(Map.class)), Response.Status.BAD_REQUEST))).isEmpty();
    }
}
