package io.sensorproof.oracle.batches;

import static io.sensorproof.oracle.batches.BatchReadings.T0;
import static io.sensorproof.oracle.batches.BatchReadings.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchPolicyTest {
    private final BatchPolicy policy = new BatchPolicy(4, Duration.ofSeconds(60));

    @Test
    void sealsTheFirstMaxSizeReadingsAsSoonAsThatManyArePending() {
        List<BatchReading> pending = series("d1", 4);
        assertThat(policy.due(pending, T0)).contains(pending);
    }

    @Test
    void waitsWhileFewerThanMaxSizeArePendingAndTheWindowIsOpen() {
        List<BatchReading> pending = series("d1", 3);
        assertThat(policy.due(pending, T0.plusSeconds(59))).isEmpty();
    }

    @Test
    void sealsWhatIsPendingOnceTheEarliestReceivedReadingWaitedAWindow() {
        List<BatchReading> pending = series("d1", 3);
        assertThat(policy.due(pending, T0.plusSeconds(60))).contains(pending);
        // the window opens at the earliest receipt, not at the first in commit order
        List<BatchReading> reversed = List.of(pending.get(2), pending.get(1), pending.get(0));
        assertThat(policy.due(reversed, T0.plusSeconds(60))).contains(reversed);
        assertThat(policy.due(pending.subList(1, 3), T0.plusSeconds(60))).isEmpty();
    }

    @Test
    void sealsNothingWhenNothingIsPending() {
        assertThat(policy.due(List.of(), T0.plusSeconds(3600))).isEmpty();
    }

    @Test
    void refusesSizesOutsideTheTreeAndNonPositiveWindows() {
        assertThatThrownBy(() -> new BatchPolicy(0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BatchPolicy(65_537, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BatchPolicy(16, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new BatchPolicy(65_536, Duration.ofMillis(1)).maxSize()).isEqualTo(65_536);
    }
}
