package io.sensorproof.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AckTimeoutTest {
    private static final long MS = 1_000_000L;

    @Test
    void isTheConfiguredTimeoutUntilSomethingIsMeasured() {
        AckTimeout timer = new AckTimeout(Duration.ofSeconds(3));
        assertThat(timer.current()).isEqualTo(Duration.ofSeconds(3));
        timer.acknowledged(-1);
        assertThat(timer.current()).as("an acknowledgement of resent messages measures nothing").isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void followsTheMeasuredRoundTripAsRfc6298Computes() {
        AckTimeout timer = new AckTimeout(Duration.ofSeconds(1));
        timer.acknowledged(2_000 * MS); // first: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 RTTVAR = 3 R
        assertThat(timer.current()).isEqualTo(Duration.ofSeconds(6));
        timer.acknowledged(4_000 * MS); // RTTVAR = 3/4 1000 + 1/4 |2000 - 4000| = 1250; SRTT = 7/8 2000 + 1/8 4000 = 2250
        assertThat(timer.current()).isEqualTo(Duration.ofMillis(2_250 + 4 * 1_250));
    }

    @Test
    void neverGoesBelowTheConfiguredTimeoutNorAboveTheCeiling() {
        AckTimeout quick = new AckTimeout(Duration.ofSeconds(3));
        quick.acknowledged(5 * MS);
        assertThat(quick.current()).as("a quick gateway: the configured timeout, as before").isEqualTo(Duration.ofSeconds(3));
        AckTimeout slow = new AckTimeout(Duration.ofSeconds(3));
        slow.acknowledged(50_000 * MS);
        assertThat(slow.current()).isEqualTo(AckTimeout.CEILING);
        AckTimeout longConfigured = new AckTimeout(Duration.ofSeconds(90));
        longConfigured.acknowledged(200_000 * MS);
        assertThat(longConfigured.current()).as("a configured timeout above 60 s is its own ceiling").isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void backsOffOnTimeoutsOnlyWhileAcknowledgementsStillArrive() {
        AckTimeout timer = new AckTimeout(Duration.ofSeconds(3));
        timer.timedOut();
        timer.timedOut();
        assertThat(timer.current()).as("nothing came back (no gateway): the timer stays, a restarted gateway is noticed as soon as before")
                .isEqualTo(Duration.ofSeconds(3));
        timer.acknowledged(-1);
        timer.timedOut();
        assertThat(timer.current()).as("alive but slower than the timer").isEqualTo(Duration.ofSeconds(6));
        timer.acknowledged(-1);
        timer.timedOut();
        assertThat(timer.current()).isEqualTo(Duration.ofSeconds(12));
        timer.timedOut();
        assertThat(timer.current()).as("no acknowledgement since the last timeout").isEqualTo(Duration.ofSeconds(12));
        for (int i = 0; i < 10; i++) {
            timer.acknowledged(-1);
            timer.timedOut();
        }
        assertThat(timer.current()).isEqualTo(AckTimeout.CEILING);
    }

    @Test
    void aValidMeasurementOrANewConnectionEndsTheBackoff() {
        AckTimeout timer = new AckTimeout(Duration.ofSeconds(3));
        timer.acknowledged(-1);
        timer.timedOut();
        timer.acknowledged(-1);
        timer.timedOut();
        assertThat(timer.current()).isEqualTo(Duration.ofSeconds(12));
        timer.acknowledged(1_500 * MS);
        assertThat(timer.current()).isEqualTo(Duration.ofMillis(4_500));
        timer.acknowledged(-1);
        timer.timedOut();
        assertThat(timer.current()).isEqualTo(Duration.ofSeconds(9));
        timer.reconnected();
        assertThat(timer.current()).isEqualTo(Duration.ofMillis(4_500));
    }

    @Test
    void refusesANonPositiveTimeout() {
        assertThatThrownBy(() -> new AckTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
