package io.sensorproof.gateway.api;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Sends a request body of the wrong JSON type to {@link ApiErrorMapper}: the REST layer passes
 * {@link MismatchedInputException} on unwrapped and has its own mapper for it (priority 5100, a bare 400
 * outside dev mode), which a mapper for {@code Throwable} cannot outrank; this one, at the default user
 * priority, does.
 */
@Provider
public final class MismatchedInputMapper implements ExceptionMapper<MismatchedInputException> {
    private final ApiErrorMapper errors;

    @Inject
    public MismatchedInputMapper(MeterRegistry meters) {
        this.errors = new ApiErrorMapper(meters);
    }

    @Override
    public Response toResponse(MismatchedInputException failure) {
        return errors.toResponse(failure);
    }
}
