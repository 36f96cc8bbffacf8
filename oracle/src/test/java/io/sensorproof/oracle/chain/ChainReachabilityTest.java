package io.sensorproof.oracle.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ChainReachabilityTest {
    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static final Instant T0 = Instant.parse("2026-12-04T05:00:00Z");

    @Test
    void remembersTheLastAnswerAndCountsFailuresWhileTheNodeIsAway() {
        MutableClock clock = new MutableClock(T0);
        AtomicReference<ChainHead> node = new AtomicReference<>(new ChainHead(41, T0.minusSeconds(2)));
        ChainReachability r = new ChainReachability(() -> {
            ChainHead h = node.get();
            if (h == null) {
                throw new IllegalStateException("connection refused");
            }
            return h;
        }, clock);

        assertThat(r.lastSuccess()).isEmpty();
        assertThat(r.headAge(T0)).isEmpty();
        assertThat(r.probe().head()).contains(new ChainHead(41, T0.minusSeconds(2)));
        assertThat(r.lastSuccess()).contains(T0);
        assertThat(r.headAge(T0)).contains(Duration.ofSeconds(2));

        node.set(null);
        clock.advance(Duration.ofSeconds(30));
        ChainReachability.Probe failed = r.probe();
        assertThat(failed.head()).isEmpty();
        assertThat(failed.error()).hasValueSatisfying(e -> assertThat(e).contains("connection refused"));
        assertThat(r.failures()).isEqualTo(1);
        assertThat(r.lastSuccess()).as("a failure keeps the last success").contains(T0);
        assertThat(r.lastHead()).hasValueSatisfying(h -> assertThat(h.number()).isEqualTo(41));
        assertThat(r.lastError()).isPresent();

        node.set(new ChainHead(42, clock.instant()));
        r.probe();
        assertThat(r.lastSuccess()).contains(T0.plusSeconds(30));
        assertThat(r.lastError()).isEmpty();
        assertThat(r.failures()).isEqualTo(1);
    }

    @Test
    void aNodeReturningNoHeadIsAFailureNotACrash() {
        ChainReachability r = new ChainReachability(() -> null, new MutableClock(T0));
        assertThat(r.probe().error()).isPresent();
        assertThat(r.failures()).isEqualTo(1);
        assertThat(r.lastSuccess()).isEmpty();
    }
}
