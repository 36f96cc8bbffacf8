package io.sensorproof.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuarantineQuotaTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-11-24T16:00:00Z"));

    private QuarantineQuota quota(int perConnection, int global, int tracked) {
        return new QuarantineQuota(new QuarantineQuota.Settings(perConnection, Duration.ofMinutes(1), global, tracked), clock);
    }

    private static int acquired(QuarantineQuota quota, String connection, int attempts) {
        int ok = 0;
        for (int i = 0; i < attempts; i++) {
            if (quota.tryAcquire(connection)) {
                ok++;
            }
        }
        return ok;
    }

    @Test
    void allowsABurstOfOneWindowThenDropsAndCounts() {
        QuarantineQuota quota = quota(10, 1_000, 100);

        assertThat(acquired(quota, "a", 15)).isEqualTo(10);
        assertThat(quota.overQuota("a")).isEqualTo(5);
        assertThat(quota.overQuotaTotal()).isEqualTo(5);
    }

    @Test
    void refillsEvenlyOverTheWindowUpToOneWindowsWorth() {
        QuarantineQuota quota = quota(10, 1_000, 100);
        acquired(quota, "a", 10);

        clock.advance(Duration.ofSeconds(30));
        assertThat(acquired(quota, "a", 10)).isEqualTo(5);

        clock.advance(Duration.ofHours(5));
        assertThat(acquired(quota, "a", 20)).isEqualTo(10);
    }

    @Test
    void connectionsHaveSeparateBudgets() {
        QuarantineQuota quota = quota(3, 1_000, 100);

        assertThat(acquired(quota, "intruder", 50)).isEqualTo(3);
        assertThat(acquired(quota, "victim", 3)).isEqualTo(3);
        assertThat(quota.overQuota("victim")).isZero();
        assertThat(quota.overQuotaByConnection()).containsExactlyEntriesOf(Map.of("intruder", 47L));
    }

    @Test
    void globalBudgetCapsAllConnectionsTogether() {
        QuarantineQuota quota = quota(3, 4, 100);

        int kept = 0;
        for (int c = 0; c < 10; c++) {
            kept += acquired(quota, "bot-" + c, 1);
        }

        assertThat(kept).isEqualTo(4);
        assertThat(quota.overQuotaTotal()).isEqualTo(6);
    }

    @Test
    void zeroBudgetKeepsNothing() {
        QuarantineQuota quota = quota(0, 1_000, 100);

        assertThat(acquired(quota, "a", 3)).isZero();
    }

    @Test
    void clockSteppingBackNeitherAddsNorRemovesTokens() {
        QuarantineQuota quota = quota(4, 1_000, 100);
        acquired(quota, "a", 2);

        clock.advance(Duration.ofMinutes(-10));
        assertThat(acquired(quota, "a", 5)).isEqualTo(2);
    }

    @Test
    void forgetsTheLeastRecentlyUsedConnectionBeyondTheLimit() {
        QuarantineQuota quota = quota(1, 1_000, 2);
        acquired(quota, "old", 3);
        acquired(quota, "b", 1);
        acquired(quota, "c", 1);

        assertThat(quota.overQuota("old")).isZero();
        assertThat(quota.overQuotaByConnection()).doesNotContainKey("old");
        assertThat(quota.overQuotaTotal()).isEqualTo(2);
    }

    @Test
    void refusesNonsensicalSettings() {
        assertThatThrownBy(() -> new QuarantineQuota.Settings(-1, Duration.ofMinutes(1), 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QuarantineQuota.Settings(1, Duration.ZERO, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QuarantineQuota.Settings(1, Duration.ofMinutes(1), 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(QuarantineQuota.Settings.defaults().entriesPerWindow()).isEqualTo(60);
    }
}
