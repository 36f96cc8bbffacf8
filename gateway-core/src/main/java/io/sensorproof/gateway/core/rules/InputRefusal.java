package io.sensorproof.gateway.core.rules;

import java.util.Objects;

/**
 * An input the engine did not evaluate, with a stable reason. The reading itself stays stored (the
 * engine sees only committed readings); the refusal is counted ({@link RuleEngine#refusalCounts()})
 * and returned so that the gateway can log it.
 *
 * @param device the device
 * @param reason why
 * @param detail what was refused, for a person
 */
public record InputRefusal(String device, Reason reason, String detail) {
    /** Stable refusal reasons. */
    public enum Reason {
        /**
         * The reading lies more than {@link EngineSettings#lateness()} behind the newest reading of its
         * device and quantity (or below the window after the count bound evicted points): its place in
         * time order is no longer held, so it cannot change alerts.
         */
        TOO_LATE,
        /** Another reading of the same device and quantity has the same time (the store refuses this too). */
        DUPLICATE_READING_TIME,
        /** The same reading key was given before with another time or value. */
        CONFLICTING_POINT
    }

    public InputRefusal {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }
}
