package io.sensorproof.gateway.query;

import io.sensorproof.gateway.api.QueryParameters;
import java.util.List;

/** Typed access to the parts of a decoded cursor; a part that does not parse makes the cursor invalid. */
final class CursorKeys {
    private final String cursor;
    private final List<String> parts;

    CursorKeys(String cursor, List<String> parts) {
        this.cursor = cursor;
        this.parts = parts;
    }

    long longAt(int index) {
        try {
            return Long.parseLong(parts.get(index));
        } catch (NumberFormatException e) {
            throw QueryParameters.badCursor(cursor);
        }
    }
}
