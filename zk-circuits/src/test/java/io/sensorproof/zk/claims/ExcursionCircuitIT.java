package io.sensorproof.zk.claims;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.sensorproof.zk.CircuitBuild;
import io.sensorproof.zk.bn254.Scalar;
import io.sensorproof.zk.prover.ProofResult;
import io.sensorproof.zk.prover.ProverClient;
import io.sensorproof.zk.prover.ProverException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The excursion circuit through zokrates-js: an honest run proves and verifies in Java (so the
 * Java root is the circuit's root), and every false claim fails to produce a witness. Each false
 * claim has an honest twin that succeeds, so a failure is caused by the lie and nothing else.
 */
class ExcursionCircuitIT {
    private static final long LO = ExampleBatches.LO;
    private static final long HI = ExampleBatches.HI;
    /** A range that every reading of the example lies outside, for runs chosen freely. */
    private static final long ABOVE_ALL_LO = 29_000;
    private static final long ABOVE_ALL_HI = 30_000;
    private static ProverClient prover;
    private final Batch batch = Batch.of(ExampleBatches.coldChain());

    @BeforeAll
    static void start() {
        prover = ProverClient.start(CircuitBuild.config("excursion").withWorkers(1));
    }

    @AfterAll
    static void stop() {
        if (prover != null) {
            prover.close();
        }
    }

    /** A request for leaves [a, b, c] with paths of a and c, claiming firstIndex a and the range. */
    private static ProofRequest run(Batch batch, int[] leaves, long lo, long hi, UnaryOperator<ExcursionClaim> edit) {
        List<LeafFields> run = new ArrayList<>();
        for (int i : leaves) {
            run.add(batch.leaves().get(i));
        }
        ExcursionClaim claim = new ExcursionClaim(batch.root(), run.get(0).device(), run.get(0).quantity(), lo, hi,
                run.get(0).timeMillis(), run.get(2).timeMillis());
        return ExcursionWitness.request(edit.apply(claim), run, BigInteger.valueOf(leaves[0]),
                batch.tree().proof(leaves[0]).siblings(), batch.tree().proof(leaves[2]).siblings());
    }

    private static ProofRequest run(Batch batch, int[] leaves, long lo, long hi) {
        return run(batch, leaves, lo, hi, UnaryOperator.identity());
    }

    private static void satisfied(ProofRequest request) {
        assertThatCode(() -> prover.computeWitness(request)).doesNotThrowAnyException();
    }

    private static void refused(ProofRequest request) {
        try {
            prover.computeWitness(request);
        } catch (ProverException e) {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ProverException.Code.WITNESS_FAILED);
            return;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the circuit accepted a false claim: " + request.publicInputs());
    }

    @Test
    void honestRunProvesAndTheJavaVerifierAcceptsIt() throws Exception {
        int first = ExcursionWitness.findRun(batch, ExampleBatches.COLD_STORE, CommittedReading.TEMPERATURE, LO, HI)
                .orElseThrow();
        ProofRequest request = ExcursionWitness.forRun(batch, first, LO, HI);
        ProofResult result = prover.prove(request);
        assertThat(result.proof().inputs()).isEqualTo(request.publicInputs());
        assertThat(result.proof().inputs().get(0)).isEqualTo(batch.root());
    }

    @Test
    void refusesARunWithAReadingInsideTheRange() {
        satisfied(run(batch, new int[] {5, 6, 7}, LO, HI));
        refused(run(batch, new int[] {4, 5, 6}, LO, HI));
        refused(run(batch, new int[] {5, 6, 7}, LO, 28515));
        refused(run(batch, new int[] {5, 6, 7}, 28515, 30000));
    }

    @Test
    void refusesReadingsThatAreNotConsecutiveLeaves() {
        satisfied(run(batch, new int[] {5, 6, 7}, ABOVE_ALL_LO, ABOVE_ALL_HI));
        refused(run(batch, new int[] {5, 6, 8}, ABOVE_ALL_LO, ABOVE_ALL_HI));
        refused(run(batch, new int[] {5, 9, 7}, ABOVE_ALL_LO, ABOVE_ALL_HI));
        refused(run(batch, new int[] {4, 6, 7}, ABOVE_ALL_LO, ABOVE_ALL_HI));
        satisfied(run(batch, new int[] {6, 7, 8}, ABOVE_ALL_LO, ABOVE_ALL_HI));
        refused(run(batch, new int[] {6, 9, 8}, ABOVE_ALL_LO, ABOVE_ALL_HI));
    }

    @Test
    void refusesAnotherDeviceOrQuantity() {
        refused(run(batch, new int[] {5, 6, 7}, LO, HI, c -> new ExcursionClaim(c.root(), ExampleBatches.OTHER,
                c.quantity(), c.lo(), c.hi(), c.firstTime(), c.lastTime())));
        refused(run(batch, new int[] {5, 6, 7}, LO, HI, c -> new ExcursionClaim(c.root(), c.device(),
                CommittedReading.HUMIDITY, c.lo(), c.hi(), c.firstTime(), c.lastTime())));
        // runs across the temperature/humidity and the device boundaries (every value outside [0, 1])
        satisfied(run(batch, new int[] {9, 10, 11}, 0, 1));
        refused(run(batch, new int[] {10, 11, 12}, 0, 1));
        refused(run(batch, new int[] {22, 23, 24}, 0, 1));
    }

    @Test
    void refusesWrongTimesRootOrAnEmptyRange() {
        refused(run(batch, new int[] {5, 6, 7}, LO, HI, c -> new ExcursionClaim(c.root(), c.device(), c.quantity(),
                c.lo(), c.hi(), c.firstTime().subtract(BigInteger.valueOf(60_000)), c.lastTime())));
        refused(run(batch, new int[] {5, 6, 7}, LO, HI, c -> new ExcursionClaim(c.root(), c.device(), c.quantity(),
                c.lo(), c.hi(), c.firstTime(), c.lastTime().add(BigInteger.ONE))));
        refused(run(batch, new int[] {5, 6, 7}, LO, HI, c -> new ExcursionClaim(c.root().add(BigInteger.ONE),
                c.device(), c.quantity(), c.lo(), c.hi(), c.firstTime(), c.lastTime())));
        // lo > hi would make every value "outside"
        refused(run(batch, new int[] {5, 6, 7}, HI, LO));
    }

    @Test
    void refusesARunWhoseTimesGoBackwards() {
        List<LeafFields> leaves = new ArrayList<>(batch.leaves());
        LeafFields fifth = leaves.get(5);
        leaves.set(5, leaves.get(7));
        leaves.set(7, fifth);
        Batch unordered = Batch.ofLeaves(leaves);
        refused(run(unordered, new int[] {5, 6, 7}, LO, HI));
    }

    @Test
    void refusesPackedPartsOutsideTheirBounds() {
        BigInteger r = Scalar.ORDER;
        LeafFields honest = batch.leaves().get(6);
        // recordIndex 255 is the largest valid one: the honest twin of recordIndex 256 below
        satisfied(run(withMiddle(honest.device(), honest.bootSeq(), BigInteger.valueOf(255 * 256 + 1),
                honest.timeMillis(), honest.value()), new int[] {5, 6, 7}, LO, HI));
        refused(run(withMiddle(honest.device(), honest.bootSeq(), BigInteger.valueOf(256 * 256 + 1),
                honest.timeMillis(), honest.value()), new int[] {5, 6, 7}, LO, HI));
        refused(run(withMiddle(honest.device(), BigInteger.ONE.shiftLeft(64).add(honest.bootSeq()),
                honest.indexQuantity(), honest.timeMillis(), honest.value()), new int[] {5, 6, 7}, LO, HI));
        refused(run(withMiddle(honest.device(), honest.bootSeq(), honest.indexQuantity(),
                BigInteger.ONE.shiftLeft(43).add(honest.timeMillis()), honest.value()), new int[] {5, 6, 7}, LO, HI));
        // a value above 2^32 whose low 32 bits lie outside the range, and "−1" (r − 1)
        refused(run(withMiddle(honest.device(), honest.bootSeq(), honest.indexQuantity(), honest.timeMillis(),
                BigInteger.ONE.shiftLeft(32).add(honest.value())), new int[] {5, 6, 7}, LO, HI));
        refused(run(withMiddle(honest.device(), honest.bootSeq(), honest.indexQuantity(), honest.timeMillis(),
                r.subtract(BigInteger.ONE)), new int[] {5, 6, 7}, LO, HI));
    }

    @Test
    void refusesIndicesThatWrapAround() {
        ProofRequest honest = run(batch, new int[] {5, 6, 7}, LO, HI);
        List<BigInteger> firstPath = batch.tree().proof(5).siblings();
        List<BigInteger> lastPath = batch.tree().proof(7).siblings();
        List<LeafFields> leaves = batch.leaves().subList(5, 8);
        ExcursionClaim claim = claimOf(honest);
        refused(ExcursionWitness.request(claim, leaves, BigInteger.valueOf(5).add(BigInteger.ONE.shiftLeft(16)),
                firstPath, lastPath));
        refused(ExcursionWitness.request(claim, leaves, BigInteger.valueOf(65_535), firstPath, lastPath));
        refused(ExcursionWitness.request(claim, leaves, Scalar.ORDER.subtract(BigInteger.TWO), firstPath, lastPath));
    }

    private static ExcursionClaim claimOf(ProofRequest request) {
        List<BigInteger> in = request.publicInputs();
        return new ExcursionClaim(in.get(0), in.get(1), in.get(2).intValueExact(), in.get(3).longValueExact(),
                in.get(4).longValueExact(), in.get(5), in.get(6));
    }

    /** The example batch with leaf 6 replaced (and the tree rebuilt over it). */
    private Batch withMiddle(BigInteger device, BigInteger bootSeq, BigInteger indexQuantity, BigInteger time,
            BigInteger value) {
        List<LeafFields> leaves = new ArrayList<>(batch.leaves());
        leaves.set(6, new LeafFields(device, bootSeq, indexQuantity, time, value));
        return Batch.ofLeaves(leaves);
    }
}
