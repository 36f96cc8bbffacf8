package io.sensorproof.zk.claims;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.sensorproof.zk.prover.ProverClient;
import io.sensorproof.zk.prover.ProverException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/** Runs {@link ClaimCases} through the compiled circuit: the honest twin computes, the lie does not. */
final class ClaimCircuitSupport {
    private ClaimCircuitSupport() {
    }

    static void satisfied(ProverClient prover, ProofRequest request) {
        assertThatCode(() -> prover.computeWitness(request)).as("honest twin").doesNotThrowAnyException();
    }

    static void refused(ProverClient prover, ProofRequest request) {
        try {
            prover.computeWitness(request);
        } catch (ProverException e) {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ProverException.Code.WITNESS_FAILED);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        throw new AssertionError("the circuit accepted a false claim: " + request.publicInputs());
    }

    static Stream<DynamicTest> tests(ProverClient prover, List<ClaimCases.Case> cases) {
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            satisfied(prover, c.honest().request());
            refused(prover, c.lie().request());
        }));
    }
}
