package io.sensorproof.zk.claims;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.sensorproof.zk.merkle.BatchTree;
import java.math.BigInteger;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds requests for the {@code excursion} circuit: {@value #RUN_LENGTH} adjacent leaves of one
 * device and quantity whose values all lie outside [lo, hi]. Public inputs, in order: root,
 * device, quantity, lo, hi, first time, last time.
 */
public final class ExcursionWitness {
    /** Circuit name. */
    public static final String CIRCUIT = "excursion";
    /** K, the number of consecutive readings the circuit was compiled for. */
    public static final int RUN_LENGTH = 3;

    private ExcursionWitness() {
    }

    /** Index of the first leaf of the first run in {@code batch} that satisfies the claim, if any. */
    public static Optional<Integer> findRun(Batch batch, BigInteger device, int quantity, long lo, long hi) {
        List<LeafFields> leaves = batch.leaves();
        int length = 0;
        for (int i = 0; i < leaves.size(); i++) {
            LeafFields leaf = leaves.get(i);
            boolean counts = leaf.device().equals(device) && leaf.quantity() == quantity && outside(leaf, lo, hi);
            length = counts ? length + 1 : 0;
            if (length == RUN_LENGTH) {
                return Optional.of(i - RUN_LENGTH + 1);
            }
        }
        return Optional.empty();
    }

    /**
     * The request for the run starting at leaf {@code firstIndex}.
     *
     * @throws ClaimException when the claim does not hold for these leaves
     */
    public static ProofRequest forRun(Batch batch, int firstIndex, long lo, long hi) {
        Objects.requireNonNull(batch);
        if (lo > hi) {
            throw new ClaimException(ClaimException.Code.EMPTY_RANGE, "lo " + lo + " is above hi " + hi);
        }
        if (firstIndex < 0 || firstIndex + RUN_LENGTH > batch.leaves().size()) {
            throw new ClaimException(ClaimException.Code.RUN_OUT_OF_BATCH,
                    "a run of " + RUN_LENGTH + " from leaf " + firstIndex + " does not fit " + batch.leaves().size() + " leaves");
        }
        List<LeafFields> run = batch.leaves().subList(firstIndex, firstIndex + RUN_LENGTH);
        LeafFields first = run.get(0);
        for (LeafFields leaf : run) {
            if (!leaf.device().equals(first.device()) || leaf.quantity() != first.quantity()) {
                throw new ClaimException(ClaimException.Code.NOT_A_RUN, "the leaves from " + firstIndex
                        + " are not all of one device and quantity");
            }
            if (!outside(leaf, lo, hi)) {
                throw new ClaimException(ClaimException.Code.INSIDE_RANGE,
                        "value " + leaf.value() + " lies inside [" + lo + ", " + hi + "]");
            }
        }
        BatchTree tree = batch.tree();
        ExcursionClaim claim = new ExcursionClaim(tree.root(), first.device(), first.quantity(), lo, hi,
                first.timeMillis(), run.get(RUN_LENGTH - 1).timeMillis());
        return request(claim, run, BigInteger.valueOf(firstIndex), tree.proof(firstIndex).siblings(),
                tree.proof(firstIndex + RUN_LENGTH - 1).siblings());
    }

    /**
     * The request from its parts, unchecked: the circuit is the judge (adversarial tests use this
     * to try false claims).
     */
    public static ProofRequest request(ExcursionClaim claim, List<LeafFields> run, BigInteger firstIndex,
            List<BigInteger> firstPath, List<BigInteger> lastPath) {
        if (run.size() != RUN_LENGTH || firstPath.size() != BatchTree.DEPTH || lastPath.size() != BatchTree.DEPTH) {
            throw new IllegalArgumentException("a run has " + RUN_LENGTH + " readings and paths of " + BatchTree.DEPTH);
        }
        ArrayNode args = Arguments.JSON.arrayNode();
        claim.publicInputs().forEach(v -> args.add(v.toString()));
        ArrayNode readings = args.addArray();
        run.forEach(leaf -> readings.add(Arguments.reading(leaf)));
        args.add(firstIndex.toString());
        args.add(Arguments.fields(firstPath));
        args.add(Arguments.fields(lastPath));
        return new ProofRequest(CIRCUIT, args, claim.publicInputs());
    }

    private static boolean outside(LeafFields leaf, long lo, long hi) {
        return leaf.value().compareTo(BigInteger.valueOf(lo)) < 0 || leaf.value().compareTo(BigInteger.valueOf(hi)) > 0;
    }
}
