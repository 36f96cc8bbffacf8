package io.sensorproof.zk.claims;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sensorproof.zk.claims.ClaimException.Code;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The run-claim builder: the claim, tree and arguments of an honest run, and a refusal with its
 * code for every condition the circuit proves, each next to an honest twin that builds.
 */
class RunClaimWitnessTest {
    private static final long LO = ExampleClaims.LO;
    private static final long HI = ExampleClaims.HI;
    private static final long MAX_GAP = ExampleClaims.RUN_MAX_GAP;

    private static List<CommittedReading> run(int n, int k, UnaryOperator<CommittedReading> change) {
        List<CommittedReading> readings = new ArrayList<>(ExampleClaims.coldRun(n));
        readings.set(k, change.apply(readings.get(k)));
        return readings;
    }

    private static CommittedReading withValue(CommittedReading r, long value) {
        return new CommittedReading(r.device(), r.boot(), r.seq(), r.recordIndex(), r.quantity(), r.timeMillis(), value);
    }

    private static CommittedReading withTime(CommittedReading r, long time) {
        return new CommittedReading(r.device(), r.boot(), r.seq(), r.recordIndex(), r.quantity(), time, r.value());
    }

    private static void refused(Code code, List<CommittedReading> readings, long lo, long hi, long maxGap) {
        assertThatThrownBy(() -> RunClaimWitness.of(readings, lo, hi, maxGap)).isInstanceOf(ClaimException.class)
                .extracting(e -> ((ClaimException) e).code()).isEqualTo(code);
    }

    private static void refused(Code code, List<CommittedReading> readings) {
        refused(code, readings, LO, HI, MAX_GAP);
    }

    private static void builds(List<CommittedReading> readings, long lo, long hi, long maxGap) {
        assertThat(RunClaimWitness.of(readings, lo, hi, maxGap).claim().count()).isEqualTo(readings.size());
    }

    private static void builds(List<CommittedReading> readings) {
        builds(readings, LO, HI, MAX_GAP);
    }

    @Test
    void honestRunCarriesItsClaimTreeAndArguments() {
        List<CommittedReading> readings = ExampleClaims.coldRun(12);
        RunClaimWitness witness = RunClaimWitness.of(readings, LO, HI, MAX_GAP);
        List<BigInteger> leaves = readings.stream().map(r -> r.fields().hash()).toList();
        assertThat(witness.tree().root()).isEqualTo(ClaimTree.of(16, leaves).root());
        assertThat(witness.claim().publicInputs()).containsExactly(witness.tree().root(), ExampleClaims.COLD_STORE,
                BigInteger.ONE, BigInteger.valueOf(LO), BigInteger.valueOf(HI), BigInteger.valueOf(ExampleClaims.START),
                BigInteger.valueOf(ExampleClaims.START + 11 * 60_000), BigInteger.valueOf(12), BigInteger.valueOf(MAX_GAP));
        assertThat(witness.request().publicInputs()).isEqualTo(witness.claim().publicInputs());
        JsonNode args = witness.request().arguments();
        assertThat(args.size()).isEqualTo(12);
        assertThat(args.get(9).size()).isEqualTo(16);
        assertThat(args.get(9).get(3).get("value").asText()).isEqualTo(Long.toString(ExampleClaims.COLD));
        assertThat(args.get(9).get(3).get("recordIndex").asText()).isEqualTo("1");
        assertThat(args.get(9).get(12).get("timeMillis").asText()).isEqualTo("0");
        for (int k = 0; k < 16; k++) {
            assertThat(args.get(10).get(k).asBoolean()).isEqualTo(k < 12);
            assertThat(args.get(11).get(k).asBoolean()).isEqualTo(k < 12 && k % 4 != 3);
        }
        for (int k = 0; k < 16; k++) {
            assertThat(witness.tree().proof(k).verify(k < 12 ? leaves.get(k) : BigInteger.ZERO, witness.tree().root()))
                    .isTrue();
        }
    }

    @Test
    void refusesTooFewOrTooManyReadings() {
        builds(ExampleClaims.coldRun(2));
        refused(Code.TOO_FEW_READINGS, ExampleClaims.coldRun(1));
        refused(Code.TOO_FEW_READINGS, List.of());
        builds(ExampleClaims.coldRun(16));
        refused(Code.TOO_MANY_READINGS, ExampleClaims.coldRun(17));
    }

    @Test
    void refusesAReadingInsideTheRange() {
        builds(run(5, 2, r -> withValue(r, HI + 1)));
        refused(Code.READING_IN_RANGE, run(5, 2, r -> withValue(r, HI)));
        builds(run(5, 2, r -> withValue(r, LO - 1)));
        refused(Code.READING_IN_RANGE, run(5, 2, r -> withValue(r, LO)));
    }

