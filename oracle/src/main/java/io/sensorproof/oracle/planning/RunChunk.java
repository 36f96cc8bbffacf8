package io.sensorproof.oracle.planning;

import io.sensorproof.zk.claims.ProofRequest;
import io.sensorproof.zk.claims.RunClaimWitness;
import java.util.Objects;

/**
 * One run claim the planner has fixed: its readings (keys, for bundles and the audit), the witness
 * zk-circuits built and checked ({@link RunClaimWitness#request()} goes to the {@code ProverClient}),
 * and how its window was settled. A chunk, once returned, never changes.
 */
public record RunChunk(ClaimKeys keys, RunClaimWitness witness, Settlement settlement) {
    public RunChunk {
        Objects.requireNonNull(keys);
        Objects.requireNonNull(witness);
        Objects.requireNonNull(settlement);
    }

    public ProofRequest request() {
        return witness.request();
    }
}
