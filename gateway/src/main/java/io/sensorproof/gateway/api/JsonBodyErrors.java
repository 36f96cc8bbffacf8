package io.sensorproof.gateway.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.Temporal;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What a caller is told when the request body could not be read as the endpoint's JSON (ADR 051): 400 with
 * <ul>
 *   <li>{@value #MALFORMED_JSON} when the body is not JSON at all (a syntax error, or it ends too early);</li>
 *   <li>{@value #INVALID_REQUEST} when it is JSON but a value has the wrong type or is not one of the allowed
 *       values (a string where an object or a number belongs, an unknown enum name), or the value could not
 *       be built from it;</li>
 * </ul>
 * with a message that says what is wrong and where (the field path, line and column) and the same in
 * {@code details} ({@code field}, {@code line}, {@code column}). Nothing of the body is echoed beyond what
 * Jackson's own message quotes, cut to {@value #MAX_QUOTE} characters. Framework-free: {@link ApiErrorMapper}
 * finds the Jackson failure, this class describes it.
 */
final class JsonBodyErrors {
    static final String MALFORMED_JSON = "MALFORMED_JSON";
    static final String INVALID_REQUEST = "INVALID_REQUEST";
    static final int MAX_QUOTE = 120;
    /** Jackson's description of where the input came from, in the middle of some messages. */
    private static final Pattern SOURCE = Pattern.compile(
            "\\s*\\((?:start marker|for [^()\\[]*starting) at \\[Source:[^\\]]*\\]\\)|\\s*\\[Source:[^\\]]*\\]");

    private JsonBodyErrors() {
    }

    /**
     * The reason the request body could not be read, if {@code failure} is one: a Jackson failure the
     * REST layer wrapped into a 400 (syntax errors, values that could not be built) or a
     * {@link MismatchedInputException} it passes on as it is. A definition problem (our classes cannot be
     * deserialized at all) is not the caller's fault and is not one.
     */
    static Optional<JsonProcessingException> bodyFailure(Throwable failure) {
        Throwable candidate = failure instanceof jakarta.ws.rs.WebApplicationException web
                && web.getResponse().getStatus() == 400 ? web.getCause() : failure;
        if (candidate instanceof MismatchedInputException mismatched) {
            return Optional.of(mismatched);
        }
        if (candidate != failure && candidate instanceof JsonProcessingException jackson
                && !(candidate instanceof InvalidDefinitionException)) {
            return Optional.of(jackson);
        }
        return Optional.empty();
    }

    /** The error for a body Jackson could not read. */
    static ApiError describe(JsonProcessingException failure) {
        Map<String, Object> details = new LinkedHashMap<>();
        String where = "";
        if (failure instanceof JsonMappingException mapping) {
            String field = path(mapping.getPath());
            if (!field.isEmpty()) {
                details.put("field", field);
                where = " at '" + field + "'";
            }
        }
        // a syntax error met while a value was being built arrives wrapped with the path: report the syntax error
        JsonProcessingException syntax = syntaxError(failure);
        JsonLocation location = syntax != null ? syntax.getLocation() : failure.getLocation();
        String at = "";
        if (location != null && location.getLineNr() > 0) {
            details.put("line", location.getLineNr());
            details.put("column", location.getColumnNr());
            at = " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
        }
        if (syntax != null) {
            String what = syntax instanceof JsonEOFException ? "the body ends before the JSON value is complete"
                    : quote(syntax.getOriginalMessage());
            return new ApiError(MALFORMED_JSON, "the request body is not valid JSON: " + what + where + at, details);
        }
        if (failure instanceof PropertyBindingException unknown) {
            return new ApiError(INVALID_REQUEST, "unknown field '" + unknown.getPropertyName() + "'" + where + at, details);
        }
        if (failure instanceof MismatchedInputException mismatched && mismatched.getTargetType() != null) {
            Class<?> type = mismatched.getTargetType();
            String found = failure instanceof InvalidFormatException format && format.getValue() instanceof String text
                    ? ", not \"" + quote(text) + "\"" : "";
            return new ApiError(INVALID_REQUEST,
                    "wrong JSON value" + (where.isEmpty() ? " for the body" : where) + ": expected " + expected(type)
                            + found + at, details);
        }
        Throwable cause = failure.getCause();
        String problem = cause instanceof IllegalArgumentException && cause.getMessage() != null
                ? ": " + quote(cause.getMessage()) : "";
        return new ApiError(INVALID_REQUEST, "invalid value" + (where.isEmpty() ? " for the body" : where) + problem + at,
                details);
    }

    /** {@code failure} or the first of its causes that is a Jackson failure to read JSON text, not to bind it; null if none. */
    private static JsonProcessingException syntaxError(JsonProcessingException failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JsonProcessingException jackson && !(t instanceof DatabindException)) {
                return jackson;
            }
        }
        return null;
    }

    /** The path as {@code watches[0].k}; empty for the body itself. */
    static String path(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : references) {
            if (reference.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** What a value of {@code type} looks like in JSON, in words. */
    static String expected(Class<?> type) {
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name()).toList();
        }
        if (CharSequence.class.isAssignableFrom(type) || type == char.class || type == Character.class) {
            return "a string";
        }
        if (type == int.class || type == long.class || type == short.class || type == byte.class
                || type == Integer.class || type == Long.class || type == Short.class || type == Byte.class
                || type == BigInteger.class) {
            return "an integer";
        }
        if (type == double.class || type == float.class || Number.class.isAssignableFrom(type) || type == BigDecimal.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == UUID.class) {
            return "a UUID string";
        }
        if (Temporal.class.isAssignableFrom(type)) {
            return "an ISO-8601 date-time string";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    /** {@code text} without Jackson's source description, on one line and at most {@value #MAX_QUOTE} characters. */
    static String quote(String text) {
        if (text == null) {
            return "";
        }
        String clean = SOURCE.matcher(text).replaceAll("").replaceAll("\\s+", " ").strip();
        return clean.length() <= MAX_QUOTE ? clean : clean.substring(0, MAX_QUOTE) + "…";
    }
}
