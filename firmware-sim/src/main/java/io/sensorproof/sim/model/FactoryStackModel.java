package io.sensorproof.sim.model;

import io.sensorproof.protocol.senml.Quantity;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Random;

/**
 * A factory stack's CO2e emissions: the production load follows shifts (weekdays 06–14 full,
 * 14–22 at 90 %, nights at 35 %; Saturday mornings at half load; otherwise idle at 10 %), with a few
 * percent of noise, times an emission factor that drops to {@code factorAfter} from
 * {@code processChange} on (a cleaner process). The mass emitted over each interval is reported at
 * the interval's end, in kg rounded to 0.001.
 */
public final class FactoryStackModel implements SensorModel {
    private final Parameters p;
    private final Random random;
    private double accumulatedKg;
    private long accumulatedMillis;

    /**
     * @param kgPerHourAtFullLoad emission rate at full load before the process change
     * @param intervalMillis reporting interval (a multiple of the tick is expected)
     * @param processChangeMillis from this simulated time on the factor is {@code factorAfter} (Long.MAX_VALUE: never)
     * @param factorAfter emission factor after the change (before: 1)
     */
    public record Parameters(double kgPerHourAtFullLoad, long intervalMillis, long processChangeMillis, double factorAfter) {
        /** 1.2 t/h at full load, 15-minute intervals, no process change. */
        public static final Parameters DEFAULT = new Parameters(1200.0, 900_000, Long.MAX_VALUE, 0.75);
    }

    public FactoryStackModel(Parameters parameters, long seed) {
        this.p = parameters;
        this.random = new Random(seed);
    }

    @Override
    public List<Quantity> quantities() {
        return List.of(Quantity.CO2E);
    }

    @Override
    public Quantity primaryQuantity() {
        return Quantity.CO2E;
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
        accumulatedKg += rate * dtMillis / 3_600_000.0;
        accumulatedMillis += dtMillis;
        if (accumulatedMillis < p.intervalMillis()) {
            return List.of();
        }
        double kg = Math.round(accumulatedKg * 1000) / 1000.0;
        accumulatedKg = 0;
        accumulatedMillis = 0;
        return List.of(new Sample(Quantity.CO2E, kg));
    }
}
