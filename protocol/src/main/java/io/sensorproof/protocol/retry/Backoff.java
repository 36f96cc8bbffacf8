package io.sensorproof.protocol.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with "equal jitter", the one the agent's transports, the gateway's MQTT adapter
 * and the oracle's jobs and RPC retries use (ADR 051): attempt {@code n} (0 = the first retry) waits a
 * uniformly random whole number of milliseconds in [cap/2, cap], where cap = min({@code max},
 * {@code first}·2<sup>n</sup>). Delays grow so a service that is down is not hammered, the cap bounds how
 * long a caller waits once it is back, and the jitter keeps replicas that failed together from retrying in
 * lockstep.
 *
 * <p>Whether one instance may be used from several threads is the random generator's property: with a
 * {@link java.security.SecureRandom} it may; with {@link RandomGenerator#getDefault()} or a
 * {@link java.util.SplittableRandom} threads race on the generator's state (no failure, but correlated delays).
 *
 * @param first cap of the first retry's delay (more than zero)
 * @param max largest delay (at least {@code first})
 * @param random source of the jitter
 */
public record Backoff(Duration first, Duration max, RandomGenerator random) {
    public Backoff {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(max, "max");
        Objects.requireNonNull(random, "random");
        if (first.toMillis() <= 0 || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff needs 0 ms < first <= max, not " + first + " and " + max);
        }
    }

    /** The upper end of attempt {@code attempt}'s delay: min(max, first·2<sup>attempt</sup>), in milliseconds. */
    public long capMillis(int attempt) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt " + attempt);
        }
        long firstMillis = first.toMillis();
        long maxMillis = max.toMillis();
        // first << attempt neither overflows nor turns negative while attempt < the leading zeros of first
        return attempt >= Long.numberOfLeadingZeros(firstMillis) ? maxMillis : Math.min(maxMillis, firstMillis << attempt);
    }

    /** The delay before attempt {@code attempt} (0 = the first retry), in milliseconds. */
    public long delayMillis(int attempt) {
        long cap = capMillis(attempt);
        long half = cap / 2;
        return half + random.nextLong(cap - half + 1);
    }

    /** The delay before attempt {@code attempt} (0 = the first retry). */
    public Duration delay(int attempt) {
        return Duration.ofMillis(delayMillis(attempt));
    }
}
