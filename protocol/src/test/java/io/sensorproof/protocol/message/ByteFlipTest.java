package io.sensorproof.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.TestKeys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Every single-byte change of a valid message is refused, with a code that fits the change. */
@Execution(ExecutionMode.CONCURRENT)
class ByteFlipTest {
    /** Codes a flipped byte may legitimately produce; anything else would be a misleading diagnosis. */
    private static final Set<ErrorCode> SENSIBLE = EnumSet.of(ErrorCode.MALFORMED_CBOR, ErrorCode.TRAILING_BYTES,
            ErrorCode.NESTING_TOO_DEEP, ErrorCode.NOT_COSE_SIGN1, ErrorCode.DETACHED_PAYLOAD, ErrorCode.INVALID_HEADER,
            ErrorCode.DUPLICATE_KEY, ErrorCode.UNSUPPORTED_ALG, ErrorCode.ALG_MISMATCH, ErrorCode.UNKNOWN_KEY,
            ErrorCode.BAD_SIGNATURE, ErrorCode.INVALID_SENML, ErrorCode.INVALID_VALUE);
    /** For a hybrid message also the COSE_Sign codes (a flipped tag or count byte turns it into something else). */
    private static final Set<ErrorCode> SENSIBLE_HYBRID = EnumSet.of(ErrorCode.NOT_COSE_SIGN, ErrorCode.HYBRID_SIGNATURE_COUNT,
            ErrorCode.HYBRID_ALGORITHMS);

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void everyFlippedByteIsRejected(SignatureAlgorithm alg) {
        SigningKey key = TestKeys.key(alg);
        VerificationKey registered = key.verificationKey();
        byte[] message = ReadingMessages.sign(TestKeys.samplePack(3), 5, 77, 1_764_000_000_000L, key);
        KeyResolver keys = kid -> Arrays.equals(kid, registered.kid()) ? Optional.of(registered) : Optional.empty();
        Map<ErrorCode, Integer> seen = new EnumMap<>(ErrorCode.class);
        for (int i = 0; i < message.length; i++) {
            for (int mask : new int[] {0x01, 0x80, 0xff}) {
                byte[] copy = message.clone();
                copy[i] ^= (byte) mask;
                Throwable thrown = catchThrowable(() -> ReadingMessages.open(copy, keys));
                int at = i;
                assertThat(thrown).as("byte %d ^ %02x", at, mask).isInstanceOf(ProtocolException.class);
                ErrorCode code = ((ProtocolException) thrown).code();
                assertThat(code).as("byte %d ^ %02x: %s", at, mask, thrown.getMessage()).isIn(SENSIBLE);
                seen.merge(code, 1, Integer::sum);
            }
        }
        // the signature and payload bytes dominate, so BAD_SIGNATURE must be the most common outcome
        assertThat(seen.get(ErrorCode.BAD_SIGNATURE)).isGreaterThan(message.length);
        // structural damage is caught before any crypto
        assertThat(seen).containsKeys(ErrorCode.NOT_COSE_SIGN1, ErrorCode.MALFORMED_CBOR, ErrorCode.UNKNOWN_KEY);
    }

    @ParameterizedTest
    @CsvSource({"ES256, ML_DSA_44", "EDDSA, ML_DSA_65", "ES256, ML_DSA_65"})
    void everyFlippedByteOfAHybridMessageIsRejected(SignatureAlgorithm classicalAlg, SignatureAlgorithm pqAlg) {
        VerificationKey classical = TestKeys.key(classicalAlg).verificationKey();
        VerificationKey pq = TestKeys.key(pqAlg).verificationKey();
        byte[] message = ReadingMessages.signHybrid(TestKeys.samplePack(3), 5, 77, 1_764_000_000_000L, TestKeys.key(classicalAlg),
                TestKeys.key(pqAlg));
        KeyResolver keys = kid -> Arrays.equals(kid, classical.kid()) ? Optional.of(classical)
                : Arrays.equals(kid, pq.kid()) ? Optional.of(pq) : Optional.empty();
        Set<ErrorCode> sensible = EnumSet.copyOf(SENSIBLE);
        sensible.addAll(SENSIBLE_HYBRID);
        Map<ErrorCode, Integer> seen = new EnumMap<>(ErrorCode.class);
        for (int i = 0; i < message.length; i++) {
            for (int mask : new int[] {0x01, 0x80, 0xff}) {
                byte[] copy = message.clone();
                copy[i] ^= (byte) mask;
                Throwable thrown = catchThrowable(() -> ReadingMessages.open(copy, keys));
                int at = i;
                assertThat(thrown).as("byte %d ^ %02x", at, mask).isInstanceOf(ProtocolException.class);
                ErrorCode code = ((ProtocolException) thrown).code();
                assertThat(code).as("byte %d ^ %02x: %s", at, mask, thrown.getMessage()).isIn(sensible);
                seen.merge(code, 1, Integer::sum);
            }
        }
        assertThat(seen.get(ErrorCode.BAD_SIGNATURE)).isGreaterThan(message.length);
        assertThat(seen).containsKeys(ErrorCode.NOT_COSE_SIGN1, ErrorCode.MALFORMED_CBOR, ErrorCode.UNKNOWN_KEY);
    }
}
