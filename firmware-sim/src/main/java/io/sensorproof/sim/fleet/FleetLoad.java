package io.sensorproof.sim.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sensorproof.agent.outbox.FileIo;
import io.sensorproof.agent.outbox.NonDurableFileIo;
import io.sensorproof.sim.gateway.GatewayClient;
import io.sensorproof.sim.gateway.StandaloneGateway;
import io.sensorproof.sim.gateway.DeviceProvisioner;
import io.sensorproof.sim.model.ColdRoomModel;
import io.sensorproof.sim.scenario.AgentSettings;
import io.sensorproof.sim.scenario.DeviceSpec;
import io.sensorproof.sim.scenario.ModelSpec;
import io.sensorproof.sim.scenario.Scenario;
import io.sensorproof.agent.runtime.AgentRuntime;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fleet load run: fleets of growing size, each device a real edge agent sending cold-room
 * readings in real time, against one gateway. A size is sustained when the driver kept the tick
 * schedule (worst lag under a second), every outbox drained, and the backlog left at the last tick
 * cleared within {@code maxDrainSeconds}. The run stops at the first size not sustained and writes
 * every step and the largest sustained fleet to a JSON file, with the machine's load averages
 * around each step (the machine may be shared).
 *
 * <p>The agents of a simulator JVM share one {@link AgentRuntime} unless asked otherwise, and a fleet
 * can be split over several simulator JVMs ({@link Parameters#processes()}; ADR 048): this process then
 * coordinates child processes ({@code load-part}) that start their share of the devices, wait until
 * all are up, run the step together and report their {@link Part}s, which make one {@link Step}.
 */
public final class FleetLoad {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * @param readingsPerDeviceSecond each device's rate (temperature and humidity alternate in one tick pair)
     * @param stepSeconds length of each step in real time
     * @param provisioning how the devices of each step are provisioned
     * @param simulatorNice with {@code processes > 1}: the simulator processes run under {@code nice -n} this (0: as this
     *        process), so that on the gateway's own machine they get only the CPU the gateway, its broker and database leave
     * @param agentWorkerThreads with shared threads: how many tasks each simulator JVM's agent runtime runs at once (ADR 061)
     */
    public record Parameters(List<Integer> sizes, double readingsPerDeviceSecond, long stepSeconds, int packMaxRecords, long maxDrainSeconds,
            DeviceProvisioner.Method provisioning, Outboxes outbox, Threads threads, int processes, List<String> processJvmOptions,
            boolean reuseDevices, int simulatorNice, long packMaxAgeMillis, long agentStatusSeconds, int agentWorkerThreads) {
        /** The pack age of the runs before it was a parameter: a device sends what it sampled at least every second. */
        public static final long DEFAULT_PACK_MAX_AGE_MILLIS = 1000;
        /** Tasks a simulator JVM's agent runtime runs at once: two per core of this machine (ADR 061). */
        public static final int DEFAULT_AGENT_WORKER_THREADS = 4;

        public Parameters {
            if (sizes == null || sizes.isEmpty() || sizes.stream().anyMatch(n -> n == null || n < 1)) {
                throw new IllegalArgumentException("fleet sizes must be at least 1 device each, got " + sizes);
            }
            sizes = List.copyOf(sizes);
            if (stepSeconds < 1 || !(readingsPerDeviceSecond > 0) || Double.isInfinite(readingsPerDeviceSecond)) {
                throw new IllegalArgumentException("step seconds must be at least 1 and readings per device second more than 0");
            }
            if (packMaxAgeMillis < 1 || agentStatusSeconds < 1) {
                throw new IllegalArgumentException("pack max age must be at least 1 ms and the agents' status interval 1 s");
            }
            if (agentWorkerThreads < 1 || agentWorkerThreads > 256) {
                throw new IllegalArgumentException("agent worker threads must be 1..256");
            }
            if (simulatorNice < 0 || simulatorNice > 19) {
                throw new IllegalArgumentException("simulator nice must be 0..19");
            }
            outbox = outbox == null ? Outboxes.DURABLE : outbox;
            threads = threads == null ? Threads.SHARED : threads;
            processJvmOptions = processJvmOptions == null ? List.of() : List.copyOf(processJvmOptions);
            if (processes < 1) {
                throw new IllegalArgumentException("processes must be at least 1");
            }
        }

        /** One simulator JVM, agents on shared threads. */
        public Parameters(List<Integer> sizes, double readingsPerDeviceSecond, long stepSeconds, int packMaxRecords, long maxDrainSeconds,
                DeviceProvisioner.Method provisioning, Outboxes outbox) {
            this(sizes, readingsPerDeviceSecond, stepSeconds, packMaxRecords, maxDrainSeconds, provisioning, outbox, Threads.SHARED, 1, List.of(),
                    false, 0, DEFAULT_PACK_MAX_AGE_MILLIS, AgentSettings.DEFAULT_STATUS_INTERVAL_SECONDS, DEFAULT_AGENT_WORKER_THREADS);
        }

        /** Durable outboxes, as real devices keep. */
        public Parameters(List<Integer> sizes, double readingsPerDeviceSecond, long stepSeconds, int packMaxRecords, long maxDrainSeconds,
                DeviceProvisioner.Method provisioning) {
            this(sizes, readingsPerDeviceSecond, stepSeconds, packMaxRecords, maxDrainSeconds, provisioning, Outboxes.DURABLE);
        }
    }

    /**
     * The simulated agents' threads. {@code SHARED}: one {@link AgentRuntime} per simulator JVM (a
     * scheduler, a pool of {@code agentWorkerThreads} and one MQTT event loop; ADR 048, 059, 061);
     * {@code OWN}: each agent and its MQTT client their own threads, as on a device (ADR 048).
     */
    public enum Threads {
        SHARED("shared: one agent runtime per simulator JVM (ADR 048)"),
        OWN("own: each agent's own threads, as on a device");

        private final String label;

        Threads(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * The simulated agents' outboxes. {@code DURABLE} is the edge agent's (each message and each
     * acknowledgement forced to disk, ADR 004); {@code NON_DURABLE} skips every force
     * ({@link NonDurableFileIo}) so that thousands of agents on one machine do not measure the
     * simulator's disk: labelled as such in the output and the results file, never what a device runs (ADR 043).
     */
    public enum Outboxes {
        DURABLE("durable (every message and acknowledgement forced to disk, as on a device)"),
        NON_DURABLE(NonDurableFileIo.LABEL);

        private final String label;

        Outboxes(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One fleet size's result. {@code cpuCores}: cores used per process group from the first tick to the
     * end of the drain ({@code simulator}: every simulator process together; {@code simulator-<i>}: each
     * of several). {@code simulatorThreadsPeak} and {@code simulatorOpenFilesPeak}: with several
     * processes, the sum of each process's peak. {@code messagesSigned}, {@code resendsAfterTimeout} and
     * {@code resendsAfterReconnect}: the agents' counters summed over every process (see {@link Part}).
     * {@code processes}: each simulator process's own figures (one entry per process, also for one).
     */
    public record Step(int devices, double offeredReadingsPerSecond, double storedReadingsPerSecond, double storedMessagesPerSecond,
            long readingsSubmitted, long storedReadings, long maxTickLagMillis, double drainSeconds, boolean allDrained, boolean sustained,
            double wallSeconds, String loadAverageBefore, String loadAverageAfter, String outbox, long outboxForcesSkipped,
            long messagesSigned, long resendsAfterTimeout, long resendsAfterReconnect, Map<String, Double> cpuCores, int simulatorThreadsPeak,
            int simulatorOpenFilesPeak, String threads, List<Part> processes,
            String error) {
    }

    /**
     * One simulator process's share of a step (written by the process as JSON; its CPU measured by
     * itself from the first tick to the end of its drain).
     *
     * @param workerThreadsPeak the most threads of its agent runtime's worker pool at once (0: own threads)
     * @param connectedAtFirstTick its agents with a session to the broker when the step's clock started (the step waits
     *        for all of them, at most {@link #connectWait(int)})
     * @param connectSeconds how long that wait took (from the last agent started)
     * @param messagesSigned the messages its agents signed (each one or more readings)
     * @param resendsAfterTimeout messages its agents sent again because no acknowledgement came within their resend timer
     *        (0 when nothing was lost on the way: a broker that discards acknowledged messages shows here, ADR 061)
     * @param resendsAfterReconnect messages sent again on a new session
     */
    public record Part(int index, long pid, int devices, long readingsSubmitted, long maxTickLagMillis, double drainSeconds, boolean allDrained,
            double wallSeconds, double cpuCores, int threadsPeak, int openFilesPeak, int workerThreadsPeak, long outboxForcesSkipped,
            int connectedAtFirstTick, double connectSeconds, long messagesSigned, long resendsAfterTimeout, long resendsAfterReconnect,
            String error) {
        static Part failed(int index, long pid, int devices, String error) {
            return new Part(index, pid, devices, 0, 0, 0, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, error);
        }
    }

    /** The longest a step waits for its agents' sessions before its first tick: a minute, and 20 ms more per agent. */
    static Duration connectWait(int agents) {
        return Duration.ofSeconds(60).plusMillis(20L * agents);
    }

    /** Waits for the sessions of {@code runner}'s agents; records the count and the time taken. */
    private static void awaitSessions(AtomicReference<FleetRunner> runner, int agents, AtomicLong connected, AtomicLong connectNanos,
            PrintStream progress) {
        long start = System.nanoTime();
        try {
            connected.set(runner.get().awaitConnected(connectWait(agents)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the agents' sessions", e);
        }
        connectNanos.set(System.nanoTime() - start);
        if (progress != null) {
            progress.printf("%d of %d agents connected after %.1f s%n", connected.get(), agents, connectNanos.get() / 1e9);
        }
        if (connected.get() == 0 && agents > 0) {
            // e.g. --provisioning register against the standalone gateway, whose broker takes devices by certificate only
            throw new IllegalStateException("none of the " + agents + " agents got a session to the broker within "
                    + connectWait(agents).toSeconds() + " s: is the broker reachable, and does it accept these devices? (the standalone"
                    + " gateway's broker accepts only devices with an enrollment certificate: --provisioning enroll, ADR 019)");
        }
    }

    /** The rule of a sustained size: every outbox drained, the tick schedule kept within a second, the backlog cleared in time. */
    static boolean sustained(boolean allDrained, long maxTickLagMillis, double drainSeconds, long maxDrainSeconds) {
        return allDrained && maxTickLagMillis < 1000 && drainSeconds <= maxDrainSeconds;
    }

    private FleetLoad() {
    }

    /** Runs the steps against {@code gateway} and writes {@code out}. */
    public static Map<String, Object> run(GatewayClient gateway, String mqttUrl, Optional<Path> mqttCaFile, Path workDir, Parameters p, Path out,
            PrintStream progress)
            throws IOException, InterruptedException {
        return run(gateway, mqttUrl, mqttCaFile, workDir, p, out, progress, Optional.empty());
    }

    /** As above; with the gateway started here, the CPU of the gateway, PostgreSQL and the broker is reported per step. */
    public static Map<String, Object> run(GatewayClient gateway, String mqttUrl, Optional<Path> mqttCaFile, Path workDir, Parameters p, Path out,
            PrintStream progress, Optional<StandaloneGateway> started)
            throws IOException, InterruptedException {
        if (progress != null && p.outbox() != Outboxes.DURABLE) {
            progress.println("outboxes: " + p.outbox().label());
        }
        if (progress != null) {
            progress.println("agent threads: " + p.threads().label() + "; simulator processes: " + p.processes());
        }
        List<Step> steps = new ArrayList<>();
        Step best = null;
        for (int size : p.sizes()) {
            Step step = p.processes() == 1 ? inThisJvm(gateway, mqttUrl, mqttCaFile, workDir, p, size, progress, started)
                    : inProcesses(gateway, mqttUrl, mqttCaFile, workDir, p, size, progress, started);
            steps.add(step);
            if (progress != null) {
                progress.println("fleet of " + size + (step.error() == null ? ": " + step : " failed: " + step.error()));
            }
            write(out, p, steps, best);
            if (!step.sustained()) {
                break;
            }
            best = step;
            write(out, p, steps, best);
        }
        return write(out, p, steps, best);
    }

    /** CPU groups of the gateway's processes (when started here). */
    private static ProcessCpu gatewayCpu(Optional<StandaloneGateway> started) {
        ProcessCpu cpu = new ProcessCpu();
        started.ifPresent(g -> cpu.add("gateway", () -> Optional.of(g.pid()), false)
                .add("postgres", g::postmasterPid, true)
                .add("broker", g::brokerPid, false));
        return cpu;
    }

    /** A shared agent runtime for one simulator JVM, or none (agents on their own threads). */
    private static Optional<AgentRuntime> runtime(Parameters p) {
        return p.threads() == Threads.SHARED
                ? Optional.of(AgentRuntime.create("fleet", Math.max(2, Runtime.getRuntime().availableProcessors()), p.agentWorkerThreads()))
                : Optional.empty();
    }

    /** One step with every agent in this JVM. */
    private static Step inThisJvm(GatewayClient gateway, String mqttUrl, Optional<Path> mqttCaFile, Path workDir, Parameters p, int size,
            PrintStream progress, Optional<StandaloneGateway> started) throws IOException, InterruptedException {
        ProcessCpu cpu = gatewayCpu(started).add("simulator", () -> Optional.of(ProcessHandle.current().pid()), false);
        Scenario scenario = scenario(size, p, prefix(size, p), 0);
        String loadBefore = loadAverage();
        double readingsBefore = gateway.metric("sensorproof_ingest_stored_readings_total").orElse(0.0);
        double messagesBefore = gateway.metric("sensorproof_ingest_stored_messages_total").orElse(0.0);
        NonDurableFileIo nonDurable = new NonDurableFileIo();
        FileIo io = p.outbox() == Outboxes.NON_DURABLE ? nonDurable : FileIo.SYSTEM;
        AtomicReference<Map<String, Double>> cpuBefore = new AtomicReference<>();
        AtomicLong cpuStart = new AtomicLong(System.nanoTime());
        Optional<AgentRuntime> runtime = runtime(p);
        AtomicReference<FleetRunner> self = new AtomicReference<>();
        AtomicLong connected = new AtomicLong();
        AtomicLong connectNanos = new AtomicLong();
        FleetRunner runner = new FleetRunner(scenario, gateway, p.provisioning().provisioner(gateway),
                new FleetRunner.Options(FleetRunner.Mode.IN_JVM, devicesRoot(workDir, size, p), mqttUrl, Optional.empty(),
                        drainMillis(p), false, progress, mqttCaFile, io, runtime, Optional.of(() -> {
                            awaitSessions(self, size, connected, connectNanos, progress);
                            // CPU from the first tick on: provisioning and connecting are not the load
                            cpuBefore.set(cpu.sample());
                            cpuStart.set(System.nanoTime());
                        }), true));
        self.set(runner);
        ThreadPeak threads = ThreadPeak.start();
        long wallStart = System.nanoTime();
        RunReport report;
        try {
            report = runner.run();
        } catch (IOException | RuntimeException e) {
            // a size this JVM cannot hold (open files, threads) is a result, not a crash of the run
            threads.stop();
            runtime.ifPresent(AgentRuntime::close);
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            return new Step(size, 0, 0, 0, 0, 0, 0, 0, false, false, (System.nanoTime() - wallStart) / 1e9, loadBefore, loadAverage(),
                    p.outbox().label(), nonDurable.skippedForces(), 0, 0, 0, Map.of(), threads.peak.get(), threads.files.get(), p.threads().label(),
                    List.of(Part.failed(0, ProcessHandle.current().pid(), size, error)), error);
        }
        Map<String, Double> cores = cpuBefore.get() == null ? Map.of()
                : ProcessCpu.coresBetween(cpuBefore.get(), cpu.sample(), (System.nanoTime() - cpuStart.get()) / 1e9);
        int threadPeak = threads.stop();
        int workerPeak = runtime.map(AgentRuntime::largestWorkerThreads).orElse(0);
        runtime.ifPresent(AgentRuntime::close);
        double readings = gateway.metric("sensorproof_ingest_stored_readings_total").orElse(0.0) - readingsBefore;
        double messages = gateway.metric("sensorproof_ingest_stored_messages_total").orElse(0.0) - messagesBefore;
        Part part = new Part(0, ProcessHandle.current().pid(), size, report.totals().readingsSubmitted(), report.maxTickLagMillis(),
                report.drainSeconds(), report.totals().allDrained(), report.wallSeconds(), cores.getOrDefault("simulator", 0.0), threadPeak,
                threads.files.get(), workerPeak, nonDurable.skippedForces(), (int) connected.get(), connectNanos.get() / 1e9,
                report.totals().messagesSigned(), agentCounter(report, "resends_after_timeout"), agentCounter(report, "resends_after_reconnect"),
                null);
        return aggregate(size, List.of(part), readings, messages, p, loadBefore, loadAverage(), cores);
    }

    /** One agent counter summed over the run's devices. */
    static long agentCounter(RunReport report, String name) {
        return report.deviceReports().stream().mapToLong(d -> d.counters().getOrDefault(name, 0L)).sum();
    }

    private static long drainMillis(Parameters p) {
        return Math.max(30_000, p.maxDrainSeconds() * 3000);
    }

    /**
     * The step of a fleet split over several simulator processes: devices summed, the worst tick lag and
     * drain of any process, drained only when every process drained (a process that failed or did not
     * report makes the step fail), stored rates from the gateway's counters, and the CPU of each process.
     */
    static Step aggregate(int devices, List<Part> parts, double storedReadings, double storedMessages, Parameters p, String loadBefore,
            String loadAfter, Map<String, Double> gatewayCores) {
        long submitted = 0;
        long maxLag = 0;
        double drain = 0;
        double wall = 0;
        boolean drained = parts.size() == Math.min(p.processes(), devices) && !parts.isEmpty();
        int threadsPeak = 0;
        int filesPeak = 0;
        long forcesSkipped = 0;
        long signed = 0;
        long resendsTimeout = 0;
        long resendsReconnect = 0;
        double simulatorCores = 0;
        int partDevices = 0;
        String error = null;
        Map<String, Double> cores = new LinkedHashMap<>(gatewayCores);
        for (Part part : parts) {
            submitted += part.readingsSubmitted();
            maxLag = Math.max(maxLag, part.maxTickLagMillis());
            drain = Math.max(drain, part.drainSeconds());
            wall = Math.max(wall, part.wallSeconds());
            drained &= part.allDrained() && part.error() == null;
            threadsPeak += part.threadsPeak();
            filesPeak += part.openFilesPeak();
            forcesSkipped += part.outboxForcesSkipped();
            signed += part.messagesSigned();
            resendsTimeout += part.resendsAfterTimeout();
            resendsReconnect += part.resendsAfterReconnect();
            simulatorCores += part.cpuCores();
            partDevices += part.devices();
            if (error == null && part.error() != null) {
                error = "process " + part.index() + ": " + part.error();
            }
            if (parts.size() > 1) {
                cores.put("simulator-" + part.index(), part.cpuCores());
            }
        }
        drained &= partDevices == devices;
        cores.put("simulator", round2(simulatorCores));
        double seconds = p.stepSeconds() + drain;
        return new Step(devices, round(submitted / (double) p.stepSeconds()), round(storedReadings / seconds), round(storedMessages / seconds),
                submitted, (long) storedReadings, maxLag, drain, drained, sustained(drained, maxLag, drain, p.maxDrainSeconds()), wall,
                loadBefore, loadAfter, p.outbox().label(), forcesSkipped, signed, resendsTimeout, resendsReconnect, cores, threadsPeak, filesPeak,
                p.threads().label(), List.copyOf(parts),
                error);
    }

    /**
     * Device ids of a step: {@code <prefix>-<n>}, n from 1 across all processes. Unique per run and size;
     * with {@code reuseDevices} the same for every step and run ({@code load-dev-<n>}), so that a step
     * reuses the devices (keys, enrollments) an earlier step or run left in the work directory.
     */
    private static String prefix(int size, Parameters p) {
        return p.reuseDevices() ? "load-dev" : "load-" + Long.toString(System.currentTimeMillis() % 1_000_000, 36) + "-" + size;
    }

    /** Where a step's devices keep their data directories ({@code devices/<id>} below it). */
    private static Path devicesRoot(Path workDir, int size, Parameters p) {
        return p.reuseDevices() ? workDir.toAbsolutePath().resolve("fleet") : workDir.toAbsolutePath().resolve("fleet-" + size);
    }

    /**
     * One step over {@code p.processes()} child JVMs ({@code load-part}): each provisions and starts
     * its share of the devices and reports READY; when all are ready they are told GO together, run
     * the step in real time, drain, and write their {@link Part}. A child that fails or does not report
     * fails the step.
     */
    private static Step inProcesses(GatewayClient gateway, String mqttUrl, Optional<Path> mqttCaFile, Path workDir, Parameters p, int size,
            PrintStream progress, Optional<StandaloneGateway> started) throws IOException, InterruptedException {
        Path stepDir = workDir.toAbsolutePath().resolve("fleet-" + size);
        Files.createDirectories(stepDir);
        Path keyFile = stepDir.resolve("operator-api-key");
        Files.deleteIfExists(keyFile);
        Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, gateway.apiKey());
        // the tenant once, before processes race to create it
        p.provisioning().provisioner(gateway).prepareTenant(scenario(1, p, "tenant-check", 0).tenant());
        String prefix = prefix(size, p);
        ProcessCpu cpu = gatewayCpu(started);
        String loadBefore = loadAverage();
        double readingsBefore = gateway.metric("sensorproof_ingest_stored_readings_total").orElse(0.0);
        double messagesBefore = gateway.metric("sensorproof_ingest_stored_messages_total").orElse(0.0);
        List<Child> children = new ArrayList<>();
        int processes = Math.min(p.processes(), size);
        try {
            int first = 0;
            for (int i = 0; i < processes; i++) {
                int devices = size / processes + (i < size % processes ? 1 : 0);
                Path partDir = stepDir.resolve("process-" + i);
                Files.createDirectories(partDir);
                List<String> command = new ArrayList<>();
                if (p.simulatorNice() > 0) {
                    command.addAll(List.of("nice", "-n", Integer.toString(p.simulatorNice())));
                }
                command.add(ProcessHandle.current().info().command().orElse("java"));
                command.addAll(p.processJvmOptions());
                command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.sensorproof.sim.cli.SimCli", "load-part"));
                command.addAll(partArguments(p, gateway.base().toString(), keyFile, mqttUrl, mqttCaFile,
                        p.reuseDevices() ? devicesRoot(workDir, size, p) : partDir, devices, i, prefix, first, partDir.resolve("part.json")));
                Process process = new ProcessBuilder(command).redirectError(partDir.resolve("process.log").toFile()).start();
                children.add(new Child(i, devices, process, partDir.resolve("part.json")));
                first += devices;
            }
            if (progress != null) {
                progress.printf("fleet of %d: %d simulator processes (pids %s) provisioning and connecting%n", size, processes,
                        children.stream().map(c -> Long.toString(c.process.pid())).toList());
            }
            for (Child c : children) {
                if (!c.awaitReady()) {
                    throw new IOException("simulator process " + c.index + " ended before its devices were up (see "
                            + c.partFile.resolveSibling("process.log") + ")");
                }
            }
            Map<String, Double> cpuBefore = cpu.sample();
            long cpuStart = System.nanoTime();
            for (Child c : children) {
                c.go();
            }
            if (progress != null) {
                progress.printf("fleet of %d: all %d processes ready, running %d s%n", size, processes, p.stepSeconds());
            }
            long deadline = System.currentTimeMillis() + (p.stepSeconds() + drainMillis(p) / 1000 + 300) * 1000;
            List<Part> parts = new ArrayList<>();
            for (Child c : children) {
                parts.add(c.result(deadline));
            }
            Map<String, Double> cores = ProcessCpu.coresBetween(cpuBefore, cpu.sample(), (System.nanoTime() - cpuStart) / 1e9);
            double readings = gateway.metric("sensorproof_ingest_stored_readings_total").orElse(0.0) - readingsBefore;
            double messages = gateway.metric("sensorproof_ingest_stored_messages_total").orElse(0.0) - messagesBefore;
            return aggregate(size, parts, readings, messages, p, loadBefore, loadAverage(), cores);
        } catch (IOException | RuntimeException e) {
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            List<Part> parts = children.stream().map(c -> Part.failed(c.index, c.process.pid(), c.devices, error)).toList();
            return new Step(size, 0, 0, 0, 0, 0, 0, 0, false, false, 0, loadBefore, loadAverage(), p.outbox().label(), 0, 0, 0, 0, Map.of(), 0, 0,
                    p.threads().label(), parts, error);
        } finally {
            for (Child c : children) {
                c.process.destroyForcibly();
            }
            Files.deleteIfExists(keyFile);
        }
    }

    /** A simulator child process of a step. */
    private static final class Child {
        final int index;
        final int devices;
        final Process process;
        final Path partFile;
        private final BufferedReader out;

        Child(int index, int devices, Process process, Path partFile) {
            this.index = index;
            this.devices = devices;
            this.process = process;
            this.partFile = partFile;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /** Waits for READY (true) or the end of the process (false). */
        boolean awaitReady() throws IOException {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.equals(READY)) {
                    return true;
                }
            }
            return false;
        }

        void go() throws IOException {
            process.getOutputStream().write((GO + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }

        /** The process's part once it ended, or a failed part (ended without one, or still running at the deadline: killed). */
        Part result(long deadlineMillis) throws InterruptedException {
            if (!process.waitFor(Math.max(1, deadlineMillis - System.currentTimeMillis()), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return Part.failed(index, process.pid(), devices, "did not end in time (killed)");
            }
            try {
                return JSON.readValue(partFile.toFile(), Part.class);
            } catch (IOException e) {
                return Part.failed(index, process.pid(), devices, "ended with status " + process.exitValue() + " and no result: " + e.getMessage());
            }
        }
    }

    /** What a process of a multi-process step prints on standard output when its devices are up. */
    public static final String READY = "READY";
    /** What it waits for on standard input before the first tick. */
    public static final String GO = "GO";

    /**
     * A process's share of a multi-process step (the {@code load-part} command): provisions and starts
     * {@code devices} agents, prints {@link #READY} to {@code control} and waits for {@link #GO} on
     * {@code go}, runs the step and writes its {@link Part} to {@code out}.
     */
    public static Part runPart(GatewayClient gateway, String mqttUrl, Optional<Path> mqttCaFile, Path workDir, Parameters p, int devices,
            int index, String idPrefix, int firstDevice, BufferedReader go, PrintStream control, Path out) throws IOException {
        ProcessCpu cpu = new ProcessCpu().add("self", () -> Optional.of(ProcessHandle.current().pid()), false);
        Scenario scenario = scenario(devices, p, idPrefix, firstDevice);
        NonDurableFileIo nonDurable = new NonDurableFileIo();
        FileIo io = p.outbox() == Outboxes.NON_DURABLE ? nonDurable : FileIo.SYSTEM;
        AtomicReference<Map<String, Double>> cpuBefore = new AtomicReference<>();
        AtomicLong cpuStart = new AtomicLong(System.nanoTime());
        Optional<AgentRuntime> runtime = runtime(p);
        AtomicReference<FleetRunner> self = new AtomicReference<>();
        AtomicLong connected = new AtomicLong();
        AtomicLong connectNanos = new AtomicLong();
        FleetRunner runner = new FleetRunner(scenario, gateway, p.provisioning().provisioner(gateway),
                new FleetRunner.Options(FleetRunner.Mode.IN_JVM, workDir, mqttUrl, Optional.empty(), drainMillis(p), false,
                        // the progress line every 2 s (tick, outbox, worst lag so far) goes to the process's log, process.log
                        System.err, mqttCaFile, io, runtime, Optional.of(() -> {
                            // READY only once this process's agents have their sessions (or the wait is over)
                            awaitSessions(self, devices, connected, connectNanos, System.err);
                            control.println(READY);
                            control.flush();
                            try {
                                String line;
                                do {
                                    line = go.readLine();
                                } while (line != null && !line.equals(GO));
                                if (line == null) {
                                    throw new IllegalStateException("the coordinating load process went away");
                                }
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                            cpuBefore.set(cpu.sample());
                            cpuStart.set(System.nanoTime());
                        }), true));
        self.set(runner);
        ThreadPeak threads = ThreadPeak.start();
        Part part;
        try {
            RunReport report = runner.run();
            Map<String, Double> cores = cpuBefore.get() == null ? Map.of()
                    : ProcessCpu.coresBetween(cpuBefore.get(), cpu.sample(), (System.nanoTime() - cpuStart.get()) / 1e9);
            part = new Part(index, ProcessHandle.current().pid(), devices, report.totals().readingsSubmitted(), report.maxTickLagMillis(),
                    report.drainSeconds(), report.totals().allDrained(), report.wallSeconds(), cores.getOrDefault("self", 0.0), threads.stop(),
                    threads.files.get(), runtime.map(AgentRuntime::largestWorkerThreads).orElse(0), nonDurable.skippedForces(), (int) connected.get(),
                    connectNanos.get() / 1e9, report.totals().messagesSigned(), agentCounter(report, "resends_after_timeout"),
                    agentCounter(report, "resends_after_reconnect"), null);
        } catch (IOException | RuntimeException | InterruptedException e) {
            threads.stop();
            part = new Part(index, ProcessHandle.current().pid(), devices, 0, 0, 0, false, 0, 0, threads.peak.get(), threads.files.get(),
                    runtime.map(AgentRuntime::largestWorkerThreads).orElse(0), nonDurable.skippedForces(), (int) connected.get(),
                    connectNanos.get() / 1e9, 0, 0, 0, e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            runtime.ifPresent(AgentRuntime::close);
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, JSON.writeValueAsString(part));
        return part;
    }

    /**
     * The arguments of one simulator process's {@code load-part} command: every parameter its share of the step
     * runs with (the parent keeps the sizes, processes, JVM options, nice and device reuse).
     */
    public static List<String> partArguments(Parameters p, String api, Path keyFile, String mqttUrl, Optional<Path> mqttCaFile, Path workDir,
            int devices, int index, String prefix, int first, Path out) {
        List<String> args = new ArrayList<>(List.of("--gateway", api, "--api-key-file", keyFile.toString(), "--mqtt-url", mqttUrl,
                "--work-dir", workDir.toString(), "--devices", Integer.toString(devices), "--index", Integer.toString(index),
                "--id-prefix", prefix, "--first-device", Integer.toString(first),
                "--readings-per-device-second", Double.toString(p.readingsPerDeviceSecond()),
                "--step-seconds", Long.toString(p.stepSeconds()), "--pack-max-records", Integer.toString(p.packMaxRecords()),
                "--pack-max-age-millis", Long.toString(p.packMaxAgeMillis()), "--agent-status-seconds", Long.toString(p.agentStatusSeconds()),
                "--agent-worker-threads", Integer.toString(p.agentWorkerThreads()),
                "--max-drain-seconds", Long.toString(p.maxDrainSeconds()), "--provisioning", p.provisioning().name(),
                "--threads", p.threads().name(), "--out", out.toString()));
        mqttCaFile.ifPresent(ca -> args.addAll(List.of("--mqtt-ca-file", ca.toAbsolutePath().toString())));
        if (p.outbox() == Outboxes.NON_DURABLE) {
            args.add("--non-durable-outbox");
        }
        return args;
    }

    /** A step's scenario: devices {@code <prefix>-<first + 1>} … {@code <prefix>-<first + size>}. */
    static Scenario scenario(int size, Parameters p, String prefix, int first) {
        long tickMillis = Math.max(1, Math.round(2000 / p.readingsPerDeviceSecond()));
        long ticks = Math.max(1, p.stepSeconds() * 1000 / tickMillis);
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<DeviceSpec> devices = new ArrayList<>();
        ModelSpec model = new ModelSpec.ColdRoom(ColdRoomModel.Parameters.DEFAULT);
        for (int i = 1; i <= size; i++) {
            devices.add(new DeviceSpec(prefix + "-" + (first + i), first + i - 1, model));
        }
        return new Scenario("load-" + size, 1, start, Duration.ofMillis(ticks * tickMillis), Duration.ofMillis(tickMillis), 1.0, "load",
                new AgentSettings(p.packMaxRecords(), p.packMaxAgeMillis(), 5000, p.agentStatusSeconds()), devices, List.of());
    }

    private static Map<String, Object> write(Path out, Parameters p, List<Step> steps, Step best) throws IOException {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "firmware-sim fleet load: edge agents in " + p.processes() + " simulator JVM(s) (one key, outbox and MQTT"
                + " session each) against one gateway");
        result.put("outbox", p.outbox().label());
        result.put("threads", p.threads().label());
        result.put("processes", p.processes());
        result.put("parameters", p);
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        machine.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        machine.put("javaVersion", System.getProperty("java.version"));
        machine.put("maxOpenFiles", limit("Max open files"));
        machine.put("maxProcessesOrThreads", limit("Max processes"));
        machine.put("kernelPidMax", readTrimmed("/proc/sys/kernel/pid_max"));
        machine.put("vmMaxMapCount", readTrimmed("/proc/sys/vm/max_map_count"));
        result.put("machine", machine);
        result.put("writtenAt", Instant.now().toString());
        result.put("steps", steps);
        result.put("largestSustained", best);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, JSON.writeValueAsString(result));
        return result;
    }

    /** The machine's 1, 5 and 15 minute load averages (Linux), to show what else ran; "n/a" elsewhere. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /** The soft limit of a resource in /proc/self/limits, or "n/a". */
    private static String limit(String name) {
        try {
            return Files.readAllLines(Path.of("/proc/self/limits")).stream().filter(l -> l.startsWith(name))
                    .map(l -> l.substring(name.length()).trim().split("\\s+")[0]).findFirst().orElse("n/a");
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static String readTrimmed(String file) {
        try {
            return Files.readAllLines(Path.of(file)).get(0).trim(); // sysctl files report size 0: read by lines
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /** Open file descriptors of this JVM (Linux), or -1. */
    static int openFiles() {
        String[] fds = new java.io.File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    /**
     * The peak of live threads (sampled every 500 ms) and open files (every 5 s: listing /proc/self/fd of 17,000 files
     * costs the kernel a few per cent of a simulator's CPU at 2 Hz) in this JVM during a step.
     */
    private static final class ThreadPeak {
        private final java.util.concurrent.ScheduledExecutorService sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleet-load-threads");
            t.setDaemon(true);
            return t;
        });
        private final java.util.concurrent.atomic.AtomicInteger peak = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicInteger files = new java.util.concurrent.atomic.AtomicInteger();

        static ThreadPeak start() {
            ThreadPeak t = new ThreadPeak();
            java.util.concurrent.atomic.AtomicLong samples = new java.util.concurrent.atomic.AtomicLong();
            t.sampler.scheduleAtFixedRate(() -> {
                t.peak.accumulateAndGet(java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount(), Math::max);
                if (samples.getAndIncrement() % 10 == 0) {
                    t.files.accumulateAndGet(openFiles(), Math::max);
                }
            }, 0, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
            return t;
        }

        int stop() {
            sampler.shutdownNow();
            return peak.get();
        }
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
