package io.sensorproof.gateway.resilience;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A benchmark's view of the oracle's job table over time, without touching the gateway: a daemon thread reads
 * {@code oracle_jobs} every {@code interval} and keeps, per job, the gateway's own {@code updated_at} of the first
 * row seen in each state, and when a worker claimed it while ASSEMBLED (the claim writes {@code lease_until = now +
 * lease} and nothing else, so the claim time is {@code lease_until − lease}). For a run claim that splits the time
 * into waiting for a worker, proving and sending (ASSEMBLED claimed → SUBMITTED) and the chain (SUBMITTED →
 * CONFIRMED). A state a job passes through between two reads is missed (its entry stays absent; PROVED and
 * SELF_VERIFIED usually are); terminal states are always seen, since their {@code updated_at} is final; a SUBMITTED
 * job's {@code updated_at} also moves at each receipt poll, so its first read is the send time only if it comes
 * before the first poll. Also samples the run-claim backlog: ASSEMBLED run-claim jobs no worker holds.
 */
final class OracleJobWatch implements AutoCloseable {
    private static final String QUERY = "SELECT id, kind, state, updated_at, lease_until FROM oracle_jobs"
            + " WHERE state NOT IN ('CONFIRMED', 'FAILED') OR updated_at > ?";

    /** What was seen of one job. */
    static final class Seen {
        final long id;
        final String kind;
        final Map<String, Instant> states = new ConcurrentHashMap<>();
        volatile Instant claimedAt;

        Seen(long id, String kind) {
            this.id = id;
            this.kind = kind;
        }

        Optional<Instant> at(String state) {
            return Optional.ofNullable(states.get(state));
        }

        Optional<Instant> claimed() {
            return Optional.ofNullable(claimedAt);
        }
    }

    /** The number of unclaimed ASSEMBLED run-claim jobs at one read. */
    record Backlog(Instant at, int runClaimsWaiting, int runClaimsProving) {
    }

    private final MessageRows db;
    private final Duration lease;
    private final Duration interval;
    private final Map<Long, Seen> jobs = new ConcurrentHashMap<>();
    private final List<Backlog> backlog = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Exception failure;

    private OracleJobWatch(MessageRows db, Duration lease, Duration interval) {
        this.db = db;
        this.lease = lease;
        this.interval = interval;
        this.thread = new Thread(this::loop, "oracle-job-watch");
        this.thread.setDaemon(true);
    }

    static OracleJobWatch start(MessageRows db, Duration lease, Duration interval) {
        OracleJobWatch w = new OracleJobWatch(db, lease, interval);
        w.thread.start();
        return w;
    }

    private void loop() {
        Instant since = Instant.EPOCH;
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(QUERY)) {
            while (running) {
                Instant readAt = Instant.now();
                ps.setTimestamp(1, Timestamp.from(since));
                int waiting = 0;
                int proving = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long id = rs.getLong(1);
                        String kind = rs.getString(2);
                        String state = rs.getString(3);
                        Instant updated = rs.getTimestamp(4).toInstant();
                        Timestamp leaseUntil = rs.getTimestamp(5);
                        Seen seen = jobs.computeIfAbsent(id, k -> new Seen(id, kind));
                        seen.states.putIfAbsent(state, updated);
                        boolean leased = leaseUntil != null && leaseUntil.toInstant().isAfter(readAt);
                        if ("ASSEMBLED".equals(state) && leased && seen.claimedAt == null) {
                            seen.claimedAt = leaseUntil.toInstant().minus(lease);
                        }
                        if ("run-claim".equals(kind) && "ASSEMBLED".equals(state)) {
                            if (leased) {
                                proving++;
                            } else {
                                waiting++;
                            }
                        }
                    }
                }
                synchronized (backlog) {
                    backlog.add(new Backlog(readAt, waiting, proving));
                }
                // rows updated since a little before this read: a commit with an older updated_at lands late
                since = readAt.minusSeconds(10);
                Thread.sleep(interval.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure = e;
        }
    }

    Map<Long, Seen> jobs() {
        check();
        return new HashMap<>(jobs);
    }

    Optional<Seen> job(long id) {
        check();
        return Optional.ofNullable(jobs.get(id));
    }

    List<Backlog> backlog(Instant from, Instant to) {
        check();
        synchronized (backlog) {
            return backlog.stream().filter(b -> !b.at().isBefore(from) && b.at().isBefore(to)).toList();
        }
    }

    /** The latest backlog sample, if any. */
    Optional<Backlog> latest() {
        check();
        synchronized (backlog) {
            return backlog.isEmpty() ? Optional.empty() : Optional.of(backlog.get(backlog.size() - 1));
        }
    }

    private void check() {
        if (failure != null) {
            throw new IllegalStateException("reading oracle_jobs failed", failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5_000);
    }
}
