package io.sensorproof.protocol.message;

import com.authlete.cbor.CBORByteArray;
import com.authlete.cbor.CBORInteger;
import com.authlete.cbor.CBORItem;
import com.authlete.cbor.CBORLong;
import com.authlete.cbor.CBORPair;
import com.authlete.cbor.CBORPairList;
import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.cbor.CborLimits;
import io.sensorproof.protocol.cbor.CborMaps;
import io.sensorproof.protocol.cbor.StrictCbor;
import io.sensorproof.protocol.cose.CoseSign;
import io.sensorproof.protocol.cose.CoseSign1;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.senml.ReadingPack;
import io.sensorproof.protocol.senml.SenmlCodec;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Signs and decodes reading messages: COSE_Sign1 (tag 18) whose payload is a SenML-CBOR pack and
 * whose protected header holds exactly alg (1), content type (3) = 112 (application/senml+cbor),
 * kid (4), boot (-65537), seq (-65538) and device time (-65539); the unprotected header is empty.
 *
 * <p>A hybrid message (ADR 029) is a COSE_Sign (tag 98) with the same payload, a body protected
 * header of content type, boot, seq and device time only, and exactly two COSE_Signatures whose
 * protected headers hold exactly alg (1) and kid (4): first a classical one (ES256 or EdDSA), then an
 * ML-DSA one (ML-DSA-44 or ML-DSA-65). All unprotected headers are empty.
 */
public final class ReadingMessages {
    /** Private-use header label of the boot counter. */
    public static final long HEADER_BOOT = -65537;
    /** Private-use header label of the per-boot sequence number. */
    public static final long HEADER_SEQ = -65538;
    /** Private-use header label of the device time at signing (ms since the epoch, UTC). */
    public static final long HEADER_DEVICE_TIME = -65539;
    /** CoAP content-format of application/senml+cbor. */
    public static final int CONTENT_FORMAT_SENML_CBOR = 112;

    /** The classical algorithms a hybrid message may pair with ML-DSA (ADR 029). */
    public static final Set<SignatureAlgorithm> HYBRID_CLASSICAL = Set.of(SignatureAlgorithm.ES256, SignatureAlgorithm.EDDSA);

    private ReadingMessages() {
    }

    /** Signs {@code pack} as one message. */
    public static byte[] sign(ReadingPack pack, long boot, long seq, long deviceTimeMillis, SigningKey key) {
        MessageHeader header = new MessageHeader(key.algorithm(), key.verificationKey().kid(), boot, seq, deviceTimeMillis);
        CBORPairList protectedHeader = new CBORPairList(List.of(
                new CBORPair(new CBORInteger((int) CoseSign1.HEADER_ALG), new CBORInteger(header.algorithm().coseId())),
                new CBORPair(new CBORInteger((int) CoseSign1.HEADER_CONTENT_TYPE), new CBORInteger(CONTENT_FORMAT_SENML_CBOR)),
                new CBORPair(new CBORInteger((int) CoseSign1.HEADER_KID), new CBORByteArray(header.kid())),
                new CBORPair(new CBORInteger((int) HEADER_BOOT), new CBORLong(boot)),
                new CBORPair(new CBORInteger((int) HEADER_SEQ), new CBORLong(seq)),
                new CBORPair(new CBORInteger((int) HEADER_DEVICE_TIME), new CBORLong(deviceTimeMillis))));
        return CoseSign1.sign(protectedHeader, SenmlCodec.encode(pack), key);
    }

    /**
     * Signs {@code pack} as one hybrid message (COSE_Sign with two signatures, ADR 029): the classical
     * signature first, then the ML-DSA one, each over the same body header and payload.
     *
     * @throws IllegalArgumentException when {@code classical} is not ES256 or EdDSA or {@code postQuantum} is not ML-DSA
     */
    public static byte[] signHybrid(ReadingPack pack, long boot, long seq, long deviceTimeMillis, SigningKey classical,
            SigningKey postQuantum) {
        return signHybrid(pack, boot, seq, deviceTimeMillis, classical, postQuantum, false);
    }

    /**
     * As {@link #signHybrid(ReadingPack, long, long, long, SigningKey, SigningKey)} but with a
     * deterministic ML-DSA signature: for known-answer vectors only (devices sign hedged, ADR 029).
     */
    public static byte[] signHybridDeterministic(ReadingPack pack, long boot, long seq, long deviceTimeMillis, SigningKey classical,
            SigningKey postQuantum) {
        return signHybrid(pack, boot, seq, deviceTimeMillis, classical, postQuantum, true);
    }

