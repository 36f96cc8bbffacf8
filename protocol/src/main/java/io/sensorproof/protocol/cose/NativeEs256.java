package io.sensorproof.protocol.cose;

import java.lang.reflect.InvocationTargetException;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.function.Consumer;

/**
 * ES256 through Amazon Corretto Crypto Provider (ACCP, AWS-LC's P-256 code behind JNI) when it is on the
 * class path and loads; ADR 062. The gateway ships it (Linux x86-64); the protocol module does not depend
 * on it, so the edge agent and every other user of {@link Signatures} stay on BouncyCastle.
 *
 * <p>Which engine {@link Signatures} uses for ES256 ({@link Es256Engine}) is chosen once per JVM: by
 * {@link Signatures#chooseEs256Engine} (the gateway's setting {@code sensorproof.es256}) or, at first use, by the
 * system property {@value #PROPERTY} or else the environment variable {@value #ENVIRONMENT}; {@code auto} by
 * default.
 *
 * <p>Before it is used, the native engine must agree with BouncyCastle on a known answer: a signature
 * BouncyCastle made verifies natively, the same signature over other bytes does not, and a native signature
 * verifies with BouncyCastle. Verification semantics are those of BouncyCastle's {@code ECDSASigner}: r and s
 * in [1, n-1], no low-s rule; {@code NativeEs256Test} compares the two on random, altered and boundary
 * signatures.
 */
final class NativeEs256 {
    /** The system property that chooses the ES256 engine. */
    static final String PROPERTY = "sensorproof.es256";
    /** The environment variable read when the system property is not set. */
    static final String ENVIRONMENT = "SENSORPROOF_ES256";
    private static final String PROVIDER_CLASS = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";
    private static final String ALGORITHM = "SHA256withECDSAinP1363Format";

    private static volatile Selection selection;

    private final Provider provider;
    private final KeyFactory keys;
    private final ThreadLocal<Signature> verifiers;
    private final ThreadLocal<Signature> signers;

    private NativeEs256(Provider provider) throws GeneralSecurityException {
        this.provider = provider;
        this.keys = KeyFactory.getInstance("EC", provider);
        Signature.getInstance(ALGORITHM, provider); // present, or fail here rather than per thread
        this.verifiers = ThreadLocal.withInitial(() -> newSignature(provider));
        this.signers = ThreadLocal.withInitial(() -> newSignature(provider));
    }

    /** The engine chosen (see the class comment): native, or null for BouncyCastle. */
    static NativeEs256 instance() {
        return selection().engine();
    }

    /** Why the native engine is not in use ({@code null} when it is). */
    static String unavailableBecause() {
        return selection().reason();
    }

    /** The choice in force, made now from {@value #PROPERTY} / {@value #ENVIRONMENT} when none was made yet. */
    static Selection selection() {
        Selection s = selection;
        if (s == null) {
            synchronized (NativeEs256.class) {
                if (selection == null) {
                    selection = select(fromPropertyOrEnvironment());
                }
                s = selection;
            }
        }
        return s;
    }

    /**
     * Chooses the engine, unless one was chosen already: then {@code choice} must be the same.
     *
     * @throws IllegalStateException when another choice is in force, or {@code NATIVE} cannot be had
     */
    static synchronized Selection choose(Es256Engine choice) {
        if (selection == null) {
            selection = select(choice);
        } else if (selection.choice() != choice) {
            throw new IllegalStateException("the ES256 engine was chosen as " + selection.choice() + " before " + choice
                    + " was asked for (" + PROPERTY + ", " + ENVIRONMENT + ")");
        }
        return selection;
    }

