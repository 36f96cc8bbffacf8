package io.sensorproof.gateway.core;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Bounds how many <em>unauthenticated</em> refused messages are kept in quarantine, so that garbage
 * cannot fill the disk: a token bucket per source connection ({@code entriesPerWindow} tokens,
 * refilled evenly over {@code window}) and one global bucket over all connections. An entry that
 * finds no token is not kept; it is counted, per connection and in total.
 *
 * <p><b>Why keyed by the connection.</b> The key must be something the sender has proven, and before
 * the signature verifies the only such thing is what the transport authenticated: the MQTT username
 * or client certificate, the DTLS identity. Everything inside the message is a claim. Keyed by the
 * kid (or the topic's or pack's device), an attacker could copy a victim's kid into garbage, use up
 * the victim's budget and have the victim's own refused messages dropped unkept, while spreading its
 * own garbage over random kids to get unlimited budget. Keyed by the connection, an attacker only
 * burns its own budget. The global bucket caps an attacker with many identities (or a broker that
 * lets clients pick free-form client ids). The map of buckets is an LRU of at most
 * {@code maxTrackedConnections}; a bucket evicted after being idle is full again anyway.
 *
 * <p>Authenticated refusals do not go through this quota (see {@link IngestPipeline}): a registered,
 * active device can write stored messages at the same rate, so the quota would protect nothing, and
 * the entry must be kept before the device is told to set the message aside.
 *
 * <p>Thread-safe; the clock is injected for tests.
 */
public final class QuarantineQuota {
    private final Settings settings;
    private final Clock clock;
    private final Bucket global;
    private final Map<String, Bucket> buckets;
    private long overQuotaTotal;

    /**
     * @param entriesPerWindow per connection: entries kept per window, also the burst size
     * @param window the refill period of {@code entriesPerWindow} tokens
     * @param globalEntriesPerWindow over all connections: entries kept per window
     * @param maxTrackedConnections connections whose buckets are remembered (LRU)
     */
    public record Settings(int entriesPerWindow, Duration window, int globalEntriesPerWindow, int maxTrackedConnections) {
        /** Default per connection: 60 entries per minute. */
        public static final int DEFAULT_ENTRIES_PER_WINDOW = 60;
        /** Default window: one minute. */
        public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
        /** Default over all connections: 6,000 entries per minute. */
        public static final int DEFAULT_GLOBAL_ENTRIES_PER_WINDOW = 6_000;
        /** Default number of remembered connections. */
        public static final int DEFAULT_MAX_TRACKED_CONNECTIONS = 100_000;

        public Settings {
            Objects.requireNonNull(window, "window");
            if (entriesPerWindow < 0 || globalEntriesPerWindow < 0) {
                throw new IllegalArgumentException("entry budgets must not be negative");
            }
            if (window.toMillis() < 1) {
                throw new IllegalArgumentException("window must be at least one millisecond");
            }
            if (maxTrackedConnections < 1) {
                throw new IllegalArgumentException("maxTrackedConnections must be positive");
            }
        }

        /** 60 per connection and 6,000 in total per minute, 100,000 connections remembered. */
        public static Settings defaults() {
            return new Settings(DEFAULT_ENTRIES_PER_WINDOW, DEFAULT_WINDOW, DEFAULT_GLOBAL_ENTRIES_PER_WINDOW,
                    DEFAULT_MAX_TRACKED_CONNECTIONS);
        }
    }

    public QuarantineQuota(Settings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        long now = clock.millis();
        this.global = new Bucket(settings.globalEntriesPerWindow(), now);
        int max = settings.maxTrackedConnections();
        this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > max;
            }
        };
    }

    /**
     * Takes one token for {@code sourceConnectionId} (and one from the global bucket).
     *
     * @return true when the entry may be kept; false when it must be dropped (and it is counted)
     */
    public synchronized boolean tryAcquire(String sourceConnectionId) {
        Objects.requireNonNull(sourceConnectionId, "sourceConnectionId");
        long now = clock.millis();
        Bucket bucket = buckets.computeIfAbsent(sourceConnectionId, id -> new Bucket(settings.entriesPerWindow(), now));
        bucket.refill(now, settings.entriesPerWindow(), settings.window());
        global.refill(now, settings.globalEntriesPerWindow(), settings.window());
        if (bucket.tokens >= 1 && global.tokens >= 1) {
            bucket.tokens -= 1;
            global.tokens -= 1;
            return true;
        }
        bucket.overQuota++;
        overQuotaTotal++;
        return false;
    }

    /** Entries dropped over quota for {@code sourceConnectionId} while it was tracked. */
    public synchronized long overQuota(String sourceConnectionId) {
        Bucket bucket = buckets.get(sourceConnectionId);
        return bucket == null ? 0 : bucket.overQuota;
    }

    /** Entries dropped over quota for every tracked connection that dropped any. */
    public synchronized Map<String, Long> overQuotaByConnection() {
        Map<String, Long> counts = new LinkedHashMap<>();
        buckets.forEach((id, b) -> {
            if (b.overQuota > 0) {
                counts.put(id, b.overQuota);
            }
        });
        return counts;
    }

    /** Entries dropped over quota in total. */
    public synchronized long overQuotaTotal() {
        return overQuotaTotal;
    }

    public Settings settings() {
        return settings;
    }

    private static final class Bucket {
        double tokens;
        long lastRefillMillis;
        long overQuota;

        Bucket(int capacity, long now) {
            this.tokens = capacity;
            this.lastRefillMillis = now;
        }

        void refill(long now, int capacity, Duration window) {
            long elapsed = now - lastRefillMillis;
            if (elapsed <= 0) {
                // a clock that steps back never adds tokens, and never takes any either
                return;
            }
            tokens = Math.min(capacity, tokens + (double) elapsed * capacity / window.toMillis());
            lastRefillMillis = now;
        }
    }
}
