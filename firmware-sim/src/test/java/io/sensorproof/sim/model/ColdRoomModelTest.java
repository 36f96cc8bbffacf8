package io.sensorproof.sim.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.senml.Quantity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColdRoomModelTest {
    private static final long START = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;

    private static List<Double> temperatures(ColdRoomModel model, int minutes, long failAtMinute) {
        List<Double> values = new ArrayList<>();
        for (int m = 1; m <= minutes; m++) {
            SensorModel.Conditions c = new SensorModel.Conditions(m >= failAtMinute);
            for (Sample s : model.step(START + m * MINUTE, MINUTE, c)) {
                if (s.quantity() == Quantity.TEMPERATURE) {
                    values.add(s.value());
                }
            }
        }
        return values;
    }

    @Test
    void healthyRoomHoldsItsSetpointWithACompressorDutyCycle() {
        ColdRoomModel model = new ColdRoomModel(ColdRoomModel.Parameters.DEFAULT, 1);
        List<Double> t = temperatures(model, 48 * 60, Long.MAX_VALUE);
        double mean = t.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(mean).isBetween(3.5, 5.5);
        assertThat(t.stream().filter(v -> v > 9.0)).as("minutes above 9 °C").isEmpty();
        double duty = model.compressorOnMillis() / (double) model.simulatedMillis();
        assertThat(duty).isBetween(0.2, 0.7);
    }

    @Test
    void failedCompressorLetsTheRoomWarmSlowlyTowardAmbient() {
        ColdRoomModel model = new ColdRoomModel(ColdRoomModel.Parameters.DEFAULT, 2);
        List<Double> t = temperatures(model, 12 * 60, 6 * 60);
        double hourBefore = t.subList(5 * 60, 6 * 60).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double firstHour = t.subList(6 * 60, 7 * 60).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double lastHour = t.subList(11 * 60, 12 * 60).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(firstHour).as("no jump: the first hour warms by a few degrees at most").isLessThan(hourBefore + 4);
        assertThat(lastHour).isGreaterThan(hourBefore + 6).isLessThan(18.5);
        for (int h = 7; h < 12; h++) {
            double prev = t.subList((h - 1) * 60, h * 60).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            double cur = t.subList(h * 60, (h + 1) * 60).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            assertThat(cur).as("hour %d warmer than the one before", h).isGreaterThan(prev);
        }
    }

    @Test
    void sameSeedGivesTheSameSamplesAndAnotherSeedOthers() {
        List<Double> a = temperatures(new ColdRoomModel(ColdRoomModel.Parameters.DEFAULT, 9), 600, Long.MAX_VALUE);
        List<Double> b = temperatures(new ColdRoomModel(ColdRoomModel.Parameters.DEFAULT, 9), 600, Long.MAX_VALUE);
        List<Double> c = temperatures(new ColdRoomModel(ColdRoomModel.Parameters.DEFAULT, 10), 600, Long.MAX_VALUE);
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void humidityStaysAPercentage() {
        ColdRoomModel model = new ColdRoomModel(ColdRoomModel.Parameters.DEFAULT, 3);
        for (int m = 1; m <= 24 * 60; m++) {
            for (Sample s : model.step(START + m * MINUTE, MINUTE, SensorModel.Conditions.NORMAL)) {
                if (s.quantity() == Quantity.HUMIDITY) {
                    assertThat(s.value()).isBetween(0.0, 100.0);
                }
            }
        }
    }
}
