package io.sensorproof.gateway.api;

import java.util.Map;

/**
 * Body of every error response: a stable machine-readable code, a sentence for people, and
 * structured details (never null; empty when there are none).
 */
public record ApiError(String code, String message, Map<String, Object> details) {
    public ApiError {
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
