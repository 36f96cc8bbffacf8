package io.sensorproof.protocol.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {
    /** A generator whose bounded draws always land at one end of their range: the ends of the jitter. */
    private static RandomGenerator end(boolean top) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException("only bounded draws");
            }

            @Override
            public long nextLong(long bound) {
                return top ? bound - 1 : 0;
            }
        };
    }

    private static Backoff backoff(long firstMillis, long maxMillis, RandomGenerator random) {
        return new Backoff(Duration.ofMillis(firstMillis), Duration.ofMillis(maxMillis), random);
    }

    @Test
    void delaysDoubleUpToTheCapAndStayThere() {
        Backoff low = backoff(100, 2_000, end(false));
        Backoff high = backoff(100, 2_000, end(true));
        long[] caps = {100, 200, 400, 800, 1600, 2000, 2000};
        for (int attempt = 0; attempt < caps.length; attempt++) {
            assertThat(low.delay(attempt)).as("attempt %d, shortest", attempt).isEqualTo(Duration.ofMillis(caps[attempt] / 2));
            assertThat(high.delay(attempt)).as("attempt %d, longest", attempt).isEqualTo(Duration.ofMillis(caps[attempt]));
            assertThat(high.capMillis(attempt)).isEqualTo(caps[attempt]);
        }
    }

    @Test
    void noAttemptNumberOverflowsPastTheCap() {
        Backoff high = backoff(100, 2_000, end(true));
        Backoff low = backoff(100, 2_000, end(false));
        for (int attempt : new int[] {30, 31, 56, 57, 58, 62, 63, 64, 1_000, Integer.MAX_VALUE}) {
            assertThat(high.delayMillis(attempt)).as("attempt %d", attempt).isEqualTo(2_000);
            assertThat(low.delayMillis(attempt)).as("attempt %d", attempt).isEqualTo(1_000);
        }
        // a cap beyond first·2^30 is reached too (the agent's old copy stopped doubling at 2^30)
        Backoff wide = backoff(1, Long.MAX_VALUE, end(true));
        assertThat(wide.capMillis(40)).isEqualTo(1L << 40);
        assertThat(wide.capMillis(62)).isEqualTo(1L << 62);
        assertThat(wide.capMillis(63)).isEqualTo(Long.MAX_VALUE);
        assertThat(wide.delayMillis(Integer.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        for (int attempt = 0; attempt < 70; attempt++) {
            assertThat(wide.capMillis(attempt)).as("attempt %d", attempt).isPositive().isGreaterThanOrEqualTo(wide.capMillis(Math.max(0, attempt - 1)));
        }
    }

    @Test
    void everyDelayLiesInTheUpperHalfOfItsCap() {
        Backoff backoff = backoff(100, 10_000, new SplittableRandom(7));
        for (int attempt = 0; attempt < 40; attempt++) {
            long cap = Math.min(10_000, 100L << Math.min(attempt, 30));
            for (int i = 0; i < 50; i++) {
                assertThat(backoff.delayMillis(attempt)).as("attempt %d", attempt).isBetween(cap / 2, cap);
            }
        }
    }

    @Test
    void jitterCoversTheWholeUpperHalf() {
        Backoff backoff = backoff(100, 10_000, new SplittableRandom(11));
        // attempt 1: cap 200, so 101 possible delays 100..200; 10 000 draws miss one with probability ~e^-99
        long[] delays = IntStream.range(0, 10_000).mapToLong(i -> backoff.delayMillis(1)).toArray();
        assertThat(delays).contains(100L, 200L);
        assertThat(java.util.Arrays.stream(delays).distinct().count()).isEqualTo(101);
    }

    @Test
    void replicasDoNotRetryInLockstep() {
        Backoff a = backoff(100, 2_000, new SplittableRandom(1));
        Backoff b = backoff(100, 2_000, new SplittableRandom(2));
        long differ = IntStream.range(0, 20).filter(attempt -> a.delayMillis(attempt) != b.delayMillis(attempt)).count();
        assertThat(differ).isGreaterThan(15);
    }

    @Test
    void refusesABackoffThatCannotWork() {
        SplittableRandom random = new SplittableRandom();
        assertThatThrownBy(() -> backoff(0, 2_000, random)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofNanos(500_000), Duration.ofSeconds(1), random))
                .as("below a millisecond the delays would all be zero").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> backoff(-100, 2_000, random)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> backoff(3_000, 2_000, random)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> backoff(100, 2_000, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> backoff(100, 2_000, random).delay(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
