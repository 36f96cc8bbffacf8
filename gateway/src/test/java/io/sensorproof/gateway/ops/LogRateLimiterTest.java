package io.sensorproof.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogRateLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LogRateLimiter limiter = new LogRateLimiter(5, now::get);

    @Test
    void allowsABurstOfTheRateThenRefusesUntilTimePasses() {
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.tryAcquire()).isTrue();
        }
        assertThat(limiter.tryAcquire()).isFalse();

        now.addAndGet(200_000_000L);

        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(limiter.tryAcquire()).isFalse();
    }

    @Test
    void idleTimeDoesNotBuildABurstLargerThanTheRate() {
        now.addAndGet(3_600_000_000_000L);
        int allowed = 0;
        while (limiter.tryAcquire()) {
            allowed++;
        }
        assertThat(allowed).isEqualTo(5);
    }

    @Test
    void refusesNonPositiveRate() {
        assertThatThrownBy(() -> new LogRateLimiter(0, now::get)).isInstanceOf(IllegalArgumentException.class);
    }
}
