package io.sensorproof.protocol.status;

import com.authlete.cbor.CBORByteArray;
import com.authlete.cbor.CBORInteger;
import com.authlete.cbor.CBORItem;
import com.authlete.cbor.CBORItemList;
import com.authlete.cbor.CBORLong;
import com.authlete.cbor.CBORNull;
import com.authlete.cbor.CBORPair;
import com.authlete.cbor.CBORPairList;
import com.authlete.cbor.CBORString;
import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.cbor.CborLimits;
import io.sensorproof.protocol.cbor.CborMaps;
import io.sensorproof.protocol.cbor.StrictCbor;
import io.sensorproof.protocol.cose.CoseSign1;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.message.KeyResolver;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.status.AgentStatus.BootSeq;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Signs and opens status (heartbeat) messages: COSE_Sign1 (tag 18) signed by the device key,
 * protected header {alg, content type "application/vnd.sensorproof.status+cbor", kid, boot
 * (-65537), device time (-65539)}, payload
 *
 * <pre>
 * {1: device id, 2: outbox depth, 3: outbox bytes, 4: [boot, seq] / nil (oldest waiting),
 *  5: [boot, seq] / nil (last acknowledged), 6: clock steps, 7: kept aside}
 * </pre>
 *
 * Status messages have no sequence number: they are not stored as readings and not acknowledged.
 */
public final class StatusCodec {
    /** Content type of status payloads. */
    public static final String CONTENT_TYPE = "application/vnd.sensorproof.status+cbor";

    private StatusCodec() {
    }

    /** Signs a status message. */
    public static byte[] sign(AgentStatus status, SigningKey key) {
        CBORPairList header = new CBORPairList(List.of(
                new CBORPair(new CBORInteger((int) CoseSign1.HEADER_ALG), new CBORInteger(key.algorithm().coseId())),
                new CBORPair(new CBORInteger((int) CoseSign1.HEADER_CONTENT_TYPE), new CBORString(CONTENT_TYPE)),
                new CBORPair(new CBORInteger((int) CoseSign1.HEADER_KID), new CBORByteArray(key.verificationKey().kid())),
                new CBORPair(new CBORInteger((int) ReadingMessages.HEADER_BOOT), new CBORLong(status.boot())),
                new CBORPair(new CBORInteger((int) ReadingMessages.HEADER_DEVICE_TIME), new CBORLong(status.deviceTimeMillis()))));
        CBORPairList payload = new CBORPairList(List.of(
                new CBORPair(new CBORInteger(1), new CBORString(status.deviceId())),
                new CBORPair(new CBORInteger(2), new CBORLong(status.outboxDepth())),
                new CBORPair(new CBORInteger(3), new CBORLong(status.outboxBytes())),
                new CBORPair(new CBORInteger(4), bootSeq(status.oldestUnacknowledged())),
                new CBORPair(new CBORInteger(5), bootSeq(status.lastAcknowledged())),
                new CBORPair(new CBORInteger(6), new CBORLong(status.clockSteps())),
                new CBORPair(new CBORInteger(7), new CBORLong(status.keptAside()))));
        return CoseSign1.sign(header, payload.encode(), key);
    }

    /**
     * Decodes and verifies a status message with the device's registered key.
     *
     * @throws ProtocolException with the code of the first problem found
     */
    public static AgentStatus open(byte[] bytes, KeyResolver keys) {
        CoseSign1 cose = CoseSign1.decode(bytes, CborLimits.MESSAGE);
        Map<Object, CBORItem> h = cose.protectedHeader();
        if (!(h.get(CoseSign1.HEADER_CONTENT_TYPE) instanceof CBORString ct) || !CONTENT_TYPE.equals(ct.getValue())) {
            throw new ProtocolException(ErrorCode.INVALID_HEADER, "content type must be " + CONTENT_TYPE);
        }
        if (!(h.get(CoseSign1.HEADER_KID) instanceof CBORByteArray kid) || kid.getValue().length != Keys.KID_LENGTH) {
            throw new ProtocolException(ErrorCode.INVALID_HEADER, "kid must be a byte string of " + Keys.KID_LENGTH + " bytes");
        }
        long boot = CborMaps.integer(orNull(h.get(ReadingMessages.HEADER_BOOT))).orElse(-1);
        long time = CborMaps.integer(orNull(h.get(ReadingMessages.HEADER_DEVICE_TIME))).orElse(-1);
        if (boot < 0 || time < 0 || h.size() != 5) {
            throw new ProtocolException(ErrorCode.INVALID_HEADER, "status header needs exactly alg, content type, kid, boot and device time");
        }
        cose.algorithm();
        var key = keys.resolve(kid.getValue()).orElseThrow(() ->
                new ProtocolException(ErrorCode.UNKNOWN_KEY, "no key is registered under this kid"));
        if (!Arrays.equals(key.kid(), kid.getValue())) {
            throw new ProtocolException(ErrorCode.UNKNOWN_KEY, "resolved key has another kid");
        }
        cose.verify(key);
        CBORItem item = StrictCbor.decode(cose.payload(), new CborLimits(CborLimits.MESSAGE.maxBytes(), 3, 64));
        if (!(item instanceof CBORPairList map)) {
            throw new ProtocolException(ErrorCode.INVALID_HEADER, "status payload must be a map");
        }
        Map<Object, CBORItem> p = CborMaps.entries(map, ErrorCode.INVALID_HEADER, "status payload");
        try {
            if (!(p.get(1L) instanceof CBORString device)) {
                throw new IllegalArgumentException("device id missing");
            }
            return new AgentStatus(device.getValue(), boot, time, count(p, 2), count(p, 3), readBootSeq(p.get(4L)),
                    readBootSeq(p.get(5L)), count(p, 6), count(p, 7));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.INVALID_HEADER, "status payload invalid: " + e.getMessage());
        }
    }

    private static CBORItem orNull(CBORItem item) {
        return item == null ? CBORNull.INSTANCE : item;
    }

    private static long count(Map<Object, CBORItem> p, long label) {
        long v = CborMaps.integer(orNull(p.get(label))).orElse(-1);
        if (v < 0) {
            throw new IllegalArgumentException("field " + label + " must be an unsigned integer");
        }
        return v;
    }

    private static CBORItem bootSeq(Optional<BootSeq> value) {
        return value.<CBORItem>map(v -> new CBORItemList(new CBORLong(v.boot()), new CBORLong(v.seq()))).orElse(CBORNull.INSTANCE);
    }

    private static Optional<BootSeq> readBootSeq(CBORItem item) {
        if (item instanceof CBORNull) {
            return Optional.empty();
        }
        if (item instanceof CBORItemList l && l.getItems().size() == 2) {
            return Optional.of(new BootSeq(CborMaps.integer(l.getItems().get(0)).orElse(-1), CborMaps.integer(l.getItems().get(1)).orElse(-1)));
        }
        throw new IllegalArgumentException("expected [boot, seq] or nil");
    }
}
