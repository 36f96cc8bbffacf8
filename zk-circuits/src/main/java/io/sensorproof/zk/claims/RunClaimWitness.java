package io.sensorproof.zk.claims;

import io.sensorproof.zk.claims.ClaimException.Code;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A run claim ready to prove: the claim, its claim tree and the {@code excursion} circuit's
 * arguments. {@link #of} takes consecutive readings of one device and quantity, in the order
 * given (never sorted, so a reordered list is refused rather than silently repaired), and refuses
 * a claim that does not hold with a {@link ClaimException} code before any proving.
 *
 * @param claim the public statement
 * @param tree the claim tree whose root the claim carries
 * @param request what the prover needs
 */
public record RunClaimWitness(RunClaim claim, ClaimTree tree, ProofRequest request) {
    /** Circuit name. */
    public static final String CIRCUIT = "excursion";
    /** N, the number of slots of the compiled circuit. */
    public static final int SLOTS = 16;

    public RunClaimWitness {
        Objects.requireNonNull(claim);
        Objects.requireNonNull(tree);
        Objects.requireNonNull(request);
    }

    /** The claim that {@code readings} (2…{@value #SLOTS}) all lie outside [lo, hi], at most maxGap ms apart. */
    public static RunClaimWitness of(List<CommittedReading> readings, long lo, long hi, long maxGap) {
        return of(SLOTS, readings, lo, hi, maxGap);
    }

    /**
     * As {@link #of(List, long, long, long)} for a circuit built with {@code slots} slots (tests
     * compile small variants).
     *
     * @throws ClaimException when the claim does not hold, with the code of the first broken condition
     */
    public static RunClaimWitness of(int slots, List<CommittedReading> readings, long lo, long hi, long maxGap) {
        if (lo < 0 || lo >= CommittedReading.VALUE_BOUND || hi < 0 || hi >= CommittedReading.VALUE_BOUND) {
            throw new ClaimException(Code.PARAMETER_OUT_OF_BOUND, "lo " + lo + " and hi " + hi + " must be in [0, 2^53)");
        }
        if (lo > hi) {
            throw new ClaimException(Code.LO_ABOVE_HI, "lo " + lo + " is above hi " + hi);
        }
        ClaimChecks.maxGap(maxGap);
        ClaimChecks.count(readings, slots);
        CommittedReading first = readings.get(0);
        List<Boolean> above = new ArrayList<>(slots);
        for (int k = 0; k < readings.size(); k++) {
            CommittedReading r = readings.get(k);
            ClaimChecks.reading(r, k, first.device(), first.quantity());
            if (r.value() >= lo && r.value() <= hi) {
                throw new ClaimException(Code.READING_IN_RANGE, "reading " + k + ": value " + r.value()
                        + " lies inside [" + lo + ", " + hi + "]");
            }
            above.add(r.value() > hi);
        }
        for (int k = 1; k < readings.size(); k++) {
            ClaimChecks.gap(readings, k);
        }
        for (int k = 1; k < readings.size(); k++) {
            long gap = ClaimChecks.gap(readings, k);
            if (gap > maxGap) {
                throw new ClaimException(Code.GAP_OVER_MAX, "readings " + (k - 1) + " and " + k + " are " + gap
                        + " ms apart, more than maxGap " + maxGap);
            }
        }
        while (above.size() < slots) {
            above.add(false);
        }
        ClaimTree tree = ClaimChecks.tree(slots, readings);
        RunClaim claim = new RunClaim(tree.root(), first.device(), first.quantity(), lo, hi, first.timeMillis(),
                readings.get(readings.size() - 1).timeMillis(), readings.size(), maxGap);
        return new RunClaimWitness(claim, tree, request(claim.publicInputs(), ClaimChecks.slots(slots, readings),
                ClaimChecks.present(slots, readings.size()), above));
    }

    /**
     * The request from its parts, unchecked: the circuit is the judge (adversarial tests use this
     * to try false claims). The slot count is that of {@code slots}.
     *
     * @param publicInputs root, device, quantity, lo, hi, firstTime, lastTime, count, maxGap
     * @param above per slot, whether its value is claimed above hi (else below lo)
     */
    public static ProofRequest request(List<BigInteger> publicInputs, List<ClaimSlot> slots, List<Boolean> present,
            List<Boolean> above) {
        if (publicInputs.size() != 9) {
            throw new IllegalArgumentException("the run claim has 9 public inputs, got " + publicInputs.size());
        }
        ClaimChecks.sizes(slots.size(), slots, present, above);
        return new ProofRequest(CIRCUIT, Arguments.claim(publicInputs, slots, List.of(present, above)), publicInputs);
    }
}
