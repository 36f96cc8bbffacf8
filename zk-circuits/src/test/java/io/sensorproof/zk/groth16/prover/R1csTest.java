package io.sensorproof.zk.groth16.prover;

import static io.sensorproof.zk.groth16.prover.WitnessFormatTest.le32;
import static io.sensorproof.zk.groth16.prover.WitnessFormatTest.leBytes;
import static io.sensorproof.zk.groth16.prover.WitnessFormatTest.section;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.zk.bn254.Scalar;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The {@code .r1cs} reader and the witness check on hand-built files in the iden3 layout (the one
 * zokrates-js exports and {@code JavaProverIT} reads for the claim circuits): satisfied and violated
 * constraints against a {@code BigInteger} evaluation, coefficients up to r − 1, and each refusal code.
 */
class R1csTest {
    private static final BigInteger R = Scalar.ORDER;

    /** One constraint: A·B = C, each a map wire → coefficient. */
    record Row(Map<Integer, BigInteger> a, Map<Integer, BigInteger> b, Map<Integer, BigInteger> c) {
    }

    static Map<Integer, BigInteger> lc(Object... wireCoef) {
        Map<Integer, BigInteger> m = new LinkedHashMap<>();
        for (int i = 0; i < wireCoef.length; i += 2) {
            m.put((Integer) wireCoef[i], wireCoef[i + 1] instanceof BigInteger v ? v : BigInteger.valueOf(((Number) wireCoef[i + 1]).longValue()));
        }
        return m;
    }

