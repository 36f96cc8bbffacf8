package io.sensorproof.protocol.cose;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.PlainDSAEncoding;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.bouncycastle.pqc.crypto.mldsa.MLDSAPrivateKeyParameters;
import org.bouncycastle.pqc.crypto.mldsa.MLDSAPublicKeyParameters;
import org.bouncycastle.pqc.crypto.mldsa.MLDSASigner;
import org.bouncycastle.util.BigIntegers;

/**
 * Raw signature creation and verification with BouncyCastle's lightweight API (no JCA provider
 * lookups on the hot path). Signatures are in COSE form: ECDSA and SM2 as r || s (32 bytes each),
 * Ed25519 as its 64-byte signature. ES256 signatures are deterministic (RFC 6979), so a message
 * signed twice is byte-identical; SM2 signatures are randomised, as the SM2 standard specifies.
 * ML-DSA signs in FIPS 204's default hedged mode (fresh randomness mixed into the deterministic
 * derivation, which protects devices against fault and side-channel attacks on deterministic
 * signing); {@link #signDeterministic(SigningKey, byte[])} gives the deterministic variant that
 * known-answer vectors use. ML-DSA is pure ML-DSA with an empty context string (RFC 9964).
 *
 * <p>ES256 verification, and {@link #signHedged}, go through Amazon Corretto Crypto Provider when it is on the
 * class path and agrees with BouncyCastle at load ({@link #es256Engine()}, ADR 062); {@link #sign} stays on
 * BouncyCastle, whose RFC 6979 signatures the test vectors and the devices rely on.
 */
public final class Signatures {
    private static final int SCALAR_LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Signatures() {
    }

    /** Signs {@code toBeSigned}. */
    public static byte[] sign(SigningKey key, byte[] toBeSigned) {
        try {
            return switch (key.algorithm()) {
                case ML_DSA_44, ML_DSA_65 -> mlDsaSign(key, toBeSigned, true);
                case ES256 -> bouncyCastleSign(key, toBeSigned);
                case EDDSA -> {
                    Ed25519Signer signer = new Ed25519Signer();
                    signer.init(true, (Ed25519PrivateKeyParameters) key.privateParameters());
                    signer.update(toBeSigned, 0, toBeSigned.length);
                    yield signer.generateSignature();
                }
                case SM2_SM3 -> {
                    SM2Signer signer = new SM2Signer(PlainDSAEncoding.INSTANCE, new SM3Digest());
                    signer.init(true, new ParametersWithRandom((ECPrivateKeyParameters) key.privateParameters(), RANDOM));
                    signer.update(toBeSigned, 0, toBeSigned.length);
                    yield signer.generateSignature();
                }
            };
        } catch (CryptoException e) {
            throw new IllegalStateException("signing failed", e);
        }
    }

    /**
     * Signs {@code toBeSigned} deterministically: ML-DSA's deterministic variant (FIPS 204 section
     * 3.4, the randomness is 32 zero bytes), the same as {@link #sign} for ES256 and EdDSA.
     *
     * @throws IllegalArgumentException for SM2, whose signatures are always randomised
     */
    public static byte[] signDeterministic(SigningKey key, byte[] toBeSigned) {
        if (key.algorithm().isPostQuantum()) {
            try {
                return mlDsaSign(key, toBeSigned, false);
            } catch (CryptoException e) {
                throw new IllegalStateException("signing failed", e);
            }
        }
        if (key.algorithm() == SignatureAlgorithm.SM2_SM3) {
            throw new IllegalArgumentException("SM2 signatures are randomised");
        }
        return sign(key, toBeSigned);
    }

    /** Verifies {@code signature} over {@code toBeSigned}; false for any malformed signature. */
    public static boolean verify(VerificationKey key, byte[] toBeSigned, byte[] signature) {
        if (signature == null || signature.length != key.algorithm().signatureLength()) {
            return false;
        }
        return switch (key.algorithm()) {
            case ML_DSA_44, ML_DSA_65 -> {
                MLDSASigner verifier = new MLDSASigner();
                verifier.init(false, (MLDSAPublicKeyParameters) key.parameters());
                verifier.update(toBeSigned, 0, toBeSigned.length);
                yield verifier.verifySignature(signature);
            }
            case ES256 -> {
                NativeEs256 engine = NativeEs256.instance();
                yield engine != null ? engine.verify(key, toBeSigned, signature) : bouncyCastleVerify(key, toBeSigned, signature);
            }
            case EDDSA -> {
                Ed25519Signer verifier = new Ed25519Signer();
                verifier.init(false, (Ed25519PublicKeyParameters) key.parameters());
                verifier.update(toBeSigned, 0, toBeSigned.length);
                yield verifier.verifySignature(signature);
            }
            case SM2_SM3 -> {
                SM2Signer verifier = new SM2Signer(PlainDSAEncoding.INSTANCE, new SM3Digest());
                verifier.init(false, key.parameters());
                verifier.update(toBeSigned, 0, toBeSigned.length);
                yield verifier.verifySignature(signature);
            }
        };
    }