    private static Es256Engine fromPropertyOrEnvironment() {
        String fromEnvironment = System.getenv(ENVIRONMENT);
        String value = System.getProperty(PROPERTY, fromEnvironment == null ? "auto" : fromEnvironment).trim();
        for (Es256Engine e : Es256Engine.values()) {
            if (e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        throw new IllegalStateException(PROPERTY + " (or " + ENVIRONMENT + ") must be auto, native or bouncycastle, not '" + value + "'");
    }

    private static Selection select(Es256Engine choice) {
        if (choice == Es256Engine.BOUNCYCASTLE) {
            return new Selection(choice, null, "the ES256 engine was set to bouncycastle");
        }
        String reason;
        try {
            return new Selection(choice, load(), null);
        } catch (ClassNotFoundException e) {
            reason = "ACCP is not on the class path";
        } catch (ReflectiveOperationException | GeneralSecurityException | RuntimeException | LinkageError e) {
            reason = "ACCP did not load: " + e;
        }
        if (choice == Es256Engine.NATIVE) {
            throw new IllegalStateException("the ES256 engine was set to native but " + reason);
        }
        return new Selection(choice, null, reason);
    }

    /** A choice, the engine it gave (null: BouncyCastle) and why not native. */
    record Selection(Es256Engine choice, NativeEs256 engine, String reason) {
    }

    /** Provider name and version, e.g. {@code AmazonCorrettoCryptoProvider 2.5.0 (AWS-LC v1.47.0)}. */
    String description() {
        return provider.getInfo();
    }

    /** Verifies a raw r || s signature (64 bytes) over {@code toBeSigned}; false for any invalid one. */
    boolean verify(VerificationKey key, byte[] toBeSigned, byte[] rs) {
        Signature verifier = verifiers.get();
        try {
            verifier.initVerify(publicKey(key));
            verifier.update(toBeSigned);
            return verifier.verify(rs);
        } catch (SignatureException e) {
            return false; // r or s out of range, malformed: invalid, as BouncyCastle says
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("native ES256 refused a registered key " + key, e);
        }
    }

    /**
     * A raw r || s signature with a nonce AWS-LC derives from fresh randomness (not RFC 6979): signing the
     * same bytes twice gives two different valid signatures.
     */
    byte[] sign(SigningKey key, byte[] toBeSigned) {
        Signature signer = signers.get();
        try {
            signer.initSign(privateKey(key));
            signer.update(toBeSigned);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("native ES256 signing failed for " + key, e);
        }
    }

    private PublicKey publicKey(VerificationKey key) throws InvalidKeyException {
        return cached(key.nativeKey(), PublicKey.class, () -> keys.generatePublic(new X509EncodedKeySpec(key.spki())), key::nativeKey, key);
    }

    private PrivateKey privateKey(SigningKey key) throws InvalidKeyException {
        return cached(key.nativeKey(), PrivateKey.class, () -> keys.generatePrivate(new PKCS8EncodedKeySpec(Keys.toPkcs8(key))),
                key::nativeKey, key);
    }

    /** The provider's form of a key: {@code cached} when it is one, else read now and kept with {@code keep}. */
    private static <K> K cached(Object cached, Class<K> type, KeyReader<K> read, Consumer<Object> keep, Object owner)
            throws InvalidKeyException {
        if (type.isInstance(cached)) {
            return type.cast(cached);
        }
        try {
            K key = read.read();
            keep.accept(key);
            return key;
        } catch (GeneralSecurityException e) {
            throw new InvalidKeyException("native ES256 cannot read " + owner, e);
        }
    }

    @FunctionalInterface
    private interface KeyReader<K> {
        K read() throws GeneralSecurityException;
    }

    private static Signature newSignature(Provider provider) {
        try {
            return Signature.getInstance(ALGORITHM, provider);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loads the provider and checks it against BouncyCastle; throws with the reason when it cannot be used. */
    static NativeEs256 load() throws ReflectiveOperationException, GeneralSecurityException {
        Class<?> type = Class.forName(PROVIDER_CLASS);
        Provider provider = (Provider) type.getField("INSTANCE").get(null);
        try {
            type.getMethod("assertHealthy").invoke(provider);
        } catch (InvocationTargetException e) {
            throw new GeneralSecurityException("ACCP is not healthy: " + e.getCause(), e.getCause());
        }
        NativeEs256 engine = new NativeEs256(provider);
        engine.selfCheck();
        return engine;
    }

    private void selfCheck() throws GeneralSecurityException {
        SecureRandom random = new SecureRandom();
        SigningKey key = Keys.generate(SignatureAlgorithm.ES256, random);
        byte[] message = new byte[64];
        random.nextBytes(message);
        byte[] bc = Signatures.bouncyCastleSign(key, message);
        byte[] other = message.clone();
        other[0] ^= 1;
        if (!verify(key.verificationKey(), message, bc) || verify(key.verificationKey(), other, bc)) {
            throw new GeneralSecurityException("native ES256 disagrees with BouncyCastle on a known signature");
        }
        byte[] own = sign(key, message);
        if (!Signatures.bouncyCastleVerify(key.verificationKey(), message, own)) {
            throw new GeneralSecurityException("BouncyCastle does not verify a native ES256 signature");
        }
    }
}
