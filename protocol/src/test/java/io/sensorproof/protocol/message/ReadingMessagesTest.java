package io.sensorproof.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.authlete.cbor.CBORByteArray;
import com.authlete.cbor.CBORInteger;
import com.authlete.cbor.CBORLong;
import com.authlete.cbor.CBORPair;
import com.authlete.cbor.CBORPairList;
import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.TestKeys;
import io.sensorproof.protocol.cose.CoseSign1;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.senml.ReadingPack;
import io.sensorproof.protocol.senml.SenmlCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class ReadingMessagesTest {

    private static KeyResolver only(VerificationKey key) {
        return kid -> Arrays.equals(kid, key.kid()) ? Optional.of(key) : Optional.empty();
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void signedMessageDecodesAndVerifiesWithItsHeader(SignatureAlgorithm alg) {
        SigningKey key = TestKeys.key(alg);
        ReadingPack pack = TestKeys.samplePack(10);
        byte[] bytes = ReadingMessages.sign(pack, 3, 42, 1_764_000_012_345L, key);

        ReadingMessage message = ReadingMessages.open(bytes, only(key.verificationKey()));

        assertThat(message.isVerified()).isTrue();
        assertThat(message.pack()).isEqualTo(pack);
        assertThat(message.header().algorithm()).isEqualTo(alg);
        assertThat(message.header().boot()).isEqualTo(3);
        assertThat(message.header().seq()).isEqualTo(42);
        assertThat(message.header().deviceTimeMillis()).isEqualTo(1_764_000_012_345L);
        assertThat(message.header().kid()).isEqualTo(key.verificationKey().kid());
    }

    @Test
    void es256AndEd25519SignaturesAreDeterministic() {
        ReadingPack pack = TestKeys.samplePack(2);
        for (SignatureAlgorithm alg : List.of(SignatureAlgorithm.ES256, SignatureAlgorithm.EDDSA)) {
            SigningKey key = TestKeys.key(alg);
            assertThat(ReadingMessages.sign(pack, 1, 1, 1_764_000_000_000L, key))
                    .isEqualTo(ReadingMessages.sign(pack, 1, 1, 1_764_000_000_000L, key));
        }
    }

    @Test
    void contentDigestIgnoresTheSignatureButNotTheContent() {
        SigningKey key = TestKeys.key(SignatureAlgorithm.SM2_SM3);
        ReadingPack pack = TestKeys.samplePack(2);
        byte[] first = ReadingMessages.sign(pack, 1, 7, 1_764_000_000_000L, key);
        byte[] second = ReadingMessages.sign(pack, 1, 7, 1_764_000_000_000L, key);
        byte[] other = ReadingMessages.sign(TestKeys.samplePack(3), 1, 7, 1_764_000_000_000L, key);
        assertThat(first).isNotEqualTo(second);
        assertThat(ReadingMessages.decode(first).contentDigest()).isEqualTo(ReadingMessages.decode(second).contentDigest());
        assertThat(ReadingMessages.decode(first).contentDigest()).isNotEqualTo(ReadingMessages.decode(other).contentDigest());
    }

    @Test
    void rejectsUnknownKid() {
        byte[] bytes = ReadingMessages.sign(TestKeys.samplePack(1), 0, 0, 1_764_000_000_000L, TestKeys.key(SignatureAlgorithm.ES256));
        assertThatThrownBy(() -> ReadingMessages.open(bytes, kid -> Optional.empty()))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_KEY));
    }

    @Test
    void rejectsSignatureOfAnotherKeyWithTheSameAlgorithm() {
        SigningKey device = TestKeys.key(SignatureAlgorithm.EDDSA);
        SigningKey impostor = io.sensorproof.protocol.cose.Keys.generate(SignatureAlgorithm.EDDSA, new java.security.SecureRandom());
        byte[] forged = CoseSign1.sign(header(SignatureAlgorithm.EDDSA.coseId(), device.verificationKey().kid()),
                SenmlCodec.encode(TestKeys.samplePack(1)), impostor);
        assertThatThrownBy(() -> ReadingMessages.open(forged, only(device.verificationKey())))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_SIGNATURE));
    }

    @Test
    void rejectsAlgThatDoesNotMatchTheRegisteredKeyBeforeAnyCrypto() {
        SigningKey registered = TestKeys.key(SignatureAlgorithm.ES256);
        byte[] bytes = CoseSign1.sign(header(SignatureAlgorithm.EDDSA.coseId(), registered.verificationKey().kid()),
                SenmlCodec.encode(TestKeys.samplePack(1)), TestKeys.key(SignatureAlgorithm.EDDSA));
        assertThatThrownBy(() -> ReadingMessages.open(bytes, only(registered.verificationKey())))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ALG_MISMATCH));
    }

    @Test
    void acceptsFullySpecifiedEd25519Identifier() {
        SigningKey key = TestKeys.key(SignatureAlgorithm.EDDSA);
        byte[] bytes = CoseSign1.sign(header(SignatureAlgorithm.ED25519_ID, key.verificationKey().kid()),
                SenmlCodec.encode(TestKeys.samplePack(1)), key);
        assertThat(ReadingMessages.open(bytes, only(key.verificationKey())).header().algorithm()).isEqualTo(SignatureAlgorithm.EDDSA);
    }

    @Test
    void rejectsUnsupportedAlgorithm() {
        SigningKey key = TestKeys.key(SignatureAlgorithm.ES256);
        byte[] bytes = CoseSign1.sign(header(-35, key.verificationKey().kid()), SenmlCodec.encode(TestKeys.samplePack(1)), key);
        assertThatThrownBy(() -> ReadingMessages.decode(bytes))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_ALG));
    }

    @Test
    void rejectsMissingOrUnknownHeaderParameters() {
        SigningKey key = TestKeys.key(SignatureAlgorithm.ES256);
        List<CBORPair> pairs = new ArrayList<>(header(-7, key.verificationKey().kid()).getPairs());
        pairs.remove(pairs.size() - 1);
        byte[] noTime = CoseSign1.sign(new CBORPairList(pairs), SenmlCodec.encode(TestKeys.samplePack(1)), key);
        assertThatThrownBy(() -> ReadingMessages.decode(noTime))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_HEADER));

        List<CBORPair> extra = new ArrayList<>(header(-7, key.verificationKey().kid()).getPairs());
        extra.add(new CBORPair(new CBORInteger(-70000), new CBORInteger(1)));
        byte[] unknown = CoseSign1.sign(new CBORPairList(extra), SenmlCodec.encode(TestKeys.samplePack(1)), key);
        assertThatThrownBy(() -> ReadingMessages.decode(unknown))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_HEADER));
    }

    @Test
    void rejectsOutOfRangeValueOnlyAfterTheSignatureVerified() {
        SigningKey key = TestKeys.key(SignatureAlgorithm.ES256);
        ReadingPack hot = new ReadingPack("cold-room-7",
                List.of(new io.sensorproof.protocol.senml.Reading(io.sensorproof.protocol.senml.Quantity.HUMIDITY, 100.5, 1_764_000_000_000L)));
        byte[] bytes = ReadingMessages.sign(hot, 0, 0, 1_764_000_000_000L, key);
        assertThat(ReadingMessages.decode(bytes).pack()).isEqualTo(hot);
        assertThatThrownBy(() -> ReadingMessages.open(bytes, only(key.verificationKey())))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE));
    }

    static CBORPairList header(int alg, byte[] kid) {
        return new CBORPairList(List.of(
                new CBORPair(new CBORInteger(1), new CBORInteger(alg)),
                new CBORPair(new CBORInteger(3), new CBORInteger(112)),
                new CBORPair(new CBORInteger(4), new CBORByteArray(kid)),
                new CBORPair(new CBORInteger(-65537), new CBORLong(1L)),
                new CBORPair(new CBORInteger(-65538), new CBORLong(2L)),
                new CBORPair(new CBORInteger(-65539), new CBORLong(1_764_000_000_000L))));
    }
}
