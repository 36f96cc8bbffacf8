package io.sensorproof.zk.claims;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds requests for the {@code emissions} circuit: the sum of all co2e readings of an emissions
 * batch (at most {@value #CAPACITY} leaves, at indices 0…n−1). Slots n…63 are padding: an all-zero
 * reading with {@code present = false}, which the circuit maps to the empty leaf 0 and counts as 0.
 * Public inputs, in order: root, total (grams).
 */
public final class EmissionsWitness {
    /** Circuit name. */
    public static final String CIRCUIT = "emissions";
    /** N, the number of reading slots the circuit was compiled for. */
    public static final int CAPACITY = 64;
    private static final LeafFields PADDING = new LeafFields(BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO,
            BigInteger.ZERO, BigInteger.ZERO);

    private EmissionsWitness() {
    }

    /**
     * The request for the whole batch.
     *
     * @throws ClaimException when the batch has more than {@value #CAPACITY} leaves or a leaf that
     *     is not a co2e reading
     */
    public static ProofRequest forBatch(Batch batch) {
        Objects.requireNonNull(batch);
        List<LeafFields> leaves = batch.leaves();
        if (leaves.size() > CAPACITY) {
            throw new ClaimException(ClaimException.Code.TOO_MANY_READINGS,
                    "an emissions batch holds at most " + CAPACITY + " readings, got " + leaves.size());
        }
        BigInteger total = BigInteger.ZERO;
        for (LeafFields leaf : leaves) {
            if (leaf.quantity() != CommittedReading.CO2E) {
                throw new ClaimException(ClaimException.Code.NOT_AN_EMISSION,
                        "leaf with quantity code " + leaf.quantity() + " in an emissions batch");
            }
            total = total.add(leaf.value());
        }
        List<LeafFields> slots = new ArrayList<>(leaves);
        List<Boolean> present = new ArrayList<>();
        leaves.forEach(leaf -> present.add(true));
        while (slots.size() < CAPACITY) {
            slots.add(PADDING);
            present.add(false);
        }
        return request(batch.root(), total, slots, present);
    }

    /** The request from its parts, unchecked: the circuit is the judge. */
    public static ProofRequest request(BigInteger root, BigInteger total, List<LeafFields> slots, List<Boolean> present) {
        if (slots.size() != CAPACITY || present.size() != CAPACITY) {
            throw new IllegalArgumentException("the circuit takes exactly " + CAPACITY + " slots");
        }
        ArrayNode args = Arguments.JSON.arrayNode();
        args.add(root.toString());
        args.add(total.toString());
        ArrayNode readings = args.addArray();
        slots.forEach(leaf -> readings.add(Arguments.reading(leaf)));
        ArrayNode flags = args.addArray();
        present.forEach(flags::add);
        return new ProofRequest(CIRCUIT, args, List.of(root, total));
    }
}
