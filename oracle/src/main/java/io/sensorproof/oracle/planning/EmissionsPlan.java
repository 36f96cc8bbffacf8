package io.sensorproof.oracle.planning;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link EmissionsClaimPlanner#plan} decided for one device and period.
 *
 * @param status where the device's chain stands
 * @param newClaims claims fixed by this call, to prove now, in chain order after the prior ones
 * @param chain prior and new claims in the order {@code submitClaim} must take them
 * @param firstHole when a window waits for settlement, the message it waits for
 */
public record EmissionsPlan(Status status, List<EmissionsChunk> newClaims, List<ClaimKeys> chain,
        Optional<MessageId> firstHole) {
    /** Where a device's chain stands. */
    public enum Status {
        /** The period's last reading is not known yet; full claims are fixed as they fill. */
        OPEN,
        /** The chain's next claim waits for its window to settle. */
        WAITING_SETTLEMENT,
        /** The chain reaches the period's last claimable reading: nothing more to prove for this device. */
        COMPLETE,
        /** The period is over and fewer than two claimable readings exist: the contract charges the whole period. */
        NOTHING_TO_CLAIM
    }

    public EmissionsPlan {
        Objects.requireNonNull(status);
        newClaims = List.copyOf(newClaims);
        chain = List.copyOf(chain);
        Objects.requireNonNull(firstHole);
    }
}
