package io.sensorproof.gateway.core.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.retry.Backoff;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The MQTT adapter's reconnect parameters (ADR 049); the delays themselves are tested in the protocol module's BackoffTest. */
class MqttIngestAdapterBackoffTest {
    @Test
    void firstReconnectComesWithinATenthOfASecondAndNoneWaitsMoreThanTwoSeconds() {
        Backoff backoff = MqttIngestAdapter.reconnectBackoff();
        assertThat(backoff.first()).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.max()).isEqualTo(Duration.ofSeconds(2));
        for (int i = 0; i < 1_000; i++) {
            assertThat(backoff.delay(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
            assertThat(backoff.delay(i)).isLessThanOrEqualTo(Duration.ofSeconds(2));
        }
    }
}
