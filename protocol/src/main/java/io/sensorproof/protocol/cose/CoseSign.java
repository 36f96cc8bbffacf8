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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A COSE_Sign message (RFC 9052 section 4.1), tagged with CBOR tag 98, with an attached payload, no
 * external additional authenticated data and one or more COSE_Signatures, each with its own
 * protected header (its {@code alg} and {@code kid}) over the same body protected header and payload.
 * The protocol uses it for hybrid messages (ADR 029): one classical and one ML-DSA signature.
 *
 * <p>This is the COSE layer only, like {@link CoseSign1}: {@link #fromItem(CBORItem)} checks
 * structure, not how many signatures there are or what the headers mean, and does no cryptography.
 *
 * @param protectedBytes the serialized body protected header exactly as received (signed over by every signer)
 * @param protectedHeader the decoded body protected header
 * @param unprotectedHeader the decoded body unprotected header
 * @param payload the payload bytes
 * @param signatures the COSE_Signatures in message order
 */
public record CoseSign(byte[] protectedBytes, Map<Object, CBORItem> protectedHeader, Map<Object, CBORItem> unprotectedHeader,
        byte[] payload, List<Signature> signatures) {

    /** CBOR tag of COSE_Sign. */
    public static final int TAG = 98;

    private static final byte[] EMPTY = new byte[0];

    public CoseSign {
        signatures = List.copyOf(signatures);
    }

    /**
     * One COSE_Signature: {@code [protected, unprotected, signature]}.
     *
     * @param protectedBytes the signer's serialized protected header exactly as received
     * @param protectedHeader the decoded signer protected header
     * @param unprotectedHeader the decoded signer unprotected header
     * @param signature the signature bytes
     */
    public record Signature(byte[] protectedBytes, Map<Object, CBORItem> protectedHeader, Map<Object, CBORItem> unprotectedHeader,
            byte[] signature) {

        /**
         * The signer's {@code alg}.
         *
         * @throws ProtocolException {@code INVALID_HEADER} when absent, {@code UNSUPPORTED_ALG} when unknown
         */
        public SignatureAlgorithm algorithm() {
            return CoseSign1.algorithmOf(protectedHeader);
        }
    }

    /** Whether {@code item} carries the COSE_Sign tag (98) at the top, whatever is inside. */
    public static boolean isTagged(CBORItem item) {
        return item instanceof CBORTaggedItem tagged && (tagged.getTagNumber() instanceof Integer || tagged.getTagNumber() instanceof Long)
                && tagged.getTagNumber().longValue() == TAG;
    }

    /**
     * Reads a COSE_Sign from an item already decoded under the protocol's CBOR profile.
     *
     * @throws ProtocolException {@code NOT_COSE_SIGN} for a wrong structure, {@code DETACHED_PAYLOAD},
     *     {@code DUPLICATE_KEY} or {@code INVALID_HEADER} (and the CBOR profile's codes for a header bucket)
     */
    public static CoseSign fromItem(CBORItem item) {
        if (!isTagged(item)) {
            throw new ProtocolException(ErrorCode.NOT_COSE_SIGN, "COSE_Sign must carry CBOR tag 98");
        }
        if (!(((CBORTaggedItem) item).getTagContent() instanceof CBORItemList array) || array.getItems().size() != 4) {
            throw new ProtocolException(ErrorCode.NOT_COSE_SIGN, "COSE_Sign must be an array of 4 elements");
        }
        List<? extends CBORItem> parts = array.getItems();
        if (!(parts.get(0) instanceof CBORByteArray protectedItem)) {
            throw new ProtocolException(ErrorCode.NOT_COSE_SIGN, "body protected header must be a byte string");
        }
        if (!(parts.get(1) instanceof CBORPairList unprotectedItem)) {
            throw new ProtocolException(ErrorCode.NOT_COSE_SIGN, "body unprotected header must be a map");
        }
        if (parts.get(2) instanceof CBORNull) {
            throw new ProtocolException(ErrorCode.DETACHED_PAYLOAD, "payload is nil (detached); the payload must be attached");
        }
        if (!(parts.get(2) instanceof CBORByteArray payloadItem)) {
            throw new ProtocolException(ErrorCode.NOT_COSE_SIGN, "payload must be a byte string");
        }
        if (!(parts.get(3) instanceof CBORItemList signatureItems)) {
            throw new ProtocolException(ErrorCode.NOT_COSE_SIGN, "signatures must be an array of COSE_Signature");
        }
        byte[] protectedBytes = protectedItem.getValue();
        Map<Object, CBORItem> protectedHeader = CoseSign1.protectedHeader(protectedBytes, "body protected header");
        Map<Object, CBORItem> unprotected = CoseSign1.unprotectedHeader(unprotectedItem, protectedHeader, "body unprotected header");
        List<Signature> signatures = new ArrayList<>();
        List<? extends CBORItem> items = signatureItems.getItems() == null ? List.of() : signatureItems.getItems();
        for (int i = 0; i < items.size(); i++) {
            signatures.add(signature(items.get(i), i));
        }
        return new CoseSign(protectedBytes, protectedHeader, unprotected, payloadItem.getValue(), signatures);
    }

    private static Signature signature(CBORItem item, int index) {
        String what = "signature " + index;
        if (!(item instanceof CBORItemList triple) || triple.getItems().size() != 3) {
            throw new ProtocolException(ErrorCode.NOT_COSE_SIGN, what + " must be a COSE_Signature, an array of 3 elements");
        }
        List<? extends CBORItem> parts = triple.getItems();
        if (!(parts.get(0) instanceof CBORByteArray protectedItem)) {
            throw new ProtocolException(ErrorCode.NOT_COSE_SIGN, what + ": protected header must be a byte string");
        }
        if (!(parts.get(1) instanceof CBORPairList unprotectedItem)) {
            throw new ProtocolException(ErrorCode.NOT_COSE_SIGN, what + ": unprotected header must be a map");
        }
        if (!(parts.get(2) instanceof CBORByteArray signatureItem)) {
            throw new ProtocolException(ErrorCode.NOT_COSE_SIGN, what + ": signature must be a byte string");
        }
        byte[] protectedBytes = protectedItem.getValue();
        Map<Object, CBORItem> protectedHeader = CoseSign1.protectedHeader(protectedBytes, what + " protected header");
        Map<Object, CBORItem> unprotected = CoseSign1.unprotectedHeader(unprotectedItem, protectedHeader, what + " unprotected header");
        return new Signature(protectedBytes, protectedHeader, unprotected, signatureItem.getValue());
    }

    /**
     * Builds and signs a tagged COSE_Sign message with empty unprotected headers, one COSE_Signature
     * per key in the order given.
     *
     * @param bodyProtected the body protected header
     * @param signerProtected one protected header per key; each must contain its key's {@code alg}
     * @param deterministic sign ML-DSA deterministically ({@link Signatures#signDeterministic}), for
     *     known-answer vectors only; otherwise hedged
     */
    public static byte[] sign(CBORPairList bodyProtected, List<CBORPairList> signerProtected, byte[] payload, List<SigningKey> keys,
            boolean deterministic) {
        Objects.requireNonNull(payload, "payload");
        if (keys.isEmpty() || keys.size() != signerProtected.size()) {
            throw new IllegalArgumentException("one protected header per key, at least one key");
        }
        byte[] bodyBytes = bodyProtected.encode();
        List<CBORItem> signatures = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            byte[] signBytes = signerProtected.get(i).encode();
            byte[] tbs = toBeSigned(bodyBytes, signBytes, payload);
            byte[] signature = deterministic ? Signatures.signDeterministic(keys.get(i), tbs) : Signatures.sign(keys.get(i), tbs);
            signatures.add(new CBORItemList(new CBORByteArray(signBytes), new CBORPairList(List.of()), new CBORByteArray(signature)));
        }
        CBORItemList array = new CBORItemList(new CBORByteArray(bodyBytes), new CBORPairList(List.of()), new CBORByteArray(payload),
                new CBORItemList(signatures));
        return new CBORTaggedItem(TAG, array).encode();
    }

    /** The Sig_structure of one COSE_Signature with empty external AAD (RFC 9052 section 4.4, context "Signature"). */
    public static byte[] toBeSigned(byte[] bodyProtected, byte[] signProtected, byte[] payload) {
        return new CBORItemList(new CBORString("Signature"), new CBORByteArray(bodyProtected), new CBORByteArray(signProtected),
                new CBORByteArray(EMPTY), new CBORByteArray(payload)).encode();
    }

    /** The Sig_structure that signature {@code index} of this message signs. */
    public byte[] toBeSigned(int index) {
        return toBeSigned(protectedBytes, signatures.get(index).protectedBytes(), payload);
    }

    /**
     * Verifies signature {@code index} with {@code key}.
     *
     * @throws ProtocolException {@code ALG_MISMATCH} when the signer's alg is not the key's,
     *     {@code BAD_SIGNATURE} when the signature does not verify
     */
    public void verify(int index, VerificationKey key) {
        Signature s = signatures.get(index);
        SignatureAlgorithm alg = s.algorithm();
        if (alg != key.algorithm()) {
            throw new ProtocolException(ErrorCode.ALG_MISMATCH,
                    "signature " + index + " says alg " + alg.label() + " but key " + key.kidHex() + " is " + key.algorithm().label());
        }
        if (!Signatures.verify(key, toBeSigned(index), s.signature())) {
            throw new ProtocolException(ErrorCode.BAD_SIGNATURE,
                    "the " + alg.label() + " signature (signature " + index + ") does not verify with key " + key.kidHex());
        }
    }
}
