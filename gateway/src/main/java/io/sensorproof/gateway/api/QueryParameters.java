package io.sensorproof.gateway.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parsing of query and path parameters into typed values, failing with 400
 * {@value #INVALID_PARAMETER} (details: parameter, value, expected) or {@value #INVALID_CURSOR}
 * instead of the framework's generic errors. Parameters are taken as strings by the resources so
 * that every bad value is reported the same way.
 */
public final class QueryParameters {
    /** Code of a query or path parameter that does not parse or is out of range. */
    public static final String INVALID_PARAMETER = "INVALID_PARAMETER";
    /** Code of a cursor that was not produced by this API (or by another endpoint of it). */
    public static final String INVALID_CURSOR = "INVALID_CURSOR";
    /** Page size when {@code limit} is absent. */
    public static final int DEFAULT_LIMIT = 100;
    /** Largest accepted {@code limit}. */
    public static final int MAX_LIMIT = 1000;

    private QueryParameters() {
    }

    /** {@code limit}: 1..{@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}. */
    public static int limit(String value) {
        if (value == null || value.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        long limit = longValue("limit", value, 1, MAX_LIMIT);
        return (int) limit;
    }

    /** An ISO-8601 instant with offset ({@code 2026-01-01T00:00:00Z}), or empty when absent. */
    public static Optional<Instant> instant(String name, String value) {
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(value).toInstant());
        } catch (DateTimeParseException e) {
            throw invalid(name, value, "an ISO-8601 date-time with offset, e.g. 2026-01-01T00:00:00Z");
        }
    }

    /** A decimal integer within [min, max]. */
    public static long longValue(String name, String value, long min, long max) {
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw invalid(name, value, "an integer in [" + min + ", " + max + "]");
        }
        if (parsed < min || parsed > max) {
            throw invalid(name, value, "an integer in [" + min + ", " + max + "]");
        }
        return parsed;
    }

    /** Optional boolean ({@code true} or {@code false}). */
    public static Optional<Boolean> bool(String name, String value) {
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        return switch (value) {
            case "true" -> Optional.of(true);
            case "false" -> Optional.of(false);
            default -> throw invalid(name, value, "true or false");
        };
    }

    /** Checks that {@code from} is before {@code to} when both are given. */
    public static void requireOrdered(Optional<Instant> from, Optional<Instant> to) {
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw new ApiException(400, INVALID_PARAMETER, "'from' must be before 'to'",
                    Map.of("parameter", "from", "value", from.get().toString(), "to", to.get().toString()));
        }
    }

    /** 400 {@value #INVALID_PARAMETER} for {@code name}. */
    public static ApiException invalid(String name, String value, String expected) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("parameter", name);
        details.put("value", value == null ? "" : truncate(value));
        details.put("expected", expected);
        return new ApiException(400, INVALID_PARAMETER, "parameter '" + name + "' must be " + expected, details);
    }

    /**
     * Encodes a keyset cursor: a kind tag (which endpoint it belongs to) and the sort key of the
     * last row, as base64url text. Opaque to clients.
     */
    public static String encodeCursor(String kind, Object... key) {
        StringBuilder b = new StringBuilder(kind);
        for (Object part : key) {
            b.append('\n').append(part);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Decodes a cursor of {@code kind} with {@code parts} key parts, or empty when absent.
     *
     * @throws ApiException 400 {@value #INVALID_CURSOR} when it is not such a cursor
     */
    public static Optional<List<String>> decodeCursor(String cursor, String kind, int parts) {
        if (cursor == null || cursor.isEmpty()) {
            return Optional.empty();
        }
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw badCursor(cursor);
        }
        String[] split = text.split("\n", -1);
        if (split.length != parts + 1 || !split[0].equals(kind)) {
            throw badCursor(cursor);
        }
        return Optional.of(new ArrayList<>(List.of(split).subList(1, split.length)));
    }

    /** 400 {@value #INVALID_CURSOR}. */
    public static ApiException badCursor(String cursor) {
        return new ApiException(400, INVALID_CURSOR,
                "cursor is not a nextCursor of this endpoint; start again without a cursor",
                Map.of("parameter", "cursor", "value", truncate(cursor)));
    }

    private static String truncate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }
}
