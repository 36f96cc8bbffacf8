package io.sensorproof.oracle.bundle;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.message.ReadingMessage;
import io.sensorproof.protocol.message.ReadingMessages;
import java.util.Objects;
import java.util.Optional;

/**
 * One signing key of a device as registered: its key (SubjectPublicKeyInfo DER) and, for a hybrid
 * device (ADR 029, protocol §2.1), the ML-DSA key registered with it. A message is verified with a
 * group as the gateway verifies it on ingest: a hybrid group accepts only a hybrid message whose two
 * signatures verify under its two keys (a single-signature message is {@code HYBRID_REQUIRED}, even
 * one the classical key verifies: a classical-only forgery must not pass); a single-key group accepts
 * only a single-signature message its key verifies (a hybrid message is {@code UNKNOWN_KEY}).
 *
 * @param spki the classical (or only) key
 * @param postQuantumSpki the ML-DSA partner, empty for a single-key device
 */
public record KeyGroup(byte[] spki, Optional<byte[]> postQuantumSpki) {
    /** The code of a single-signature message checked against a hybrid group. */
    public static final String HYBRID_REQUIRED = "HYBRID_REQUIRED";

    public KeyGroup {
        spki = Objects.requireNonNull(spki, "spki").clone();
        postQuantumSpki = Objects.requireNonNull(postQuantumSpki, "postQuantumSpki").map(byte[]::clone);
    }

    /** A single-key group. */
    public static KeyGroup single(byte[] spki) {
        return new KeyGroup(spki, Optional.empty());
    }

    /** A hybrid group. */
    public static KeyGroup hybrid(byte[] classicalSpki, byte[] postQuantumSpki) {
        return new KeyGroup(classicalSpki, Optional.of(postQuantumSpki));
    }

    @Override
    public byte[] spki() {
        return spki.clone();
    }

    @Override
    public Optional<byte[]> postQuantumSpki() {
        return postQuantumSpki.map(byte[]::clone);
    }

    /**
     * The key hash registered on chain for this group ({@code AnchorRegistry.registerDevice}): SHA-256 of
     * the SPKI for a single key; for a hybrid group SHA-256 of the classical SPKI followed by the ML-DSA
     * SPKI (both DER, so the concatenation is unambiguous), which binds the ML-DSA key to the
     * registration and makes a bundle whose ML-DSA key was stripped or swapped fail its key hash.
     */
    public byte[] keyHash() {
        if (postQuantumSpki.isEmpty()) {
            return EvidenceBundleBuilder.sha256(spki);
        }
        byte[] pq = postQuantumSpki.get();
        byte[] both = java.util.Arrays.copyOf(spki, spki.length + pq.length);
        System.arraycopy(pq, 0, both, spki.length, pq.length);
        return EvidenceBundleBuilder.sha256(both);
    }

    /** Whether the device signs with both keys. */
    public boolean isHybrid() {
        return postQuantumSpki.isPresent();
    }

    /**
     * The classical key, checked to be usable.
     *
     * @throws ProtocolException {@code INVALID_KEY}; for a hybrid group also when it is not ES256 or EdDSA
     */
    public VerificationKey classicalKey() {
        VerificationKey key = Keys.publicKeyFromSpki(spki);
        if (isHybrid() && !ReadingMessages.HYBRID_CLASSICAL.contains(key.algorithm())) {
            throw new ProtocolException(ErrorCode.INVALID_KEY, "a hybrid device's classical key is ES256 or EdDSA, not "
                    + key.algorithm().label());
        }
        return key;
    }

    /**
     * The ML-DSA key of a hybrid group, checked to be usable and ML-DSA.
     *
     * @throws ProtocolException {@code INVALID_KEY}
     * @throws IllegalStateException for a single-key group
     */
    public VerificationKey postQuantumKey() {
        VerificationKey key = Keys.publicKeyFromSpki(postQuantumSpki.orElseThrow(
                () -> new IllegalStateException("not a hybrid key group")));
        if (!key.algorithm().isPostQuantum()) {
            throw new ProtocolException(ErrorCode.INVALID_KEY, "a hybrid device's second key is ML-DSA-44 or ML-DSA-65, not "
                    + key.algorithm().label());
        }
        return key;
    }

    /**
     * Verifies {@code message} with this group (see the class comment).
     *
     * @throws ProtocolException {@code INVALID_KEY} for an unusable key, {@code UNKNOWN_KEY}, {@code ALG_MISMATCH},
     *     {@code BAD_SIGNATURE} (naming the signature that failed), {@code HYBRID_SIGNATURE_COUNT} for a
     *     single-signature message under a hybrid group (its message says {@value #HYBRID_REQUIRED})
     */
    public ReadingMessage verify(ReadingMessage message) {
        if (!isHybrid()) {
            return message.verify(classicalKey());
        }
        VerificationKey classical = classicalKey();
        VerificationKey postQuantum = postQuantumKey();
        if (!message.isHybrid()) {
            throw new ProtocolException(ErrorCode.HYBRID_SIGNATURE_COUNT, HYBRID_REQUIRED
                    + ": the device is hybrid and signs with both keys; this message has one signature (kid "
                    + message.header().kidHex() + ")");
        }
        return message.verify(classical, postQuantum);
    }
}
