package io.sensorproof.gateway.api;

import io.sensorproof.protocol.ProtocolException;
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
 *   <li>JAX-RS exceptions (unknown path, wrong method, unreadable body): their status, the status
 *       name as code;</li>
 *   <li>anything else: 500 {@code INTERNAL_ERROR} with an error id that is also in the log; the
 *       exception's text is not sent, as it may describe internals.</li>
 * </ul>
 */
@Provider
public final class ApiErrorMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = Logger.getLogger(ApiErrorMapper.class);

    @Override
    public Response toResponse(Throwable failure) {
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
