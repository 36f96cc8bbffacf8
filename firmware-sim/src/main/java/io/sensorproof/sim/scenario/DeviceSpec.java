package io.sensorproof.sim.scenario;

import java.util.Objects;

/**
 * One simulated device of a scenario: its id ({@code prefix-n}), its position in the fleet and its
 * model. Its seed is derived from the scenario's seed and its index only, so adding faults or
 * devices after it does not change its readings.
 */
public record DeviceSpec(String id, int index, ModelSpec model) {
    public DeviceSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
    }

    /** The model seed of this device under {@code scenarioSeed}. */
    public long seed(long scenarioSeed) {
        long z = scenarioSeed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
