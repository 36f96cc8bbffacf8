package io.sensorproof.oracle.chain;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with "equal jitter": attempt {@code n} waits between half and all of
 * {@code min(max, base · 2^n)}, so replicas that failed together do not retry together.
 *
 * @param base the first delay's upper bound
 * @param max the largest delay
 */
public record Backoff(Duration base, Duration max) {
    public Backoff {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(max, "max");
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 < base <= max");
        }
    }

    /** The delay before retry number {@code attempt} (0 = the first retry). */
    public Duration delay(int attempt, RandomGenerator random) {
        long cap = max.toMillis();
        long upper = base.toMillis();
        for (int i = 0; i < attempt && upper < cap; i++) {
            upper *= 2;
        }
        upper = Math.min(upper, cap);
        long half = upper / 2;
        return Duration.ofMillis(half + (upper - half == 0 ? 0 : random.nextLong(upper - half + 1)));
    }
}