    private static byte[] signHybrid(ReadingPack pack, long boot, long seq, long deviceTimeMillis, SigningKey classical,
            SigningKey postQuantum, boolean deterministic) {
        if (!HYBRID_CLASSICAL.contains(classical.algorithm()) || !postQuantum.algorithm().isPostQuantum()) {
            throw new IllegalArgumentException("a hybrid message is signed by an ES256 or EdDSA key and an ML-DSA key, not "
                    + classical.algorithm().label() + " and " + postQuantum.algorithm().label());
        }
        // validates boot, seq and time as a single-signature header would
        new MessageHeader(classical.algorithm(), classical.verificationKey().kid(), boot, seq, deviceTimeMillis);
        CBORPairList body = new CBORPairList(List.of(
                new CBORPair(new CBORInteger((int) CoseSign1.HEADER_CONTENT_TYPE), new CBORInteger(CONTENT_FORMAT_SENML_CBOR)),
                new CBORPair(new CBORInteger((int) HEADER_BOOT), new CBORLong(boot)),
                new CBORPair(new CBORInteger((int) HEADER_SEQ), new CBORLong(seq)),
                new CBORPair(new CBORInteger((int) HEADER_DEVICE_TIME), new CBORLong(deviceTimeMillis))));
        return CoseSign.sign(body, List.of(signerHeader(classical), signerHeader(postQuantum)), SenmlCodec.encode(pack),
                List.of(classical, postQuantum), deterministic);
    }

    private static CBORPairList signerHeader(SigningKey key) {
        return new CBORPairList(List.of(
                new CBORPair(new CBORInteger((int) CoseSign1.HEADER_ALG), new CBORInteger(key.algorithm().coseId())),
                new CBORPair(new CBORInteger((int) CoseSign1.HEADER_KID), new CBORByteArray(key.verificationKey().kid()))));
    }

    /**
     * Decodes a message without any cryptography: size, CBOR profile, COSE structure, header and
     * SenML pack. Values and the in-pack rules are checked separately ({@link ReadingPack#checkValues()}).
     *
     * @throws ProtocolException with the code of the first problem found
     */
    public static ReadingMessage decode(byte[] bytes) {
        CBORItem item = StrictCbor.decode(bytes, CborLimits.MESSAGE);
        if (CoseSign.isTagged(item)) {
            return decodeHybrid(bytes, CoseSign.fromItem(item));
        }
        CoseSign1 cose = CoseSign1.fromItem(item);
        if (!cose.unprotectedHeader().isEmpty()) {
            throw new ProtocolException(ErrorCode.INVALID_HEADER,
                    "unprotected header must be empty; every parameter belongs in the protected header");
        }
        MessageHeader header = header(cose);
        ReadingPack pack = SenmlCodec.decode(cose.payload());
        return new ReadingMessage(bytes.clone(), cose, header, pack);
    }

    private static ReadingMessage decodeHybrid(byte[] bytes, CoseSign cose) {
        if (!cose.unprotectedHeader().isEmpty()) {
            throw new ProtocolException(ErrorCode.INVALID_HEADER,
                    "body unprotected header must be empty; every parameter belongs in a protected header");
        }
        if (cose.signatures().size() != 2) {
            throw new ProtocolException(ErrorCode.HYBRID_SIGNATURE_COUNT, "COSE_Sign message has " + cose.signatures().size()
                    + " signature(s); a hybrid message has exactly two (classical, then ML-DSA)");
        }
        Map<Object, CBORItem> h = cose.protectedHeader();
        for (Object label : h.keySet()) {
            if (!(label instanceof Long l) || (l != CoseSign1.HEADER_CONTENT_TYPE && l != HEADER_BOOT && l != HEADER_SEQ
                    && l != HEADER_DEVICE_TIME)) {
                throw new ProtocolException(ErrorCode.INVALID_HEADER, "body protected header has label " + label
                        + "; a hybrid body has content type, boot, seq and device time only (alg and kid are per signature)");
            }
        }
        SignerId[] signers = new SignerId[2];
        for (int i = 0; i < 2; i++) {
            CoseSign.Signature s = cose.signatures().get(i);
            if (!s.unprotectedHeader().isEmpty()) {
                throw new ProtocolException(ErrorCode.INVALID_HEADER, "signature " + i + ": unprotected header must be empty");
            }
            for (Object label : s.protectedHeader().keySet()) {
                if (!(label instanceof Long l) || (l != CoseSign1.HEADER_ALG && l != CoseSign1.HEADER_KID)) {
                    throw new ProtocolException(ErrorCode.INVALID_HEADER, "signature " + i + ": protected header has label " + label
                            + "; a signer header has alg (1) and kid (4) only");
                }
            }
            SignatureAlgorithm alg = s.algorithm();
            signers[i] = new SignerId(alg, kid(s.protectedHeader(), "signature " + i + ": "));
        }
        if (!HYBRID_CLASSICAL.contains(signers[0].algorithm()) || !signers[1].algorithm().isPostQuantum()) {
            throw new ProtocolException(ErrorCode.HYBRID_ALGORITHMS, "signatures are " + signers[0].algorithm().label() + " and "
                    + signers[1].algorithm().label() + "; a hybrid message is signed with ES256 or EdDSA first, then ML-DSA-44 or ML-DSA-65");
        }
        MessageHeader header = body(h, signers[0].algorithm(), signers[0].kid());
        ReadingPack pack = SenmlCodec.decode(cose.payload());
        return new ReadingMessage(bytes.clone(), cose, header, signers[1], pack);
    }

