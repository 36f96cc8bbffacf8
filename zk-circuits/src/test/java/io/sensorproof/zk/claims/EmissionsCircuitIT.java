package io.sensorproof.zk.claims;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.sensorproof.zk.CircuitBuild;
import io.sensorproof.zk.prover.ProofResult;
import io.sensorproof.zk.prover.ProverClient;
import io.sensorproof.zk.prover.ProverException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The emissions circuit through zokrates-js: the honest total of a batch (above 2³², so a u32 sum
 * would wrap) proves and verifies in Java, and every false total or forged batch fails to produce
 * a witness.
 */
class EmissionsCircuitIT {
    private static final BigInteger TWO_32 = BigInteger.ONE.shiftLeft(32);
    private static final LeafFields PADDING = new LeafFields(BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO,
            BigInteger.ZERO, BigInteger.ZERO);
    private static ProverClient prover;
    private final Batch batch = Batch.of(ExampleBatches.emissions());

    @BeforeAll
    static void start() {
        prover = ProverClient.start(CircuitBuild.config("emissions").withWorkers(1));
    }

    @AfterAll
    static void stop() {
        if (prover != null) {
            prover.close();
        }
    }

    private static BigInteger total(List<LeafFields> leaves) {
        return leaves.stream().map(LeafFields::value).reduce(BigInteger.ZERO, BigInteger::add);
    }

    /** Slots = the leaves, all present, then padding; the claimed root and total as given. */
    private static ProofRequest claim(BigInteger root, BigInteger total, List<LeafFields> leaves) {
        List<LeafFields> slots = new ArrayList<>(leaves);
        List<Boolean> present = new ArrayList<>(Collections.nCopies(leaves.size(), true));
        while (slots.size() < EmissionsWitness.CAPACITY) {
            slots.add(PADDING);
            present.add(false);
        }
        return EmissionsWitness.request(root, total, slots, present);
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
    void honestTotalAboveThirtyTwoBitsProvesAndTheJavaVerifierAcceptsIt() throws Exception {
        ProofRequest request = EmissionsWitness.forBatch(batch);
        assertThat(request.publicInputs().get(1)).isGreaterThan(TWO_32);
        ProofResult result = prover.prove(request);
        assertThat(result.proof().inputs()).containsExactly(batch.root(), total(batch.leaves()));
    }

    @Test
    void refusesAWrongOrWrappedTotal() {
        BigInteger total = total(batch.leaves());
        satisfied(claim(batch.root(), total, batch.leaves()));
        refused(claim(batch.root(), total.add(BigInteger.ONE), batch.leaves()));
        refused(claim(batch.root(), total.subtract(BigInteger.ONE), batch.leaves()));
        refused(claim(batch.root(), total.mod(TWO_32), batch.leaves()));
    }

    @Test
    void refusesADroppedOrAnInventedReading() {
        List<LeafFields> leaves = batch.leaves();
        List<LeafFields> dropped = leaves.subList(0, leaves.size() - 1);
        refused(claim(batch.root(), total(dropped), dropped));
        List<LeafFields> invented = new ArrayList<>(leaves);
        invented.add(leaves.get(0));
        refused(claim(batch.root(), total(invented), invented));
        // a real reading marked as padding
        List<LeafFields> slots = new ArrayList<>(leaves);
        List<Boolean> present = new ArrayList<>(Collections.nCopies(leaves.size(), true));
        present.set(3, false);
        while (slots.size() < EmissionsWitness.CAPACITY) {
            slots.add(PADDING);
            present.add(false);
        }
        refused(EmissionsWitness.request(batch.root(), total(leaves).subtract(leaves.get(3).value()), slots, present));
    }

    @Test
    void refusesABatchWithAReadingOfAnotherQuantity() {
        List<LeafFields> leaves = new ArrayList<>(batch.leaves());
        leaves.add(new CommittedReading(ExampleBatches.COLD_STORE, 1, 1, 0, CommittedReading.TEMPERATURE,
                ExampleBatches.START, 27315).fields());
        Batch mixed = Batch.ofLeaves(leaves);
        refused(claim(mixed.root(), total(leaves), leaves));
        refused(claim(mixed.root(), total(batch.leaves()), leaves));
    }

    @Test
    void refusesMoreReadingsThanTheCircuitCovers() {
        List<LeafFields> leaves = new ArrayList<>();
        for (int i = 0; i <= EmissionsWitness.CAPACITY; i++) {
            leaves.add(new CommittedReading(ExampleBatches.BOILER, 1, i, 0, CommittedReading.CO2E,
                    ExampleBatches.START + i, 1_000).fields());
        }
        Batch big = Batch.ofLeaves(leaves);
        List<LeafFields> first64 = leaves.subList(0, EmissionsWitness.CAPACITY);
        refused(claim(big.root(), total(first64), first64));
        refused(claim(big.root(), total(leaves), first64));
        Batch fits = Batch.ofLeaves(first64);
        satisfied(claim(fits.root(), total(first64), first64));
    }

    @Test
    void refusesPackedPartsOutsideTheirBounds() {
        LeafFields honest = batch.leaves().get(2);
        // value 2^32 + 5: a u32 reading of it would be 5
        checkForged(new LeafFields(honest.device(), honest.bootSeq(), honest.indexQuantity(), honest.timeMillis(),
                TWO_32.add(BigInteger.valueOf(5))));
        // recordIndex 256 with quantity code 3 in the low byte
        checkForged(new LeafFields(honest.device(), honest.bootSeq(), BigInteger.valueOf(256 * 256 + 3),
                honest.timeMillis(), honest.value()));
        checkForged(new LeafFields(honest.device(), BigInteger.ONE.shiftLeft(64), honest.indexQuantity(),
                honest.timeMillis(), honest.value()));
        checkForged(new LeafFields(honest.device(), honest.bootSeq(), honest.indexQuantity(),
                BigInteger.ONE.shiftLeft(43), honest.value()));
    }

    /** A batch holding {@code forged} in slot 2 has no provable total (neither its sum nor a reduced one). */
    private void checkForged(LeafFields forged) {
        List<LeafFields> leaves = new ArrayList<>(batch.leaves());
        leaves.set(2, forged);
        Batch tampered = Batch.ofLeaves(leaves);
        refused(claim(tampered.root(), total(leaves), leaves));
        refused(claim(tampered.root(), total(leaves).mod(TWO_32), leaves));
    }
}
