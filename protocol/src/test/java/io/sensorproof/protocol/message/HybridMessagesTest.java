package io.sensorproof.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.authlete.cbor.CBORByteArray;
import com.authlete.cbor.CBORInteger;
import com.authlete.cbor.CBORItem;
import com.authlete.cbor.CBORItemList;
import com.authlete.cbor.CBORLong;
import com.authlete.cbor.CBORPair;
import com.authlete.cbor.CBORPairList;
import com.authlete.cbor.CBORTaggedItem;
import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.TestKeys;
import io.sensorproof.protocol.cbor.CborLimits;
import io.sensorproof.protocol.cbor.StrictCbor;
import io.sensorproof.protocol.cose.CoseSign;
import io.sensorproof.protocol.cose.CoseSign1;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.senml.SenmlCodec;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Hybrid messages (ADR 029): one COSE_Sign, a classical then an ML-DSA signature, both required. */
class HybridMessagesTest {
    private static final SigningKey ES256 = TestKeys.key(SignatureAlgorithm.ES256);
    private static final SigningKey ML65 = TestKeys.key(SignatureAlgorithm.ML_DSA_65);

    private static byte[] hybrid(SigningKey classical, SigningKey pq) {
        return ReadingMessages.signHybrid(TestKeys.samplePack(3), 5, 77, 1_764_000_000_000L, classical, pq);
    }

    private static CBORPairList body() {
        return new CBORPairList(List.of(
                new CBORPair(new CBORInteger((int) CoseSign1.HEADER_CONTENT_TYPE), new CBORInteger(ReadingMessages.CONTENT_FORMAT_SENML_CBOR)),
                new CBORPair(new CBORInteger((int) ReadingMessages.HEADER_BOOT), new CBORLong(5L)),
                new CBORPair(new CBORInteger((int) ReadingMessages.HEADER_SEQ), new CBORLong(77L)),
                new CBORPair(new CBORInteger((int) ReadingMessages.HEADER_DEVICE_TIME), new CBORLong(1_764_000_000_000L))));
    }

    private static CBORPairList signer(int alg, byte[] kid) {
        return new CBORPairList(List.of(new CBORPair(new CBORInteger((int) CoseSign1.HEADER_ALG), new CBORInteger(alg)),
                new CBORPair(new CBORInteger((int) CoseSign1.HEADER_KID), new CBORByteArray(kid))));
    }

    /** A COSE_Sign signed by {@code keys} in order, each signer header naming its own key. */
    private static byte[] coseSign(SigningKey... keys) {
        List<CBORPairList> headers = new ArrayList<>();
        for (SigningKey k : keys) {
            headers.add(signer(k.algorithm().coseId(), k.verificationKey().kid()));
        }
        return CoseSign.sign(body(), headers, SenmlCodec.encode(TestKeys.samplePack(3)), List.of(keys), false);
    }

    private static ProtocolException refusal(Runnable r) {
        try {
            r.run();
        } catch (ProtocolException e) {
            return e;
        }
        throw new AssertionError("not refused");
    }

    @ParameterizedTest
    @CsvSource({"ES256, ML_DSA_65", "ES256, ML_DSA_44", "EDDSA, ML_DSA_44", "EDDSA, ML_DSA_65"})
    void bothSignaturesValidIsAccepted(SignatureAlgorithm classicalAlg, SignatureAlgorithm pqAlg) {
        SigningKey classical = TestKeys.key(classicalAlg);
        SigningKey pq = TestKeys.key(pqAlg);
        byte[] bytes = hybrid(classical, pq);
        assertThat(StrictCbor.decode(bytes, CborLimits.MESSAGE)).isInstanceOf(CBORTaggedItem.class);
        ReadingMessage m = ReadingMessages.decode(bytes);
        assertThat(m.isHybrid()).isTrue();
        assertThat(m.header().algorithm()).isEqualTo(classicalAlg);
        assertThat(m.header().kid()).isEqualTo(classical.verificationKey().kid());
        assertThat(m.postQuantumSigner()).contains(new SignerId(pqAlg, pq.verificationKey().kid()));
        assertThat(m.header().boot()).isEqualTo(5);
        assertThat(m.header().seq()).isEqualTo(77);
        m.verify(classical.verificationKey(), pq.verificationKey());
        assertThat(m.isVerified()).isTrue();
        assertThat(m.pack()).isEqualTo(TestKeys.samplePack(3));
    }

