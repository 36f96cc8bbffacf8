package io.sensorproof.oracle.chain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether the chain node answers, as the chain gauges report it (ADR 038): {@link #probe} asks the node
 * for its newest block and remembers when that last worked and what it returned; a failure is counted
 * and keeps the last good answer, so "seconds since the last successful call" grows while the node is
 * away. Without it a chain outage shows only as failing rounds. Per replica: each replica probes its own
 * connection to the node.
 */
public final class ChainReachability {
    /** Reads the node's newest block; throws any runtime exception when the node does not answer. */
    @FunctionalInterface
    public interface HeadSource {
        ChainHead head();
    }

    /**
     * What one probe found.
     *
     * @param head the newest block, when the node answered
     * @param error why not, when it did not
     */
    public record Probe(Optional<ChainHead> head, Optional<String> error) {
        public Probe {
            Objects.requireNonNull(head, "head");
            Objects.requireNonNull(error, "error");
            if (head.isPresent() == error.isPresent()) {
                throw new IllegalArgumentException("a probe has a head or an error");
            }
        }
    }

    private final HeadSource source;
    private final Clock clock;
    private final AtomicLong failures = new AtomicLong();
    private volatile Instant lastSuccess;
    private volatile ChainHead lastHead;
    private volatile String lastError;

    public ChainReachability(HeadSource source, Clock clock) {
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Asks the node once; never throws (a failure is counted and returned). */
    public Probe probe() {
        try {
            ChainHead head = Objects.requireNonNull(source.head(), "the node returned no head block");
            lastHead = head;
            lastSuccess = clock.instant();
            lastError = null;
            return new Probe(Optional.of(head), Optional.empty());
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            String message = e.getClass().getSimpleName() + ": " + e.getMessage();
            lastError = message;
            return new Probe(Optional.empty(), Optional.of(message));
        }
    }

    /** When the node last answered; empty if it never did. */
    public Optional<Instant> lastSuccess() {
        return Optional.ofNullable(lastSuccess);
    }

    /** The newest block of the last successful probe. */
    public Optional<ChainHead> lastHead() {
        return Optional.ofNullable(lastHead);
    }

    /** Why the last probe failed; empty when it succeeded (or none ran). */
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    /** Failed probes so far. */
    public long failures() {
        return failures.get();
    }

    /** Age of the last known head block's timestamp at {@code now} (never negative); empty before a successful probe. */
    public Optional<Duration> headAge(Instant now) {
        ChainHead h = lastHead;
        if (h == null) {
            return Optional.empty();
        }
        Duration d = Duration.between(h.timestamp(), now);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
    }
}
