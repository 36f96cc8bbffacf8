package io.sensorproof.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.io.JsonEOFException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiErrorMapperTest {
    private final ApiErrorMapper mapper = new ApiErrorMapper();

    @Test
    void apiExceptionKeepsStatusCodeAndDetails() {
        Response response = mapper.toResponse(ApiException.notFound("DEVICE_NOT_FOUND", "no device 'x'",
                Map.of("device", "x")));
        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(response.getEntity()).isEqualTo(new ApiError("DEVICE_NOT_FOUND", "no device 'x'",
                Map.of("device", "x")));
    }

    @Test
    void protocolExceptionBecomesBadRequestWithItsCode() {
        Response response = mapper.toResponse(new ProtocolException(ErrorCode.INVALID_IDENTIFIER, "bad id"));
        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(((ApiError) response.getEntity()).code()).isEqualTo("INVALID_IDENTIFIER");
    }

    @Test
    void unexpectedFailureHidesItsMessageAndGivesAnErrorId() {
        Response response = mapper.toResponse(new IllegalStateException("password=secret in a stack"));
        ApiError error = (ApiError) response.getEntity();
        assertThat(response.getStatus()).isEqualTo(500);
        assertThat(error.code()).isEqualTo("INTERNAL_ERROR");
        assertThat(error.message()).doesNotContain("secret");
        assertThat(error.details()).containsKey("errorId");
    }

    @Test
    void everyErrorIsCountedByStatusAndCode() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ApiErrorMapper counted = new ApiErrorMapper(meters);
        WebApplicationException truncated = new WebApplicationException(
                new JsonEOFException(null, null, "Unexpected end-of-input"), Response.Status.BAD_REQUEST);
        assertThat(((ApiError) counted.toResponse(truncated).getEntity()).code()).isEqualTo("MALFORMED_JSON");
        counted.toResponse(truncated);
        counted.toResponse(ApiException.notFound("DEVICE_NOT_FOUND", "no device", Map.of()));
        assertThat(meters.get("sensorproof.api.errors").tags("status", "400", "code", "MALFORMED_JSON").counter().count()).isEqualTo(2);
        assertThat(meters.get("sensorproof.api.errors").tags("status", "404", "code", "DEVICE_NOT_FOUND").counter().count()).isEqualTo(1);
    }
}
