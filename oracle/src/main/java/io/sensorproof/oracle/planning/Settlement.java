package io.sensorproof.oracle.planning;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether a claim window is settled, and why ({@link SettlementRule}).
 *
 * @param basis how it was settled, or {@link Basis#UNSETTLED}
 * @param firstHole the first message id the sequence rule found missing (empty when there is none)
 * @param lastArrivalMillis when the latest reading of the window was stored (gateway clock): the
 *        audit judges the claim's completeness against the readings stored up to then
 */
public record Settlement(Basis basis, Optional<MessageId> firstHole, long lastArrivalMillis) {
    /** How a window was settled. */
    public enum Basis {
        /** No (boot, seq) hole from the device around the window. */
        SEQUENCE,
        /** There is a hole, but the configured wait has passed since the window's last reading arrived. */
        WAIT,
        /** There is a hole and the wait has not passed: do not build the claim yet. */
        UNSETTLED
    }

    public Settlement {
        Objects.requireNonNull(basis);
        Objects.requireNonNull(firstHole);
    }

    public boolean settled() {
        return basis != Basis.UNSETTLED;
    }
}
