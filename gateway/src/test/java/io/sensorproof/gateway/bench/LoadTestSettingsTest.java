package io.sensorproof.gateway.bench;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The load tests refuse settings they cannot run before they start a gateway: {@code --devices 0} used to start the
 * gateway, register nothing and end in an {@code ArrayIndexOutOfBoundsException}.
 */
class LoadTestSettingsTest {
    private static CoapLoadTest.Settings coap(int devices, int window, long phaseSeconds, int pack1, int generatorThreads) {
        return new CoapLoadTest.Settings(devices, window, Duration.ofSeconds(90), Duration.ofSeconds(phaseSeconds), 9000, pack1, 1500,
                Duration.ofSeconds(40), 2500, Duration.ofSeconds(60), generatorThreads, List.of());
    }

    private static GatewayLoadTest.Settings mqtt(int devices, int connections, int window, double rate, int pack10) {
        return new GatewayLoadTest.Settings(devices, connections, window, rate, 8000, 2000, 1000, pack10, Duration.ofSeconds(240),
                List.of());
    }

    @Test
    void coapSettingsTheProfileUsesAreAccepted() {
        assertThatCode(() -> coap(50, 8, 25, 2000, 2)).doesNotThrowAnyException();
    }

    @Test
    void coapRefusesWhatItCannotRun() {
        assertThatThrownBy(() -> coap(0, 8, 25, 2000, 2)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--devices");
        assertThatThrownBy(() -> coap(50, 0, 25, 2000, 2)).hasMessageContaining("--window");
        assertThatThrownBy(() -> coap(50, 8, 0, 2000, 2)).hasMessageContaining("--seconds");
        assertThatThrownBy(() -> coap(50, 8, 25, 0, 2)).hasMessageContaining("--pack1-messages");
        assertThatThrownBy(() -> coap(50, 8, 25, 2000, 0)).hasMessageContaining("--generator-threads");
    }

    @Test
    void mqttSettingsTheProfileUsesAreAccepted() {
        assertThatCode(() -> mqtt(50, 4, 8, 0, 400)).doesNotThrowAnyException();
    }

    @Test
    void mqttRefusesWhatItCannotRun() {
        assertThatThrownBy(() -> mqtt(0, 4, 8, 0, 400)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--devices");
        assertThatThrownBy(() -> mqtt(50, 0, 8, 0, 400)).hasMessageContaining("--connections");
        assertThatThrownBy(() -> mqtt(50, 4, 0, 0, 400)).hasMessageContaining("--window");
        assertThatThrownBy(() -> mqtt(50, 4, 8, -1, 400)).hasMessageContaining("--rate");
        assertThatThrownBy(() -> mqtt(50, 4, 8, 0, 0)).hasMessageContaining("--pack10-messages");
    }
}