    @Test
    void contentDigestIgnoresTheHedgedMlDsaSignatureButNotTheSigners() {
        byte[] a = hybrid(ES256, ML65);
        byte[] b = hybrid(ES256, ML65);
        assertThat(a).as("ML-DSA is hedged: re-signing changes the bytes").isNotEqualTo(b);
        assertThat(ReadingMessages.decode(a).contentDigest()).isEqualTo(ReadingMessages.decode(b).contentDigest());
        byte[] other = hybrid(ES256, TestKeys.key(SignatureAlgorithm.ML_DSA_44));
        assertThat(ReadingMessages.decode(other).contentDigest()).isNotEqualTo(ReadingMessages.decode(a).contentDigest());
        byte[] single = ReadingMessages.sign(TestKeys.samplePack(3), 5, 77, 1_764_000_000_000L, ES256);
        assertThat(ReadingMessages.decode(single).contentDigest()).isNotEqualTo(ReadingMessages.decode(a).contentDigest());
    }

    @Test
    void brokenClassicalSignatureIsRefusedNamingIt() {
        byte[] bytes = hybrid(ES256, ML65);
        CoseSign cose = CoseSign.fromItem(StrictCbor.decode(bytes, CborLimits.MESSAGE));
        byte[] broken = flipLastByteOf(bytes, cose.signatures().get(0).signature());
        ProtocolException e = refusal(() -> ReadingMessages.decode(broken).verify(ES256.verificationKey(), ML65.verificationKey()));
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_SIGNATURE);
        assertThat(e.getMessage()).contains("ES256 signature");
    }

    @Test
    void brokenMlDsaSignatureIsRefusedNamingIt() {
        byte[] bytes = hybrid(ES256, ML65);
        CoseSign cose = CoseSign.fromItem(StrictCbor.decode(bytes, CborLimits.MESSAGE));
        byte[] broken = flipLastByteOf(bytes, cose.signatures().get(1).signature());
        ProtocolException e = refusal(() -> ReadingMessages.decode(broken).verify(ES256.verificationKey(), ML65.verificationKey()));
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_SIGNATURE);
        assertThat(e.getMessage()).contains("ML-DSA-65 signature");
    }

    private static byte[] flipLastByteOf(byte[] message, byte[] part) {
        int at = indexOf(message, part) + part.length - 1;
        byte[] copy = message.clone();
        copy[at] ^= 1;
        return copy;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    @Test
    void anotherKeysValidMlDsaSignatureIsRefused() {
        SigningKey stranger = Keys.generate(SignatureAlgorithm.ML_DSA_65, new SecureRandom());
        ReadingMessage m = ReadingMessages.decode(hybrid(ES256, stranger));
        ProtocolException e = refusal(() -> m.verify(ES256.verificationKey(), ML65.verificationKey()));
        assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_KEY);
        assertThat(e.getMessage()).contains(stranger.verificationKey().kidHex());
    }

    @Test
    void mlDsaSignatureUnderAnotherKeyWithTheRegisteredKidIsRefused() {
        // the attacker's own ML-DSA key, but the kid of the device's: verification must use the device's key
        SigningKey stranger = Keys.generate(SignatureAlgorithm.ML_DSA_65, new SecureRandom());
        byte[] bytes = CoseSign.sign(body(), List.of(signer(-7, ES256.verificationKey().kid()), signer(-49, ML65.verificationKey().kid())),
                SenmlCodec.encode(TestKeys.samplePack(3)), List.of(ES256, stranger), false);
        ProtocolException e = refusal(() -> ReadingMessages.decode(bytes).verify(ES256.verificationKey(), ML65.verificationKey()));
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_SIGNATURE);
        assertThat(e.getMessage()).contains("ML-DSA-65 signature");
    }

    @Test
    void signerAlgMustMatchItsKey() {
        // the signer header says ML-DSA-44 but names the device's ML-DSA-65 key: refused before any cryptography
        byte[] wrongAlg = CoseSign.sign(body(), List.of(signer(-7, ES256.verificationKey().kid()), signer(-48, ML65.verificationKey().kid())),
                SenmlCodec.encode(TestKeys.samplePack(3)), List.of(ES256, ML65), false);
        assertThat(refusal(() -> ReadingMessages.decode(wrongAlg).verify(ES256.verificationKey(), ML65.verificationKey())).code())
                .isEqualTo(ErrorCode.ALG_MISMATCH);
    }

    @Test
    void oneSignatureCoseSignIsRefused() {
        assertThat(refusal(() -> ReadingMessages.decode(coseSign(ES256))).code()).isEqualTo(ErrorCode.HYBRID_SIGNATURE_COUNT);
        assertThat(refusal(() -> ReadingMessages.decode(coseSign(ML65))).code()).isEqualTo(ErrorCode.HYBRID_SIGNATURE_COUNT);
    }

    @Test
    void threeSignaturesAreRefused() {
        SigningKey ed = TestKeys.key(SignatureAlgorithm.EDDSA);
        assertThat(refusal(() -> ReadingMessages.decode(coseSign(ES256, ML65, ed))).code()).isEqualTo(ErrorCode.HYBRID_SIGNATURE_COUNT);
    }

    @Test
    void zeroSignaturesAreRefused() {
        byte[] bytes = new CBORTaggedItem(CoseSign.TAG, new CBORItemList(new CBORByteArray(body().encode()), new CBORPairList(List.of()),
                new CBORByteArray(SenmlCodec.encode(TestKeys.samplePack(1))), new CBORItemList(List.<CBORItem>of()))).encode();
        assertThat(refusal(() -> ReadingMessages.decode(bytes)).code()).isEqualTo(ErrorCode.HYBRID_SIGNATURE_COUNT);
    }

    @Test
    void twoClassicalOrTwoMlDsaOrSwappedOrSm2AreRefused() {
        SigningKey ed = TestKeys.key(SignatureAlgorithm.EDDSA);
        SigningKey ml44 = TestKeys.key(SignatureAlgorithm.ML_DSA_44);
        SigningKey sm2 = TestKeys.key(SignatureAlgorithm.SM2_SM3);
        for (byte[] bytes : List.of(coseSign(ES256, ed), coseSign(ml44, ML65), coseSign(ML65, ES256), coseSign(sm2, ML65))) {
            ProtocolException e = refusal(() -> ReadingMessages.decode(bytes));
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.HYBRID_ALGORITHMS);
        }
    }

    @Test
    void signHybridRefusesAWrongPair() {
        assertThatThrownBy(() -> hybrid(ML65, ES256)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> hybrid(TestKeys.key(SignatureAlgorithm.SM2_SM3), ML65)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unknownSignerAlgIsRefused() {
        byte[] tbsBody = body().encode();
        CBORPairList unknown = signer(-999, ES256.verificationKey().kid());
        byte[] bytes = new CBORTaggedItem(CoseSign.TAG, new CBORItemList(new CBORByteArray(tbsBody), new CBORPairList(List.of()),
                new CBORByteArray(SenmlCodec.encode(TestKeys.samplePack(1))), new CBORItemList(
                        new CBORItemList(new CBORByteArray(unknown.encode()), new CBORPairList(List.of()), new CBORByteArray(new byte[64])),
                        new CBORItemList(new CBORByteArray(signer(-49, ML65.verificationKey().kid()).encode()), new CBORPairList(List.of()),
                                new CBORByteArray(new byte[3309]))))).encode();
        assertThat(refusal(() -> ReadingMessages.decode(bytes)).code()).isEqualTo(ErrorCode.UNSUPPORTED_ALG);
    }

    @Test
    void algOrKidInTheBodyHeaderIsRefused() {
        List<CBORPair> pairs = new ArrayList<>(body().getPairs());
        pairs.add(0, new CBORPair(new CBORInteger((int) CoseSign1.HEADER_ALG), new CBORInteger(-7)));
        byte[] bytes = CoseSign.sign(new CBORPairList(pairs), List.of(signer(-7, ES256.verificationKey().kid()),
                signer(-49, ML65.verificationKey().kid())), SenmlCodec.encode(TestKeys.samplePack(1)), List.of(ES256, ML65), false);
        assertThat(refusal(() -> ReadingMessages.decode(bytes)).code()).isEqualTo(ErrorCode.INVALID_HEADER);
    }

    @Test
    void signerHeaderWithExtraLabelOrShortKidIsRefused() {
        CBORPairList extra = new CBORPairList(List.of(new CBORPair(new CBORInteger(1), new CBORInteger(-7)),
                new CBORPair(new CBORInteger(4), new CBORByteArray(ES256.verificationKey().kid())),
                new CBORPair(new CBORInteger((int) ReadingMessages.HEADER_SEQ), new CBORLong(77L))));
        byte[] a = CoseSign.sign(body(), List.of(extra, signer(-49, ML65.verificationKey().kid())),
                SenmlCodec.encode(TestKeys.samplePack(1)), List.of(ES256, ML65), false);
        assertThat(refusal(() -> ReadingMessages.decode(a)).code()).isEqualTo(ErrorCode.INVALID_HEADER);
        byte[] b = CoseSign.sign(body(), List.of(signer(-7, new byte[8]), signer(-49, ML65.verificationKey().kid())),
                SenmlCodec.encode(TestKeys.samplePack(1)), List.of(ES256, ML65), false);
        assertThat(refusal(() -> ReadingMessages.decode(b)).code()).isEqualTo(ErrorCode.INVALID_HEADER);
    }

    @Test
    void malformedCoseSignStructureIsRefused() {
        byte[] payload = SenmlCodec.encode(TestKeys.samplePack(1));
        byte[] notAnArray = new CBORTaggedItem(CoseSign.TAG, new CBORItemList(new CBORByteArray(body().encode()), new CBORPairList(List.of()),
                new CBORByteArray(payload), new CBORByteArray(new byte[64]))).encode();
        byte[] shortSignature = new CBORTaggedItem(CoseSign.TAG, new CBORItemList(new CBORByteArray(body().encode()),
                new CBORPairList(List.of()), new CBORByteArray(payload), new CBORItemList(
                        new CBORItemList(new CBORByteArray(signer(-7, ES256.verificationKey().kid()).encode()), new CBORByteArray(new byte[64])),
                        new CBORItemList(new CBORByteArray(signer(-49, ML65.verificationKey().kid()).encode()), new CBORPairList(List.of()),
                                new CBORByteArray(new byte[3309]))))).encode();
        byte[] threeParts = new CBORTaggedItem(CoseSign.TAG, new CBORItemList(new CBORByteArray(body().encode()),
                new CBORPairList(List.of()), new CBORByteArray(payload))).encode();
        for (byte[] bytes : List.of(notAnArray, shortSignature, threeParts)) {
            assertThat(refusal(() -> ReadingMessages.decode(bytes)).code()).isEqualTo(ErrorCode.NOT_COSE_SIGN);
        }
    }

    @Test
    void singleKeyVerificationOfAHybridMessageIsRefused() {
        ReadingMessage m = ReadingMessages.decode(hybrid(ES256, ML65));
        assertThat(refusal(() -> m.verify(ES256.verificationKey())).code()).isEqualTo(ErrorCode.UNKNOWN_KEY);
        assertThat(m.isVerified()).isFalse();
    }

    @Test
    void singleSignatureMessageCannotPassAsHybrid() {
        ReadingMessage m = ReadingMessages.decode(ReadingMessages.sign(TestKeys.samplePack(3), 5, 77, 1_764_000_000_000L, ES256));
        assertThat(m.isHybrid()).isFalse();
        assertThat(m.postQuantumSigner()).isEmpty();
        assertThat(refusal(() -> m.verify(ES256.verificationKey(), ML65.verificationKey())).code())
                .isEqualTo(ErrorCode.HYBRID_SIGNATURE_COUNT);
    }

    @Test
    void openResolvesBothKids() {
        VerificationKey c = ES256.verificationKey();
        VerificationKey p = ML65.verificationKey();
        KeyResolver both = kid -> Arrays.equals(kid, c.kid()) ? Optional.of(c) : Arrays.equals(kid, p.kid()) ? Optional.of(p) : Optional.empty();
        assertThat(ReadingMessages.open(hybrid(ES256, ML65), both).isVerified()).isTrue();
        KeyResolver classicalOnly = kid -> Arrays.equals(kid, c.kid()) ? Optional.of(c) : Optional.empty();
        assertThat(refusal(() -> ReadingMessages.open(hybrid(ES256, ML65), classicalOnly)).code()).isEqualTo(ErrorCode.UNKNOWN_KEY);
    }
}
