package io.sensorproof.oracle.contracts;

import java.math.BigInteger;
import java.util.List;

/**
 * The oracle module's committed run-claim fixtures (real proofs, {@link CollateralClaimFixtures}) for the
 * gateway's chain tests, which need an anchored claim to freeze a facility without proving.
 */
public final class RunClaimFixtureAccess {
    /** The fixtures' temperature range (centi-kelvin) and maxGap (ms). */
    public static final long LO = CollateralClaimFixtureGenerator.LO;
    public static final long HI = CollateralClaimFixtureGenerator.HI;
    public static final long MAX_GAP = CollateralClaimFixtureGenerator.MAX_GAP;

    private RunClaimFixtureAccess() {
    }

    /** A fixture's public inputs, proof words and last device time (ms). */
    public record Claim(List<BigInteger> inputs, List<BigInteger> proof, long lastTime) {
    }

    /** Device field of fixture device A. */
    public static BigInteger deviceA() {
        return CollateralClaimFixtures.device(CollateralClaimFixtures.DEVICE_A);
    }

    public static Claim load(String name) {
        CollateralClaimFixtures.RunFixture f = CollateralClaimFixtures.load(name);
        return new Claim(f.inputs(), f.proof(), f.lastTime());
    }
}
