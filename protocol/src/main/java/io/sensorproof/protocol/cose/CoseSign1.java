package io.sensorproof.protocol.cose;

import com.authlete.cbor.CBORByteArray;
import com.authlete.cbor.CBORItem;
import com.authlete.cbor.CBORItemList;
import com.authlete.cbor.CBORNull;
import com.authlete.cbor.CBORPairList;
import com.authlete.cbor.CBORString;
import com.authlete.cbor.CBORTaggedItem;
import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.cbor.CborLimits;
import io.sensorproof.protocol.cbor.CborMaps;
import io.sensorproof.protocol.cbor.StrictCbor;
import java.util.List;
import java.util.Map;

/**
 * A COSE_Sign1 message (RFC 9052 section 4.2), tagged with CBOR tag 18, with an attached payload
 * and no external additional authenticated data.
 *
 * <p>This is the COSE layer only: it checks structure and signatures, not what the headers or the
 * payload mean. {@link #decode(byte[], CborLimits)} does no cryptography.
 *
 * @param protectedBytes the serialized protected header exactly as received (signed over)
 * @param protectedHeader the decoded protected header, keyed by {@code Long} or {@code String}
 * @param unprotectedHeader the decoded unprotected header
 * @param payload the payload bytes
 * @param signature the signature bytes
 */
