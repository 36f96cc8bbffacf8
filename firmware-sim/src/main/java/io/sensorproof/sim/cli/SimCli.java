package io.sensorproof.sim.cli;

import io.sensorproof.sim.SimException;
import io.sensorproof.sim.demo.ColdRoomsAct;
import io.sensorproof.sim.demo.Demo;
import io.sensorproof.sim.demo.DemoAct;
import io.sensorproof.sim.demo.FactoryAct;
import io.sensorproof.sim.demo.TamperedDeviceAct;
import io.sensorproof.sim.fleet.ChaosRun;
import io.sensorproof.sim.fleet.DeviceRunner;
import io.sensorproof.sim.fleet.FleetLoad;
import io.sensorproof.sim.fleet.FleetRunner;
import io.sensorproof.sim.fleet.RunReport;
import io.sensorproof.sim.gateway.GatewayClient;
import io.sensorproof.sim.gateway.DeviceProvisioner;
import io.sensorproof.sim.gateway.StandaloneGateway;
import io.sensorproof.sim.scenario.Fault;
import io.sensorproof.sim.scenario.Scenario;
import io.sensorproof.sim.scenario.ScenarioParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Command line of the firmware simulator: validate, run, load, chaos, demo, and device (one device of a process-mode fleet). */
// INHERIT: every subcommand has --help and --version too (`firmware-sim load --help`)
@Command(name = "firmware-sim", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "firmware-sim 0.1.0",
        description = "Simulates warehouse and factory sensors with real edge agents against a gateway, with faults on a timeline.",
        subcommands = {SimCli.Validate.class, SimCli.Run.class, SimCli.Load.class, SimCli.Chaos.class, SimCli.Device.class,
                SimCli.DemoCommand.class, SimCli.LoadPart.class})
public final class SimCli implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Held so that the level set in {@link #main} stays (JUL keeps loggers weakly). */
    private static final Logger AGENT_LOG = Logger.getLogger("io.sensorproof.agent");

    public static void main(String[] args) {
        if (!"true".equals(System.getenv("SENSORPROOF_SIM_VERBOSE"))) {
            // one "agent started" line per device drowns the progress line of a fleet
            AGENT_LOG.setLevel(Level.WARNING);
        }
        System.exit(commandLine().execute(args));
    }

