package io.sensorproof.sim.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChaosRunTest {
    private static ChaosRun.Parameters parameters(int brokerRestartCycle, int brokerRestartEvery) {
        return new ChaosRun.Parameters(10, 100, 500, 2000, 5000, 5, brokerRestartCycle, brokerRestartEvery, 10, 180, 0, 17);
    }

    @Test
    void restartsTheBrokerBeforeItsCycleAndEveryNthCycle() {
        assertThat(IntStream.rangeClosed(1, 100).filter(parameters(10, 0)::brokerRestartBefore).boxed().toList()).containsExactly(10);
        assertThat(IntStream.rangeClosed(1, 100).filter(parameters(10, 25)::brokerRestartBefore).boxed().toList())
                .containsExactly(10, 25, 50, 75, 100);
        assertThat(IntStream.rangeClosed(1, 100).filter(parameters(0, 0)::brokerRestartBefore).boxed().toList()).isEmpty();
        assertThatThrownBy(() -> parameters(10, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reportsEachStepOfTheBrokerRestartsLeavingOutStepsNotSeen() {
        Map<String, Object> stats = ChaosRun.brokerSplitStats(List.of(
                new ChaosRun.BrokerSplit(0.1, 3.0, 3.4, 4.0, 4.2),
                new ChaosRun.BrokerSplit(0.2, 4.0, -1, 5.0, 5.5),
                new ChaosRun.BrokerSplit(0.3, 5.0, 5.2, 6.0, 6.1)));
        assertThat(stats).containsEntry("count", 3)
                .containsEntry("exitedSecondsMin", 0.1).containsEntry("exitedSecondsMedian", 0.2).containsEntry("exitedSecondsMax", 0.3)
                .containsEntry("acceptingSecondsMedian", 4.0)
                .containsEntry("gatewayConnectedSecondsMin", 3.4).containsEntry("gatewayConnectedSecondsMedian", 4.3)
                .containsEntry("firstAckSecondsMax", 6.1);
    }
}