    /**
     * Signs like {@link #sign}, except that an ES256 signature from the native engine ({@link #es256Engine()})
     * uses a nonce derived from fresh randomness instead of RFC 6979's, so signing the same bytes twice gives
     * two different valid signatures; with BouncyCastle it is {@link #sign}'s deterministic signature. For
     * signatures nobody needs to reproduce byte for byte: the gateway's acknowledgements (ADR 062).
     */
    public static byte[] signHedged(SigningKey key, byte[] toBeSigned) {
        NativeEs256 engine = NativeEs256.instance();
        return key.algorithm() == SignatureAlgorithm.ES256 && engine != null ? engine.sign(key, toBeSigned) : sign(key, toBeSigned);
    }

    /**
     * What verifies ES256 signatures in this JVM and what {@link #signHedged} signs with: the native provider's
     * description (e.g. {@code AmazonCorrettoCryptoProvider 2.5.0 (AWS-LC v1.47.0)}), or {@code BouncyCastle}
     * with the reason the native engine is not in use (ADR 062). The choice is made once: by
     * {@link #chooseEs256Engine}, or at first use from the system property {@code sensorproof.es256} or else the
     * environment variable {@code SENSORPROOF_ES256} ({@code auto}, {@code native}, {@code bouncycastle}).
     *
     * @throws IllegalStateException when the choice is {@code native} and the provider is missing or broken, or the
     *     property has another value
     */
    public static String es256Engine() {
        NativeEs256 engine = NativeEs256.instance();
        return engine != null ? engine.description() : "BouncyCastle (" + NativeEs256.unavailableBecause() + ")";
    }

    /**
     * Chooses the ES256 engine for this JVM before its first use; when it was chosen already, {@code choice} must be
     * that choice. Returns {@link #es256Engine()}.
     *
     * @throws IllegalStateException when another choice is in force, or {@code NATIVE} cannot be had
     */
    public static String chooseEs256Engine(Es256Engine choice) {
        NativeEs256.choose(java.util.Objects.requireNonNull(choice, "choice"));
        return es256Engine();
    }

    /** True when ES256 goes through the native engine (see {@link #es256Engine()}). */
    public static boolean es256Native() {
        return NativeEs256.instance() != null;
    }

    /**
     * Verifies an ES256 signature with BouncyCastle whatever the engine: the reference the native engine is
     * checked against, and the yardstick of the load benchmarks.
     */
    public static boolean bouncyCastleVerify(VerificationKey key, byte[] toBeSigned, byte[] signature) {
        if (key.algorithm() != SignatureAlgorithm.ES256) {
            throw new IllegalArgumentException("an ES256 key is needed, not " + key.algorithm().label());
        }
        if (signature == null || signature.length != 2 * SCALAR_LENGTH) {
            return false;
        }
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, (ECPublicKeyParameters) key.parameters());
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, SCALAR_LENGTH));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, SCALAR_LENGTH, 2 * SCALAR_LENGTH));
        return verifier.verifySignature(sha256(toBeSigned), r, s);
    }

    /** The deterministic (RFC 6979) ES256 signature, r || s, with BouncyCastle. */
    static byte[] bouncyCastleSign(SigningKey key, byte[] toBeSigned) {
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, key.privateParameters());
        BigInteger[] rs = signer.generateSignature(sha256(toBeSigned));
        byte[] out = new byte[2 * SCALAR_LENGTH];
        BigIntegers.asUnsignedByteArray(rs[0], out, 0, SCALAR_LENGTH);
        BigIntegers.asUnsignedByteArray(rs[1], out, SCALAR_LENGTH, SCALAR_LENGTH);
        return out;
    }

    private static byte[] mlDsaSign(SigningKey key, byte[] toBeSigned, boolean hedged) throws CryptoException {
        MLDSASigner signer = new MLDSASigner();
        MLDSAPrivateKeyParameters priv = (MLDSAPrivateKeyParameters) key.privateParameters();
        signer.init(true, hedged ? new ParametersWithRandom(priv, RANDOM) : priv);
        signer.update(toBeSigned, 0, toBeSigned.length);
        return signer.generateSignature();
    }

    private static byte[] sha256(byte[] data) {
        SHA256Digest d = new SHA256Digest();
        d.update(data, 0, data.length);
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return out;
    }
}
