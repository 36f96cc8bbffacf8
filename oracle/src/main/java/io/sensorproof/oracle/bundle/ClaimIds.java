package io.sensorproof.oracle.bundle;

import io.sensorproof.zk.claims.EmissionsClaimWitness;
import io.sensorproof.zk.claims.RunClaimWitness;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.StaticArray9;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * Claim identifiers as {@code AnchorRegistry} computes them (ADR 020):
 * {@code keccak256(abi.encode(bytes32 circuit, uint256[9] inputs))} with {@code circuit} =
 * keccak256 of {@code "sensorproof.run-claim.v2"} or {@code "sensorproof.emissions-claim.v2"}. A
 * bundle's claim id is recomputed from the proven inputs, never taken on trust.
 */
public final class ClaimIds {
    /** The registry's circuit constant per zk-circuits circuit name. */
    private static final Map<String, byte[]> CIRCUITS = Map.of(
            RunClaimWitness.CIRCUIT, Hash.sha3("sensorproof.run-claim.v2".getBytes(StandardCharsets.UTF_8)),
            EmissionsClaimWitness.CIRCUIT, Hash.sha3("sensorproof.emissions-claim.v2".getBytes(StandardCharsets.UTF_8)));

    private ClaimIds() {
    }

    /** The registry's bytes32 constant of circuit {@code name} ({@code excursion} or {@code emissions}). */
    public static Optional<byte[]> circuitConstant(String name) {
        return Optional.ofNullable(CIRCUITS.get(name)).map(byte[]::clone);
    }

    /**
     * The claim id of the 9 public inputs of circuit {@code name}, as 0x + 64 lowercase hex digits.
     *
     * @throws IllegalArgumentException for another circuit or input count
     */
    public static String of(String name, List<BigInteger> inputs) {
        byte[] circuit = circuitConstant(name).orElseThrow(() -> new IllegalArgumentException("unknown circuit " + name));
        if (inputs.size() != 9) {
            throw new IllegalArgumentException("claims have 9 public inputs, got " + inputs.size());
        }
        List<Uint256> values = inputs.stream().map(Uint256::new).toList();
        String encoded = TypeEncoder.encode(new Bytes32(circuit))
                + TypeEncoder.encode(new StaticArray9<>(Uint256.class, values));
        return Numeric.toHexString(Hash.sha3(Numeric.hexStringToByteArray(encoded)));
    }
}
