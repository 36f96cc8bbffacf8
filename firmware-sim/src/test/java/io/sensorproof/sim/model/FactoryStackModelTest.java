package io.sensorproof.sim.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FactoryStackModelTest {
    private static final long HOUR = 3_600_000;
    private static final long START = Instant.parse("2026-03-02T00:00:00Z").toEpochMilli();

    /** Hourly register readings (grams) over two weeks from Monday 2026-03-02, process change after the first week. */
    private static List<Long> hourlyRegister(long seed, long registerAtStart) {
        FactoryStackModel model = new FactoryStackModel(
                new FactoryStackModel.Parameters(1000, HOUR, START + 7 * 24 * HOUR, 0.7, registerAtStart), seed);
        List<Long> register = new ArrayList<>();
        for (int q = 1; q <= 14 * 24 * 4; q++) {
            for (Sample s : model.step(START + q * HOUR / 4, HOUR / 4, SensorModel.Conditions.NORMAL)) {
                assertThat(s.quantity()).isEqualTo(Quantity.CO2E_REGISTER);
                assertThat(s.value()).as("whole grams").isEqualTo(Math.rint(s.value()));
                new Reading(s.quantity(), s.value(), START + q * HOUR / 4).checkValue();
                register.add((long) s.value());
            }
        }
        return register;
    }

    /** The mass of hour i: the difference of two register readings. */
    private static double hourKg(List<Long> register, long registerAtStart, int i) {
        return (register.get(i) - (i == 0 ? registerAtStart : register.get(i - 1))) / 1000.0;
    }

    @Test
    void reportsOneRegisterReadingPerIntervalWhoseDifferencesFollowShiftsAndWeekends() {
        List<Long> r = hourlyRegister(1, 0);
        assertThat(r).hasSize(14 * 24);
        assertThat(hourKg(r, 0, 8)).as("Monday 08-09").isBetween(900.0, 1100.0);
        assertThat(hourKg(r, 0, 2)).as("Monday 02-03").isBetween(300.0, 400.0);
        assertThat(hourKg(r, 0, 6 * 24 + 10)).as("Sunday").isBetween(80.0, 120.0);
    }

    @Test
    void theRegisterNeverDecreasesAndAProcessChangeLowersOnlyItsRate() {
        List<Long> r = hourlyRegister(2, 0);
        assertThat(r).isSorted();
        double weekOne = r.get(7 * 24 - 1) / 1000.0;
        double weekTwo = (r.get(14 * 24 - 1) - r.get(7 * 24 - 1)) / 1000.0;
        assertThat(weekTwo / weekOne).isBetween(0.68, 0.72);
    }

    @Test
    void startsFromTheRegisterOfACommissionedMeterPastTwoToThe32() {
        long twentyYears = 262_800_000_000L;
        List<Long> offset = hourlyRegister(3, twentyYears);
        List<Long> fresh = hourlyRegister(3, 0);
        for (int i = 0; i < fresh.size(); i++) {
            assertThat(offset.get(i)).isEqualTo(twentyYears + fresh.get(i));
        }
    }

    @Test
    void sameSeedSameRegister() {
        assertThat(hourlyRegister(5, 0)).isEqualTo(hourlyRegister(5, 0)).isNotEqualTo(hourlyRegister(6, 0));
    }
}
