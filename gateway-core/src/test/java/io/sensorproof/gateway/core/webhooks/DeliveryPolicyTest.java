package io.sensorproof.gateway.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.gateway.core.webhooks.DeliveryPolicy.Disposition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link DeliveryPolicy}: the backoff schedule, its jitter bounds, giving up, and which answers retry. */
class DeliveryPolicyTest {
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
    private final DeliveryPolicy policy = DeliveryPolicy.defaults();

    @Test
    void backoffDoublesFromOneSecondAndIsCappedAtTenMinutes() {
        List<Long> seconds = new ArrayList<>();
        for (int retry = 1; retry <= 14; retry++) {
            seconds.add(policy.backoff(retry).toSeconds());
        }
        assertThat(seconds).containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 512L, 600L, 600L, 600L, 600L);
        assertThat(policy.backoff(10_000)).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void jitterShortensAWaitByAtMostItsFraction() {
        Instant now = T0.plusSeconds(5);
        assertThat(policy.nextAttempt(3, T0, now, Optional.empty(), 0.0)).contains(now.plusSeconds(4));
        assertThat(policy.nextAttempt(3, T0, now, Optional.empty(), 0.999_999)).contains(now.plusMillis(3200));
        for (double r = 0; r < 1; r += 0.05) {
            Instant next = policy.nextAttempt(3, T0, now, Optional.empty(), r).orElseThrow();
            assertThat(Duration.between(now, next)).isBetween(Duration.ofMillis(3200), Duration.ofSeconds(4));
        }
    }

    @Test
    void retryAfterLengthensTheWaitButNotBeyondTheCap() {
        assertThat(policy.nextAttempt(1, T0, T0, Optional.of(Duration.ofSeconds(30)), 0)).contains(T0.plusSeconds(30));
        assertThat(policy.nextAttempt(1, T0, T0, Optional.of(Duration.ofHours(5)), 0)).contains(T0.plusSeconds(600));
        assertThat(policy.nextAttempt(5, T0, T0, Optional.of(Duration.ofSeconds(1)), 0)).contains(T0.plusSeconds(16));
    }

    @Test
    void givesUpAfterMaxAttempts() {
        DeliveryPolicy three = new DeliveryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(10), 0, 3, Duration.ofHours(1),
                Duration.ofSeconds(5));
        assertThat(three.nextAttempt(2, T0, T0, Optional.empty(), 0)).isPresent();
        assertThat(three.nextAttempt(3, T0, T0, Optional.empty(), 0)).isEmpty();
    }

    @Test
    void givesUpWhenTheNextAttemptWouldBePastTheMaximumAge() {
        Instant late = T0.plus(Duration.ofHours(72)).minusSeconds(601);
        assertThat(policy.nextAttempt(20, T0, late, Optional.empty(), 0)).contains(late.plusSeconds(600));
        assertThat(policy.nextAttempt(20, T0, late.plusSeconds(1), Optional.empty(), 0)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "200, DELIVERED", "202, DELIVERED", "204, DELIVERED", "299, DELIVERED",
        "408, RETRY", "429, RETRY", "500, RETRY", "502, RETRY", "503, RETRY", "504, RETRY", "599, RETRY",
        "410, DISABLE_ENDPOINT",
        "100, FAIL", "301, FAIL", "302, FAIL", "400, FAIL", "401, FAIL", "403, FAIL", "404, FAIL", "413, FAIL",
    })
    void classifiesStatuses(int status, Disposition expected) {
        assertThat(policy.classify(status)).isEqualTo(expected);
    }
}
