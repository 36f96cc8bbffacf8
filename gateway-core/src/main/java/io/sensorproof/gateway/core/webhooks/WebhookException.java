package io.sensorproof.gateway.core.webhooks;

import java.util.Objects;

/**
 * Refused webhook input (a URL, a secret, a body, an id): carries a stable {@link WebhookError} so
 * that the REST layer can answer {@code {code, message}} and a metric can count it by code.
 */
public final class WebhookException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final WebhookError code;

    public WebhookException(WebhookError code, String message) {
        super(code + ": " + message);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The stable code. */
    public WebhookError code() {
        return code;
    }
}
