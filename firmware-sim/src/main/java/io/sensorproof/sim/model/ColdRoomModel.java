package io.sensorproof.sim.model;

import io.sensorproof.protocol.senml.Quantity;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Random;

/**
 * A refrigerated storage room: the temperature leaks toward the ambient temperature, a compressor
 * with a hysteresis thermostat pulls it back to the setpoint (a duty cycle emerges), doors open at
 * random (more often on weekday working hours) and let warm, humid air in, and a defrost heater runs
 * on a fixed schedule with the compressor off. A compressor failure leaves only the leak: the room
 * warms slowly toward ambient. Temperature in Cel and relative humidity in %RH, both rounded to
 * 0.01 with Gaussian sensor noise.
 *
 * <p>The state is integrated in 10-second steps whatever the tick, so the thermostat behaves the
 * same at any tick length.
 */
public final class ColdRoomModel implements SensorModel {
    private static final long STEP_MILLIS = 10_000;

    private final Parameters p;
    private final Random random;
    private double temperature;
    private double humidity;
    private boolean compressorOn;
    private long doorOpenUntil = Long.MIN_VALUE;
    private long compressorOnMillis;
    private long simulatedMillis;

    /**
     * @param setpoint target temperature, Cel
     * @param band thermostat hysteresis: on above setpoint + band/2, off below setpoint − band/2
     * @param ambient temperature outside the room, Cel
     * @param leakPerHour fraction of the difference to ambient gained per hour with doors closed
     * @param coolingPerHour compressor capacity, Cel per hour
     * @param doorOpeningsPerHour mean door openings per hour in weekday working hours (06–20); a tenth of it otherwise
     * @param defrostEveryHours period of defrost cycles (0: none)
     * @param defrostMinutes length of a defrost cycle
     */
    public record Parameters(double setpoint, double band, double ambient, double leakPerHour, double coolingPerHour,
            double doorOpeningsPerHour, double defrostEveryHours, double defrostMinutes) {
        /** A cold room at 4 °C in an 18 °C hall, three door openings an hour, defrost every 6 h for 20 min. */
        public static final Parameters DEFAULT = new Parameters(4.0, 1.0, 18.0, 0.15, 6.0, 3.0, 6.0, 20.0);
    }

    public ColdRoomModel(Parameters parameters, long seed) {
        this.p = parameters;
        this.random = new Random(seed);
        this.temperature = parameters.setpoint() + (random.nextDouble() - 0.5) * parameters.band();
        this.humidity = 85.0 + random.nextDouble() * 2;
    }

    @Override
    public List<Quantity> quantities() {
        return List.of(Quantity.TEMPERATURE, Quantity.HUMIDITY);
    }

    @Override
    public Quantity primaryQuantity() {
        return Quantity.TEMPERATURE;
    }

    /** Milliseconds the compressor has run so far (for the duty cycle). */
    public long compressorOnMillis() {
        return compressorOnMillis;
    }

    /** Milliseconds simulated so far. */
    public long simulatedMillis() {
        return simulatedMillis;
    }

    @Override
    public List<Sample> step(long simMillis, long dtMillis, Conditions conditions) {
        long t = simMillis - dtMillis;
        while (t < simMillis) {
            long dt = Math.min(STEP_MILLIS, simMillis - t);
            t += dt;
            integrate(t, dt, conditions);
        }
        double measuredT = round2(temperature + random.nextGaussian() * 0.05);
        double measuredH = round2(Math.max(0, Math.min(100, humidity + random.nextGaussian() * 0.3)));
        return List.of(new Sample(Quantity.TEMPERATURE, measuredT), new Sample(Quantity.HUMIDITY, measuredH));
    }

    private void integrate(long t, long dtMillis, Conditions conditions) {
        double hours = dtMillis / 3_600_000.0;
        ZonedDateTime time = Instant.ofEpochMilli(t).atZone(ZoneOffset.UTC);
        boolean defrost = inDefrost(time);
        boolean workingHours = time.getDayOfWeek() != DayOfWeek.SATURDAY && time.getDayOfWeek() != DayOfWeek.SUNDAY
                && time.getHour() >= 6 && time.getHour() < 20;
        double openingsPerHour = workingHours ? p.doorOpeningsPerHour() : p.doorOpeningsPerHour() / 10;
        if (t >= doorOpenUntil && random.nextDouble() < openingsPerHour * hours) {
            doorOpenUntil = t + 60_000 + (long) (random.nextDouble() * 180_000);
        }
        boolean doorOpen = t < doorOpenUntil;

        if (conditions.compressorFailed() || defrost) {
            compressorOn = false;
        } else if (temperature > p.setpoint() + p.band() / 2) {
            compressorOn = true;
        } else if (temperature < p.setpoint() - p.band() / 2) {
            compressorOn = false;
        }
        double leak = p.leakPerHour() * (doorOpen ? 8 : 1) * (p.ambient() - temperature);
        double heater = defrost ? 4.0 : 0.0;
        double cooling = compressorOn ? p.coolingPerHour() : 0.0;
        temperature += (leak + heater - cooling) * hours;

        double humidityTarget = doorOpen ? 95.0 : 85.0;
        double drying = compressorOn ? 3.0 : 0.0;
        humidity += ((humidityTarget - humidity) * (doorOpen ? 2.0 : 0.5) - drying) * hours;
        humidity = Math.max(0, Math.min(100, humidity));
        if (compressorOn) {
            compressorOnMillis += dtMillis;
        }
        simulatedMillis += dtMillis;
    }

    private boolean inDefrost(ZonedDateTime time) {
        if (p.defrostEveryHours() <= 0) {
            return false;
        }
        double periodMinutes = p.defrostEveryHours() * 60;
        double minuteOfDay = time.getHour() * 60 + time.getMinute() + time.getSecond() / 60.0;
        return minuteOfDay % periodMinutes < p.defrostMinutes();
    }

    static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
