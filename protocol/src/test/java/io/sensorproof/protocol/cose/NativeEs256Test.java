package io.sensorproof.protocol.cose;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The native ES256 engine (ACCP, ADR 062) against BouncyCastle, the reference: on the same key, bytes and
 * signature the two must give the same answer, for valid signatures, altered ones and the boundary values of
 * r and s. The protocol module has ACCP on its test class path, so on Linux x86-64 (this project's build
 * machines) the engine must have loaded: a test that quietly compared BouncyCastle with itself could not fail.
 */
class NativeEs256Test {
    /** The order n of P-256's base point. */
    private static final BigInteger N = new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final List<SigningKey> KEYS = new ArrayList<>();
    private static final NativeEs256 ENGINE = NativeEs256.instance();

    static {
        // a static initialiser, not @BeforeAll: jqwik's properties do not run JUnit's lifecycle methods
        for (int i = 0; i < 4; i++) {
            KEYS.add(Keys.generate(SignatureAlgorithm.ES256, RANDOM));
        }
    }

    @Test
    void theNativeEngineLoadedOnLinuxX86_64() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        if (os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"))) {
            assertThat(NativeEs256.unavailableBecause()).as("why not native").isNull();
            assertThat(Signatures.es256Native()).isTrue();
            assertThat(Signatures.es256Engine()).contains("AWS-LC");
        }
    }

    @Property(tries = 300)
    void validSignaturesAndAlteredOnesAreJudgedAlike(@ForAll("messages") byte[] message, @ForAll @IntRange(min = 0, max = 3) int k,
            @ForAll @IntRange(min = 0, max = 3) int other, @ForAll("alterations") int alteration) {
        SigningKey key = KEYS.get(k);
        byte[] signature = Signatures.sign(key, message);
        byte[] signed = message;
        switch (alteration) {
            case 0 -> { } // as signed
            case 1 -> signature[RANDOM.nextInt(signature.length)] ^= (byte) (1 << RANDOM.nextInt(8));
            case 2 -> signed = flipOneBit(message);
            case 3 -> signature = concat(scalar(new BigInteger(1, Arrays.copyOf(signature, 32))),
                    scalar(N.subtract(new BigInteger(1, Arrays.copyOfRange(signature, 32, 64))))); // (r, n - s): valid too
            default -> signature = Arrays.copyOf(signature, 64 - 1 + RANDOM.nextInt(3)); // a byte short or long
        }
        VerificationKey verifier = KEYS.get(other).verificationKey();
        boolean expected = Signatures.bouncyCastleVerify(verifier, signed, signature);
        assertThat(Signatures.verify(verifier, signed, signature)).isEqualTo(expected);
        if (k == other && alteration == 0 || k == other && alteration == 3) {
            assertThat(expected).as("a signature as signed, or its (r, n - s) twin, verifies").isTrue();
        }
    }

    @Test
    void boundaryValuesOfRAndSAreRefusedByBoth() {
        SigningKey key = KEYS.get(0);
        byte[] message = "boundary".getBytes();
        byte[] good = Signatures.sign(key, message);
        BigInteger r = new BigInteger(1, Arrays.copyOf(good, 32));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(good, 32, 64));
        BigInteger max = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
        List<BigInteger[]> cases = List.of(
                new BigInteger[] {BigInteger.ZERO, s}, new BigInteger[] {r, BigInteger.ZERO},
                new BigInteger[] {N, s}, new BigInteger[] {r, N},
                new BigInteger[] {r.add(N).min(max), s}, new BigInteger[] {r, s.add(N).min(max)},
                new BigInteger[] {max, s}, new BigInteger[] {r, max},
                new BigInteger[] {BigInteger.ONE, BigInteger.ONE}, new BigInteger[] {N.subtract(BigInteger.ONE), N.subtract(BigInteger.ONE)});
        for (BigInteger[] rs : cases) {
            byte[] signature = concat(scalar(rs[0]), scalar(rs[1]));
            assertThat(Signatures.bouncyCastleVerify(key.verificationKey(), message, signature)).as("BouncyCastle, r=%s s=%s", rs[0], rs[1]).isFalse();
            assertThat(Signatures.verify(key.verificationKey(), message, signature)).as("engine, r=%s s=%s", rs[0], rs[1]).isFalse();
        }
        assertThat(Signatures.verify(key.verificationKey(), message, new byte[64])).isFalse();
        assertThat(Signatures.verify(key.verificationKey(), message, null)).isFalse();
    }

    @Test
    void hedgedSignaturesVerifyWithBouncyCastleAndDifferEachTime() {
        SigningKey key = KEYS.get(1);
        byte[] message = "acknowledgement".getBytes();
        byte[] first = Signatures.signHedged(key, message);
        byte[] second = Signatures.signHedged(key, message);
        assertThat(Signatures.bouncyCastleVerify(key.verificationKey(), message, first)).isTrue();
        assertThat(Signatures.bouncyCastleVerify(key.verificationKey(), message, second)).isTrue();
        assertThat(Signatures.bouncyCastleVerify(KEYS.get(2).verificationKey(), message, first)).isFalse();
        assertThat(Signatures.bouncyCastleVerify(key.verificationKey(), flipOneBit(message), first)).isFalse();
        if (ENGINE != null) {
            assertThat(first).as("native signatures take a fresh nonce").isNotEqualTo(second);
        } else {
            assertThat(first).isEqualTo(Signatures.sign(key, message));
        }
    }

    @Test
    void deterministicSigningStaysOnBouncyCastle() {
        SigningKey key = KEYS.get(3);
        byte[] message = "reading".getBytes();
        assertThat(Signatures.sign(key, message)).isEqualTo(Signatures.sign(key, message)).isEqualTo(Signatures.bouncyCastleSign(key, message));
    }

    @Test
    void keysParsedAgainShareNothingButVerifyAlike() {
        SigningKey key = KEYS.get(0);
        VerificationKey parsed = Keys.publicKeyFromSpki(key.verificationKey().spki());
        byte[] message = "parsed".getBytes();
        byte[] signature = Signatures.signHedged(key, message);
        assertThat(Signatures.verify(parsed, message, signature)).isTrue();
        assertThat(Signatures.verify(key.verificationKey(), message, signature)).isTrue();
    }

    @Provide
    Arbitrary<byte[]> messages() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(600);
    }

    @Provide
    Arbitrary<Integer> alterations() {
        return Arbitraries.integers().between(0, 4);
    }

    private static byte[] flipOneBit(byte[] message) {
        byte[] altered = message.length == 0 ? new byte[] {1} : message.clone();
        if (message.length > 0) {
            altered[RANDOM.nextInt(altered.length)] ^= (byte) (1 << RANDOM.nextInt(8));
        }
        return altered;
    }

    private static byte[] scalar(BigInteger v) {
        byte[] out = new byte[32];
        byte[] raw = v.toByteArray();
        int from = Math.max(0, raw.length - 32);
        System.arraycopy(raw, from, out, 32 - (raw.length - from), raw.length - from);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
