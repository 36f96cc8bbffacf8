package io.sensorproof.protocol.senml;

import com.authlete.cbor.CBORDouble;
import com.authlete.cbor.CBORInteger;
import com.authlete.cbor.CBORItem;
import com.authlete.cbor.CBORItemList;
import com.authlete.cbor.CBORPair;
import com.authlete.cbor.CBORPairList;
import com.authlete.cbor.CBORString;
import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.cbor.CborLimits;
import io.sensorproof.protocol.cbor.CborMaps;
import io.sensorproof.protocol.cbor.StrictCbor;
import io.sensorproof.protocol.encoding.DecimalRounding;
import io.sensorproof.protocol.ids.Identifiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SenML packs in CBOR (RFC 8428 section 6) under the protocol's profile: the first record carries
 * {@code bn} (-2) = the device id and no later record carries it; every record has {@code n} (0),
 * {@code u} (1), {@code v} (2) and an absolute {@code t} (6) in seconds since the epoch; no other
 * labels. Times are at least 2^28 (smaller values mean "relative to now" in SenML) and
 * non-decreasing. Values are not range-checked here (see {@link ReadingPack#checkValues()}).
 */
public final class SenmlCodec {
    /** Maximum records per pack. */
    public static final int MAX_RECORDS = 256;
    /** SenML base name label. */
    public static final long BN = -2;
    /** SenML name label. */
    public static final long N = 0;
    /** SenML unit label. */
    public static final long U = 1;
    /** SenML numeric value label. */
    public static final long V = 2;
    /** SenML time label. */
    public static final long T = 6;
    /** Times below this many seconds are relative in SenML and refused. */
    public static final double MIN_ABSOLUTE_TIME = 1L << 28;
    /** Times must be below this many milliseconds (year 2248), so that they fit the leaf encoding. */
    public static final long MAX_TIME_MILLIS = 1L << 43;

    private static final CborLimits PAYLOAD_LIMITS = new CborLimits(CborLimits.MESSAGE.maxBytes(), 3, CborLimits.MESSAGE.maxItems());

    private SenmlCodec() {
    }

    /** Encodes a pack. Times are written as float64 seconds (exact to the millisecond). */
    public static byte[] encode(ReadingPack pack) {
        List<CBORPairList> records = new ArrayList<>();
        for (int i = 0; i < pack.readings().size(); i++) {
            Reading r = pack.readings().get(i);
            List<CBORPair> pairs = new ArrayList<>(5);
            if (i == 0) {
                pairs.add(new CBORPair(new CBORInteger((int) BN), new CBORString(pack.deviceId())));
            }
            pairs.add(new CBORPair(new CBORInteger((int) N), new CBORString(r.quantity().senmlName())));
            pairs.add(new CBORPair(new CBORInteger((int) U), new CBORString(r.quantity().unit())));
            pairs.add(new CBORPair(new CBORInteger((int) V), new CBORDouble(r.value())));
            pairs.add(new CBORPair(new CBORInteger((int) T), new CBORDouble(r.timeMillis() / 1000.0)));
            records.add(new CBORPairList(pairs));
        }
        return new CBORItemList(records).encode();
    }

    /**
     * Decodes a pack.
     *
     * @throws ProtocolException {@code INVALID_SENML}, {@code TOO_MANY_RECORDS}, {@code DUPLICATE_KEY}
     *     or a CBOR-level code
     */
    public static ReadingPack decode(byte[] payload) {
        CBORItem item = StrictCbor.decode(payload, PAYLOAD_LIMITS);
        if (!(item instanceof CBORItemList array)) {
            throw invalid("payload must be a SenML pack (a CBOR array of records)");
        }
        List<? extends CBORItem> records = array.getItems();
        if (records.isEmpty()) {
            throw invalid("pack has no records");
        }
        if (records.size() > MAX_RECORDS) {
            throw new ProtocolException(ErrorCode.TOO_MANY_RECORDS,
                    "pack has " + records.size() + " records; at most " + MAX_RECORDS + " are allowed");
        }
        String deviceId = null;
        List<Reading> readings = new ArrayList<>(records.size());
        long previousTime = Long.MIN_VALUE;
        for (int i = 0; i < records.size(); i++) {
            if (!(records.get(i) instanceof CBORPairList map)) {
                throw invalid("record " + i + " is not a map");
            }
            Map<Object, CBORItem> fields = CborMaps.entries(map, ErrorCode.INVALID_SENML, "record " + i);
            for (Object label : fields.keySet()) {
                if (!(label instanceof Long l) || (l != BN && l != N && l != U && l != V && l != T)) {
                    throw invalid("record " + i + " has label " + label + "; the profile allows bn (-2, first record), n, u, v and t");
                }
            }
            CBORItem bn = fields.get(BN);
            if (i == 0) {
                if (!(bn instanceof CBORString s)) {
                    throw invalid("the first record must carry the base name bn (-2) as a text string");
                }
                if (!Identifiers.isValid(s.getValue())) {
                    throw invalid("base name '" + s.getValue() + "' is not a valid device id");
                }
                deviceId = s.getValue();
            } else if (bn != null) {
                throw invalid("record " + i + " repeats the base name; bn appears once, in the first record");
            }
            Quantity quantity = quantityOf(fields, i);
            double value = number(fields, V, i, "v");
            double t = number(fields, T, i, "t");
            long timeMillis = timeMillis(t, i);
            if (timeMillis < previousTime) {
                throw invalid("record " + i + ": time goes backwards within the pack");
            }
            previousTime = timeMillis;
            readings.add(new Reading(quantity, value, timeMillis));
        }
        return new ReadingPack(deviceId, readings);
    }

    private static Quantity quantityOf(Map<Object, CBORItem> fields, int i) {
        if (!(require(fields, N, i, "n") instanceof CBORString name)) {
            throw invalid("record " + i + ": n must be a text string");
        }
        Quantity quantity = Quantity.bySenmlName(name.getValue());
        if (quantity == null) {
            throw invalid("record " + i + ": unknown name '" + name.getValue() + "'; expected temperature, humidity or co2e");
        }
        if (!(require(fields, U, i, "u") instanceof CBORString unit) || !quantity.unit().equals(unit.getValue())) {
            throw invalid("record " + i + ": " + quantity.senmlName() + " must have unit '" + quantity.unit() + "'");
        }
        return quantity;
    }

    private static long timeMillis(double t, int i) {
        if (!Double.isFinite(t) || t < MIN_ABSOLUTE_TIME) {
            throw invalid("record " + i + ": time " + t + " is not an absolute time (seconds since 1970, at least 2^28)");
        }
        if (t * 1000 >= MAX_TIME_MILLIS) {
            throw invalid("record " + i + ": time " + t + " is beyond the supported range");
        }
        return DecimalRounding.roundHalfEvenUnits(t, 3);
    }

    private static double number(Map<Object, CBORItem> fields, long label, int i, String name) {
        return CborMaps.number(require(fields, label, i, name))
                .orElseThrow(() -> invalid("record " + i + ": " + name + " must be a number"));
    }

    private static CBORItem require(Map<Object, CBORItem> fields, long label, int i, String name) {
        CBORItem item = fields.get(label);
        if (item == null) {
            throw invalid("record " + i + " has no " + name);
        }
        return item;
    }

    private static ProtocolException invalid(String message) {
        return new ProtocolException(ErrorCode.INVALID_SENML, message);
    }
}
