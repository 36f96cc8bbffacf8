package io.sensorproof.zk.claims;

import io.sensorproof.zk.claims.ClaimException.Code;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An emissions claim ready to prove: the claim, its claim tree and the {@code emissions} circuit's
 * arguments. {@link #of} takes consecutive co2e-register readings of one device in the order given
 * and refuses a claim that does not hold with a {@link ClaimException} code before any proving.
 * The mass of the period is the register's increase, so a reading left out cannot lower it; gaps
 * longer than maxGap are summed into gapTime for the contract to charge at a substitute rate.
 *
 * @param claim the public statement
 * @param tree the claim tree whose root the claim carries
 * @param request what the prover needs
 */
public record EmissionsClaimWitness(EmissionsClaim claim, ClaimTree tree, ProofRequest request) {
    /** Circuit name. */
    public static final String CIRCUIT = "emissions";
    /** N, the number of slots of the compiled circuit. */
    public static final int SLOTS = 32;

    public EmissionsClaimWitness {
        Objects.requireNonNull(claim);
        Objects.requireNonNull(tree);
        Objects.requireNonNull(request);
    }

    /** The claim over {@code readings} (2…{@value #SLOTS} register readings of one device). */
    public static EmissionsClaimWitness of(List<CommittedReading> readings, long maxGap) {
        return of(SLOTS, readings, maxGap);
    }

    /**
     * As {@link #of(List, long)} for a circuit built with {@code slots} slots (tests compile small
     * variants).
     *
     * @throws ClaimException when the claim does not hold, with the code of the first broken condition
     */
    public static EmissionsClaimWitness of(int slots, List<CommittedReading> readings, long maxGap) {
        ClaimChecks.maxGap(maxGap);
        ClaimChecks.count(readings, slots);
        CommittedReading first = readings.get(0);
        for (int k = 0; k < readings.size(); k++) {
            ClaimChecks.reading(readings.get(k), k, first.device(), CommittedReading.CO2E_REGISTER);
        }
        List<Boolean> over = new ArrayList<>(slots);
        over.add(false);
        long gapTime = 0;
        for (int k = 1; k < readings.size(); k++) {
            long gap = ClaimChecks.gap(readings, k);
            if (readings.get(k).value() < readings.get(k - 1).value()) {
                throw new ClaimException(Code.REGISTER_DECREASED, "reading " + k + ": register "
                        + readings.get(k).value() + " is below its predecessor's " + readings.get(k - 1).value());
            }
            over.add(gap > maxGap);
            gapTime += gap > maxGap ? gap : 0;
        }
        while (over.size() < slots) {
            over.add(false);
        }
        CommittedReading last = readings.get(readings.size() - 1);
        ClaimTree tree = ClaimChecks.tree(slots, readings);
        EmissionsClaim claim = new EmissionsClaim(tree.root(), first.device(), first.timeMillis(), first.value(),
                last.timeMillis(), last.value(), readings.size(), maxGap, gapTime);
        return new EmissionsClaimWitness(claim, tree, request(claim.publicInputs(), ClaimChecks.slots(slots, readings),
                ClaimChecks.present(slots, readings.size()), over));
    }

    /**
     * The request from its parts, unchecked: the circuit is the judge (adversarial tests use this
     * to try false claims). The slot count is that of {@code slots}.
     *
     * @param publicInputs root, device, firstTime, firstTotal, lastTime, lastTotal, count, maxGap, gapTime
     * @param over per slot, whether the gap before it is claimed longer than maxGap (slot 0's is unused)
     */
    public static ProofRequest request(List<BigInteger> publicInputs, List<ClaimSlot> slots, List<Boolean> present,
            List<Boolean> over) {
        if (publicInputs.size() != 9) {
            throw new IllegalArgumentException("the emissions claim has 9 public inputs, got " + publicInputs.size());
        }
        ClaimChecks.sizes(slots.size(), slots, present, over);
        return new ProofRequest(CIRCUIT, Arguments.claim(publicInputs, slots, List.of(present, over)), publicInputs);
    }
}
