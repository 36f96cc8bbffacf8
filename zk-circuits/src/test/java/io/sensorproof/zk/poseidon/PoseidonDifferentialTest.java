package io.sensorproof.zk.poseidon;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.sensorproof.zk.bn254.Scalar;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The field-arithmetic Poseidon ({@link Poseidon#hash}, {@link OptimizedPoseidon}) against the
 * round-by-round BigInteger one ({@link ReferencePoseidon}): every width, random and edge inputs.
 */
class PoseidonDifferentialTest {
    private static final BigInteger R = Scalar.ORDER;
    private static final int RANDOM_CASES_PER_WIDTH = 300;

    private static final List<BigInteger> EDGES = List.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO,
            R.subtract(BigInteger.ONE), R.subtract(BigInteger.TWO), BigInteger.ONE.shiftLeft(64),
            BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE), BigInteger.ONE.shiftLeft(128),
            BigInteger.ONE.shiftLeft(253), R.shiftRight(1), BigInteger.valueOf(27315));

    @Test
    void equalsTheReferenceOnRandomInputsOfEveryWidth() {
        Random random = new Random(0x5EED_0047L);
        for (int n = 1; n <= Poseidon.MAX_INPUTS; n++) {
            for (int c = 0; c < RANDOM_CASES_PER_WIDTH; c++) {
                List<BigInteger> inputs = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    inputs.add(randomInput(random));
                }
                assertThat(Poseidon.hash(inputs)).as("poseidon%s", inputs).isEqualTo(ReferencePoseidon.hash(inputs));
            }
        }
    }

    @Test
    void equalsTheReferenceOnEdgeValuesOfEveryWidth() {
        for (int n = 1; n <= Poseidon.MAX_INPUTS; n++) {
            for (int e = 0; e < EDGES.size(); e++) {
                List<BigInteger> inputs = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    inputs.add(EDGES.get((e + i) % EDGES.size()));
                }
                assertThat(Poseidon.hash(inputs)).as("poseidon%s", inputs).isEqualTo(ReferencePoseidon.hash(inputs));
                List<BigInteger> same = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    same.add(EDGES.get(e));
                }
                assertThat(Poseidon.hash(same)).as("poseidon%s", same).isEqualTo(ReferencePoseidon.hash(same));
            }
        }
    }

    @Test
    void allocatesABoundedAmountPerHashNotPerRound() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<BigInteger> six = List.of(R.subtract(BigInteger.ONE), BigInteger.ONE.shiftLeft(200), BigInteger.valueOf(3),
                BigInteger.valueOf(4), R.shiftRight(2), BigInteger.valueOf(6));
        BigInteger sink = BigInteger.ZERO;
        for (int i = 0; i < 200; i++) {
            sink = sink.xor(Poseidon.hash(six));
        }
        int hashes = 200;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < hashes; i++) {
            sink = sink.xor(Poseidon.hash(six));
        }
        long perHash = (threads.getCurrentThreadAllocatedBytes() - before) / hashes;
        assertThat(sink.signum()).isNotNegative();
        // 6 inputs into limbs, the state and scratch arrays, the result: a few KB. The 71 rounds of the
        // BigInteger version allocate ~100 times that (ADR 042: ~2 MB per message in the gateway).
        assertThat(perHash).as("bytes allocated per hash of 6 inputs").isLessThan(16 * 1024);
    }

    private static BigInteger randomInput(Random random) {
        switch (random.nextInt(4)) {
            case 0:
                return BigInteger.valueOf(random.nextInt(1 << 20));
            case 1:
                return new BigInteger(64, random);
            default:
                BigInteger x;
                do {
                    x = new BigInteger(254, random);
                } while (x.compareTo(R) >= 0);
                return x;
        }
    }
}
