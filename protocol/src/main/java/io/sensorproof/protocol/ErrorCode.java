package io.sensorproof.protocol;

/**
 * Stable reason codes for every way a protocol message can be refused. The names are part of the
 * wire contract (they travel in signed rejections and land in quarantine records), so they never
 * change meaning and are never reused.
 */
public enum ErrorCode {
    /** The encoded message is larger than the protocol's size limit. */
    OVERSIZED("message exceeds the size limit"),
    /** The bytes are not well-formed CBOR under the protocol's profile (definite lengths only). */
    MALFORMED_CBOR("bytes are not well-formed CBOR"),
    /** A well-formed CBOR item is followed by further bytes. */
    TRAILING_BYTES("bytes follow the end of the message"),
    /** Arrays, maps and tags are nested deeper than the protocol allows. */
    NESTING_TOO_DEEP("CBOR nesting exceeds the limit"),
    /** A CBOR map contains the same key twice. */
    DUPLICATE_KEY("a CBOR map repeats a key"),
    /** The message is not a tagged COSE_Sign1 structure. */
    NOT_COSE_SIGN1("not a COSE_Sign1 message (CBOR tag 18, array of 4)"),
    /** The COSE_Sign1 payload is nil (detached content), which the protocol does not allow. */
    DETACHED_PAYLOAD("detached payloads are not accepted"),
    /** A COSE header is missing a required parameter, has a wrong type, or carries an unknown one. */
    INVALID_HEADER("COSE header is invalid"),
    /** The {@code alg} header names an algorithm the protocol does not support. */
    UNSUPPORTED_ALG("signature algorithm not supported"),
    /** The {@code alg} header does not match the algorithm of the registered key. */
    ALG_MISMATCH("alg does not match the key's algorithm"),
    /** No key is registered under the message's {@code kid}. */
    UNKNOWN_KEY("no key registered for this kid"),
    /** The signature does not verify with the registered key. */
    BAD_SIGNATURE("signature does not verify"),
    /** The payload is not a SenML pack in the protocol's profile. */
    INVALID_SENML("payload is not a valid SenML pack"),
    /** The pack has more records than the protocol allows. */
    TOO_MANY_RECORDS("pack has too many records"),
    /** A value is NaN, infinite, or outside the physical range of its unit. */
    INVALID_VALUE("value is not finite or outside the unit's range"),
    /**
     * Two readings of one device and quantity at the same time (ms): two records of one pack, or a
     * record whose device, quantity and time are already stored from another message.
     */
    DUPLICATE_READING_TIME("another reading of this device and quantity has the same time"),
    /**
     * An emissions register reading is lower than a reading of the same device at an earlier time
     * (or higher than one at a later time): registers never decrease.
     */
    REGISTER_DECREASED("emissions register value lower than an earlier reading"),
    /** A tenant or device identifier, topic or resource path does not follow the grammar. */
    INVALID_IDENTIFIER("identifier does not follow the grammar"),
    /** An acknowledgement or rejection message is not valid. */
    INVALID_ACK("acknowledgement is invalid"),
    /** An enrollment request, token, CSR or response is not valid. */
    INVALID_ENROLLMENT("enrollment data is invalid"),
    /** A key could not be parsed or is not of a supported type. */
    INVALID_KEY("key is invalid or of an unsupported type"),
    /** The message carries CBOR tag 98 but is not a COSE_Sign structure (array of 4 ending in an array of COSE_Signatures of 3). */
    NOT_COSE_SIGN("not a COSE_Sign message (CBOR tag 98, array of 4, signatures as arrays of 3)"),
    /** A hybrid (COSE_Sign) message does not carry exactly two signatures (ADR 029). */
    HYBRID_SIGNATURE_COUNT("a hybrid message must carry exactly two signatures"),
    /**
     * The two signatures of a hybrid message are not one classical (ES256 or EdDSA) followed by one
     * ML-DSA (ML-DSA-44 or ML-DSA-65): two classical, two ML-DSA, SM2, or the wrong order.
     */
    HYBRID_ALGORITHMS("a hybrid message is signed by one classical key (ES256 or EdDSA) and then one ML-DSA key");

    private final String summary;

    ErrorCode(String summary) {
        this.summary = summary;
    }

    /** A short, human-readable summary of the code. */
    public String summary() {
        return summary;
    }
}
