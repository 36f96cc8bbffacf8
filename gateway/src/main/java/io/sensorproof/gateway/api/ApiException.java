package io.sensorproof.gateway.api;

import java.util.Map;

/**
 * An error the API reports to its caller: HTTP status, stable code (upper snake case), message and
 * details. Rendered by {@link ApiErrorMapper}.
 */
public class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final transient Map<String, Object> details;

    public ApiException(int status, String code, String message, Map<String, Object> details) {
        super(message);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status must be 4xx or 5xx, was " + status);
        }
        if (code == null || !code.matches("[A-Z][A-Z0-9_]*")) {
            throw new IllegalArgumentException("code must be upper snake case, was " + code);
        }
        this.status = status;
        this.code = code;
        this.details = details == null ? Map.of() : Map.copyOf(details);
    }

    /** 404 for an entity that does not exist. */
    public static ApiException notFound(String code, String message, Map<String, Object> details) {
        return new ApiException(404, code, message, details);
    }

    /** 400 for a request the caller must correct. */
    public static ApiException badRequest(String code, String message, Map<String, Object> details) {
        return new ApiException(400, code, message, details);
    }

    /** 409 for a request that conflicts with the current state (duplicates, forbidden transitions). */
    public static ApiException conflict(String code, String message, Map<String, Object> details) {
        return new ApiException(409, code, message, details);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }
}