public record CoseSign1(byte[] protectedBytes, Map<Object, CBORItem> protectedHeader, Map<Object, CBORItem> unprotectedHeader,
        byte[] payload, byte[] signature) {

    /** CBOR tag of COSE_Sign1. */
    public static final int TAG = 18;
    /** Common header label {@code alg}. */
    public static final long HEADER_ALG = 1;
    /** Common header label {@code content type}. */
    public static final long HEADER_CONTENT_TYPE = 3;
    /** Common header label {@code kid}. */
    public static final long HEADER_KID = 4;

    private static final CborLimits HEADER_LIMITS = new CborLimits(1024, 2, 64);
    private static final byte[] EMPTY = new byte[0];

    /**
     * Parses a tagged COSE_Sign1 message without verifying it.
     *
     * @throws ProtocolException {@code OVERSIZED}, {@code MALFORMED_CBOR}, {@code TRAILING_BYTES},
     *     {@code NESTING_TOO_DEEP}, {@code NOT_COSE_SIGN1}, {@code DETACHED_PAYLOAD},
     *     {@code DUPLICATE_KEY} or {@code INVALID_HEADER}
     */
    public static CoseSign1 decode(byte[] bytes, CborLimits limits) {
        return fromItem(StrictCbor.decode(bytes, limits));
    }

    /**
     * Reads a COSE_Sign1 from an item already decoded under the protocol's CBOR profile.
     *
     * @throws ProtocolException the codes of {@link #decode(byte[], CborLimits)} after the CBOR ones
     */
    public static CoseSign1 fromItem(CBORItem item) {
        if (!(item instanceof CBORTaggedItem tagged)) {
            throw new ProtocolException(ErrorCode.NOT_COSE_SIGN1, "message is not tagged; COSE_Sign1 must carry CBOR tag 18");
        }
        Number tag = tagged.getTagNumber();
        if (!(tag instanceof Integer || tag instanceof Long) || tag.longValue() != TAG) {
            throw new ProtocolException(ErrorCode.NOT_COSE_SIGN1, "message has CBOR tag " + tag + "; COSE_Sign1 is tag 18");
        }
        if (!(tagged.getTagContent() instanceof CBORItemList array) || array.getItems().size() != 4) {
            throw new ProtocolException(ErrorCode.NOT_COSE_SIGN1, "COSE_Sign1 must be an array of 4 elements");
        }
        List<? extends CBORItem> parts = array.getItems();
        if (!(parts.get(0) instanceof CBORByteArray protectedItem)) {
            throw new ProtocolException(ErrorCode.NOT_COSE_SIGN1, "protected header must be a byte string");
        }
        if (!(parts.get(1) instanceof CBORPairList unprotectedItem)) {
            throw new ProtocolException(ErrorCode.NOT_COSE_SIGN1, "unprotected header must be a map");
        }
        if (parts.get(2) instanceof CBORNull) {
            throw new ProtocolException(ErrorCode.DETACHED_PAYLOAD, "payload is nil (detached); the payload must be attached");
        }
        if (!(parts.get(2) instanceof CBORByteArray payloadItem)) {
            throw new ProtocolException(ErrorCode.NOT_COSE_SIGN1, "payload must be a byte string");
        }
        if (!(parts.get(3) instanceof CBORByteArray signatureItem)) {
            throw new ProtocolException(ErrorCode.NOT_COSE_SIGN1, "signature must be a byte string");
        }
        byte[] protectedBytes = protectedItem.getValue();
        Map<Object, CBORItem> protectedHeader = protectedHeader(protectedBytes, "protected header");
        Map<Object, CBORItem> unprotected = unprotectedHeader(unprotectedItem, protectedHeader, "unprotected header");
        return new CoseSign1(protectedBytes, protectedHeader, unprotected,
                payloadItem.getValue(), signatureItem.getValue());
    }

    /**
     * Decodes a serialized protected header bucket (empty bytes are the empty map).
     *
     * @throws ProtocolException {@code MALFORMED_CBOR} and the other profile codes, {@code DUPLICATE_KEY}
     *     or {@code INVALID_HEADER}
     */
    static Map<Object, CBORItem> protectedHeader(byte[] protectedBytes, String what) {
        if (protectedBytes.length == 0) {
            return Map.of();
        }
        CBORItem header = StrictCbor.decode(protectedBytes, HEADER_LIMITS);
        if (!(header instanceof CBORPairList headerMap)) {
            throw new ProtocolException(ErrorCode.INVALID_HEADER, what + " must encode a map");
        }
        return Map.copyOf(CborMaps.entries(headerMap, ErrorCode.INVALID_HEADER, what));
    }

    /** Decodes an unprotected bucket and refuses a label that also appears in the protected one. */
    static Map<Object, CBORItem> unprotectedHeader(CBORPairList item, Map<Object, CBORItem> protectedHeader, String what) {
        Map<Object, CBORItem> unprotected = CborMaps.entries(item, ErrorCode.INVALID_HEADER, what);
        for (Object label : unprotected.keySet()) {
            if (protectedHeader.containsKey(label)) {
                throw new ProtocolException(ErrorCode.INVALID_HEADER, "header label " + label + " appears in both buckets");
            }
        }
        return Map.copyOf(unprotected);
    }

    /** The {@code alg} of a protected header bucket, with the codes of {@link #algorithm()}. */
    static SignatureAlgorithm algorithmOf(Map<Object, CBORItem> protectedHeader) {
        CBORItem alg = protectedHeader.get(HEADER_ALG);
        if (alg == null) {
            throw new ProtocolException(ErrorCode.INVALID_HEADER, "protected header has no alg (label 1)");
        }
        long id = CborMaps.integer(alg).orElseThrow(() ->
                new ProtocolException(ErrorCode.UNSUPPORTED_ALG, "alg must be an integer algorithm identifier"));
        return SignatureAlgorithm.fromCoseId(id);
    }

    /**
     * Builds and signs a tagged COSE_Sign1 message with an empty unprotected header.
     *
     * @param protectedHeader the protected header map; it must contain the key's {@code alg}
     */
    public static byte[] sign(CBORPairList protectedHeader, byte[] payload, SigningKey key) {
        return sign(protectedHeader, payload, key, false);
    }

    /**
     * Like {@link #sign(CBORPairList, byte[], SigningKey)} with {@link Signatures#signHedged}: for messages
     * nobody needs to reproduce byte for byte (the gateway's acknowledgements).
     */
    public static byte[] signHedged(CBORPairList protectedHeader, byte[] payload, SigningKey key) {
        return sign(protectedHeader, payload, key, true);
    }

    private static byte[] sign(CBORPairList protectedHeader, byte[] payload, SigningKey key, boolean hedged) {
        byte[] protectedBytes = protectedHeader.encode();
        byte[] toBeSigned = toBeSigned(protectedBytes, payload);
        byte[] signature = hedged ? Signatures.signHedged(key, toBeSigned) : Signatures.sign(key, toBeSigned);
        CBORItemList array = new CBORItemList(new CBORByteArray(protectedBytes), new CBORPairList(List.of()),
                new CBORByteArray(payload), new CBORByteArray(signature));
        return new CBORTaggedItem(TAG, array).encode();
    }

    /** The Sig_structure for COSE_Sign1 with empty external AAD (RFC 9052 section 4.4). */
    public static byte[] toBeSigned(byte[] protectedBytes, byte[] payload) {
        return new CBORItemList(new CBORString("Signature1"), new CBORByteArray(protectedBytes),
                new CBORByteArray(EMPTY), new CBORByteArray(payload)).encode();
    }

    /** The Sig_structure of this message. */
    public byte[] toBeSigned() {
        return toBeSigned(protectedBytes, payload);
    }

    /**
     * The {@code alg} of the protected header.
     *
     * @throws ProtocolException {@code INVALID_HEADER} when absent or not an integer,
     *     {@code UNSUPPORTED_ALG} when not one of the protocol's algorithms
     */
    public SignatureAlgorithm algorithm() {
        return algorithmOf(protectedHeader);
    }

    /**
     * Verifies the signature with {@code key}.
     *
     * @throws ProtocolException {@code ALG_MISMATCH} when the header's alg is not the key's,
     *     {@code BAD_SIGNATURE} when the signature does not verify
     */
    public void verify(VerificationKey key) {
        SignatureAlgorithm alg = algorithm();
        if (alg != key.algorithm()) {
            throw new ProtocolException(ErrorCode.ALG_MISMATCH,
                    "message says alg " + alg.label() + " but key " + key.kidHex() + " is " + key.algorithm().label());
        }
        if (!Signatures.verify(key, toBeSigned(), signature)) {
            throw new ProtocolException(ErrorCode.BAD_SIGNATURE, "signature does not verify with key " + key.kidHex());
        }
    }
}
