package io.sensorproof.oracle.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import io.sensorproof.oracle.bundle.BundleException.Code;
import java.math.BigInteger;
import java.util.Base64;
import java.util.regex.Pattern;

/** Strict typed reads of bundle fields that name the JSON path of anything missing or mistyped. */
final class Json {
    private static final Pattern HEX = Pattern.compile("0x[0-9a-f]{1,64}");

    private Json() {
    }

    static JsonNode field(JsonNode parent, String name, String path) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            throw malformed(path, "missing");
        }
        return node;
    }

    static JsonNode object(JsonNode parent, String name, String path) {
        JsonNode node = field(parent, name, path);
        if (!node.isObject()) {
            throw malformed(path, "expected an object");
        }
        return node;
    }

    static JsonNode array(JsonNode parent, String name, String path) {
        JsonNode node = field(parent, name, path);
        if (!node.isArray()) {
            throw malformed(path, "expected an array");
        }
        return node;
    }

    static long integer(JsonNode parent, String name, String path) {
        return integer(field(parent, name, path), path);
    }

    static long integer(JsonNode node, String path) {
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw malformed(path, "expected an integer, got " + abbreviate(node.toString()));
        }
        return node.longValue();
    }

    static String text(JsonNode parent, String name, String path) {
        return text(field(parent, name, path), path);
    }

    static String text(JsonNode node, String path) {
        if (!node.isTextual()) {
            throw malformed(path, "expected a string, got " + abbreviate(node.toString()));
        }
        return node.asText();
    }

    /** A 0x-prefixed lowercase hex number of at most 64 digits (a uint256). */
    static BigInteger hex(JsonNode node, String path) {
        String text = text(node, path);
        if (!HEX.matcher(text).matches()) {
            throw malformed(path, "expected 0x + 1 to 64 lowercase hex digits, got " + abbreviate(text));
        }
        return new BigInteger(text.substring(2), 16);
    }

    static BigInteger hex(JsonNode parent, String name, String path) {
        return hex(field(parent, name, path), path);
    }

    static byte[] base64(JsonNode parent, String name, String path) {
        try {
            return Base64.getDecoder().decode(text(parent, name, path));
        } catch (IllegalArgumentException e) {
            throw malformed(path, "expected standard base64");
        }
    }

    /** 0x + 64 lowercase hex digits (a uint256 written in full). */
    static String hex256(BigInteger value) {
        return String.format("0x%064x", value);
    }

    static BundleException malformed(String path, String message) {
        return new BundleException(Code.MALFORMED, path, message);
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
