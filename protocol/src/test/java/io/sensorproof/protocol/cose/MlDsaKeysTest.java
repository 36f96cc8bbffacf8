package io.sensorproof.protocol.cose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.TestKeys;
import io.sensorproof.protocol.cbor.CborLimits;
import io.sensorproof.protocol.message.ReadingMessages;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** ML-DSA keys: identifiers, SPKI and PKCS#8 forms, and the rules that refuse malformed or mismatched keys. */
class MlDsaKeysTest {

    @Test
    void algorithmsHaveTheIdentifiersOfRfc9964() {
        assertThat(SignatureAlgorithm.fromCoseId(-48)).isEqualTo(SignatureAlgorithm.ML_DSA_44);
        assertThat(SignatureAlgorithm.fromCoseId(-49)).isEqualTo(SignatureAlgorithm.ML_DSA_65);
        assertThat(SignatureAlgorithm.fromLabel("ml-dsa-65")).isEqualTo(SignatureAlgorithm.ML_DSA_65);
        assertThat(SignatureAlgorithm.ML_DSA_44.signatureLength()).isEqualTo(2420);
        assertThat(SignatureAlgorithm.ML_DSA_65.signatureLength()).isEqualTo(3309);
        assertThatThrownBy(() -> SignatureAlgorithm.fromCoseId(-50)) // ML-DSA-87 is not part of the protocol
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_ALG));
    }

    @ParameterizedTest
    @EnumSource(value = SignatureAlgorithm.class, names = {"ML_DSA_44", "ML_DSA_65"})
    void spkiAndPkcs8RoundTripWithTheNistOids(SignatureAlgorithm alg) {
        SigningKey key = Keys.generate(alg, new SecureRandom());
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(key.verificationKey().spki());
        assertThat(spki.getAlgorithm().getAlgorithm().getId())
                .isEqualTo(alg == SignatureAlgorithm.ML_DSA_44 ? "2.16.840.1.101.3.4.3.17" : "2.16.840.1.101.3.4.3.18");
        assertThat(spki.getAlgorithm().getParameters()).isNull();
        assertThat(spki.getPublicKeyData().getOctets()).hasSize(alg == SignatureAlgorithm.ML_DSA_44 ? 1312 : 1952);
        assertThat(Keys.publicKeyFromSpki(key.verificationKey().spki())).isEqualTo(key.verificationKey());
        byte[] pkcs8 = Keys.toPkcs8(key);
        assertThat(pkcs8).as("seed-only PKCS#8: 30 34 02 01 00, the algorithm, 04 22 80 20 and the seed").hasSize(54);
        assertThat(Keys.signingKeyFromPkcs8(pkcs8).verificationKey()).isEqualTo(key.verificationKey());
    }

    @Test
    void refusesKeysOfTheWrongLengthSetOrWithParameters() throws IOException {
        byte[] raw = SubjectPublicKeyInfo.getInstance(TestKeys.key(SignatureAlgorithm.ML_DSA_44).verificationKey().spki())
                .getPublicKeyData().getOctets();
        byte[][] bad = {
            spki(new AlgorithmIdentifier(NISTObjectIdentifiers.id_ml_dsa_44), Arrays.copyOf(raw, 1311)),
            spki(new AlgorithmIdentifier(NISTObjectIdentifiers.id_ml_dsa_65), raw),
            spki(new AlgorithmIdentifier(NISTObjectIdentifiers.id_ml_dsa_44, DERNull.INSTANCE), raw),
            spki(new AlgorithmIdentifier(NISTObjectIdentifiers.id_hash_ml_dsa_44_with_sha512), raw),
        };
        for (byte[] der : bad) {
            assertThatThrownBy(() -> Keys.publicKeyFromSpki(der))
                    .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_KEY));
        }
        assertThat(Keys.publicKeyFromSpki(spki(new AlgorithmIdentifier(NISTObjectIdentifiers.id_ml_dsa_44), raw)).algorithm())
                .isEqualTo(SignatureAlgorithm.ML_DSA_44);
    }

    @Test
    void messageOfOneParameterSetIsRefusedUnderAKeyOfAnotherBeforeAnyCryptography() {
        byte[] message = ReadingMessages.sign(TestKeys.samplePack(2), 1, 1, 1_764_000_000_000L, TestKeys.key(SignatureAlgorithm.ML_DSA_44));
        CoseSign1 cose = CoseSign1.decode(message, CborLimits.MESSAGE);
        for (SignatureAlgorithm other : new SignatureAlgorithm[] {SignatureAlgorithm.ML_DSA_65, SignatureAlgorithm.ES256}) {
            assertThatThrownBy(() -> cose.verify(TestKeys.key(other).verificationKey()))
                    .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ALG_MISMATCH));
        }
        cose.verify(TestKeys.key(SignatureAlgorithm.ML_DSA_44).verificationKey());
    }

    @Test
    void signatureOfTheWrongLengthDoesNotVerify() {
        SigningKey key = TestKeys.key(SignatureAlgorithm.ML_DSA_65);
        byte[] data = {1, 2, 3};
        byte[] sig = Signatures.sign(key, data);
        assertThat(Signatures.verify(key.verificationKey(), data, sig)).isTrue();
        assertThat(Signatures.verify(key.verificationKey(), data, Arrays.copyOf(sig, sig.length + 1))).isFalse();
        assertThat(Signatures.verify(key.verificationKey(), data, Arrays.copyOf(sig, 64))).isFalse();
    }

    private static byte[] spki(AlgorithmIdentifier algorithm, byte[] key) throws IOException {
        return new SubjectPublicKeyInfo(algorithm, key).getEncoded();
    }
}
