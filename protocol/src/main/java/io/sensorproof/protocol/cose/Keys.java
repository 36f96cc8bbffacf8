package io.sensorproof.protocol.cose;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.pqc.crypto.mldsa.MLDSAKeyGenerationParameters;
import org.bouncycastle.pqc.crypto.mldsa.MLDSAKeyPairGenerator;
import org.bouncycastle.pqc.crypto.mldsa.MLDSAParameters;
import org.bouncycastle.pqc.crypto.mldsa.MLDSAPrivateKeyParameters;
import org.bouncycastle.pqc.crypto.mldsa.MLDSAPublicKeyParameters;

/**
 * Key generation, parsing and encoding for the protocol's algorithms, with BouncyCastle's
 * lightweight API and its optimised curve implementations.
 *
 * <p>Key identifier: {@code kid} = the first 16 bytes of SHA-256 over the canonical
 * SubjectPublicKeyInfo DER of the key (EC keys: id-ecPublicKey with the named-curve OID and the
 * uncompressed point; Ed25519: id-Ed25519 with the 32-byte key; ML-DSA: id-ml-dsa-44 or
 * id-ml-dsa-65 without parameters and the raw FIPS 204 public key, RFC 9881).
 *
 * <p>ML-DSA private keys are written as PKCS#8 in the seed-only form of RFC 9881 (the 32-byte
 * seed ξ of FIPS 204 key generation, from which the whole key is re-derived on load).
 */
public final class Keys {
    /** Length of a key identifier in bytes. */
    public static final int KID_LENGTH = 16;
    /** Length of the ML-DSA key generation seed ξ (FIPS 204) in bytes. */
    public static final int ML_DSA_SEED_LENGTH = 32;

    private static final ECNamedDomainParameters P256 = domain(SECObjectIdentifiers.secp256r1, "secp256r1");
    private static final ECNamedDomainParameters SM2P256 = domain(GMObjectIdentifiers.sm2p256v1, "sm2p256v1");

    private Keys() {
    }

    private static ECNamedDomainParameters domain(ASN1ObjectIdentifier oid, String name) {
        X9ECParameters x9 = CustomNamedCurves.getByName(name);
        return new ECNamedDomainParameters(oid, x9);
    }

    /** Generates a fresh key pair for {@code algorithm}. */
    public static SigningKey generate(SignatureAlgorithm algorithm, SecureRandom random) {
        AsymmetricCipherKeyPair pair;
        if (algorithm.isPostQuantum()) {
            MLDSAKeyPairGenerator gen = new MLDSAKeyPairGenerator();
            gen.init(new MLDSAKeyGenerationParameters(random, mlDsaParameters(algorithm)));
            pair = gen.generateKeyPair();
        } else if (algorithm == SignatureAlgorithm.EDDSA) {
            Ed25519KeyPairGenerator gen = new Ed25519KeyPairGenerator();
            gen.init(new Ed25519KeyGenerationParameters(random));
            pair = gen.generateKeyPair();
        } else {
            ECKeyPairGenerator gen = new ECKeyPairGenerator();
            gen.init(new ECKeyGenerationParameters(domainOf(algorithm), random));
            pair = gen.generateKeyPair();
        }
        return signingKey(algorithm, pair.getPrivate());
    }

    /**
     * Derives an ML-DSA key pair from its 32-byte seed ξ (FIPS 204 ML-DSA.KeyGen_internal), the
     * deterministic key generation that known-answer vectors and other implementations share.
     *
     * @throws IllegalArgumentException when {@code algorithm} is not ML-DSA or the seed is not 32 bytes
     */
    public static SigningKey mlDsaFromSeed(SignatureAlgorithm algorithm, byte[] seed) {
        if (!algorithm.isPostQuantum()) {
            throw new IllegalArgumentException(algorithm.label() + " keys are not derived from a seed");
        }
        if (seed == null || seed.length != ML_DSA_SEED_LENGTH) {
            throw new IllegalArgumentException("an ML-DSA seed is " + ML_DSA_SEED_LENGTH + " bytes");
        }
        return signingKey(algorithm, new MLDSAPrivateKeyParameters(mlDsaParameters(algorithm), seed.clone()));
    }

