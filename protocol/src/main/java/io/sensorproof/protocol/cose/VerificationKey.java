package io.sensorproof.protocol.cose;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;

/**
 * A public key of a device or of the gateway, in the form the verify path uses.
 *
 * <p>{@code spki} is the canonical SubjectPublicKeyInfo DER (named curve, uncompressed point) and
 * {@code kid} is derived from it (see {@link Keys#kidOf(byte[])}). Instances come from
 * {@link Keys#publicKeyFromSpki(byte[])} or {@link SigningKey#verificationKey()}.
 */
public final class VerificationKey {
    private final SignatureAlgorithm algorithm;
    private final byte[] spki;
    private final byte[] kid;
    private final AsymmetricKeyParameter parameters;
    private volatile Object nativeKey;

    VerificationKey(SignatureAlgorithm algorithm, byte[] spki, AsymmetricKeyParameter parameters) {
        this.algorithm = Objects.requireNonNull(algorithm);
        this.spki = spki.clone();
        this.kid = Keys.kidOf(this.spki);
        this.parameters = Objects.requireNonNull(parameters);
    }

    public SignatureAlgorithm algorithm() {
        return algorithm;
    }

    /** Canonical SubjectPublicKeyInfo DER. */
    public byte[] spki() {
        return spki.clone();
    }

    /** Key identifier carried in the COSE {@code kid} header. */
    public byte[] kid() {
        return kid.clone();
    }

    /** Key identifier as lowercase hex. */
    public String kidHex() {
        return HexFormat.of().formatHex(kid);
    }

    /** The key as the native ES256 engine's provider reads it, made at first use ({@link NativeEs256}). */
    Object nativeKey() {
        return nativeKey;
    }

    void nativeKey(Object key) {
        this.nativeKey = key;
    }

    AsymmetricKeyParameter parameters() {
        return parameters;
    }

    boolean hasKid(byte[] other) {
        return Arrays.equals(kid, other);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerificationKey k && algorithm == k.algorithm && Arrays.equals(spki, k.spki);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(spki);
    }

    @Override
    public String toString() {
        return "VerificationKey[" + algorithm.label() + ", kid=" + kidHex() + "]";
    }
}
