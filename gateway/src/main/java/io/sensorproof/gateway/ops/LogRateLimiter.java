package io.sensorproof.gateway.ops;

import java.util.function.LongSupplier;

/**
 * A token bucket for log records: {@code perSecond} records a second on average, bursts of up to
 * {@code perSecond}. Thread-safe.
 */
final class LogRateLimiter {
    private final double perNano;
    private final double capacity;
    private final LongSupplier nanoTime;
    private double tokens;
    private long last;

    LogRateLimiter(int perSecond, LongSupplier nanoTime) {
        if (perSecond <= 0) {
            throw new IllegalArgumentException("perSecond must be positive");
        }
        this.perNano = perSecond / 1e9;
        this.capacity = perSecond;
        this.nanoTime = nanoTime;
        this.tokens = perSecond;
        this.last = nanoTime.getAsLong();
    }

    synchronized boolean tryAcquire() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(capacity, tokens + (now - last) * perNano);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
