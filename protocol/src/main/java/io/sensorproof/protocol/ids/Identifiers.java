package io.sensorproof.protocol.ids;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Grammar of tenant and device identifiers: 1 to 31 characters from {@code a-z 0-9 . _ -},
 * starting with a letter or digit. Lowercase only, so two ids never differ only by case; no
 * {@code / + # $} or spaces, so an id is always a single MQTT topic level and a CoAP path segment.
 * Device ids are unique within a gateway deployment (not only within a tenant), because the
 * circuits identify a device by its id alone (see {@link #deviceField(String)}).
 */
public final class Identifiers {
    /** Maximum identifier length in characters (bytes, as the alphabet is ASCII). */
    public static final int MAX_LENGTH = 31;

    private Identifiers() {
    }

    /**
     * True when {@code id} follows the grammar {@code [a-z0-9][a-z0-9._-]{0,30}}. Checked character by character
     * rather than with a regular expression: ids are checked several times per message on the ingest path, where
     * {@code Pattern.matcher} was 5 % of the ingest worker's samples (issue 18); {@code IdentifiersTest} checks this
     * against the expression.
     */
    public static boolean isValid(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH || !letterOrDigit(id.charAt(0))) {
            return false;
        }
        for (int i = 1; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!letterOrDigit(c) && c != '.' && c != '_' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean letterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    /**
     * Returns {@code id} when valid.
     *
     * @throws ProtocolException {@code INVALID_IDENTIFIER} otherwise, naming {@code what}
     */
    public static String requireValid(String id, String what) {
        if (!isValid(id)) {
            throw new ProtocolException(ErrorCode.INVALID_IDENTIFIER, what + " '" + printable(id)
                    + "' must be 1-31 characters of a-z 0-9 . _ - starting with a letter or digit");
        }
        return id;
    }

    /**
     * The device id as a field element for leaves and circuits: the big-endian integer of its
     * ASCII bytes. Injective, and below 2^248 because ids have at most 31 bytes.
     */
    public static BigInteger deviceField(String deviceId) {
        requireValid(deviceId, "device id");
        return new BigInteger(1, deviceId.getBytes(StandardCharsets.US_ASCII));
    }

    /** Inverse of {@link #deviceField(String)}. */
    public static String deviceIdOfField(BigInteger field) {
        if (field.signum() <= 0 || field.bitLength() > 8 * MAX_LENGTH) {
            throw new ProtocolException(ErrorCode.INVALID_IDENTIFIER, "field element is not an encoded device id");
        }
        String id = new String(field.toByteArray(), StandardCharsets.US_ASCII).replace("\0", "");
        return requireValid(id, "device id");
    }

    static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return s.length() > 64 ? b + "..." : b.toString();
    }
}
