package io.sensorproof.protocol.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.cbor.CborLimits;
import io.sensorproof.protocol.cose.CoseSign1;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.Signatures;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.message.ReadingMessages;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Known-answer tests of ML-DSA against vectors made by {@code @noble/post-quantum} 0.7.1
 * ({@code protocol/src/test/node/ml-dsa-vectors.mjs}): BouncyCastle derives the same key from the
 * seed (SPKI, kid, seed-only PKCS#8 byte for byte), reproduces the deterministic signature bit for
 * bit, and our message layer builds the same protected header, Sig_structure and message.
 */
class MlDsaVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    private static MessageVector vector(String name) throws Exception {
        return MessageVector.read(Path.of(MlDsaVectorsTest.class.getResource("/vectors/" + name).toURI()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"message-ml-dsa-44-1.json", "message-ml-dsa-44-3.json", "message-ml-dsa-65-1.json", "message-ml-dsa-65-3.json"})
    void seedDerivesTheSameKeyAndDeterministicSigningReproducesTheSignature(String name) throws Exception {
        MessageVector v = vector(name);
        SignatureAlgorithm alg = SignatureAlgorithm.fromLabel(v.alg());
        byte[] seed = MessageDigest.getInstance("SHA-256").digest(("sensorproof " + alg.label() + " vector key").getBytes(java.nio.charset.StandardCharsets.UTF_8));

        SigningKey fromSeed = Keys.mlDsaFromSeed(alg, seed);
        assertThat(HEX.formatHex(fromSeed.verificationKey().spki())).isEqualTo(v.spki());
        assertThat(fromSeed.verificationKey().kidHex()).isEqualTo(v.kid());
        assertThat(HEX.formatHex(Keys.toPkcs8(fromSeed))).isEqualTo(v.pkcs8());
        SigningKey fromPkcs8 = Keys.signingKeyFromPkcs8(HEX.parseHex(v.pkcs8()));
        assertThat(fromPkcs8.verificationKey()).isEqualTo(fromSeed.verificationKey());

        CoseSign1 stored = CoseSign1.decode(HEX.parseHex(v.message()), CborLimits.MESSAGE);
        assertThat(stored.algorithm()).isEqualTo(alg);
        assertThat(stored.signature()).hasSize(alg.signatureLength());
        assertThat(Signatures.signDeterministic(fromPkcs8, stored.toBeSigned())).isEqualTo(stored.signature());
        stored.verify(fromPkcs8.verificationKey());

        byte[] ours = ReadingMessages.sign(v.pack(), v.boot(), v.seq(), v.deviceTimeMillis(), fromPkcs8);
        CoseSign1 oursDecoded = CoseSign1.decode(ours, CborLimits.MESSAGE);
        assertThat(HEX.formatHex(oursDecoded.toBeSigned())).isEqualTo(v.toBeSigned());
        byte[] prefix = Arrays.copyOf(ours, ours.length - alg.signatureLength());
        assertThat(HEX.formatHex(prefix)).as("message bytes before the signature").isEqualTo(v.message().substring(0, 2 * prefix.length));
        assertThat(ours).hasSameSizeAs(HEX.parseHex(v.message()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ML-DSA-44", "ML-DSA-65"})
    void hedgedSignaturesDifferButVerify(String label) {
        SignatureAlgorithm alg = SignatureAlgorithm.fromLabel(label);
        SigningKey key = Keys.mlDsaFromSeed(alg, new byte[32]);
        byte[] data = "hedged".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] a = Signatures.sign(key, data);
        byte[] b = Signatures.sign(key, data);
        assertThat(a).isNotEqualTo(b);
        assertThat(List.of(a, b)).allSatisfy(sig -> assertThat(Signatures.verify(key.verificationKey(), data, sig)).isTrue());
        assertThat(Signatures.signDeterministic(key, data)).isEqualTo(Signatures.signDeterministic(key, data));
    }
}
