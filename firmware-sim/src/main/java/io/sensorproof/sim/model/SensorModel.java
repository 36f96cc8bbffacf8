package io.sensorproof.sim.model;

import io.sensorproof.protocol.senml.Quantity;
import java.util.List;

/**
 * A physical process seen through a sensor, advanced one tick at a time. Implementations are
 * deterministic: the same seed and the same sequence of calls give the same samples, on every JVM
 * ({@link java.util.Random}'s algorithm is specified).
 */
public interface SensorModel {

    /** The quantities this model reports, in the order of its samples. */
    List<Quantity> quantities();

    /** The quantity that spike and drift faults change when they name none. */
    Quantity primaryQuantity();

    /**
     * Advances the process to {@code simMillis} (one tick of {@code dtMillis}) and returns what the
     * sensor reads at that time; empty when the model reports nothing at this tick.
     */
    List<Sample> step(long simMillis, long dtMillis, Conditions conditions);

    /** Conditions imposed on the process by faults. */
    record Conditions(boolean compressorFailed) {
        /** Nothing imposed. */
        public static final Conditions NORMAL = new Conditions(false);
    }
}
