package io.sensorproof.zk.claims;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.zk.CircuitBuild;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The committed verification keys, ABIs, Solidity verifiers, build records and fixture proofs are
 * what the pinned zokrates-js and snarkjs build from the circuit sources (development powers of tau and beacons, ADR 044), and the
 * cache holds every artifact a prover worker needs.
 */
class CircuitBuildIT {
    @Test
    void committedArtifactsReproduceFromTheSources() {
        CircuitBuild.Result result = CircuitBuild.ensureBuilt();
        assertThat(result.output()).doesNotContain("differs", "does not verify");
        assertThat(result.exitCode()).as(result.output()).isZero();
        for (String circuit : new String[] {"excursion", "emissions"}) {
            for (String file : new String[] {"program.bin", "abi.json", "circuit.r1cs", "circuit.zkey", "verification.key", "cache-key"}) {
                assertThat(Files.isRegularFile(result.cache().resolve(circuit).resolve(file))).as(circuit + "/" + file).isTrue();
            }
        }
    }
}
