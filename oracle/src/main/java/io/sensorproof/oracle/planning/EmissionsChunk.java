package io.sensorproof.oracle.planning;

import io.sensorproof.zk.claims.EmissionsClaimWitness;
import io.sensorproof.zk.claims.ProofRequest;
import java.util.Objects;

/**
 * One emissions claim the planner has fixed: its register readings (keys), the witness zk-circuits
 * built and checked ({@link EmissionsClaimWitness#request()} goes to the {@code ProverClient}), and
 * how its window was settled. Never changes once returned.
 */
public record EmissionsChunk(ClaimKeys keys, EmissionsClaimWitness witness, Settlement settlement) {
    public EmissionsChunk {
        Objects.requireNonNull(keys);
        Objects.requireNonNull(witness);
        Objects.requireNonNull(settlement);
    }

    public ProofRequest request() {
        return witness.request();
    }
}
