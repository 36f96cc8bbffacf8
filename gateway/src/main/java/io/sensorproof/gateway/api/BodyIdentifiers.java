package io.sensorproof.gateway.api;

import io.sensorproof.protocol.ids.Identifiers;
import java.util.Map;

/**
 * Identifiers read from a JSON request body. JSON binding ignores a field it does not know, so a misspelt
 * field ({@code tenantId} for {@code id}) arrives as a missing value: that is 400 {@code INVALID_REQUEST}
 * naming the field the body lacks and the body's shape, not {@code INVALID_IDENTIFIER "tenant id 'null'"}.
 * Used by every create endpoint whose body carries an identifier, devices included. A value that is present but
 * malformed stays {@code INVALID_IDENTIFIER} ({@link Identifiers#requireValid}).
 */
public final class BodyIdentifiers {
    private BodyIdentifiers() {
    }

    /**
     * @param value the body's value, {@code null} when absent
     * @param field the body's field name, as the client must spell it
     * @param what what the identifier is, for the malformed-value message ("tenant id")
     * @param body the body's shape for the message ("{id, name, kind}")
     */
    public static String require(String value, String field, String what, String body) {
        if (value == null) {
            throw ApiException.badRequest("INVALID_REQUEST", field + " is required (the " + what + "); the body is " + body,
                    Map.of("field", field));
        }
        return Identifiers.requireValid(value, what);
    }
}
