package io.sensorproof.protocol.ack;

import com.authlete.cbor.CBORByteArray;
import com.authlete.cbor.CBORInteger;
import com.authlete.cbor.CBORItem;
import com.authlete.cbor.CBORItemList;
import com.authlete.cbor.CBORLong;
import com.authlete.cbor.CBORPair;
import com.authlete.cbor.CBORPairList;
import com.authlete.cbor.CBORString;
import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.cbor.CborLimits;
import io.sensorproof.protocol.cbor.CborMaps;
import io.sensorproof.protocol.cbor.StrictCbor;
import io.sensorproof.protocol.cose.CoseSign1;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Signs and verifies acknowledgements: COSE_Sign1 (tag 18) signed by the gateway's
 * acknowledgement key, protected header {alg, content type "application/vnd.sensorproof.ack+cbor",
 * kid}, payload
 *
 * <pre>
 * {1: device id, 2: issued-at ms, 3: [+ {1: boot, 2: [* [first, last]], 3: [* [seq, code, message]]}]}
 * </pre>
 */
public final class AcknowledgementCodec {
    /** Content type of acknowledgement payloads; it keeps them apart from reading messages. */
    public static final String CONTENT_TYPE = "application/vnd.sensorproof.ack+cbor";
    private static final int MAX_ENTRIES = 1024;

    private AcknowledgementCodec() {
    }

    /**
     * Signs {@code ack} with the gateway's acknowledgement key. An ES256 acknowledgement is signed with a fresh
     * nonce when the native engine is in use ({@link io.sensorproof.protocol.cose.Signatures#signHedged}): an
     * acknowledgement is never compared byte for byte, only verified.
     */
    public static byte[] sign(Acknowledgement ack, SigningKey gatewayKey) {
        CBORPairList protectedHeader = new CBORPairList(List.of(
                new CBORPair(new CBORInteger((int) CoseSign1.HEADER_ALG), new CBORInteger(gatewayKey.algorithm().coseId())),
                new CBORPair(new CBORInteger((int) CoseSign1.HEADER_CONTENT_TYPE), new CBORString(CONTENT_TYPE)),
                new CBORPair(new CBORInteger((int) CoseSign1.HEADER_KID), new CBORByteArray(gatewayKey.verificationKey().kid()))));
        return CoseSign1.signHedged(protectedHeader, encodePayload(ack), gatewayKey);
    }

    /**
     * Verifies an acknowledgement with the gateway's key and decodes it.
     *
     * @throws ProtocolException {@code BAD_SIGNATURE}, {@code UNKNOWN_KEY} (another kid),
     *     {@code INVALID_ACK}, or a CBOR/COSE-level code
     */
    public static Acknowledgement verify(byte[] bytes, VerificationKey gatewayKey) {
        CoseSign1 cose = CoseSign1.decode(bytes, CborLimits.MESSAGE);
        Map<Object, CBORItem> h = cose.protectedHeader();
        if (!(h.get(CoseSign1.HEADER_CONTENT_TYPE) instanceof CBORString ct) || !CONTENT_TYPE.equals(ct.getValue())) {
            throw new ProtocolException(ErrorCode.INVALID_ACK, "content type must be " + CONTENT_TYPE);
        }
        if (!(h.get(CoseSign1.HEADER_KID) instanceof CBORByteArray kid) || !Arrays.equals(kid.getValue(), gatewayKey.kid())) {
            throw new ProtocolException(ErrorCode.UNKNOWN_KEY, "acknowledgement is not signed by gateway key " + gatewayKey.kidHex());
        }
        cose.verify(gatewayKey);
        return decodePayload(cose.payload());
    }

    static byte[] encodePayload(Acknowledgement ack) {
        List<CBORPairList> boots = new ArrayList<>();
        for (BootAck b : ack.boots()) {
            List<CBORItemList> ranges = new ArrayList<>();
            for (SeqRange r : b.stored()) {
                ranges.add(new CBORItemList(new CBORLong(r.first()), new CBORLong(r.last())));
            }
            List<CBORItemList> rejections = new ArrayList<>();
            for (Rejection r : b.rejected()) {
                rejections.add(new CBORItemList(new CBORLong(r.seq()), new CBORString(r.code()), new CBORString(r.message())));
            }
            boots.add(new CBORPairList(List.of(
                    new CBORPair(new CBORInteger(1), new CBORLong(b.boot())),
                    new CBORPair(new CBORInteger(2), new CBORItemList(ranges)),
                    new CBORPair(new CBORInteger(3), new CBORItemList(rejections)))));
        }
        return new CBORPairList(List.of(
                new CBORPair(new CBORInteger(1), new CBORString(ack.deviceId())),
                new CBORPair(new CBORInteger(2), new CBORLong(ack.issuedAtMillis())),
                new CBORPair(new CBORInteger(3), new CBORItemList(boots)))).encode();
    }

    static Acknowledgement decodePayload(byte[] payload) {
        try {
            CBORItem item = StrictCbor.decode(payload, new CborLimits(CborLimits.MESSAGE.maxBytes(), 6, CborLimits.MESSAGE.maxItems()));
            Map<Object, CBORItem> top = map(item, "acknowledgement");
            String device = text(top.get(1L), "device id");
            long issued = integer(top.get(2L), "issued-at");
            List<BootAck> boots = new ArrayList<>();
            for (CBORItem bootItem : array(top.get(3L), "boot entries")) {
                Map<Object, CBORItem> b = map(bootItem, "boot entry");
                List<SeqRange> stored = new ArrayList<>();
                for (CBORItem r : array(b.get(2L), "stored ranges")) {
                    List<? extends CBORItem> pair = array(r, "range");
                    if (pair.size() != 2) {
                        throw invalid("a range is [first, last]");
                    }
                    stored.add(new SeqRange(integer(pair.get(0), "first"), integer(pair.get(1), "last")));
                }
                List<Rejection> rejected = new ArrayList<>();
                for (CBORItem r : array(b.get(3L), "rejections")) {
                    List<? extends CBORItem> triple = array(r, "rejection");
                    if (triple.size() != 3) {
                        throw invalid("a rejection is [seq, code, message]");
                    }
                    rejected.add(new Rejection(integer(triple.get(0), "seq"), text(triple.get(1), "code"), text(triple.get(2), "message")));
                }
                boots.add(new BootAck(integer(b.get(1L), "boot"), stored, rejected));
            }
            return new Acknowledgement(device, issued, boots);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    private static Map<Object, CBORItem> map(CBORItem item, String what) {
        if (!(item instanceof CBORPairList m)) {
            throw invalid(what + " must be a map");
        }
        return CborMaps.entries(m, ErrorCode.INVALID_ACK, what);
    }

    private static List<? extends CBORItem> array(CBORItem item, String what) {
        if (!(item instanceof CBORItemList l)) {
            throw invalid(what + " must be an array");
        }
        if (l.getItems().size() > MAX_ENTRIES) {
            throw invalid(what + " has more than " + MAX_ENTRIES + " entries");
        }
        return l.getItems();
    }

    private static String text(CBORItem item, String what) {
        if (!(item instanceof CBORString s)) {
            throw invalid(what + " must be a text string");
        }
        return s.getValue();
    }

    private static long integer(CBORItem item, String what) {
        if (item == null) {
            throw invalid(what + " is missing");
        }
        return CborMaps.integer(item).orElseThrow(() -> invalid(what + " must be an integer"));
    }

    private static ProtocolException invalid(String message) {
        return new ProtocolException(ErrorCode.INVALID_ACK, message);
    }
}
