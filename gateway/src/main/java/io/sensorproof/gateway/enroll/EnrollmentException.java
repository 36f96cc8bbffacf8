package io.sensorproof.gateway.enroll;

import io.sensorproof.gateway.api.ApiException;
import java.util.Map;

/** A refused enrollment, rendered by the API error mapper as {@code {code, message, details}}. */
public class EnrollmentException extends ApiException {
    private static final long serialVersionUID = 1L;

    private final EnrollmentRefusal refusal;

    public EnrollmentException(EnrollmentRefusal refusal, String message, Map<String, Object> details) {
        super(refusal.status(), refusal.name(), message, details);
        this.refusal = refusal;
    }

    public EnrollmentException(EnrollmentRefusal refusal, String message) {
        this(refusal, message, Map.of());
    }

    public EnrollmentRefusal refusal() {
        return refusal;
    }
}
