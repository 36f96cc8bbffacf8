package io.sensorproof.oracle.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The unfinished jobs at one moment, grouped by kind and state, with the creation time of the oldest
 * in each group: what the backlog gauges report (ADR 038). A store computes it with one grouped query
 * (never per job), so it is cheap enough to take on a timer on every replica; it is global (every
 * replica sees the same table), so alert rules take the max over replicas.
 *
 * @param groups one entry per (kind, non-terminal state) that has jobs; none for terminal states
 */
public record JobBacklog(List<Group> groups) {
    /** An empty backlog. */
    public static final JobBacklog EMPTY = new JobBacklog(List.of());

    public JobBacklog {
        groups = List.copyOf(groups);
        for (Group g : groups) {
            if (g.state().terminal()) {
                throw new IllegalArgumentException("a backlog holds unfinished jobs only, not " + g.state());
            }
        }
        if (groups.stream().map(g -> g.kind() + "/" + g.state()).distinct().count() != groups.size()) {
            throw new IllegalArgumentException("one group per kind and state: " + groups);
        }
    }

    /**
     * Unfinished jobs of one kind in one state.
     *
     * @param kind the job kind
     * @param state a non-terminal state
     * @param count how many (at least 1)
     * @param oldestCreatedAt when the oldest of them was enqueued
     */
    public record Group(String kind, JobState state, long count, Instant oldestCreatedAt) {
        public Group {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(oldestCreatedAt, "oldestCreatedAt");
            if (count < 1) {
                throw new IllegalArgumentException("count must be at least 1: " + count);
            }
        }
    }

    /** The backlog of {@code jobs} (terminal ones are skipped): the reference the stores' queries are tested against. */
    public static JobBacklog of(Collection<Job> jobs) {
        Map<String, Group> byKey = new HashMap<>();
        for (Job j : jobs) {
            if (j.state().terminal()) {
                continue;
            }
            byKey.merge(j.kind() + "/" + j.state(), new Group(j.kind(), j.state(), 1, j.createdAt()),
                    (a, b) -> new Group(a.kind(), a.state(), a.count() + b.count(),
                            a.oldestCreatedAt().isBefore(b.oldestCreatedAt()) ? a.oldestCreatedAt() : b.oldestCreatedAt()));
        }
        return new JobBacklog(List.copyOf(byKey.values()));
    }

    /** Unfinished jobs of {@code kind} in {@code state} (0 for a terminal state). */
    public long count(String kind, JobState state) {
        return groups.stream().filter(g -> g.kind().equals(kind) && g.state() == state).mapToLong(Group::count).sum();
    }

    /** How long the oldest unfinished job of {@code kind} has waited at {@code now}; empty when it has none. */
    public Optional<Duration> oldestAge(String kind, Instant now) {
        return groups.stream().filter(g -> g.kind().equals(kind)).map(Group::oldestCreatedAt).min(Instant::compareTo)
                .map(t -> age(t, now));
    }

    /** How long the oldest unfinished job of any kind has waited at {@code now}; empty when there is none. */
    public Optional<Duration> oldestAge(Instant now) {
        return groups.stream().map(Group::oldestCreatedAt).min(Instant::compareTo).map(t -> age(t, now));
    }

    private static Duration age(Instant since, Instant now) {
        Duration d = Duration.between(since, now);
        return d.isNegative() ? Duration.ZERO : d;
    }
}
