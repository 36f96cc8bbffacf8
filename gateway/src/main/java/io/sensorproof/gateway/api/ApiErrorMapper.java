package io.sensorproof.gateway.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sensorproof.protocol.ProtocolException;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The one exception mapper of the REST API: every error leaves as {@link ApiError}
 * ({@code {code, message, details}}).
 * <ul>
 *   <li>{@link ApiException}: its status, code and details;</li>
 *   <li>{@link ProtocolException} (bad identifiers, encodings): 400 with the protocol's error code;</li>
 *   <li>a request body that is not JSON or does not fit the endpoint's types: 400 {@code MALFORMED_JSON} or
 *       {@code INVALID_REQUEST} saying what is wrong and where ({@link JsonBodyErrors}; the REST layer's own
 *       mapper for {@code MismatchedInputException} is replaced by {@link MismatchedInputMapper}, which
 *       comes here);</li>
 *   <li>JAX-RS exceptions (unknown path, wrong method, unreadable body): their status, the status
 *       name as code;</li>
 *   <li>anything else: 500 {@code INTERNAL_ERROR} with an error id that is also in the log; the
 *       exception's text is not sent, as it may describe internals.</li>
 * </ul>
 * Every error response is counted in {@code sensorproof_api_errors_total{status, code}}.
 */
@Provider
public final class ApiErrorMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = Logger.getLogger(ApiErrorMapper.class);

    private final MeterRegistry meters;

    @Inject
    public ApiErrorMapper(MeterRegistry meters) {
        this.meters = meters;
    }

    /** With its own registry (unit tests). */
    ApiErrorMapper() {
        this(new SimpleMeterRegistry());
    }

    @Override
    public Response toResponse(Throwable failure) {
        Response response = respond(failure);
        Counter.builder("sensorproof.api.errors")
                .description("API error responses by HTTP status and error code")
                .tag("status", Integer.toString(response.getStatus()))
                .tag("code", ((ApiError) response.getEntity()).code())
                .register(meters).increment();
        return response;
    }

    private Response respond(Throwable failure) {
        var body = JsonBodyErrors.bodyFailure(failure);
        if (body.isPresent()) {
            return render(400, JsonBodyErrors.describe(body.get()));
        }
        if (failure instanceof ApiException api) {
            return render(api.status(), new ApiError(api.code(), api.getMessage(), api.details()));
        }
        if (failure instanceof ProtocolException protocol) {
            return render(400, new ApiError(protocol.code().name(), protocol.getMessage(), Map.of()));
        }
        if (failure instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            Response.StatusType type = Response.Status.fromStatusCode(status);
            String code = type == null ? "HTTP_" + status
                    : type.toEnum().name().toUpperCase(Locale.ROOT);
            String message = type == null ? web.getMessage() : type.getReasonPhrase();
            return render(status, new ApiError(code, message, Map.of()));
        }
        String errorId = UUID.randomUUID().toString();
        LOG.errorf(failure, "unhandled error %s", errorId);
        return render(500, new ApiError("INTERNAL_ERROR", "internal error; quote the error id when reporting it",
                Map.of("errorId", errorId)));
    }

    private static Response render(int status, ApiError error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(error).build();
    }
}
