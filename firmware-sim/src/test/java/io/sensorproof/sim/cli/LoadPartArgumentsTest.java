package io.sensorproof.sim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.sim.fleet.FleetLoad;
import io.sensorproof.sim.gateway.DeviceProvisioner;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code load --processes K} starts K {@code load-part} processes: each must run its share of the step with the
 * step's parameters, not its own defaults (a pack age left behind would measure a different fleet).
 */
class LoadPartArgumentsTest {
    @Test
    void aSimulatorProcessRunsWithTheStepsParameters() {
        FleetLoad.Parameters step = new FleetLoad.Parameters(List.of(5000), 1, 60, 10, 12, DeviceProvisioner.Method.ENROLL,
                FleetLoad.Outboxes.NON_DURABLE, FleetLoad.Threads.SHARED, 2, List.of("-Xmx1g"), true, 19, 10_000, 30, 6);
        List<String> args = FleetLoad.partArguments(step, "http://127.0.0.1:1", Path.of("key"), "ssl://127.0.0.1:2", Optional.of(Path.of("ca.pem")),
                Path.of("w"), 2500, 1, "load-dev", 2500, Path.of("part.json"));

        SimCli.LoadPart part = new SimCli.LoadPart();
        new CommandLine(part).parseArgs(args.toArray(String[]::new));

        assertThat(part.parameters()).isEqualTo(new FleetLoad.Parameters(List.of(2500), 1, 60, 10, 12, DeviceProvisioner.Method.ENROLL,
                FleetLoad.Outboxes.NON_DURABLE, FleetLoad.Threads.SHARED, 1, List.of(), false, 0, 10_000, 30, 6));
    }
}
