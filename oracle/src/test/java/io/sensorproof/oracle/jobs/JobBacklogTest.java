package io.sensorproof.oracle.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class JobBacklogTest {
    private static final Instant T0 = Instant.parse("2026-12-04T05:00:00Z");

    private static Job job(long id, String kind, JobState state, Instant created) {
        Optional<JobFailure> failure = state == JobState.FAILED ? Optional.of(new JobFailure("X", "x")) : Optional.empty();
        return new Job(id, kind, kind + ":" + id, "{}", state, 0, created, Optional.empty(), Optional.empty(), OptionalLong.empty(),
                Optional.empty(), 0, Optional.empty(), failure, Optional.empty(), created, created);
    }

    @Test
    void countsUnfinishedJobsByKindAndStateAndSkipsFinishedOnes() {
        JobBacklog b = JobBacklog.of(List.of(
                job(1, "freeze", JobState.ASSEMBLED, T0.plusSeconds(30)),
                job(2, "freeze", JobState.ASSEMBLED, T0),
                job(3, "freeze", JobState.SUBMITTED, T0.plusSeconds(60)),
                job(4, "mint", JobState.CONFIRMED, T0.minusSeconds(3600)),
                job(5, "mint", JobState.FAILED, T0.minusSeconds(7200)),
                job(6, "run-claim", JobState.PROVED, T0.plusSeconds(10))));

        assertThat(b.count("freeze", JobState.ASSEMBLED)).isEqualTo(2);
        assertThat(b.count("freeze", JobState.SUBMITTED)).isEqualTo(1);
        assertThat(b.count("run-claim", JobState.PROVED)).isEqualTo(1);
        assertThat(b.count("mint", JobState.CONFIRMED)).isZero();
        assertThat(b.groups()).hasSize(3);
    }

    @Test
    void oldestAgeIsTheOldestUnfinishedJobsWaitPerKindAndOverall() {
        JobBacklog b = JobBacklog.of(List.of(
                job(1, "freeze", JobState.ASSEMBLED, T0.plusSeconds(30)),
                job(2, "freeze", JobState.SUBMITTED, T0),
                job(3, "mint", JobState.CONFIRMED, T0.minusSeconds(3600)),
                job(4, "mint", JobState.SUBMITTED, T0.plusSeconds(100))));
        Instant now = T0.plusSeconds(600);

        assertThat(b.oldestAge("freeze", now)).contains(Duration.ofSeconds(600));
        assertThat(b.oldestAge("mint", now)).as("the confirmed older mint does not count").contains(Duration.ofSeconds(500));
        assertThat(b.oldestAge("run-claim", now)).isEmpty();
        assertThat(b.oldestAge(now)).contains(Duration.ofSeconds(600));
        assertThat(JobBacklog.EMPTY.oldestAge(now)).isEmpty();
        assertThat(b.oldestAge("freeze", T0.minusSeconds(5))).as("a clock behind the database's is not a negative age")
                .contains(Duration.ZERO);
    }

    @Test
    void refusesTerminalStatesAndDuplicateGroups() {
        assertThatThrownBy(() -> new JobBacklog(List.of(new JobBacklog.Group("mint", JobState.FAILED, 1, T0))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JobBacklog(List.of(new JobBacklog.Group("mint", JobState.SUBMITTED, 1, T0),
                new JobBacklog.Group("mint", JobState.SUBMITTED, 2, T0)))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JobBacklog.Group("mint", JobState.SUBMITTED, 0, T0)).isInstanceOf(IllegalArgumentException.class);
    }
}
