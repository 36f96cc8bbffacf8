package io.sensorproof.sim.model;

import io.sensorproof.protocol.senml.Quantity;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Random;

/**
 * A factory stack's CO2e emissions meter: the production load follows shifts (weekdays 06–14 full,
 * 14–22 at 90 %, nights at 35 %; Saturday mornings at half load; otherwise idle at 10 %), with a few
 * percent of noise, times an emission factor that drops to {@code factorAfter} from
 * {@code processChange} on (a cleaner process). The meter reports its emissions register
 * ({@code co2e-register}) at the end of each interval: {@code registerAtStart} plus the mass emitted
 * since the scenario's start, in whole grams. The rate never goes below 0, so the register never
 * decreases; a process change lowers the rate, never the register.
 */
public final class FactoryStackModel implements SensorModel {
    private final Parameters p;
    private final Random random;
    private double emittedKg;
    private long accumulatedMillis;

    /**
     * @param kgPerHourAtFullLoad emission rate at full load before the process change
     * @param intervalMillis reporting interval (a multiple of the tick is expected)
     * @param processChangeMillis from this simulated time on the factor is {@code factorAfter} (Long.MAX_VALUE: never)
     * @param factorAfter emission factor after the change (before: 1)
     * @param registerAtStartGrams the register when the scenario starts (the meter was commissioned earlier)
     */
    public record Parameters(double kgPerHourAtFullLoad, long intervalMillis, long processChangeMillis, double factorAfter,
            long registerAtStartGrams) {
        /** 1.2 t/h at full load, 15-minute intervals, no process change, a register starting at 0. */
        public static final Parameters DEFAULT = new Parameters(1200.0, 900_000, Long.MAX_VALUE, 0.75, 0);
    }

    public FactoryStackModel(Parameters parameters, long seed) {
        this.p = parameters;
        this.random = new Random(seed);
    }

    @Override
    public List<Quantity> quantities() {
        return List.of(Quantity.CO2E_REGISTER);
    }

    @Override
    public Quantity primaryQuantity() {
        return Quantity.CO2E_REGISTER;
    }

    /** The production load (0..1) at {@code simMillis}. */
    public static double load(long simMillis) {
        ZonedDateTime time = Instant.ofEpochMilli(simMillis).atZone(ZoneOffset.UTC);
        DayOfWeek day = time.getDayOfWeek();
        int hour = time.getHour();
        if (day == DayOfWeek.SUNDAY) {
            return 0.10;
        }
        if (day == DayOfWeek.SATURDAY) {
            return hour >= 6 && hour < 14 ? 0.5 : 0.10;
        }
        if (hour >= 6 && hour < 14) {
            return 1.0;
        }
        return hour >= 14 && hour < 22 ? 0.9 : 0.35;
    }

    /** The emission factor at {@code simMillis}. */
    public double factor(long simMillis) {
        return simMillis >= p.processChangeMillis() ? p.factorAfter() : 1.0;
    }

    @Override
    public List<Sample> step(long simMillis, long dtMillis, Conditions conditions) {
        double noise = 1 + random.nextGaussian() * 0.03;
        double rate = p.kgPerHourAtFullLoad() * load(simMillis - 1) * factor(simMillis - 1) * Math.max(0, noise);
        emittedKg += rate * dtMillis / 3_600_000.0;
        accumulatedMillis += dtMillis;
        if (accumulatedMillis < p.intervalMillis()) {
            return List.of();
        }
        accumulatedMillis = 0;
        return List.of(new Sample(Quantity.CO2E_REGISTER, p.registerAtStartGrams() + Math.round(emittedKg * 1000)));
    }
}
