package io.sensorproof.zk.claims;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sensorproof.zk.merkle.BatchTree;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WitnessBuilderTest {
    private final Batch coldChain = Batch.of(ExampleBatches.coldChain());

    @Test
    void batchOrderMakesEachDevicesQuantityAContiguousTimeOrderedRun() {
        List<LeafFields> leaves = coldChain.leaves();
        assertThat(leaves).hasSize(36);
        for (int i = 1; i < leaves.size(); i++) {
            LeafFields a = leaves.get(i - 1);
            LeafFields b = leaves.get(i);
            if (a.device().equals(b.device()) && a.quantity() == b.quantity()) {
                assertThat(b.timeMillis()).isGreaterThanOrEqualTo(a.timeMillis());
            } else {
                assertThat(a.device().compareTo(b.device()) < 0
                        || a.device().equals(b.device()) && a.quantity() < b.quantity()).isTrue();
            }
        }
    }

    @Test
    void findsTheThreeReadingRunAndNotTheSingleSpike() {
        int first = ExcursionWitness.findRun(coldChain, ExampleBatches.COLD_STORE, CommittedReading.TEMPERATURE,
                ExampleBatches.LO, ExampleBatches.HI).orElseThrow();
        assertThat(coldChain.leaves().get(first).timeMillis())
                .isEqualTo(BigInteger.valueOf(ExampleBatches.START + 5 * 60_000L));
        assertThat(ExcursionWitness.findRun(coldChain, ExampleBatches.OTHER, CommittedReading.TEMPERATURE,
                ExampleBatches.LO, ExampleBatches.HI)).isEmpty();
    }

    @Test
    void excursionRequestCarriesTheClaimAndTwoValidPaths() {
        int first = ExcursionWitness.findRun(coldChain, ExampleBatches.COLD_STORE, 1, ExampleBatches.LO,
                ExampleBatches.HI).orElseThrow();
        ProofRequest request = ExcursionWitness.forRun(coldChain, first, ExampleBatches.LO, ExampleBatches.HI);
        assertThat(request.circuit()).isEqualTo("excursion");
        assertThat(request.publicInputs()).containsExactly(coldChain.root(), ExampleBatches.COLD_STORE,
                BigInteger.ONE, BigInteger.valueOf(ExampleBatches.LO), BigInteger.valueOf(ExampleBatches.HI),
                BigInteger.valueOf(ExampleBatches.START + 300_000), BigInteger.valueOf(ExampleBatches.START + 420_000));
        JsonNode args = request.arguments();
        assertThat(args.size()).isEqualTo(11);
        assertThat(args.get(7).size()).isEqualTo(3);
        assertThat(args.get(7).get(1).get("value").asText()).isEqualTo("28515");
        assertThat(args.get(8).asText()).isEqualTo(Integer.toString(first));
        BatchTree tree = coldChain.tree();
        assertThat(tree.proof(first).siblings()).isEqualTo(numbers(args.get(9)));
        assertThat(tree.proof(first + 2).siblings()).isEqualTo(numbers(args.get(10)));
    }

    @Test
    void refusesFalseExcursionClaimsBeforeProving() {
        int first = ExcursionWitness.findRun(coldChain, ExampleBatches.COLD_STORE, 1, ExampleBatches.LO,
                ExampleBatches.HI).orElseThrow();
        assertThat(code(() -> ExcursionWitness.forRun(coldChain, first - 1, ExampleBatches.LO, ExampleBatches.HI)))
                .isEqualTo(ClaimException.Code.INSIDE_RANGE);
        assertThat(code(() -> ExcursionWitness.forRun(coldChain, 35, ExampleBatches.LO, ExampleBatches.HI)))
                .isEqualTo(ClaimException.Code.RUN_OUT_OF_BATCH);
        assertThat(code(() -> ExcursionWitness.forRun(coldChain, 10, 0, 1)))
                .isEqualTo(ClaimException.Code.NOT_A_RUN);
        assertThat(code(() -> ExcursionWitness.forRun(coldChain, first, ExampleBatches.HI, ExampleBatches.LO)))
                .isEqualTo(ClaimException.Code.EMPTY_RANGE);
    }

    @Test
    void emissionsRequestPadsToSixtyFourSlotsAndSumsBeyondThirtyTwoBits() {
        Batch batch = Batch.of(ExampleBatches.emissions());
        ProofRequest request = EmissionsWitness.forBatch(batch);
        BigInteger total = BigInteger.valueOf(5 * 125_000L + 10_000 + 5 * 4_000_000_000L + 10);
        assertThat(total.bitLength()).isGreaterThan(32);
        assertThat(request.publicInputs()).containsExactly(batch.root(), total);
        JsonNode slots = request.arguments().get(2);
        JsonNode present = request.arguments().get(3);
        assertThat(slots.size()).isEqualTo(64);
        assertThat(present.size()).isEqualTo(64);
        assertThat(present.get(9).asBoolean()).isTrue();
        assertThat(present.get(10).asBoolean()).isFalse();
        assertThat(slots.get(10).get("value").asText()).isEqualTo("0");
    }

    @Test
    void refusesEmissionBatchesTheCircuitCannotCover() {
        List<CommittedReading> many = new ArrayList<>();
        for (int i = 0; i < 65; i++) {
            many.add(new CommittedReading(ExampleBatches.BOILER, 1, i, 0, CommittedReading.CO2E, ExampleBatches.START + i, 1));
        }
        assertThat(code(() -> EmissionsWitness.forBatch(Batch.of(many)))).isEqualTo(ClaimException.Code.TOO_MANY_READINGS);
        assertThat(code(() -> EmissionsWitness.forBatch(coldChain))).isEqualTo(ClaimException.Code.NOT_AN_EMISSION);
    }

    private static List<BigInteger> numbers(JsonNode array) {
        List<BigInteger> out = new ArrayList<>();
        array.forEach(n -> out.add(new BigInteger(n.asText())));
        return out;
    }

    private static ClaimException.Code code(Runnable action) {
        try {
            action.run();
        } catch (ClaimException e) {
            return e.code();
        }
        throw new AssertionError("no ClaimException");
    }

    @Test
    void committedReadingRefusesPartsOutsideTheirBounds() {
        BigInteger d = ExampleBatches.BOILER;
        assertThatThrownBy(() -> new CommittedReading(d, 1L << 32, 0, 0, 3, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CommittedReading(d, 0, 0, 256, 3, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CommittedReading(d, 0, 0, 0, 3, 1L << 43, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CommittedReading(d, 0, 0, 0, 3, 0, 1L << 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CommittedReading(BigInteger.ONE.shiftLeft(248), 0, 0, 0, 3, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
