package io.sensorproof.protocol.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.cbor.CborLimits;
import io.sensorproof.protocol.cbor.StrictCbor;
import io.sensorproof.protocol.cose.CoseSign;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.message.ReadingMessage;
import io.sensorproof.protocol.message.ReadingMessages;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Known-answer tests of hybrid messages ({@link HybridVectorGenerator}): the stored message decodes
 * and verifies under its two keys, deterministic re-signing reproduces it byte for byte, and one
 * flipped byte in either signature is refused.
 */
class HybridVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    private static HybridVector vector(String name) throws Exception {
        return HybridVector.read(Path.of(HybridVectorsTest.class.getResource("/vectors/" + name).toURI()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"message-hybrid-es256-ml-dsa-65-3.json", "message-hybrid-eddsa-ml-dsa-44-1.json"})
    void storedHybridMessageVerifiesAndIsReproducedExactly(String name) throws Exception {
        HybridVector v = vector(name);
        SigningKey classical = Keys.signingKeyFromPkcs8(HEX.parseHex(v.classicalPkcs8()));
        SigningKey postQuantum = Keys.signingKeyFromPkcs8(HEX.parseHex(v.postQuantumPkcs8()));
        assertThat(classical.algorithm()).isEqualTo(SignatureAlgorithm.fromLabel(v.classicalAlg()));
        assertThat(postQuantum.algorithm()).isEqualTo(SignatureAlgorithm.fromLabel(v.postQuantumAlg()));
        assertThat(classical.verificationKey().kidHex()).isEqualTo(v.classicalKid());
        assertThat(postQuantum.verificationKey().kidHex()).isEqualTo(v.postQuantumKid());

        byte[] stored = HEX.parseHex(v.message());
        ReadingMessage m = ReadingMessages.decode(stored);
        assertThat(m.isHybrid()).isTrue();
        assertThat(m.header().kidHex()).isEqualTo(v.classicalKid());
        assertThat(m.postQuantumSigner().orElseThrow().kidHex()).isEqualTo(v.postQuantumKid());
        assertThat(m.pack()).isEqualTo(v.pack());
        m.verify(classical.verificationKey(), postQuantum.verificationKey());

        CoseSign cose = CoseSign.fromItem(StrictCbor.decode(stored, CborLimits.MESSAGE));
        assertThat(HEX.formatHex(cose.toBeSigned(0))).isEqualTo(v.classicalToBeSigned());
        assertThat(HEX.formatHex(cose.toBeSigned(1))).isEqualTo(v.postQuantumToBeSigned());
        byte[] again = ReadingMessages.signHybridDeterministic(v.pack(), v.boot(), v.seq(), v.deviceTimeMillis(), classical, postQuantum);
        assertThat(HEX.formatHex(again)).isEqualTo(v.message());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void aFlippedByteInEitherStoredSignatureIsRefused(int index) throws Exception {
        HybridVector v = vector("message-hybrid-es256-ml-dsa-65-3.json");
        byte[] stored = HEX.parseHex(v.message());
        CoseSign cose = CoseSign.fromItem(StrictCbor.decode(stored, CborLimits.MESSAGE));
        byte[] signature = cose.signatures().get(index).signature();
        int at = HEX.formatHex(stored).indexOf(HEX.formatHex(signature)) / 2 + signature.length / 2;
        stored[at] ^= 0x10;
        ProtocolException e = catchThrowableOfType(() -> ReadingMessages.decode(stored).verify(
                Keys.signingKeyFromPkcs8(HEX.parseHex(v.classicalPkcs8())).verificationKey(),
                Keys.signingKeyFromPkcs8(HEX.parseHex(v.postQuantumPkcs8())).verificationKey()), ProtocolException.class);
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_SIGNATURE);
        assertThat(e.getMessage()).contains(index == 0 ? "ES256" : "ML-DSA-65");
    }
}
