package io.sensorproof.oracle.contracts;

import io.sensorproof.oracle.testing.ZkProofFile;
import io.sensorproof.zk.claims.CommittedReading;
import java.math.BigInteger;
import java.util.List;

/**
 * The oracle module's committed emissions-claim fixtures (real proofs of the {@code emissions} circuit, {@link
 * CarbonCreditFixtureGenerator}, files under {@code oracle/src/test/resources/claims/c3/}) for the gateway's chain
 * tests, which need an anchored emissions claim without proving one (12–40 s each under load).
 */
public final class EmissionsClaimFixtureAccess {
    /** Start of the fixtures' period, Unix seconds (2030-01-01T00:00:00Z). */
    public static final long PERIOD_START_S = CarbonCreditFixtureGenerator.START_S;
    /** End of the fixtures' period, Unix seconds. */
    public static final long PERIOD_END_S = CarbonCreditFixtureGenerator.END_S;
    /** The fixtures' maxGap, ms. */
    public static final long MAX_GAP = CarbonCreditFixtureGenerator.MAX_GAP;

    private EmissionsClaimFixtureAccess() {
    }

    /**
     * A fixture: its public inputs, proof words and the readings its claim tree commits to (boot 7, seq 1000 on, record
     * 0, the CO2e register in grams).
     */
    public record Claim(List<BigInteger> inputs, List<BigInteger> proof, List<CommittedReading> readings) {
        public Claim {
            inputs = List.copyOf(inputs);
            proof = List.copyOf(proof);
            readings = List.copyOf(readings);
        }
    }

    /** Fixture {@code name} (e.g. {@code d2-a}). */
    public static Claim load(String name) {
        CarbonCreditFixtureGenerator.Fixture f = CarbonCreditFixtureGenerator.fixtures().stream()
                .filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no emissions fixture " + name));
        ZkProofFile proof = ZkProofFile.read(ZkProofFile.repoFile("oracle/src/test/resources/claims/c3/" + name + ".json"));
        return new Claim(proof.inputs(), proof.proof(), f.committed());
    }
}
