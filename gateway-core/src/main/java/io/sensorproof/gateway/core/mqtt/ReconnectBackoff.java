package io.sensorproof.gateway.core.mqtt;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Delays between the MQTT adapter's reconnect attempts after it lost its broker: attempt {@code n}
 * (0 = the first after the loss) waits a random time in [cap/2, cap] with
 * cap = min({@code max}, {@code first}·2<sup>n</sup>). The small first delay brings the gateway back
 * within a fraction of a second of a broker that restarts quickly, the cap bounds how long it waits
 * after the broker is back from a longer outage, and the jitter keeps replicas from reconnecting in
 * lockstep (ADR 049).
 *
 * @param first cap of the first attempt's delay
 * @param max largest delay
 * @param random source of the jitter
 */
public record ReconnectBackoff(Duration first, Duration max, RandomGenerator random) {
    /** 100 ms for the first attempt, doubling up to 2 s. */
    public static ReconnectBackoff standard() {
        return new ReconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(2), RandomGenerator.getDefault());
    }

    public ReconnectBackoff {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("reconnect backoff needs 0 < first <= max, not " + first + " and " + max);
        }
    }

    /** The delay before attempt {@code attempt} (0 = the first after the connection was lost). */
    public Duration delay(int attempt) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt " + attempt);
        }
        long firstMillis = first.toMillis();
        long maxMillis = max.toMillis();
        long cap = attempt >= 31 || firstMillis << attempt > maxMillis || firstMillis << attempt <= 0 ? maxMillis : firstMillis << attempt;
        long half = cap / 2;
        return Duration.ofMillis(half + (long) (random.nextDouble() * (cap - half + 1)));
    }
}
