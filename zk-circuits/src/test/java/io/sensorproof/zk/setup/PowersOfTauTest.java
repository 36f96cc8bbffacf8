package io.sensorproof.zk.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.zk.bn254.Fp;
import io.sensorproof.zk.bn254.Fp2;
import io.sensorproof.zk.bn254.G1Point;
import io.sensorproof.zk.bn254.G2Point;
import io.sensorproof.zk.bn254.Pairing;
import io.sensorproof.zk.bn254.Scalar;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java powers of tau against plain double-and-add products and pairings: every point of every
 * section at power 3, and the Lagrange sections by their defining property Σ_i ω^(ij)·L_i(τ)·G =
 * τ^j·G on every domain (which fixes both the basis and its order). SnarkjsPowersOfTauIT checks the
 * same files byte for byte against snarkjs.
 */
class PowersOfTauTest {
    private static final int POWER = 3;
    private static final BigInteger R = Scalar.ORDER;
    private static final PowersOfTau.Secrets SECRETS = PowersOfTau.Secrets.fromSeed("unit-test");
    private static final G1Point G1 = G1Point.of(Fp.ONE, Fp.of(2));
    private static final G2Point G2 = G2Point.of(
            Fp2.of(new BigInteger("10857046999023057135944570762232829481370756359578518086990519993285655852781"),
                    new BigInteger("11559732032986387107991004021392285783925812861821192530917403151452391805634")),
            Fp2.of(new BigInteger("8495653923123431417604973247489272438418190587263600148770280649306958101930"),
                    new BigInteger("4082367875863433681332203403145435568316851327593401208105741076214120093531")));

    @TempDir
    static Path dir;
    static PtauFile prepared;
    static PtauFile unprepared;

    @BeforeAll
    static void write() throws Exception {
        new PowersOfTau(POWER, SECRETS, 2).write(dir.resolve("prepared.ptau"), true);
        new PowersOfTau(POWER, SECRETS, 1).write(dir.resolve("unprepared.ptau"), false);
        prepared = PtauFile.read(dir.resolve("prepared.ptau"));
        unprepared = PtauFile.read(dir.resolve("unprepared.ptau"));
    }

    private static G1Point g1(BigInteger k) {
        return G1.mul(Scalar.of(k.mod(R)));
    }

    private static G2Point g2(BigInteger k) {
        return G2.mul(Scalar.of(k.mod(R)));
    }

    private static BigInteger tauTo(int i) {
        return SECRETS.tau().modPow(BigInteger.valueOf(i), R);
    }

    @Test
    void headerAndSectionLayoutAreSnarkjs() {
        assertThat(prepared.version()).isEqualTo(1);
        assertThat(prepared.declaredSections()).isEqualTo(11);
        assertThat(prepared.sections().keySet()).containsExactly(1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15);
        assertThat(unprepared.declaredSections()).isEqualTo(7);
        assertThat(unprepared.sections().keySet()).containsExactly(1, 2, 3, 4, 5, 6, 7);
        ByteBuffer header = ByteBuffer.wrap(prepared.sections().get(1)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(header.remaining()).isEqualTo(44);
        assertThat(header.getInt()).isEqualTo(32);
        byte[] q = new byte[32];
        header.get(q);
        byte[] bigEndian = new byte[32];
        for (int i = 0; i < 32; i++) {
            bigEndian[i] = q[31 - i];
        }
        assertThat(new BigInteger(1, bigEndian)).isEqualTo(Fp.MODULUS);
        assertThat(header.getInt()).isEqualTo(POWER);
        assertThat(header.getInt()).isEqualTo(POWER);
        assertThat(prepared.sections().get(7)).isEqualTo(new byte[4]);
        for (int id = 1; id <= 7; id++) {
            assertThat(prepared.sections().get(id)).as("section %d", id).isEqualTo(unprepared.sections().get(id));
        }
    }

    @Test
    void powerSectionsHoldTheProductsOfTheSecrets() {
        int n = 1 << POWER;
        List<G1Point> tauG1 = prepared.g1(2);
        assertThat(tauG1).hasSize(2 * n - 1);
        for (int i = 0; i < tauG1.size(); i++) {
            assertThat(tauG1.get(i)).as("tau^%d G1", i).isEqualTo(g1(tauTo(i)));
        }
        List<G2Point> tauG2 = prepared.g2(3);
        List<G1Point> alphaTau = prepared.g1(4);
        List<G1Point> betaTau = prepared.g1(5);
        assertThat(tauG2).hasSize(n);
        assertThat(alphaTau).hasSize(n);
        assertThat(betaTau).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(tauG2.get(i)).as("tau^%d G2", i).isEqualTo(g2(tauTo(i)));
            assertThat(alphaTau.get(i)).isEqualTo(g1(SECRETS.alpha().multiply(tauTo(i))));
            assertThat(betaTau.get(i)).isEqualTo(g1(SECRETS.beta().multiply(tauTo(i))));
        }
        assertThat(prepared.g2(6)).containsExactly(g2(SECRETS.beta()));
        assertThat(tauG1.get(0)).isEqualTo(G1);
        assertThat(tauG2.get(0)).isEqualTo(G2);
    }

