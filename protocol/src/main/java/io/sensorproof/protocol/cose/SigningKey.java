package io.sensorproof.protocol.cose;

import java.util.Objects;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;

/**
 * A private key with its algorithm and public half. Its {@link #toString()} never shows key
 * material; {@link Keys#toPkcs8(SigningKey)} is the only way out.
 */
public final class SigningKey {
    private final SignatureAlgorithm algorithm;
    private final AsymmetricKeyParameter privateParameters;
    private final VerificationKey verificationKey;
    private volatile Object nativeKey;

    SigningKey(SignatureAlgorithm algorithm, AsymmetricKeyParameter privateParameters, VerificationKey verificationKey) {
        this.algorithm = Objects.requireNonNull(algorithm);
        this.privateParameters = Objects.requireNonNull(privateParameters);
        this.verificationKey = Objects.requireNonNull(verificationKey);
    }

    public SignatureAlgorithm algorithm() {
        return algorithm;
    }

    /** The public half. */
    public VerificationKey verificationKey() {
        return verificationKey;
    }

    /** The key as the native ES256 engine's provider reads it, made at first use ({@link NativeEs256}). */
    Object nativeKey() {
        return nativeKey;
    }

    void nativeKey(Object key) {
        this.nativeKey = key;
    }

    AsymmetricKeyParameter privateParameters() {
        return privateParameters;
    }

    @Override
    public String toString() {
        return "SigningKey[" + algorithm.label() + ", kid=" + verificationKey.kidHex() + "]";
    }
}
