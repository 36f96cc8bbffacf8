package io.sensorproof.sim.fleet;

import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.sim.model.Sample;
import io.sensorproof.sim.model.SensorModel;
import io.sensorproof.sim.scenario.DeviceSpec;
import io.sensorproof.sim.scenario.Fault;
import io.sensorproof.sim.scenario.FaultType;
import io.sensorproof.sim.scenario.Scenario;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one device measures at each tick: its model advanced tick by tick, with the scenario's
 * process, sensor and clock faults applied. A pure function of (scenario, device, tick), computed in
 * order: a device that was down (power loss) advances through the ticks it missed without
 * reporting them, so its later readings are those of an uninterrupted run.
 */
public final class DeviceSimulation {
    private final Scenario scenario;
    private final DeviceSpec device;
    private final SensorModel model;
    private final List<Fault> faults;
    private final Map<String, Double> stuckValues = new HashMap<>();
    private long nextTick = 1;

    public DeviceSimulation(Scenario scenario, DeviceSpec device) {
        this.scenario = scenario;
        this.device = device;
        this.model = device.model().create(device.seed(scenario.seed()));
        this.faults = scenario.faultsOf(device.id());
    }

    /** The device. */
    public DeviceSpec device() {
        return device;
    }

    /** The next tick {@link #tick(long)} expects. */
    public long nextTick() {
        return nextTick;
    }

    /**
     * Advances to tick {@code k} (which must be {@link #nextTick()}) and returns the readings the
     * device takes at it, stamped with the device clock; values are rounded to the quantity's
     * resolution and may be out of the quantity's range (a faulty sensor), which the agent refuses.
     */
    public List<Reading> tick(long k) {
        if (k != nextTick) {
            throw new IllegalStateException(device.id() + ": tick " + k + " requested, " + nextTick + " expected");
        }
        nextTick++;
        long t = scenario.tickMillis(k);
        boolean compressorFailed = faults.stream().anyMatch(f -> f.type() == FaultType.COMPRESSOR_FAILURE && f.activeAt(scenario, t));
        List<Sample> samples = model.step(t, scenario.tick().toMillis(), new SensorModel.Conditions(compressorFailed));
        long time = deviceTimeMillis(k);
        List<Reading> readings = new ArrayList<>(samples.size());
        for (Sample s : samples) {
            Double value = measure(s, t);
            if (value != null) {
                readings.add(new Reading(s.quantity(), value, time));
            }
        }
        return readings;
    }

    /** Advances through every tick before {@code k} without reporting them. */
    public void skipTo(long k) {
        while (nextTick < k) {
            tick(nextTick);
        }
    }

    /** The device clock at tick {@code k}: simulated time plus the active skews and the steps so far. */
    public long deviceTimeMillis(long k) {
        long t = scenario.tickMillis(k);
        long offset = 0;
        for (Fault f : faults) {
            if (f.type() == FaultType.CLOCK_SKEW && f.activeAt(scenario, t)) {
                offset += f.offset().toMillis();
            } else if (f.type() == FaultType.CLOCK_STEP && t >= f.startMillis(scenario)) {
                offset += f.offset().toMillis();
            }
        }
        return t + offset;
    }

    /** The measured value of a sample at simulated time {@code t}, or null when the sensor reports nothing. */
    private Double measure(Sample s, long t) {
        double value = s.value();
        for (int i = 0; i < faults.size(); i++) {
            Fault f = faults.get(i);
            if (!f.activeAt(scenario, t)) {
                continue;
            }
            boolean allByDefault = f.type() == FaultType.STUCK || f.type() == FaultType.DROPOUT;
            boolean applies = f.quantity().map(q -> q == s.quantity()).orElse(allByDefault || s.quantity() == model.primaryQuantity());
            if (!applies) {
                continue;
            }
            switch (f.type()) {
                case DROPOUT -> {
                    return null;
                }
                case STUCK -> value = stuckValues.computeIfAbsent(i + "/" + s.quantity().senmlName(), key -> s.value());
                case SPIKE -> value += f.delta();
                case DRIFT -> value += f.delta() * (t - f.startMillis(scenario)) / 3_600_000.0;
                default -> {
                    // process, clock, injected and agent faults do not change the measured value
                }
            }
        }
        return round(s.quantity(), value);
    }

    static double round(Quantity quantity, double value) {
        double scale = Math.pow(10, quantity.scale());
        return Math.round(value * scale) / scale;
    }
}