    /**
     * Parses a SubjectPublicKeyInfo (DER) into a verification key, inferring the algorithm from the
     * key type and curve: P-256 is ES256, sm2p256v1 is SM2-SM3, Ed25519 is EdDSA, id-ml-dsa-44 and
     * id-ml-dsa-65 are ML-DSA-44 and ML-DSA-65.
     *
     * @throws ProtocolException {@code INVALID_KEY} for anything else or an invalid point
     */
    public static VerificationKey publicKeyFromSpki(byte[] der) {
        try {
            SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
            ASN1ObjectIdentifier keyType = info.getAlgorithm().getAlgorithm();
            byte[] keyBits = info.getPublicKeyData().getOctets();
            if (EdECObjectIdentifiers.id_Ed25519.equals(keyType)) {
                if (keyBits.length != Ed25519PublicKeyParameters.KEY_SIZE || info.getAlgorithm().getParameters() != null) {
                    throw new ProtocolException(ErrorCode.INVALID_KEY, "Ed25519 key must be 32 bytes without parameters");
                }
                return ed25519Public(new Ed25519PublicKeyParameters(keyBits, 0));
            }
            SignatureAlgorithm mlDsa = mlDsaOf(keyType);
            if (mlDsa != null) {
                int expected = mlDsaPublicKeyLength(mlDsa);
                if (keyBits.length != expected || info.getAlgorithm().getParameters() != null || info.getPublicKeyData().getPadBits() != 0) {
                    throw new ProtocolException(ErrorCode.INVALID_KEY,
                            mlDsa.label() + " key must be " + expected + " bytes without parameters");
                }
                return mlDsaPublic(mlDsa, new MLDSAPublicKeyParameters(mlDsaParameters(mlDsa), keyBits));
            }
            if (X9ObjectIdentifiers.id_ecPublicKey.equals(keyType)) {
                if (!(info.getAlgorithm().getParameters() instanceof ASN1ObjectIdentifier curve)) {
                    throw new ProtocolException(ErrorCode.INVALID_KEY, "EC key must name its curve");
                }
                SignatureAlgorithm alg;
                if (SECObjectIdentifiers.secp256r1.equals(curve)) {
                    alg = SignatureAlgorithm.ES256;
                } else if (GMObjectIdentifiers.sm2p256v1.equals(curve)) {
                    alg = SignatureAlgorithm.SM2_SM3;
                } else {
                    throw new ProtocolException(ErrorCode.INVALID_KEY, "EC curve " + curve + " is not supported (P-256 or sm2p256v1)");
                }
                ECNamedDomainParameters domain = domainOf(alg);
                ECPoint q = domain.getCurve().decodePoint(keyBits).normalize();
                if (q.isInfinity() || !q.isValid()) {
                    throw new ProtocolException(ErrorCode.INVALID_KEY, "EC public point is not valid");
                }
                return ecPublic(alg, new ECPublicKeyParameters(q, domain));
            }
            throw new ProtocolException(ErrorCode.INVALID_KEY, "key type " + keyType + " is not supported");
        } catch (ProtocolException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ProtocolException(ErrorCode.INVALID_KEY, "not a valid SubjectPublicKeyInfo: " + e.getMessage(), e);
        }
    }

