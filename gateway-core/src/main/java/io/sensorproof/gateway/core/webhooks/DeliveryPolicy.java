package io.sensorproof.gateway.core.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * When to retry a failed attempt and when to give up.
 *
 * <p>Backoff: the n-th retry waits {@code min(maxBackoff, initialBackoff · 2^(n-1))} scaled by a
 * factor drawn uniformly from {@code [1 - jitter, 1]} (1 s, 2 s, 4 s … capped at 10 min by default),
 * so receivers coming back after an outage are not hit by every sender at once. A {@code Retry-After}
 * the receiver sent (429, 503) lengthens the wait, never beyond {@code maxBackoff}.
 *
 * <p>Classification ({@link #classify}): 2xx delivered; 408, 429, 5xx, timeouts and network errors
 * retried; 410 Gone ends the delivery and disables the endpoint (the Standard Webhooks advice: the
 * receiver says it will never accept again); every other status (1xx, 3xx since redirects are not
 * followed, other 4xx) is final for that delivery, DEAD with the status as last error, because
 * resending the same signed bytes cannot change the answer; an operator can requeue it after fixing
 * the receiver. A delivery is also DEAD after {@code maxAttempts} attempts or once it is older than
 * {@code maxAge} (by default 72 h: a weekend outage of a bank's receiver loses nothing).
 *
 * @param initialBackoff wait before the first retry
 * @param maxBackoff the cap of one wait
 * @param jitter fraction in [0, 1) by which a wait may be shortened at random
 * @param maxAttempts attempts after which a failing delivery is DEAD
 * @param maxAge age (since enqueue) after which a failing delivery is DEAD
 * @param requestTimeout how long one attempt may take, from connect to status
 */
public record DeliveryPolicy(Duration initialBackoff, Duration maxBackoff, double jitter, int maxAttempts,
        Duration maxAge, Duration requestTimeout) {

    /** Defaults: 1 s doubling to 10 min, 20 % jitter, 500 attempts or 72 h, 10 s per attempt. */
    public static DeliveryPolicy defaults() {
        return new DeliveryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(10), 0.2, 500, Duration.ofHours(72),
                Duration.ofSeconds(10));
    }

    public DeliveryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 < initialBackoff <= maxBackoff");
        }
        if (!(jitter >= 0 && jitter < 1)) {
            throw new IllegalArgumentException("jitter must be in [0, 1): " + jitter);
        }
        if (maxAttempts < 1 || maxAge.isNegative() || maxAge.isZero() || requestTimeout.isNegative()
                || requestTimeout.isZero()) {
            throw new IllegalArgumentException("maxAttempts, maxAge and requestTimeout must be positive");
        }
    }

    /** What an attempt's answer means for its delivery. */
    public enum Disposition {
        /** 2xx: done. */
        DELIVERED,
        /** Transient failure: try again later (unless attempts or age are exhausted). */
        RETRY,
        /** Final failure of this delivery. */
        FAIL,
        /** 410 Gone: final failure, and the endpoint is disabled. */
        DISABLE_ENDPOINT
    }

    /** The disposition of an HTTP status. */
    public Disposition classify(int status) {
        if (status >= 200 && status <= 299) {
            return Disposition.DELIVERED;
        }
        if (status == 410) {
            return Disposition.DISABLE_ENDPOINT;
        }
        if (status == 408 || status == 429 || (status >= 500 && status <= 599)) {
            return Disposition.RETRY;
        }
        return Disposition.FAIL;
    }

    /** The wait before retry number {@code retry} (1 = after the first attempt) with no jitter. */
    public Duration backoff(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry counts from 1: " + retry);
        }
        int shift = Math.min(retry - 1, 40);
        long millis = initialBackoff.toMillis();
        long capped = shift >= 62 || millis > (maxBackoff.toMillis() >> shift) ? maxBackoff.toMillis() : millis << shift;
        return Duration.ofMillis(Math.min(capped, maxBackoff.toMillis()));
    }

    /**
     * When to try again after a retryable failure, or empty when the delivery is to be given up.
     *
     * @param attemptsMade attempts so far, including the one that just failed
     * @param enqueuedAt when the delivery was enqueued
     * @param now when the failed attempt ended
     * @param retryAfter the receiver's {@code Retry-After}, if any
     * @param random a uniform draw in [0, 1) for the jitter
     */
    public Optional<Instant> nextAttempt(int attemptsMade, Instant enqueuedAt, Instant now, Optional<Duration> retryAfter,
            double random) {
        if (attemptsMade >= maxAttempts) {
            return Optional.empty();
        }
        Duration base = backoff(attemptsMade);
        long wait = Math.round(base.toMillis() * (1 - jitter * random));
        if (retryAfter.isPresent()) {
            wait = Math.max(wait, Math.min(retryAfter.get().toMillis(), maxBackoff.toMillis()));
        }
        Instant next = now.plusMillis(wait);
        if (!next.isBefore(enqueuedAt.plus(maxAge))) {
            return Optional.empty();
        }
        return Optional.of(next);
    }
}