    @Test
    void successivePowersAreConsistentUnderThePairing() {
        // e(τ^(i+1)·G1, G2) = e(τ^i·G1, τ·G2): what `powersoftau verify` checks, without knowing τ.
        List<G1Point> tauG1 = prepared.g1(2);
        G2Point tau = prepared.g2(3).get(1);
        for (int i : new int[] {0, 5, tauG1.size() - 2}) {
            assertThat(Pairing.pairing(tauG1.get(i + 1), G2)).isEqualTo(Pairing.pairing(tauG1.get(i), tau));
        }
        assertThat(Pairing.pairing(prepared.g1(4).get(1), G2))
                .isEqualTo(Pairing.pairing(prepared.g1(4).get(0), tau));
    }

    /** Σ_i ω^(ij)·points[offset + i] for j < n, as BigInteger-scaled plain products. */
    private static List<G1Point> forwardG1(List<G1Point> points, int offset, int k) {
        int n = 1 << k;
        BigInteger omega = ScalarField.rootOfUnity(k);
        return java.util.stream.IntStream.range(0, n).mapToObj(j -> {
            G1Point sum = G1Point.INFINITY;
            for (int i = 0; i < n; i++) {
                BigInteger e = omega.modPow(BigInteger.valueOf((long) i * j), R);
                sum = sum.add(points.get(offset + i).mul(Scalar.of(e)));
            }
            return sum;
        }).toList();
    }

    @Test
    void lagrangeSectionsAreTheInverseDftOfThePowers() {
        List<G1Point> tauG1 = prepared.g1(2);
        List<G1Point> lagrangeTau = prepared.g1(12);
        List<G1Point> lagrangeAlpha = prepared.g1(14);
        List<G1Point> lagrangeBeta = prepared.g1(15);
        List<G2Point> lagrangeTauG2 = prepared.g2(13);
        assertThat(lagrangeTau).hasSize((1 << (POWER + 2)) - 1);
        assertThat(lagrangeAlpha).hasSize((1 << (POWER + 1)) - 1);
        assertThat(lagrangeBeta).hasSize((1 << (POWER + 1)) - 1);
        assertThat(lagrangeTauG2).hasSize((1 << (POWER + 1)) - 1);
        int offset = 0;
        for (int k = 0; k <= POWER; k++) {
            int n = 1 << k;
            assertThat(forwardG1(lagrangeTau, offset, k)).as("tau, domain 2^%d", k).isEqualTo(tauG1.subList(0, n));
            assertThat(forwardG1(lagrangeAlpha, offset, k)).as("alpha tau, domain 2^%d", k)
                    .isEqualTo(prepared.g1(4).subList(0, n));
            assertThat(forwardG1(lagrangeBeta, offset, k)).as("beta tau, domain 2^%d", k)
                    .isEqualTo(prepared.g1(5).subList(0, n));
            // G2: Σ_i L_i(τ)·ω^(ij) checked for j = 1 only (G2 products are slower).
            BigInteger omega = ScalarField.rootOfUnity(k);
            G2Point sum = G2Point.INFINITY;
            for (int i = 0; i < n; i++) {
                sum = sum.add(lagrangeTauG2.get(offset + i).mul(Scalar.of(omega.modPow(BigInteger.valueOf(i), R))));
            }
            assertThat(sum).as("tau G2, domain 2^%d", k).isEqualTo(k == 0 ? G2 : prepared.g2(3).get(1));
            offset += n;
        }
        // The extra domain 2^(power+1) of section 12 comes from the powers without the last one.
        int n = 1 << (POWER + 1);
        List<G1Point> extra = forwardG1(lagrangeTau, offset, POWER + 1);
        assertThat(extra.subList(0, n - 1)).isEqualTo(tauG1);
        assertThat(extra.get(n - 1).infinity()).isTrue();
    }

    @Test
    void rootsOfUnityArePrimitive() {
        for (int k = 1; k <= ScalarField.TWO_ADICITY; k++) {
            BigInteger omega = ScalarField.rootOfUnity(k);
            assertThat(omega.modPow(BigInteger.ONE.shiftLeft(k - 1), R)).isEqualTo(R.subtract(BigInteger.ONE));
        }
    }

    @Test
    void secretsAreDerivedFromTheSeedAndChecked() {
        assertThat(PowersOfTau.Secrets.fromSeed("unit-test")).isEqualTo(SECRETS);
        assertThat(PowersOfTau.Secrets.fromSeed("unit-test2").tau()).isNotEqualTo(SECRETS.tau());
        assertThat(SECRETS.tau()).isNotEqualTo(SECRETS.alpha()).isNotEqualTo(SECRETS.beta());
        BigInteger one = BigInteger.ONE;
        assertThatThrownBy(() -> new PowersOfTau.Secrets(BigInteger.ZERO, one, one)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PowersOfTau.Secrets(SECRETS.tau(), R, one)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PowersOfTau.Secrets(one, one, one)).hasMessageContaining("root of unity");
        assertThatThrownBy(() -> new PowersOfTau.Secrets(ScalarField.rootOfUnity(10), one, one))
                .hasMessageContaining("root of unity");
        assertThatThrownBy(() -> new PowersOfTau(0, SECRETS, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PowersOfTau(PowersOfTau.MAX_POWER + 1, SECRETS, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void noPartialFileIsLeftBehind() throws Exception {
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".partial"));
        }
    }
}
