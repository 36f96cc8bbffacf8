package io.sensorproof.agent.transport;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter: attempt n waits a random time in [cap/2, cap] where
 * cap = min(max, min * 2^n), so delays grow and replicas do not reconnect in lockstep.
 */
public final class Backoff {
    private final long minMillis;
    private final long maxMillis;
    private final RandomGenerator random;

    public Backoff(Duration min, Duration max, RandomGenerator random) {
        if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("need 0 < min <= max");
        }
        this.minMillis = min.toMillis();
        this.maxMillis = max.toMillis();
        this.random = random;
    }

    /** The delay before attempt {@code attempt} (0 = first retry). */
    public long delayMillis(int attempt) {
        long cap = minMillis << Math.min(attempt, 30);
        if (cap <= 0 || cap > maxMillis) {
            cap = maxMillis;
        }
        long half = cap / 2;
        return half + (long) (random.nextDouble() * (cap - half + 1));
    }
}