    @Test
    void refusesAGapOverMaxGap() {
        builds(run(5, 4, r -> withTime(r, r.timeMillis() - 60_000 + MAX_GAP)));
        refused(Code.GAP_OVER_MAX, run(5, 4, r -> withTime(r, r.timeMillis() - 60_000 + MAX_GAP + 1)));
    }

    @Test
    void refusesDuplicatedOrReorderedReadings() {
        List<CommittedReading> readings = new ArrayList<>(ExampleClaims.coldRun(5));
        readings.add(readings.get(4));
        refused(Code.TIME_NOT_INCREASING, readings);
        List<CommittedReading> swapped = new ArrayList<>(ExampleClaims.coldRun(5));
        swapped.set(1, ExampleClaims.coldRun(5).get(2));
        swapped.set(2, ExampleClaims.coldRun(5).get(1));
        refused(Code.TIME_NOT_INCREASING, swapped);
        builds(run(5, 2, r -> withTime(r, r.timeMillis() - 59_999)), LO, HI, 120_000);
        refused(Code.TIME_NOT_INCREASING, run(5, 2, r -> withTime(r, r.timeMillis() - 60_000)), LO, HI, 120_000);
    }

    @Test
    void refusesAnotherDeviceOrQuantity() {
        refused(Code.OTHER_DEVICE, run(5, 3, r -> new CommittedReading(ExampleClaims.OTHER, r.boot(), r.seq(),
                r.recordIndex(), r.quantity(), r.timeMillis(), r.value())));
        refused(Code.OTHER_QUANTITY, run(5, 3, r -> new CommittedReading(r.device(), r.boot(), r.seq(),
                r.recordIndex(), CommittedReading.HUMIDITY, r.timeMillis(), r.value())));
    }

    @Test
    void refusesValuesTimesAndLeafPartsOutOfBound() {
        long valueBound = CommittedReading.VALUE_BOUND;
        builds(run(5, 2, r -> withValue(r, valueBound - 1)));
        refused(Code.VALUE_OUT_OF_BOUND, run(5, 2, r -> withValue(r, valueBound)));
        builds(run(5, 2, r -> withValue(r, 0)));
        refused(Code.VALUE_OUT_OF_BOUND, run(5, 2, r -> withValue(r, -1)));
        refused(Code.TIME_OUT_OF_BOUND, run(5, 0, r -> withTime(r, -1)));
        List<CommittedReading> late = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            late.add(withTime(ExampleClaims.temperature(k, ExampleClaims.WARM), CommittedReading.TIME_BOUND - 3 + k));
        }
        builds(late);
        late.set(2, withTime(late.get(2), CommittedReading.TIME_BOUND));
        refused(Code.TIME_OUT_OF_BOUND, late);
        builds(run(5, 2, r -> new CommittedReading(r.device(), (1L << 32) - 1, r.seq(), 255, r.quantity(),
                r.timeMillis(), r.value())));
        refused(Code.FIELD_OUT_OF_BOUND, run(5, 2, r -> new CommittedReading(r.device(), r.boot(), r.seq(), 256,
                r.quantity(), r.timeMillis(), r.value())));
        refused(Code.FIELD_OUT_OF_BOUND, run(5, 2, r -> new CommittedReading(r.device(), 1L << 32, r.seq(),
                r.recordIndex(), r.quantity(), r.timeMillis(), r.value())));
        refused(Code.FIELD_OUT_OF_BOUND, run(5, 0, r -> new CommittedReading(r.device(), r.boot(), r.seq(),
                r.recordIndex(), 256 + r.quantity(), r.timeMillis(), r.value())));
    }

    @Test
    void refusesAnEmptyRangeAndParametersOutOfBound() {
        List<CommittedReading> readings = ExampleClaims.coldRun(3);
        builds(readings, HI, HI, MAX_GAP);
        refused(Code.LO_ABOVE_HI, readings, HI + 1, HI, MAX_GAP);
        refused(Code.PARAMETER_OUT_OF_BOUND, readings, -1, HI, MAX_GAP);
        List<CommittedReading> cold = List.of(ExampleClaims.temperature(0, ExampleClaims.COLD),
                ExampleClaims.temperature(1, ExampleClaims.COLD));
        builds(cold, LO, CommittedReading.VALUE_BOUND - 1, MAX_GAP);
        refused(Code.PARAMETER_OUT_OF_BOUND, cold, LO, CommittedReading.VALUE_BOUND, MAX_GAP);
        refused(Code.PARAMETER_OUT_OF_BOUND, readings, LO, HI, -1);
        refused(Code.PARAMETER_OUT_OF_BOUND, readings, LO, HI, CommittedReading.TIME_BOUND);
    }
}
