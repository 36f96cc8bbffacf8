package io.sensorproof.oracle.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class FollowerLagTest {
    @Test
    void lagIsConfirmedBlocksAfterTheCursor() {
        assertThat(FollowerLag.of(100, 1, OptionalLong.of(100), 5)).isEqualTo(new FollowerLag(100, 0));
        assertThat(FollowerLag.of(100, 1, OptionalLong.of(90), 5)).isEqualTo(new FollowerLag(90, 10));
        assertThat(FollowerLag.of(100, 3, OptionalLong.of(90), 5)).as("the last 2 blocks are not confirmed yet")
                .isEqualTo(new FollowerLag(90, 8));
        assertThat(FollowerLag.of(100, 3, OptionalLong.of(98), 5)).isEqualTo(new FollowerLag(98, 0));
    }

    @Test
    void beforeItsFirstStepTheFollowerIsBeforeTheStartBlock() {
        assertThat(FollowerLag.of(20, 1, OptionalLong.empty(), 11)).isEqualTo(new FollowerLag(10, 10));
        assertThat(FollowerLag.of(5, 1, OptionalLong.empty(), 11)).as("a head below the start is no lag").isEqualTo(new FollowerLag(10, 0));
    }

    @Test
    void aCursorAboveTheHeadIsNoNegativeLag() {
        assertThat(FollowerLag.of(50, 1, OptionalLong.of(60), 1).blocksBehind()).isZero();
        assertThatThrownBy(() -> FollowerLag.of(50, 0, OptionalLong.of(1), 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
