package io.sensorproof.sim.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.sim.fleet.DeviceSimulation;
import io.sensorproof.sim.scenario.Scenario;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The factory act's plan: the period's readings as the simulator produces them, and the contract's charge for them. */
class FactoryPlanTest {
    private static final FactoryPlan PLAN = FactoryPlan.DEMO;
    /** A Tuesday 08:00 UTC: full load all period. */
    private static final Instant START = Instant.parse("2026-01-06T08:00:00Z");

    private static List<Reading> registerReadings(Scenario scenario) {
        DeviceSimulation sim = new DeviceSimulation(scenario, scenario.devices().get(0));
        List<Reading> out = new ArrayList<>();
        for (long k = 1; k <= scenario.ticks(); k++) {
            sim.tick(k).stream().filter(r -> r.quantity() == Quantity.CO2E_REGISTER).forEach(out::add);
        }
        return out;
    }

    @Test
    void readingsCoverThePeriodFromFirstTickToOneTickPastItsEndExceptTheOutage() {
        Scenario scenario = PLAN.scenario(START);
        assertThat(scenario.speed()).as("real time: reading times are wall times").isEqualTo(1.0);
        assertThat(scenario.agent().packMaxRecords()).as("each reading is sent as it is taken").isEqualTo(1);
        List<Long> offsets = registerReadings(scenario).stream().map(r -> (r.timeMillis() - START.toEpochMilli()) / 1000).toList();
        // every 4 s from 4 s to 44 s (the end + one tick), without 8, 12 and 16 s (the outage from 8 s to 20 s)
        assertThat(offsets).containsExactly(4L, 20L, 24L, 28L, 32L, 36L, 40L, 44L);
    }

    @Test
    void emissionsFallAfterTheProcessChange() {
        List<Reading> readings = registerReadings(PLAN.scenario(START));
        double before = rate(readings.get(1), readings.get(2));
        double after = rate(readings.get(readings.size() - 2), readings.get(readings.size() - 1));
        assertThat(before).as("kg/h before the change, full load").isBetween(36_000 * 0.9, 36_000 * 1.1);
        assertThat(after / before).as("the cleaner process").isBetween(0.5, 0.7);
        assertThat(readings).extracting(Reading::value).isSorted();
    }

    private static double rate(Reading from, Reading to) {
        return (to.value() - from.value()) / 1000.0 / ((to.timeMillis() - from.timeMillis()) / 3_600_000.0);
    }

    @Test
    void theOutageIsChargedWholeAndTheEdgesAreNot() {
        List<Instant> times = registerReadings(PLAN.scenario(START)).stream().map(r -> Instant.ofEpochMilli(r.timeMillis())).toList();
        Instant end = START.plus(PLAN.period());
        long charged = PLAN.chargedGapMs(times, START, end);
        assertThat(charged).as("the gap from 4 s to 20 s, nothing at the edges").isEqualTo(16_000);
        assertThat(PLAN.substituteGrams(charged)).as("16 s at 36 t/h").isEqualTo(160_000);
        assertThat(PLAN.chargedGapMs(times.subList(1, times.size() - 2), START, end)).as("first reading at 20 s, last at 36 s")
                .isEqualTo(20_000 + 4_000);
        assertThat(PLAN.chargedGapMs(List.of(), START, end)).as("a silent device").isEqualTo(40_000);
    }

    @Test
    void refusesPlansWhoseOutageWouldNotBeChargedOrWhoseTicksWouldBe() {
        assertThatThrownBy(() -> withOutage(Duration.ofSeconds(4))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nothing would be charged");
        assertThatThrownBy(() -> new FactoryPlan(PLAN.factoryTenant(), PLAN.exchangeTenant(), PLAN.deviceId(), PLAN.lead(), PLAN.period(),
                Duration.ofSeconds(10), PLAN.processChangeAt(), PLAN.factorAfter(), PLAN.kgPerHourAtFullLoad(), Duration.ofSeconds(10),
                PLAN.outage(), PLAN.baselineKg(), PLAN.maxGapMs(), PLAN.substituteRateKgPerHour(), PLAN.stepTimeout()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer than maxGap");
    }

    private static FactoryPlan withOutage(Duration outage) {
        return new FactoryPlan(PLAN.factoryTenant(), PLAN.exchangeTenant(), PLAN.deviceId(), PLAN.lead(), PLAN.period(), PLAN.tick(),
                PLAN.processChangeAt(), PLAN.factorAfter(), PLAN.kgPerHourAtFullLoad(), PLAN.outageAt(), outage, PLAN.baselineKg(),
                PLAN.maxGapMs(), PLAN.substituteRateKgPerHour(), PLAN.stepTimeout());
    }
}
