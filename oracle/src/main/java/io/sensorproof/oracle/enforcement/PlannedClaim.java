package io.sensorproof.oracle.enforcement;

import io.sensorproof.oracle.planning.ClaimKeys;
import java.util.Objects;

/**
 * A run claim the gateway planned earlier and keeps (its {@code run_claims} row): the reading keys the
 * planner gets back, the registry's claim id, and whether the claim is anchored on chain yet.
 *
 * @param keys the claim's reading keys in slot order
 * @param claimId 0x + 64 lowercase hex digits
 * @param anchored whether its run-claim job left it anchored (confirmed, or on chain already)
 */
public record PlannedClaim(ClaimKeys keys, String claimId, boolean anchored) {
    public PlannedClaim {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(claimId, "claimId");
    }
}
