package io.sensorproof.zk.claims;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * What a prover needs for one proof: the circuit, its arguments in ZoKrates ABI JSON (decimal
 * strings, structs as objects) and the public inputs the proof must carry, in order.
 */
public record ProofRequest(String circuit, JsonNode arguments, List<BigInteger> publicInputs) {
    public ProofRequest {
        Objects.requireNonNull(circuit);
        Objects.requireNonNull(arguments);
        publicInputs = List.copyOf(publicInputs);
    }
}
