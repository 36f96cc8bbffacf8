package io.sensorproof.zk.bn254;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The branch-free unsigned comparison behind every carry and borrow of {@link Fp}, against {@link Long#compareUnsigned}. */
class FpCarryTest {
    private static final long[] EDGES = {0, 1, 2, -1, -2, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1,
        Fp.P0, Fp.P1, Fp.P2, Fp.P3, Fp.P3 + 1, Fp.P1 - 1};

    @Test
    void lessThanUnsignedIsTheUnsignedOrderOnEdgeAndRandomWords() {
        for (long x : EDGES) {
            for (long y : EDGES) {
                assertThat(Fp.lessThanUnsigned(x, y)).as("%x < %x", x, y).isEqualTo(Long.compareUnsigned(x, y) < 0 ? 1L : 0L);
            }
        }
        Random random = new Random(2026_12_05L);
        for (int i = 0; i < 200_000; i++) {
            long x = random.nextLong();
            long y = i % 4 == 0 ? x + random.nextInt(5) - 2 : random.nextLong();
            assertThat(Fp.lessThanUnsigned(x, y)).isEqualTo(Long.compareUnsigned(x, y) < 0 ? 1L : 0L);
        }
    }
}
