package io.sensorproof.sim.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.sim.gateway.DeviceProvisioner;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A fleet split over several simulator processes (ADR 048) is one step: devices and readings summed,
 * the worst lag and drain of any process, sustained only when every process kept the schedule and
 * drained in time, the CPU of each process and of all together.
 */
class MultiProcessLoadTest {
    private static final FleetLoad.Parameters TWO = new FleetLoad.Parameters(List.of(2000), 1, 40, 10, 10, DeviceProvisioner.Method.REGISTER,
            FleetLoad.Outboxes.NON_DURABLE, FleetLoad.Threads.SHARED, 2, List.of(), false, 0, 1000, 2, 4);
    private static final Map<String, Double> GATEWAY = Map.of("gateway", 0.31, "broker", 0.15);

    private static FleetLoad.Part part(int index, long lag, double drain, boolean drained, double cpu, String error) {
        return new FleetLoad.Part(index, 100 + index, 1000, 40_000, lag, drain, drained, 52.0 + index, cpu, 3100 + index, 7050, 3000, 5, 1000, 4.0,
                4_000, 10 + index, index, error);
    }

    @Test
    void sumsTheProcessesAndTakesTheWorstLagAndDrain() {
        FleetLoad.Step step = FleetLoad.aggregate(2000, List.of(part(0, 40, 2.5, true, 0.4, null), part(1, 300, 7.5, true, 0.55, null)),
                79_000, 39_500, TWO, "1.0 1.0 1.0", "2.0 2.0 2.0", GATEWAY);
        assertThat(step.devices()).isEqualTo(2000);
        assertThat(step.readingsSubmitted()).isEqualTo(80_000);
        assertThat(step.offeredReadingsPerSecond()).isEqualTo(2000.0);
        assertThat(step.maxTickLagMillis()).isEqualTo(300);
        assertThat(step.drainSeconds()).isEqualTo(7.5);
        assertThat(step.storedReadingsPerSecond()).isEqualTo(Math.round(79_000 / 47.5 * 10) / 10.0);
        assertThat(step.allDrained()).isTrue();
        assertThat(step.sustained()).isTrue();
        assertThat(step.cpuCores()).containsEntry("simulator", 0.95).containsEntry("simulator-0", 0.4).containsEntry("simulator-1", 0.55)
                .containsEntry("gateway", 0.31).containsEntry("broker", 0.15);
        assertThat(step.simulatorThreadsPeak()).isEqualTo(3100 + 3101);
        assertThat(step.simulatorOpenFilesPeak()).isEqualTo(2 * 7050);
        assertThat(step.outboxForcesSkipped()).isEqualTo(10);
        assertThat(step.messagesSigned()).isEqualTo(8_000);
        assertThat(step.resendsAfterTimeout()).as("summed, not the worst process").isEqualTo(10 + 11);
        assertThat(step.resendsAfterReconnect()).isEqualTo(1);
        assertThat(step.processes()).hasSize(2);
        assertThat(step.wallSeconds()).isEqualTo(53.0);
        assertThat(step.error()).isNull();
    }

    @Test
    void oneProcessLateOrUndrainedMakesTheStepNotSustained() {
        assertThat(FleetLoad.aggregate(2000, List.of(part(0, 40, 2.5, true, 0.4, null), part(1, 40, 10.5, true, 0.5, null)), 80_000, 40_000, TWO,
                "", "", GATEWAY).sustained()).as("one drain over the limit").isFalse();
        assertThat(FleetLoad.aggregate(2000, List.of(part(0, 1200, 2.5, true, 0.4, null), part(1, 40, 2.5, true, 0.5, null)), 80_000, 40_000, TWO,
                "", "", GATEWAY).sustained()).as("one tick lag over a second").isFalse();
        FleetLoad.Step undrained = FleetLoad.aggregate(2000, List.of(part(0, 40, 2.5, true, 0.4, null), part(1, 40, 2.5, false, 0.5, null)),
                80_000, 40_000, TWO, "", "", GATEWAY);
        assertThat(undrained.allDrained()).isFalse();
        assertThat(undrained.sustained()).isFalse();
    }

    @Test
    void aProcessThatFailedOrNeverReportedFailsTheStep() {
        FleetLoad.Step failed = FleetLoad.aggregate(2000, List.of(part(0, 40, 2.5, true, 0.4, null),
                FleetLoad.Part.failed(1, 101, 1000, "did not end in time (killed)")), 40_000, 20_000, TWO, "", "", GATEWAY);
        assertThat(failed.sustained()).isFalse();
        assertThat(failed.error()).isEqualTo("process 1: did not end in time (killed)");
        FleetLoad.Step missing = FleetLoad.aggregate(2000, List.of(part(0, 40, 2.5, true, 0.4, null)), 40_000, 20_000, TWO, "", "", GATEWAY);
        assertThat(missing.allDrained()).as("half the fleet unaccounted for").isFalse();
        assertThat(missing.sustained()).isFalse();
    }
}
