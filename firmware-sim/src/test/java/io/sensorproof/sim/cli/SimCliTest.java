package io.sensorproof.sim.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.sim.demo.Demo;
import io.sensorproof.sim.demo.DemoAct;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimCliTest {
    @TempDir
    Path dir;

    private record Result(int exit, String out, String err) {
    }

    private static Result execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SimCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void validatePrintsTheFaultTimeline() throws Exception {
        Path file = dir.resolve("s.json");
        Files.writeString(file, """
                {"name": "demo", "duration": "PT2H", "devices": [{"prefix": "room", "count": 2, "model": "cold-room"}],
                 "faults": [{"type": "network-partition", "device": "room-2", "at": "PT30M", "duration": "PT10M"}]}""");
        Result r = execute("validate", "-s", file.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("demo: seed 1, 2 devices, PT2H from 2026-01-05T00:00:00Z in ticks of PT1M (120 ticks), speed as fast as possible")
                .contains("2026-01-05T00:30:00Z  network-partition      room-2 for PT10M");
    }

    @Test
    void everySubcommandHasHelp() {
        for (String command : new String[] {"validate", "run", "load", "chaos", "demo"}) {
            Result r = execute(command, "--help");
            assertThat(r.exit()).as(command).isZero();
            assertThat(r.out()).as(command).contains("Usage: firmware-sim " + command).contains("--help");
        }
        Result load = execute("load", "--help");
        assertThat(load.out()).contains("--agent-worker-threads");
    }

    /** A fleet of 0 devices (or no time per step, or no readings) ran a step of nothing for 40 s and exited 0. */
    @Test
    void loadRefusesAnEmptyFleetOrStepBeforeStartingAnything() {
        for (String[] bad : new String[][] {{"--sizes", "100,0"}, {"--step-seconds", "0"}, {"--readings-per-device-second", "0"}}) {
            Result r = execute("load", "--start-gateway", dir.resolve("no-such.jar").toString(), "--work-dir", dir.toString(), bad[0], bad[1]);
            assertThat(r.exit()).as(String.join(" ", bad)).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", bad)).contains("must be");
        }
    }

    @Test
    void badScenarioExitsWithItsCode() throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"duration\": \"PT1H\", \"devices\": [{\"model\": \"cold-room\"}], \"faults\": [{\"type\": \"melt\", \"at\": \"PT1M\"}]}");
        Result r = execute("validate", "-s", file.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("SCENARIO_INVALID: $.faults[0].type: unknown fault type 'melt'");
    }

    @Test
    void provisioningIsEnrollOrRegister() throws Exception {
        Path file = dir.resolve("s.json");
        Files.writeString(file, "{\"duration\": \"PT1H\", \"devices\": [{\"model\": \"cold-room\"}]}");
        Result r = execute("run", "-s", file.toString(), "--provisioning", "pki");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Invalid value for option '--provisioning'").contains("ENROLL, REGISTER");
    }

    @Test
    @DisabledIfEnvironmentVariable(named = "SENSORPROOF_API_KEY", matches = ".*")
    void runWithoutAnApiKeySaysHowToGiveOne() throws Exception {
        Path file = dir.resolve("s.json");
        Files.writeString(file, "{\"duration\": \"PT1H\", \"devices\": [{\"model\": \"cold-room\"}]}");
        Result r = execute("run", "-s", file.toString(), "--gateway", "http://127.0.0.1:9");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("give --api-key-file or set SENSORPROOF_API_KEY");
    }

    @Test
    void demoTakesItsDefaultsAndShortDurations() {
        SimCli.DemoCommand demo = new SimCli.DemoCommand();
        new CommandLine(demo).parseArgs("--timeout", "90s", "--challenge-window", "PT3M", "--once");
        Demo.Options options = demo.options();
        assertThat(options.timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(options.challengeWindow()).isEqualTo(Duration.ofMinutes(3));
        assertThat(options.httpPort()).isEqualTo(8080);
        assertThat(options.dataDir()).isEqualTo(Path.of("demo-data"));
        assertThat(options.reset()).isFalse();
        assertThat(SimCli.DemoCommand.acts()).extracting(DemoAct::name).containsExactly("cold rooms", "tampered", "factory");
    }

    @Test
    void demoRefusesADurationItCannotRead() {
        Result r = execute("demo", "--timeout", "soon");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("not a duration (e.g. 90s, 10m, PT10M): soon");
    }

    @Test
    void demoWithoutAPackagedGatewaySaysHowToBuildIt() {
        Result r = execute("demo", "--once", "--gateway-jar", dir.resolve("missing.jar").toString(), "--data-dir", dir.resolve("d").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("missing.jar is missing: mvn -B -pl gateway -am package -DskipTests");
    }
}