    /** The command line with the simulator's error handling (a {@link SimException} prints its code and exits 2). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SimCli());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof SimException || e instanceof IllegalArgumentException) {
                commandLine.getErr().println(e.getMessage());
                commandLine.getErr().flush();
                return 2;
            }
            throw e;
        });
        return cli;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 0;
    }

    /** A client for the operator API with the key from {@code apiKeyFile} or SENSORPROOF_API_KEY. */
    static GatewayClient client(URI api, Path apiKeyFile) throws IOException {
        String key = apiKeyFile != null ? Files.readString(apiKeyFile).trim() : System.getenv("SENSORPROOF_API_KEY");
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("give --api-key-file or set SENSORPROOF_API_KEY");
        }
        return new GatewayClient(api, key);
    }

    /** Checks a scenario file and prints its timeline. */
    @Command(name = "validate", description = "Check a scenario file and print its devices and fault timeline.")
    static final class Validate implements Callable<Integer> {
        @Option(names = {"-s", "--scenario"}, required = true, description = "Scenario JSON file.")
        Path scenarioFile;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Scenario s = ScenarioParser.read(scenarioFile);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%s: seed %d, %d devices, %s from %s in ticks of %s (%d ticks), speed %s%n", s.name(), s.seed(), s.devices().size(),
                    s.duration(), s.start(), s.tick(), s.ticks(), s.speed() <= 0 ? "as fast as possible" : s.speed() + "x");
            for (Fault f : s.faults()) {
                out.printf("  %s  %-22s %s%s%n", Instant.ofEpochMilli(f.startMillis(s)), f.type().label(), f.device(),
                        f.duration().isZero() ? "" : " for " + f.duration());
            }
            out.flush();
            return 0;
        }
    }

    /** Runs a scenario against a running gateway. */
    @Command(name = "run", description = "Run a scenario's fleet against a running gateway and write a JSON summary.")
    static final class Run implements Callable<Integer> {
        @Option(names = {"-s", "--scenario"}, required = true, description = "Scenario JSON file.")
        Path scenarioFile;

        @Option(names = "--gateway", defaultValue = "http://127.0.0.1:8080", description = "Operator API base URL (default ${DEFAULT-VALUE}).")
        URI api;

        @Option(names = "--api-key-file", description = "File with an operator API key, e.g. data/operator-api-key (or SENSORPROOF_API_KEY).")
        Path apiKeyFile;

        @Option(names = "--mqtt-url", defaultValue = "ssl://127.0.0.1:8883", description = {"The gateway's broker (default ${DEFAULT-VALUE}:"
                + " the standalone gateway's device listener, where devices present their enrollment certificate).",
                "tcp://host:port for an external broker without TLS."})
        String mqttUrl;

        @Option(names = "--mqtt-ca-file", description = "PEM certificates trusted for an ssl:// broker, e.g. the gateway's data/broker/auth/server.pem.")
        Path mqttCaFile;

        @Option(names = "--mode", defaultValue = "IN_JVM", description = "IN_JVM (default) or PROCESSES (one JVM per device; power loss = SIGKILL).")
        FleetRunner.Mode mode;

        @Option(names = "--work-dir", defaultValue = "sim-data", description = "Device data directories (keys, outboxes); default ${DEFAULT-VALUE}.")
        Path workDir;

        @Option(names = "--summary", defaultValue = "sim-summary.json", description = "Where the JSON summary goes (default ${DEFAULT-VALUE}).")
        Path summary;

        @Option(names = "--drain-timeout-seconds", defaultValue = "120", description = "Wait this long for acknowledgements after the last tick.")
        long drainSeconds;

        @Option(names = "--provisioning", defaultValue = "enroll", description = {"enroll (default): create each device without a key and"
                + " enroll it (one-time token, CSR, certificate) with the edge agent's enroller; register: register each device's public"
                + " key through the operator API."})
        DeviceProvisioner.Method provisioning;

        @Option(names = "--no-verify", description = "Skip reading back stored readings (large fleets).")
        boolean noVerify;

        @Option(names = "--quiet", description = "No progress line.")
        boolean quiet;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Scenario scenario = ScenarioParser.read(scenarioFile);
            GatewayClient client = client(api, apiKeyFile);
            FleetRunner runner = new FleetRunner(scenario, client, provisioning.provisioner(client),
                    new FleetRunner.Options(mode, workDir, mqttUrl, Optional.of(scenarioFile), drainSeconds * 1000, !noVerify,
                            quiet ? null : System.err, Optional.ofNullable(mqttCaFile)));
            RunReport report = runner.run();
            report.write(summary);
            PrintWriter out = spec.commandLine().getOut();
            out.println(report.toJson());
            out.flush();
            return report.totals().allDrained() ? 0 : 3;
        }
    }

    /** Finds the largest fleet a gateway sustains. */
    @Command(name = "load", description = {"Run fleets of growing size in real time and find the largest one the gateway sustains.",
            "Either against a running gateway (--gateway, --api-key-file, --mqtt-url) or one started here (--start-gateway)."})
    static final class Load implements Callable<Integer> {
        @Option(names = "--gateway", defaultValue = "http://127.0.0.1:8080", description = "Operator API base URL.")
        URI api;

        @Option(names = "--api-key-file", description = "File with an operator API key.")
        Path apiKeyFile;

        @Option(names = "--mqtt-url", defaultValue = "ssl://127.0.0.1:8883", description = "The gateway's broker (ignored with --start-gateway).")
        String mqttUrl;

        @Option(names = "--mqtt-ca-file", description = "PEM certificates trusted for an ssl:// broker (ignored with --start-gateway).")
        Path mqttCaFile;

        @Option(names = "--start-gateway", description = "Start this packaged gateway (quarkus-run.jar) in standalone mode for the run.")
        Path runJar;

        @Option(names = "--work-dir", defaultValue = "fleet-load", description = "Device and gateway data.")
        Path workDir;

        @Option(names = "--sizes", split = ",", defaultValue = "25,50,100,200,400", description = "Fleet sizes to try, in order.")
        List<Integer> sizes;

        @Option(names = "--readings-per-device-second", defaultValue = "1", description = "Each device's reading rate.")
        double rate;

        @Option(names = "--step-seconds", defaultValue = "40", description = "Real time per fleet size.")
        long stepSeconds;

        @Option(names = "--pack-max-records", defaultValue = "10", description = "Readings per signed message.")
        int packMaxRecords;

        @Option(names = "--pack-max-age-millis", defaultValue = "1000", description = {"Each agent seals its open pack after this"
                + " long (wall ms) even if not full (default ${DEFAULT-VALUE}: one message of 2 readings every 2 s at 1 reading/s). A device"
                + " that reports every 10 s: 10000 with --pack-max-records 10. Recorded in the results."})
        long packMaxAgeMillis;

        @Option(names = "--agent-status-seconds", defaultValue = "2", description = {"How often each simulated agent rewrites its"
                + " status file (the agent's status.interval-seconds; default ${DEFAULT-VALUE}, as on a device). Thousands of agents on one"
                + " disk create and rename thousands of files a second at the default: a simulator cost, not the gateway's. Recorded in"
                + " the results."})
        long agentStatusSeconds;

        @Option(names = "--agent-worker-threads", defaultValue = "4", description = {"With shared threads: how many tasks (sending,"
                + " acknowledgements, sealing, connecting) each simulator JVM's agent runtime runs at once (default ${DEFAULT-VALUE}; a task"
                + " that waits for the broker or for outbox space gets a thread of its own meanwhile). ADR 061. Recorded in the results."})
        int agentWorkerThreads;

        @Option(names = "--max-drain-seconds", defaultValue = "10", description = "A size is sustained if its backlog clears within this.")
        long maxDrainSeconds;

        @Option(names = "--out", defaultValue = "fleet-load.json", description = "Results file.")
        Path out;

        @Option(names = "--provisioning", defaultValue = "enroll", description = {"enroll (default): create each device without a key and"
                + " enroll it (one-time token, CSR, certificate) with the edge agent's enroller; register: register each device's public"
                + " key through the operator API."})
        DeviceProvisioner.Method provisioning;

        @Option(names = "--non-durable-outbox", description = {"Load runs only: the simulated agents' outboxes skip every fsync (a"
                + " NON-DURABLE outbox, which loses messages at a power cut), so that thousands of agents do not measure the simulator's own"
                + " disk. Labelled in the output and the results file; real devices always keep the durable outbox (ADR 043)."})
        boolean nonDurableOutbox;

        @Option(names = "--processes", defaultValue = "1", description = {"Split each fleet over this many simulator JVMs (child"
                + " processes of this one, each under its own open-file limit; ADR 048). Results of all go into the one results file,"
                + " with each process's CPU, threads and open files (default ${DEFAULT-VALUE})."})
        int processes;

        @Option(names = "--process-jvm-options", split = " ", defaultValue = "-Xmx2g -Xss512k",
                description = "JVM options of each simulator process with --processes > 1 (default ${DEFAULT-VALUE}).")
        List<String> processJvmOptions;

        @Option(names = "--simulator-nice", defaultValue = "0", description = {"With --processes > 1: run the simulator processes"
                + " under nice -n this (1..19), so that on the gateway's machine they get only the CPU the gateway, its broker and"
                + " PostgreSQL leave (the Linux scheduler shares CPU per thread, and 1,000 agents are thousands of threads). Recorded"
                + " in the results; a simulator that falls behind shows as tick lag (default ${DEFAULT-VALUE})."})
        int simulatorNice;

        @Option(names = "--own-threads", description = {"Give every simulated agent its own threads, as on a device (about 8 per"
                + " agent), instead of one shared agent runtime per simulator JVM (ADR 048); to compare."})
        boolean ownThreads;

        @Option(names = "--reuse-devices", description = {"The same devices (ids load-dev-1, -2, …, data under <work-dir>/fleet) in"
                + " every step and run: a step enrolls only the devices no earlier step or run on this --work-dir enrolled. Needs the"
                + " same gateway each time (--start-gateway keeps its data in the work directory)."})
        boolean reuseDevices;

        @Override
        public Integer call() throws Exception {
            FleetLoad.Parameters p = new FleetLoad.Parameters(sizes, rate, stepSeconds, packMaxRecords, maxDrainSeconds, provisioning,
                    nonDurableOutbox ? FleetLoad.Outboxes.NON_DURABLE : FleetLoad.Outboxes.DURABLE,
                    ownThreads ? FleetLoad.Threads.OWN : FleetLoad.Threads.SHARED, processes, processJvmOptions, reuseDevices, simulatorNice,
                    packMaxAgeMillis, agentStatusSeconds, agentWorkerThreads);
            if (runJar != null) {
                try (StandaloneGateway gateway = StandaloneGateway.start(runJar, workDir.toAbsolutePath().resolve("gateway-data"),
                        Duration.ofMinutes(3))) {
                    FleetLoad.run(new GatewayClient(gateway.apiBase(), gateway.operatorKey()), gateway.mqttUrl(),
                            Optional.of(gateway.brokerCaFile()), workDir, p, out, System.err, Optional.of(gateway));
                }
            } else {
                FleetLoad.run(client(api, apiKeyFile), mqttUrl, Optional.ofNullable(mqttCaFile), workDir, p, out, System.err);
            }
            System.err.println("results in " + out.toAbsolutePath());
            return 0;
        }
    }

    /** One simulator process of a multi-process load step (started by {@code load --processes K}; not for people). */
    @Command(name = "load-part", hidden = true, description = "One process's share of a load step: provision, print READY, wait for GO"
            + " on standard input, run, write the part's results.")
    static final class LoadPart implements Callable<Integer> {
        @Option(names = "--gateway", required = true)
        URI api;

        @Option(names = "--api-key-file", required = true)
        Path apiKeyFile;

        @Option(names = "--mqtt-url", required = true)
        String mqttUrl;

        @Option(names = "--mqtt-ca-file")
        Path mqttCaFile;

        @Option(names = "--work-dir", required = true)
        Path workDir;

        @Option(names = "--devices", required = true)
        int devices;

        @Option(names = "--index", required = true)
        int index;

        @Option(names = "--id-prefix", required = true)
        String idPrefix;

        @Option(names = "--first-device", required = true, description = "Devices <id-prefix>-<first + 1> … -<first + devices>.")
        int firstDevice;

        @Option(names = "--readings-per-device-second", required = true)
        double rate;

        @Option(names = "--step-seconds", required = true)
        long stepSeconds;

        @Option(names = "--pack-max-records", required = true)
        int packMaxRecords;

        @Option(names = "--pack-max-age-millis", required = true)
        long packMaxAgeMillis;

        @Option(names = "--agent-status-seconds", required = true)
        long agentStatusSeconds;

        @Option(names = "--agent-worker-threads", required = true)
        int agentWorkerThreads;

        @Option(names = "--max-drain-seconds", required = true)
        long maxDrainSeconds;

        @Option(names = "--provisioning", required = true)
        DeviceProvisioner.Method provisioning;

        @Option(names = "--threads", required = true)
        FleetLoad.Threads threads;

        @Option(names = "--non-durable-outbox")
        boolean nonDurableOutbox;

        @Option(names = "--out", required = true)
        Path out;

        /** This process's parameters: its own share ({@code --devices}) in one JVM, the rest as the parent's step. */
        FleetLoad.Parameters parameters() {
            return new FleetLoad.Parameters(List.of(devices), rate, stepSeconds, packMaxRecords, maxDrainSeconds, provisioning,
                    nonDurableOutbox ? FleetLoad.Outboxes.NON_DURABLE : FleetLoad.Outboxes.DURABLE, threads, 1, List.of(), false, 0,
                    packMaxAgeMillis, agentStatusSeconds, agentWorkerThreads);
        }

        @Override
        public Integer call() throws Exception {
            FleetLoad.Parameters p = parameters();
            FleetLoad.Part part = FleetLoad.runPart(client(api, apiKeyFile), mqttUrl, Optional.ofNullable(mqttCaFile), workDir, p, devices, index,
                    idPrefix, firstDevice, new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8)),
                    System.out, out);
            return part.error() == null ? 0 : 1;
        }
    }

    /** The chaos run: gateway kill -9 / restart cycles, a database kill and a broker restart under a fleet. */
    @Command(name = "chaos", description = {"Start the packaged gateway, stream a fleet into it and kill -9 / restart it N times, kill -9"
            + " its PostgreSQL once and restart its broker once or every N cycles; write what was acknowledged but not stored, missing and doubled"
            + " readings, conflicting duplicates detected, outbox residue and recovery times. Exits 0 when the goal is met, 3 when not."})
    static final class Chaos implements Callable<Integer> {
        @Option(names = "--gateway-jar", defaultValue = "gateway/target/quarkus-app/quarkus-run.jar", description = "Packaged gateway (default ${DEFAULT-VALUE}).")
        Path runJar;

        @Option(names = "--work-dir", defaultValue = "chaos-run", description = "Fresh directory for gateway and device data (default ${DEFAULT-VALUE}).")
        Path workDir;

        @Option(names = "--devices", defaultValue = "30", description = "Fleet size (default ${DEFAULT-VALUE}).")
        int devices;

        @Option(names = "--cycles", defaultValue = "100", description = "Gateway kill -9 / restart cycles (default ${DEFAULT-VALUE}).")
        int cycles;

        @Option(names = "--reading-period-millis", defaultValue = "500", description = "Each device submits one reading per period (default ${DEFAULT-VALUE}).")
        long periodMillis;

        @Option(names = "--min-up-millis", defaultValue = "2000", description = "Shortest time under load between restart and kill (default ${DEFAULT-VALUE}).")
        long minUpMillis;

        @Option(names = "--max-up-millis", defaultValue = "5000", description = "Longest time under load between restart and kill (default ${DEFAULT-VALUE}).")
        long maxUpMillis;

        @Option(names = "--db-kill-cycle", description = "Cycle whose kill is of the postmaster (default: half way; 0 = none).")
        Integer dbKillCycle;

        @Option(names = "--broker-restart-cycle", description = "Cycle before whose kill the broker restarts (default: three quarters; 0 = none).")
        Integer brokerRestartCycle;

        @Option(names = "--broker-restart-every", defaultValue = "0", description = "Also restart the broker before the kill of every N-th cycle"
                + " (default ${DEFAULT-VALUE} = only --broker-restart-cycle).")
        int brokerRestartEvery;

        @Option(names = "--conflict-every", defaultValue = "10", description = "Inject a conflicting duplicate every N cycles (default ${DEFAULT-VALUE}; 0 = none).")
        int conflictEvery;

        @Option(names = "--drain-seconds", defaultValue = "180", description = "Time the outboxes get to drain at the end (default ${DEFAULT-VALUE}).")
        long drainSeconds;

        @Option(names = "--max-minutes", defaultValue = "0", description = "Start no new cycle after this many minutes (default ${DEFAULT-VALUE}: no limit).")
        long maxMinutes;

        @Option(names = "--seed", defaultValue = "17", description = "Seeds up times and victims (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--out", defaultValue = "chaos-results.json", description = "Results file (default ${DEFAULT-VALUE}).")
        Path out;

        @Override
        @SuppressWarnings("unchecked")
        public Integer call() throws Exception {
            ChaosRun.Parameters p = new ChaosRun.Parameters(devices, cycles, periodMillis, minUpMillis, maxUpMillis,
                    dbKillCycle != null ? dbKillCycle : Math.max(1, cycles / 2), brokerRestartCycle != null ? brokerRestartCycle : Math.max(1, cycles * 3 / 4),
                    brokerRestartEvery, conflictEvery, drainSeconds, maxMinutes, seed);
            Map<String, Object> result = ChaosRun.run(p, runJar, workDir, out, System.err);
            Map<String, Object> verdict = (Map<String, Object>) result.get("results");
            System.out.println(verdict);
            return Boolean.TRUE.equals(verdict.get("goalMet")) ? 0 : 3;
        }
    }

    /**
     * The demo (issue 16, ADR 034): the packaged gateway in standalone mode and a simulated world against it,
     * told as a narrative.
     */
    @Command(name = "demo", description = {"Start the packaged gateway in standalone mode (prover on, anvil with 1 s blocks) and a simulated"
            + " world against it: cold rooms pledged to two banks (a compressor failure freezes one bank's facility on chain, a short"
            + " sensor outage), a tampered device. Prints what happens with the links to open; runs until Ctrl-C, or with --once ends"
            + " after every act's outcome: status 0, or 1 naming the step that failed or timed out."})
    public static final class DemoCommand implements Callable<Integer> {
        /** The demo's acts, in the order they are prepared: add an act here, with one line. */
        public static List<DemoAct> acts() {
            return List.of(
                    new ColdRoomsAct(),
                    new TamperedDeviceAct(),
                    new FactoryAct());
        }

        @Option(names = "--gateway-jar", defaultValue = "gateway/target/quarkus-app/quarkus-run.jar",
                description = "Packaged gateway (default ${DEFAULT-VALUE}).")
        Path runJar;

        @Option(names = "--data-dir", defaultValue = "demo-data", description = "Everything of the demo: gateway data, log, devices, the"
                + " acts' keys and ids (default ${DEFAULT-VALUE}); a second start resumes.")
        Path dataDir;

        @Option(names = "--reset", description = "Delete the data directory first.")
        boolean reset;

        @Option(names = "--http-port", defaultValue = "8080", description = "The gateway's HTTP port: API and dashboard (default ${DEFAULT-VALUE}).")
        int httpPort;

        @Option(names = "--once", description = "End after every act's outcome (status 0), or at the first failed or timed-out step (status 1).")
        boolean once;

        @Option(names = "--timeout", defaultValue = "10m", converter = DurationConverter.class,
                description = "Longest time for the acts, and for the gateway's start (default ${DEFAULT-VALUE}; e.g. 90s, 10m).")
        Duration timeout;

        @Option(names = "--challenge-window", defaultValue = "2m", converter = DurationConverter.class,
                description = "Carbon challenge window of the contracts a new demo deploys (default ${DEFAULT-VALUE}).")
        Duration challengeWindow;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** The options as the demo takes them. */
        Demo.Options options() {
            return new Demo.Options(runJar, dataDir, httpPort, reset, timeout, challengeWindow);
        }

        @Override
        public Integer call() throws Exception {
            Demo demo = Demo.start(options(), acts(), System.out);
            Thread stop = new Thread(() -> {
                try {
                    demo.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "demo-stop");
            Runtime.getRuntime().addShutdownHook(stop);
            try {
                Demo.Outcome outcome = demo.play(once);
                if (!once) {
                    demo.awaitStop();
                }
                return outcome.status();
            } finally {
                demo.close();
            }
        }
    }

    /** A duration as {@code 90s}, {@code 10m}, {@code 2h} or ISO-8601 ({@code PT10M}). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim();
            if (v.matches("[0-9]+(ms|s|m|h)")) {
                long n = Long.parseLong(v.replaceAll("[a-z]+$", ""));
                return switch (v.replaceAll("^[0-9]+", "")) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            try {
                return Duration.parse(v);
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("not a duration (e.g. 90s, 10m, PT10M): " + value);
            }
        }
    }

    /** One device of a process-mode fleet (started by {@code run --mode PROCESSES}). */
    @Command(name = "device", description = "Run one device of a scenario in this process (used by process mode).")
    static final class Device implements Callable<Integer> {
        @Option(names = "--scenario", required = true)
        Path scenarioFile;

        @Option(names = "--device", required = true)
        String device;

        @Option(names = "--data-dir", required = true)
        Path dataDir;

        @Option(names = "--mqtt-url", required = true)
        String mqttUrl;

        @Option(names = "--mqtt-ca-file")
        Path mqttCaFile;

        @Option(names = "--ack-key", required = true, description = "Gateway acknowledgement key, base64 SPKI.")
        String ackKey;

        @Option(names = "--wall-epoch-millis", required = true, description = "Wall time of simulated start (tick 0).")
        long wallEpochMillis;

        @Option(names = "--drain-timeout-seconds", defaultValue = "60")
        long drainSeconds;

        @Override
        public Integer call() throws Exception {
            Scenario scenario = ScenarioParser.read(scenarioFile);
            return DeviceRunner.run(scenario, device, dataDir, mqttUrl, Optional.ofNullable(mqttCaFile), Base64.getDecoder().decode(ackKey),
                    wallEpochMillis, drainSeconds * 1000);
        }
    }
}
