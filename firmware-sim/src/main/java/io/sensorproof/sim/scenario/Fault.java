package io.sensorproof.sim.scenario;

import io.sensorproof.protocol.senml.Quantity;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One fault of a scenario's timeline.
 *
 * @param type what happens
 * @param device the device id it happens to, or {@code *} for every device
 * @param at when, as an offset from the scenario's start (simulated time)
 * @param duration how long; {@link Duration#ZERO} means until the end (sensor, clock-skew and
 *     compressor faults) or one tick (spike)
 * @param quantity the quantity a sensor fault changes; empty = the model's primary quantity (spike,
 *     drift) or every quantity (stuck, dropout)
 * @param delta spike: added to the value; drift: added per hour
 * @param offset clock-skew and clock-step: the device clock's offset from simulated time
 * @param count injected faults: how many messages
 * @param toDevice replay: publish on this device's topic instead of the victim's own
 */
public record Fault(FaultType type, String device, Duration at, Duration duration, Optional<Quantity> quantity, double delta,
        Duration offset, int count, Optional<String> toDevice) {
    public Fault {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(quantity, "quantity");
        Objects.requireNonNull(offset, "offset");
        Objects.requireNonNull(toDevice, "toDevice");
    }

    /** True when the fault applies to {@code deviceId}. */
    public boolean targets(String deviceId) {
        return device.equals("*") || device.equals(deviceId);
    }

    /** Start of the fault in simulated epoch milliseconds. */
    public long startMillis(Scenario scenario) {
        return scenario.start().toEpochMilli() + at.toMillis();
    }

    /** End (exclusive) of the fault's window in simulated epoch milliseconds. */
    public long endMillis(Scenario scenario) {
        if (!duration.isZero()) {
            return startMillis(scenario) + duration.toMillis();
        }
        return type == FaultType.SPIKE ? startMillis(scenario) + scenario.tick().toMillis() : Long.MAX_VALUE;
    }

    /** True when simulated time {@code simMillis} lies in the fault's window. */
    public boolean activeAt(Scenario scenario, long simMillis) {
        return simMillis >= startMillis(scenario) && simMillis < endMillis(scenario);
    }
}