    static byte[] r1cs(BigInteger prime, int wires, int pubOut, int pubIn, List<Row> rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("r1cs".getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(le32(1));
        out.writeBytes(le32(2));
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.writeBytes(le32(32));
        header.writeBytes(leBytes(prime, 32));
        header.writeBytes(le32(wires));
        header.writeBytes(le32(pubOut));
        header.writeBytes(le32(pubIn));
        header.writeBytes(le32(wires - 1 - pubOut - pubIn));
        header.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(wires).array());
        header.writeBytes(le32(rows.size()));
        section(out, 1, header.toByteArray());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Row row : rows) {
            for (Map<Integer, BigInteger> lc : List.of(row.a(), row.b(), row.c())) {
                body.writeBytes(le32(lc.size()));
                lc.forEach((wire, coef) -> {
                    body.writeBytes(le32(wire));
                    body.writeBytes(leBytes(coef, 32));
                });
            }
        }
        section(out, 2, body.toByteArray());
        return out.toByteArray();
    }

    /** y = x² + 5 as three rows: x·x = t, (t + 5)·1 = y, and (−x)·(−x) = t (coefficient r − 1). Wires: 1, y, x, t. */
    static List<Row> square() {
        BigInteger minusOne = R.subtract(BigInteger.ONE);
        return List.of(new Row(lc(2, 1), lc(2, 1), lc(3, 1)),
                new Row(lc(3, 1, 0, 5), lc(0, 1), lc(1, 1)),
                new Row(lc(2, minusOne), lc(2, minusOne), lc(3, 1)));
    }

    static Witness witness(long... values) {
        return Witness.of(Arrays.stream(values).mapToObj(BigInteger::valueOf).toArray(BigInteger[]::new));
    }

    @Test
    void acceptsSatisfyingWitnessesIncludingValuesNearR() {
        R1cs system = R1cs.read(r1cs(R, 4, 1, 0, square()));
        assertThat(system.wires()).isEqualTo(4);
        assertThat(system.publicSignals()).isEqualTo(1);
        assertThat(system.constraints()).isEqualTo(3);
        assertThat(system.firstUnsatisfied(witness(1, 14, 3, 9))).isEqualTo(-1);
        // x = r − 2: x² = 4 mod r
        Witness big = Witness.of(BigInteger.ONE, BigInteger.valueOf(9), R.subtract(BigInteger.TWO), BigInteger.valueOf(4));
        assertThat(system.firstUnsatisfied(big)).isEqualTo(-1);
        system.check(big);
    }

    @Test
    void findsTheFirstViolatedConstraintAndRefusesTheWitness() {
        R1cs system = R1cs.read(r1cs(R, 4, 1, 0, square()));
        assertThat(system.firstUnsatisfied(witness(1, 15, 3, 9))).isEqualTo(1);
        assertThat(system.firstUnsatisfied(witness(1, 14, 3, 10))).isEqualTo(0);
        assertThat(system.firstUnsatisfied(witness(1, 14, 4, 9))).isEqualTo(0);
        assertThatThrownBy(() -> system.check(witness(1, 15, 3, 9))).isInstanceOfSatisfying(ProverFailure.class,
                e -> assertThat(e.code()).isEqualTo(ProverErrorCode.WITNESS_UNSATISFIED));
        assertThatThrownBy(() -> system.check(witness(1, 14, 3))).isInstanceOfSatisfying(ProverFailure.class,
                e -> assertThat(e.code()).isEqualTo(ProverErrorCode.WITNESS_MISMATCH));
    }

    @Test
    void agreesWithBigIntegerOnRandomSystems() {
        Random random = new Random(19);
        for (int round = 0; round < 40; round++) {
            int wires = 2 + random.nextInt(12);
            BigInteger[] values = new BigInteger[wires];
            values[0] = BigInteger.ONE;
            for (int i = 1; i < wires; i++) {
                values[i] = random.nextInt(4) == 0 ? BigInteger.valueOf(random.nextInt(3)) : new BigInteger(256, random).mod(R);
            }
            List<Row> rows = new ArrayList<>();
            List<Boolean> holds = new ArrayList<>();
            for (int j = 0; j < 1 + random.nextInt(6); j++) {
                Map<Integer, BigInteger> a = randomLc(random, wires);
                Map<Integer, BigInteger> b = randomLc(random, wires);
                BigInteger product = eval(a, values).multiply(eval(b, values)).mod(R);
                boolean ok = random.nextInt(5) != 0;
                // C = the product as a constant (times wire 0), or one more: the reference decides which rows hold
                rows.add(new Row(a, b, lc(0, ok ? product : product.add(BigInteger.ONE).mod(R))));
                holds.add(ok);
            }
            R1cs system = R1cs.read(r1cs(R, wires, 0, 0, rows));
            assertThat(system.firstUnsatisfied(Witness.of(values))).as("round %d", round).isEqualTo(holds.indexOf(false));
        }
    }

    private static Map<Integer, BigInteger> randomLc(Random random, int wires) {
        Map<Integer, BigInteger> m = new LinkedHashMap<>();
        for (int k = random.nextInt(4); k >= 0; k--) {
            BigInteger coef = switch (random.nextInt(4)) {
                case 0 -> BigInteger.ONE;
                case 1 -> R.subtract(BigInteger.ONE);
                default -> new BigInteger(256, random).mod(R);
            };
            m.put(random.nextInt(wires), coef);
        }
        return m;
    }

    private static BigInteger eval(Map<Integer, BigInteger> lc, BigInteger[] values) {
        BigInteger sum = BigInteger.ZERO;
        for (Map.Entry<Integer, BigInteger> e : lc.entrySet()) {
            sum = sum.add(e.getValue().multiply(values[e.getKey()]));
        }
        return sum.mod(R);
    }

    @Test
    void refusesMalformedFilesWithStableCodes() {
        assertCode(() -> R1cs.read(r1cs(R.add(BigInteger.TWO), 4, 1, 0, square())), ProverErrorCode.WRONG_CURVE);
        assertCode(() -> R1cs.read(r1cs(R, 4, 1, 0, List.of(new Row(lc(4, 1), lc(0, 1), lc(1, 1))))), ProverErrorCode.BAD_COEFFICIENT);
        assertCode(() -> R1cs.read(r1cs(R, 4, 1, 0, List.of(new Row(lc(2, R), lc(0, 1), lc(1, 1))))), ProverErrorCode.VALUE_OUT_OF_RANGE);
        assertCode(() -> R1cs.read(r1cs(R, 4, 4, 0, square())), ProverErrorCode.MALFORMED_FILE);
        byte[] good = r1cs(R, 4, 1, 0, square());
        assertCode(() -> R1cs.read(Arrays.copyOf(good, good.length - 1)), ProverErrorCode.TRUNCATED);
        byte[] wrongMagic = good.clone();
        wrongMagic[0] = 'x';
        assertCode(() -> R1cs.read(wrongMagic), ProverErrorCode.MALFORMED_FILE);
        // constraint count one higher than the rows written: the body cannot hold it
        int countAt = 12 + 12 + 4 + 32 + 4 * 4 + 8;
        byte[] moreRows = good.clone();
        moreRows[countAt] = 4;
        assertCode(() -> R1cs.read(moreRows), ProverErrorCode.TRUNCATED);
        // constraint count one lower: bytes left over after the last constraint
        byte[] fewerRows = good.clone();
        fewerRows[countAt] = 2;
        assertCode(() -> R1cs.read(fewerRows), ProverErrorCode.SECTION_SIZE_MISMATCH);
    }

    private static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ProverErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ProverFailure.class, e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
    }
}