    /**
     * Decodes, resolves the key, verifies, and checks values and the in-pack rules: everything the protocol says
     * about one message.
     *
     * @throws ProtocolException with the code of the first problem found
     */
    public static ReadingMessage open(byte[] bytes, KeyResolver keys) {
        ReadingMessage message = decode(bytes).verify(keys);
        message.pack().checkValues();
        return message;
    }

    private static MessageHeader header(CoseSign1 cose) {
        Map<Object, CBORItem> h = cose.protectedHeader();
        for (Object label : h.keySet()) {
            if (!(label instanceof Long l) || (l != CoseSign1.HEADER_ALG && l != CoseSign1.HEADER_CONTENT_TYPE
                    && l != CoseSign1.HEADER_KID && l != HEADER_BOOT && l != HEADER_SEQ && l != HEADER_DEVICE_TIME)) {
                throw new ProtocolException(ErrorCode.INVALID_HEADER, "protected header has unknown label " + label);
            }
        }
        SignatureAlgorithm alg = cose.algorithm();
        CBORItem contentType = h.get(CoseSign1.HEADER_CONTENT_TYPE);
        if (contentType == null || CborMaps.integer(contentType).orElse(-1) != CONTENT_FORMAT_SENML_CBOR) {
            throw new ProtocolException(ErrorCode.INVALID_HEADER, "content type (3) must be 112, application/senml+cbor");
        }
        return body(h, alg, kid(h, ""));
    }

    private static byte[] kid(Map<Object, CBORItem> h, String where) {
        if (!(h.get(CoseSign1.HEADER_KID) instanceof CBORByteArray kid) || kid.getValue().length != Keys.KID_LENGTH) {
            throw new ProtocolException(ErrorCode.INVALID_HEADER, where + "kid (4) must be a byte string of " + Keys.KID_LENGTH + " bytes");
        }
        return kid.getValue();
    }

    private static MessageHeader body(Map<Object, CBORItem> h, SignatureAlgorithm alg, byte[] kid) {
        CBORItem contentType = h.get(CoseSign1.HEADER_CONTENT_TYPE);
        if (contentType == null || CborMaps.integer(contentType).orElse(-1) != CONTENT_FORMAT_SENML_CBOR) {
            throw new ProtocolException(ErrorCode.INVALID_HEADER, "content type (3) must be 112, application/senml+cbor");
        }
        long boot = counter(h, HEADER_BOOT, "boot");
        long seq = counter(h, HEADER_SEQ, "seq");
        long time = CborMaps.integer(require(h, HEADER_DEVICE_TIME, "device time")).orElse(-1);
        if (time < 0) {
            throw new ProtocolException(ErrorCode.INVALID_HEADER, "device time (" + HEADER_DEVICE_TIME + ") must be an unsigned integer");
        }
        return new MessageHeader(alg, kid, boot, seq, time);
    }

    private static long counter(Map<Object, CBORItem> h, long label, String name) {
        long v = CborMaps.integer(require(h, label, name)).orElse(-1);
        if (v < 0 || v > MessageHeader.MAX_COUNTER) {
            throw new ProtocolException(ErrorCode.INVALID_HEADER, name + " (" + label + ") must be an integer in [0, 2^32)");
        }
        return v;
    }

    private static CBORItem require(Map<Object, CBORItem> h, long label, String name) {
        CBORItem item = h.get(label);
        if (item == null) {
            throw new ProtocolException(ErrorCode.INVALID_HEADER, "protected header has no " + name + " (" + label + ")");
        }
        return item;
    }
}
