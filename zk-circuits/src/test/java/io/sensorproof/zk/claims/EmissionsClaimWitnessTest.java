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
 * The emissions-claim builder: the claim (first/last register readings, gapTime), tree and
 * arguments, and a refusal with its code for every condition the circuit proves, each next to an
 * honest twin that builds.
 */
class EmissionsClaimWitnessTest {
    private static final long MAX_GAP = ExampleClaims.REGISTER_MAX_GAP;
    private static final long HOUR = ExampleClaims.REGISTER_INTERVAL;

    private static List<CommittedReading> readings(int n, int k, UnaryOperator<CommittedReading> change) {
        List<CommittedReading> readings = new ArrayList<>(ExampleClaims.registerReadings(n));
        readings.set(k, change.apply(readings.get(k)));
        return readings;
    }

    private static CommittedReading with(CommittedReading r, long time, long value) {
        return new CommittedReading(r.device(), r.boot(), r.seq(), r.recordIndex(), r.quantity(), time, value);
    }

    private static void refused(Code code, List<CommittedReading> readings, long maxGap) {
        assertThatThrownBy(() -> EmissionsClaimWitness.of(readings, maxGap)).isInstanceOf(ClaimException.class)
                .extracting(e -> ((ClaimException) e).code()).isEqualTo(code);
    }

    private static void refused(Code code, List<CommittedReading> readings) {
        refused(code, readings, MAX_GAP);
    }

    private static EmissionsClaim builds(List<CommittedReading> readings) {
        return EmissionsClaimWitness.of(readings, MAX_GAP).claim();
    }

    @Test
    void honestClaimCarriesFirstAndLastRegisterAndTheLongGap() {
        List<CommittedReading> readings = ExampleClaims.registerReadings(24);
        EmissionsClaimWitness witness = EmissionsClaimWitness.of(readings, MAX_GAP);
        EmissionsClaim claim = witness.claim();
        List<BigInteger> leaves = readings.stream().map(r -> r.fields().hash()).toList();
        assertThat(claim.root()).isEqualTo(ClaimTree.of(32, leaves).root());
        long start = ExampleClaims.START;
        assertThat(claim.publicInputs()).containsExactly(claim.root(), ExampleClaims.BOILER, BigInteger.valueOf(start),
                BigInteger.valueOf(ExampleClaims.REGISTER_START), BigInteger.valueOf(start + 24 * HOUR),
                BigInteger.valueOf(ExampleClaims.REGISTER_START + 24 * 125_000), BigInteger.valueOf(24),
                BigInteger.valueOf(MAX_GAP), BigInteger.valueOf(2 * HOUR));
        JsonNode args = witness.request().arguments();
        assertThat(args.size()).isEqualTo(12);
        assertThat(args.get(9).size()).isEqualTo(32);
        for (int k = 0; k < 32; k++) {
            assertThat(args.get(10).get(k).asBoolean()).isEqualTo(k < 24);
            assertThat(args.get(11).get(k).asBoolean()).as("over %d", k).isEqualTo(k == 2);
        }
    }

    @Test
    void gapTimeCountsWholeGapsOverMaxGapOnly() {
        List<CommittedReading> readings = new ArrayList<>();
        long[] gaps = {MAX_GAP, MAX_GAP + 1, 1, 3 * HOUR};
        long time = ExampleClaims.START;
        readings.add(ExampleClaims.register(1, time, 10));
        for (int k = 0; k < gaps.length; k++) {
            time += gaps[k];
            readings.add(ExampleClaims.register(2 + k, time, 10 + k));
        }
        assertThat(builds(readings).gapTime()).isEqualTo(MAX_GAP + 1 + 3 * HOUR);
        assertThat(EmissionsClaimWitness.of(readings, 0).claim().gapTime()).isEqualTo(time - ExampleClaims.START);
        assertThat(EmissionsClaimWitness.of(readings, 3 * HOUR).claim().gapTime()).isZero();
    }

    @Test
    void refusesTooFewOrTooManyReadings() {
        builds(ExampleClaims.registerReadings(2));
        refused(Code.TOO_FEW_READINGS, ExampleClaims.registerReadings(1));
        builds(ExampleClaims.registerReadings(32));
        refused(Code.TOO_MANY_READINGS, ExampleClaims.registerReadings(33));
    }

    @Test
    void refusesARegisterGoingDown() {
        List<CommittedReading> flat = readings(5, 3, r -> with(r, r.timeMillis(), ExampleClaims.registerReadings(5)
                .get(2).value()));
        builds(flat);
        refused(Code.REGISTER_DECREASED, readings(5, 3, r -> with(r, r.timeMillis(), ExampleClaims.registerReadings(5)
                .get(2).value() - 1)));
    }

    @Test
    void refusesDuplicatedOrReorderedReadings() {
        List<CommittedReading> duplicated = new ArrayList<>(ExampleClaims.registerReadings(5));
        duplicated.add(duplicated.get(4));
        refused(Code.TIME_NOT_INCREASING, duplicated);
        List<CommittedReading> swapped = new ArrayList<>(ExampleClaims.registerReadings(5));
        swapped.set(3, ExampleClaims.registerReadings(5).get(4));
        swapped.set(4, ExampleClaims.registerReadings(5).get(3));
        refused(Code.TIME_NOT_INCREASING, swapped);
    }

    @Test
    void refusesAnotherDeviceOrQuantity() {
        refused(Code.OTHER_DEVICE, readings(5, 1, r -> new CommittedReading(ExampleClaims.COLD_STORE, r.boot(), r.seq(),
                r.recordIndex(), r.quantity(), r.timeMillis(), r.value())));
        refused(Code.OTHER_QUANTITY, readings(5, 0, r -> new CommittedReading(r.device(), r.boot(), r.seq(),
                r.recordIndex(), CommittedReading.TEMPERATURE, r.timeMillis(), r.value())));
    }

    @Test
    void refusesValuesTimesAndParametersOutOfBound() {
        long bound = CommittedReading.VALUE_BOUND;
        builds(readings(5, 4, r -> with(r, r.timeMillis(), bound - 1)));
        refused(Code.VALUE_OUT_OF_BOUND, readings(5, 4, r -> with(r, r.timeMillis(), bound)));
        refused(Code.VALUE_OUT_OF_BOUND, readings(5, 0, r -> with(r, r.timeMillis(), -1)));
        refused(Code.TIME_OUT_OF_BOUND, readings(5, 4, r -> with(r, CommittedReading.TIME_BOUND, r.value())));
        refused(Code.FIELD_OUT_OF_BOUND, readings(5, 4, r -> new CommittedReading(r.device(), r.boot(), -1,
                r.recordIndex(), r.quantity(), r.timeMillis(), r.value())));
        builds(ExampleClaims.registerReadings(3));
        refused(Code.PARAMETER_OUT_OF_BOUND, ExampleClaims.registerReadings(3), -1);
        refused(Code.PARAMETER_OUT_OF_BOUND, ExampleClaims.registerReadings(3), CommittedReading.TIME_BOUND);
    }
}