    /**
     * Parses a PKCS#8 PrivateKeyInfo (DER).
     *
     * @throws ProtocolException {@code INVALID_KEY} for unsupported or malformed keys
     */
    public static SigningKey signingKeyFromPkcs8(byte[] der) {
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
            SignatureAlgorithm mlDsa = mlDsaOf(info.getPrivateKeyAlgorithm().getAlgorithm());
            if (mlDsa != null) {
                AsymmetricKeyParameter pq = org.bouncycastle.pqc.crypto.util.PrivateKeyFactory.createKey(info);
                if (!(pq instanceof MLDSAPrivateKeyParameters ml) || !mlDsaParameters(mlDsa).getName().equals(ml.getParameters().getName())) {
                    throw new ProtocolException(ErrorCode.INVALID_KEY, "PKCS#8 key is not a pure " + mlDsa.label() + " key");
                }
                return signingKey(mlDsa, ml);
            }
            AsymmetricKeyParameter key = PrivateKeyFactory.createKey(info);
            if (key instanceof Ed25519PrivateKeyParameters) {
                return signingKey(SignatureAlgorithm.EDDSA, key);
            }
            if (key instanceof ECPrivateKeyParameters ec && ec.getParameters() instanceof ECNamedDomainParameters named) {
                SignatureAlgorithm alg;
                if (SECObjectIdentifiers.secp256r1.equals(named.getName())) {
                    alg = SignatureAlgorithm.ES256;
                } else if (GMObjectIdentifiers.sm2p256v1.equals(named.getName())) {
                    alg = SignatureAlgorithm.SM2_SM3;
                } else {
                    throw new ProtocolException(ErrorCode.INVALID_KEY, "EC curve " + named.getName() + " is not supported");
                }
                return signingKey(alg, new ECPrivateKeyParameters(ec.getD(), domainOf(alg)));
            }
            throw new ProtocolException(ErrorCode.INVALID_KEY, "private key type is not supported: " + key.getClass().getSimpleName());
        } catch (ProtocolException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ProtocolException(ErrorCode.INVALID_KEY, "not a valid PKCS#8 private key: " + e.getMessage(), e);
        }
    }

    /**
     * Encodes the private key as PKCS#8 PrivateKeyInfo DER (EC keys with the named-curve OID, ML-DSA
     * keys in RFC 9881's seed-only form when the seed is known).
     */
    public static byte[] toPkcs8(SigningKey key) {
        try {
            if (key.privateParameters() instanceof MLDSAPrivateKeyParameters ml) {
                MLDSAPrivateKeyParameters form = ml.getSeed() != null ? ml.getParametersWithFormat(MLDSAPrivateKeyParameters.SEED_ONLY) : ml;
                return org.bouncycastle.pqc.crypto.util.PrivateKeyInfoFactory.createPrivateKeyInfo(form).getEncoded(ASN1Encoding.DER);
            }
            return PrivateKeyInfoFactory.createPrivateKeyInfo(key.privateParameters()).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode private key", e);
        }
    }

    /** {@code kid} for a canonical SubjectPublicKeyInfo DER: SHA-256 truncated to 16 bytes. */
    public static byte[] kidOf(byte[] canonicalSpki) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(canonicalSpki), KID_LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    static ECNamedDomainParameters domainOf(SignatureAlgorithm algorithm) {
        return switch (algorithm) {
            case ES256 -> P256;
            case SM2_SM3 -> SM2P256;
            case EDDSA, ML_DSA_44, ML_DSA_65 -> throw new IllegalArgumentException(algorithm.label() + " has no EC domain");
        };
    }

    static MLDSAParameters mlDsaParameters(SignatureAlgorithm algorithm) {
        return switch (algorithm) {
            case ML_DSA_44 -> MLDSAParameters.ml_dsa_44;
            case ML_DSA_65 -> MLDSAParameters.ml_dsa_65;
            default -> throw new IllegalArgumentException(algorithm.label() + " is not ML-DSA");
        };
    }

    private static SignatureAlgorithm mlDsaOf(ASN1ObjectIdentifier keyType) {
        if (NISTObjectIdentifiers.id_ml_dsa_44.equals(keyType)) {
            return SignatureAlgorithm.ML_DSA_44;
        }
        if (NISTObjectIdentifiers.id_ml_dsa_65.equals(keyType)) {
            return SignatureAlgorithm.ML_DSA_65;
        }
        return null;
    }

    private static int mlDsaPublicKeyLength(SignatureAlgorithm algorithm) {
        return algorithm == SignatureAlgorithm.ML_DSA_44 ? 1312 : 1952;
    }

    private static ASN1ObjectIdentifier mlDsaOid(SignatureAlgorithm algorithm) {
        return algorithm == SignatureAlgorithm.ML_DSA_44 ? NISTObjectIdentifiers.id_ml_dsa_44 : NISTObjectIdentifiers.id_ml_dsa_65;
    }

    private static SigningKey signingKey(SignatureAlgorithm alg, AsymmetricKeyParameter privateKey) {
        if (privateKey instanceof MLDSAPrivateKeyParameters ml) {
            MLDSAPublicKeyParameters pub = ml.getPublicKeyParameters();
            if (pub == null) {
                throw new ProtocolException(ErrorCode.INVALID_KEY, alg.label() + " private key carries neither its seed nor its public key");
            }
            return new SigningKey(alg, ml, mlDsaPublic(alg, pub));
        }
        if (privateKey instanceof Ed25519PrivateKeyParameters ed) {
            return new SigningKey(alg, ed, ed25519Public(ed.generatePublicKey()));
        }
        ECPrivateKeyParameters ec = (ECPrivateKeyParameters) privateKey;
        BigInteger d = ec.getD();
        ECNamedDomainParameters domain = domainOf(alg);
        if (d.signum() <= 0 || d.compareTo(domain.getN()) >= 0) {
            throw new ProtocolException(ErrorCode.INVALID_KEY, "EC private scalar out of range");
        }
        ECPoint q = new FixedPointCombMultiplier().multiply(domain.getG(), d).normalize();
        ECPrivateKeyParameters priv = new ECPrivateKeyParameters(d, domain);
        return new SigningKey(alg, priv, ecPublic(alg, new ECPublicKeyParameters(q, domain)));
    }

    private static VerificationKey ed25519Public(Ed25519PublicKeyParameters pub) {
        byte[] spki = encode(new SubjectPublicKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), pub.getEncoded()));
        return new VerificationKey(SignatureAlgorithm.EDDSA, spki, pub);
    }

    private static VerificationKey mlDsaPublic(SignatureAlgorithm alg, MLDSAPublicKeyParameters pub) {
        byte[] spki = encode(new SubjectPublicKeyInfo(new AlgorithmIdentifier(mlDsaOid(alg)), pub.getEncoded()));
        return new VerificationKey(alg, spki, pub);
    }

    private static VerificationKey ecPublic(SignatureAlgorithm alg, ECPublicKeyParameters pub) {
        ECNamedDomainParameters domain = (ECNamedDomainParameters) pub.getParameters();
        byte[] spki = encode(new SubjectPublicKeyInfo(
                new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, domain.getName()), pub.getQ().getEncoded(false)));
        return new VerificationKey(alg, spki, pub);
    }

    private static byte[] encode(SubjectPublicKeyInfo info) {
        try {
            return info.getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode SubjectPublicKeyInfo", e);
        }
    }
}
