package io.sensorproof.gateway.core.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {
    /** A generator that always returns {@code value} from nextDouble: the ends of the jitter. */
    private static RandomGenerator fixed(double value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public double nextDouble() {
                return value;
            }
        };
    }

    @Test
    void firstAttemptComesWithinATenthOfASecond() {
        ReconnectBackoff standard = ReconnectBackoff.standard();
        for (int i = 0; i < 1_000; i++) {
            assertThat(standard.delay(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        }
    }

    @Test
    void delaysDoubleUpToTwoSecondsAndStayThere() {
        ReconnectBackoff low = new ReconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(2), fixed(0.0));
        ReconnectBackoff high = new ReconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(2), fixed(0.999_999));
        long[] caps = {100, 200, 400, 800, 1600, 2000, 2000};
        for (int attempt = 0; attempt < caps.length; attempt++) {
            assertThat(low.delay(attempt)).as("attempt %d, shortest", attempt).isEqualTo(Duration.ofMillis(caps[attempt] / 2));
            assertThat(high.delay(attempt)).as("attempt %d, longest", attempt).isEqualTo(Duration.ofMillis(caps[attempt]));
        }
        for (int attempt : new int[] {30, 31, 62, 63, 64, 1_000, Integer.MAX_VALUE}) {
            assertThat(high.delay(attempt)).as("attempt %d never overflows past the cap", attempt).isEqualTo(Duration.ofSeconds(2));
            assertThat(low.delay(attempt)).isEqualTo(Duration.ofSeconds(1));
        }
    }

    @Test
    void replicasDoNotReconnectInLockstep() {
        ReconnectBackoff a = new ReconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(2), new SplittableRandom(1));
        ReconnectBackoff b = new ReconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(2), new SplittableRandom(2));
        int differ = 0;
        for (int attempt = 0; attempt < 20; attempt++) {
            if (!a.delay(attempt).equals(b.delay(attempt))) {
                differ++;
            }
        }
        assertThat(differ).isGreaterThan(15);
    }

    @Test
    void refusesABackoffThatCannotWork() {
        assertThatThrownBy(() -> new ReconnectBackoff(Duration.ZERO, Duration.ofSeconds(2), new SplittableRandom()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReconnectBackoff(Duration.ofSeconds(3), Duration.ofSeconds(2), new SplittableRandom()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReconnectBackoff.standard().delay(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
