package io.sensorproof.zk.claims;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.zk.CircuitBuild;
import io.sensorproof.zk.prover.ProofResult;
import io.sensorproof.zk.prover.ProverClient;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The emissions-claim circuit ({@code emissions}, N = 32) through zokrates-js: a claim from the Java
 * builder proves and verifies in Java (so {@link ClaimTree}'s root is the circuit's), and every
 * adversarial witness of {@link ClaimCases#emissions} fails to compute while its honest twin computes.
 */
class EmissionsClaimCircuitIT {
    private static ProverClient prover;

    @BeforeAll
    static void start() {
        prover = ProverClient.start(CircuitBuild.config(EmissionsClaimWitness.CIRCUIT).withWorkers(1));
    }

    @AfterAll
    static void stop() {
        if (prover != null) {
            prover.close();
        }
    }

    @Test
    void builtClaimsProveAndVerifyInJava() throws Exception {
        for (int n : new int[] {2, 9, EmissionsClaimWitness.SLOTS}) {
            EmissionsClaimWitness witness = EmissionsClaimWitness.of(ExampleClaims.registerReadings(n),
                    ExampleClaims.REGISTER_MAX_GAP);
            ProofResult result = prover.prove(witness.request());
            assertThat(result.proof().inputs()).isEqualTo(witness.claim().publicInputs());
            assertThat(result.proof().inputs().get(0)).isEqualTo(witness.tree().root());
        }
    }

    @TestFactory
    Stream<DynamicTest> everyFalseEmissionsClaimIsRefusedNextToItsHonestTwin() {
        return ClaimCircuitSupport.tests(prover, ClaimCases.emissions(EmissionsClaimWitness.SLOTS));
    }
}
