package io.sensorproof.gateway.core.rules;

import java.util.Objects;

/**
 * Who acknowledged an alert, and when.
 *
 * @param actor the principal (API key or user id) that acknowledged
 * @param atMillis when, gateway clock, ms
 */
public record Acknowledgement(String actor, long atMillis) {
    public Acknowledgement {
        Objects.requireNonNull(actor, "actor");
        if (actor.isBlank()) {
            throw new IllegalArgumentException("actor must not be blank");
        }
    }
}
