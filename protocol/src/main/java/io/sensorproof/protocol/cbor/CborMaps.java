package io.sensorproof.protocol.cbor;

import com.authlete.cbor.CBORBigInteger;
import com.authlete.cbor.CBORItem;
import com.authlete.cbor.CBORPair;
import com.authlete.cbor.CBORPairList;
import com.authlete.cbor.CBORString;
import com.authlete.cbor.CBORValue;
import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** Typed access to decoded CBOR items, with duplicate-key detection for maps. */
public final class CborMaps {
    private CborMaps() {
    }

    /**
     * Returns the map's entries keyed by {@code Long} (integer keys) or {@code String} (text keys),
     * in encoding order.
     *
     * @param onBadKey the code to raise for a key that is neither an integer nor a text string
     * @throws ProtocolException {@code DUPLICATE_KEY} when a key repeats
     */
    public static Map<Object, CBORItem> entries(CBORPairList map, ErrorCode onBadKey, String what) {
        Map<Object, CBORItem> out = new LinkedHashMap<>();
        for (CBORPair pair : map.getPairs()) {
            Object key = keyOf(pair.getKey());
            if (key == null) {
                throw new ProtocolException(onBadKey, what + " has a key that is neither an integer nor a text string");
            }
            if (out.put(key, pair.getValue()) != null) {
                throw new ProtocolException(ErrorCode.DUPLICATE_KEY, what + " repeats the key " + key);
            }
        }
        return out;
    }

    private static Object keyOf(CBORItem item) {
        if (item instanceof CBORString s) {
            return s.getValue();
        }
        if (item instanceof CBORBigInteger) {
            return null;
        }
        if (item instanceof CBORValue<?> v && (v.getValue() instanceof Integer || v.getValue() instanceof Long)) {
            return ((Number) v.getValue()).longValue();
        }
        return null;
    }

    /** The integer value of {@code item}, or empty when it is not a CBOR integer fitting a long. */
    public static OptionalLong integer(CBORItem item) {
        if (item instanceof CBORValue<?> v && (v.getValue() instanceof Integer || v.getValue() instanceof Long)) {
            return OptionalLong.of(((Number) v.getValue()).longValue());
        }
        return OptionalLong.empty();
    }

    /** The numeric value of an integer or floating-point item, or empty. */
    public static OptionalDouble number(CBORItem item) {
        if (item instanceof CBORValue<?> v && v.getValue() instanceof Number n && !(item instanceof CBORBigInteger)) {
            return OptionalDouble.of(n.doubleValue());
        }
        return OptionalDouble.empty();
    }
}
