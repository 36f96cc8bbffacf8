package io.sensorproof.oracle.planning;

import static io.sensorproof.oracle.planning.Fixtures.MINUTE;
import static io.sensorproof.oracle.planning.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.oracle.planning.PlanningException.Code;
import io.sensorproof.oracle.planning.RunPlan.RunExtent;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreezeSelectionTest {
    static final BigInteger A = Fixtures.device("a");
    static final BigInteger B = Fixtures.device("b");
    static final BigInteger C = Fixtures.device("c");
    static final List<BigInteger> DEVICES = List.of(A, B, C);

    static RunExtent run(BigInteger device, long fromMinute, long toMinute) {
        return new RunExtent(device, T0 + fromMinute * MINUTE, T0 + toMinute * MINUTE, false);
    }

    @Test
    void choosesKRunsThatShareAPointAndTellsHowFarEachChainMustReach() {
        FreezeSelection s = FreezeSelection.choose(2, DEVICES, List.of(run(A, 0, 60), run(B, 40, 90), run(C, 100, 130)));
        assertThat(s.enough()).isTrue();
        assertThat(s.runs()).extracting(RunExtent::device).containsExactly(A, B);
        assertThat(s.coverUntilMillis()).isEqualTo(T0 + 40 * MINUTE);
        // the contract's rule: max firstTime ≤ min lastTime
        long maxFirst = s.runs().stream().mapToLong(RunExtent::firstTime).max().orElseThrow();
        long minLast = s.runs().stream().mapToLong(RunExtent::lastTime).min().orElseThrow();
        assertThat(maxFirst).isLessThanOrEqualTo(minLast);
        assertThat(s.devicesOutside()).containsExactly(C);
    }

    @Test
    void submitsExactlyKRunsTheEarliestStartersSoTheChainsReachLeastFar() {
        FreezeSelection s = FreezeSelection.choose(2, DEVICES, List.of(run(A, 20, 90), run(B, 0, 90), run(C, 50, 90)));
        assertThat(s.runs()).extracting(RunExtent::device).containsExactly(B, A);
        assertThat(s.coverUntilMillis()).isEqualTo(T0 + 20 * MINUTE);
        assertThat(s.devicesOutside()).isEmpty();
    }

    @Test
    void saysHowManyOverlappingRunsAreMissingAndWhoseAreOutside() {
        FreezeSelection s = FreezeSelection.choose(2, DEVICES, List.of(run(A, 0, 30), run(B, 40, 90)));
        assertThat(s.enough()).isFalse();
        assertThat(s.missing()).isEqualTo(1);
        assertThat(s.runs()).isEmpty();
        assertThat(s.devicesOutside()).hasSize(2).contains(C);
    }

    @Test
    void runsTouchingAtOneInstantOverlap() {
        FreezeSelection s = FreezeSelection.choose(3, DEVICES, List.of(run(A, 0, 30), run(B, 30, 90), run(C, 10, 30)));
        assertThat(s.enough()).isTrue();
        assertThat(s.coverUntilMillis()).isEqualTo(T0 + 30 * MINUTE);
    }

    @Test
    void refusesTwoRunsOfOneDeviceAndAnImpossibleK() {
        assertThatThrownBy(() -> FreezeSelection.choose(1, DEVICES, List.of(run(A, 0, 30), run(A, 40, 90))))
                .isInstanceOfSatisfying(PlanningException.class, e -> assertThat(e.code()).isEqualTo(Code.DUPLICATE_DEVICE));
        assertThatThrownBy(() -> FreezeSelection.choose(4, DEVICES, List.of()))
                .isInstanceOfSatisfying(PlanningException.class, e -> assertThat(e.code()).isEqualTo(Code.INVALID_TERMS));
    }
}
