package io.sensorproof.sim.model;

import io.sensorproof.protocol.senml.Quantity;
import java.util.Objects;

/** One value a model reports for a tick, in the quantity's SenML unit (before sensor faults). */
public record Sample(Quantity quantity, double value) {
    public Sample {
        Objects.requireNonNull(quantity, "quantity");
    }
}
