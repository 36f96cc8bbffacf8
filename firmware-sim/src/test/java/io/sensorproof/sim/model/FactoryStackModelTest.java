package io.sensorproof.sim.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.senml.Quantity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FactoryStackModelTest {
    private static final long HOUR = 3_600_000;

    /** Hourly masses over two weeks from Monday 2026-03-02, process change after the first week. */
    private static List<Double> hourly(long seed) {
        long start = Instant.parse("2026-03-02T00:00:00Z").toEpochMilli();
        FactoryStackModel model = new FactoryStackModel(new FactoryStackModel.Parameters(1000, HOUR, start + 7 * 24 * HOUR, 0.7), seed);
        List<Double> masses = new ArrayList<>();
        for (int q = 1; q <= 14 * 24 * 4; q++) {
            for (Sample s : model.step(start + q * HOUR / 4, HOUR / 4, SensorModel.Conditions.NORMAL)) {
                assertThat(s.quantity()).isEqualTo(Quantity.CO2E);
                masses.add(s.value());
            }
        }
        return masses;
    }

    @Test
    void reportsOneMassPerIntervalFollowingShiftsAndWeekends() {
        List<Double> m = hourly(1);
        assertThat(m).hasSize(14 * 24);
        double mondayMorning = m.get(8);
        double mondayNight = m.get(2);
        double sunday = m.get(6 * 24 + 10);
        assertThat(mondayMorning).isBetween(900.0, 1100.0);
        assertThat(mondayNight).isBetween(300.0, 400.0);
        assertThat(sunday).isBetween(80.0, 120.0);
    }

    @Test
    void processChangeLowersTheEmissionFactorFromItsDate() {
        List<Double> m = hourly(2);
        double weekOne = m.subList(0, 7 * 24).stream().mapToDouble(Double::doubleValue).sum();
        double weekTwo = m.subList(7 * 24, 14 * 24).stream().mapToDouble(Double::doubleValue).sum();
        assertThat(weekTwo / weekOne).isBetween(0.68, 0.72);
    }

    @Test
    void sameSeedSameMasses() {
        assertThat(hourly(5)).isEqualTo(hourly(5)).isNotEqualTo(hourly(6));
    }
}
