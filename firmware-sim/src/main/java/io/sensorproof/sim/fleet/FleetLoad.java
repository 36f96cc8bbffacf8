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
import java.io.IOException;
import java.io.PrintStream;
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
 */
public final class FleetLoad {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * @param readingsPerDeviceSecond each device's rate (temperature and humidity alternate in one tick pair)
     * @param stepSeconds length of each step in real time
     * @param provisioning how the devices of each step are provisioned
     */
    public record Parameters(List<Integer> sizes, double readingsPerDeviceSecond, long stepSeconds, int packMaxRecords, long maxDrainSeconds,
            DeviceProvisioner.Method provisioning, Outboxes outbox) {
        public Parameters {
            outbox = outbox == null ? Outboxes.DURABLE : outbox;
        }

        /** Durable outboxes, as real devices keep. */
        public Parameters(List<Integer> sizes, double readingsPerDeviceSecond, long stepSeconds, int packMaxRecords, long maxDrainSeconds,
                DeviceProvisioner.Method provisioning) {
            this(sizes, readingsPerDeviceSecond, stepSeconds, packMaxRecords, maxDrainSeconds, provisioning, Outboxes.DURABLE);
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

    /** One fleet size's result; {@code cpuCores}: cores used per process group over the step and its drain. */
    public record Step(int devices, double offeredReadingsPerSecond, double storedReadingsPerSecond, double storedMessagesPerSecond,
            long readingsSubmitted, long storedReadings, long maxTickLagMillis, double drainSeconds, boolean allDrained, boolean sustained,
            double wallSeconds, String loadAverageBefore, String loadAverageAfter, String outbox, long outboxForcesSkipped,
            Map<String, Double> cpuCores, int simulatorThreadsPeak, int simulatorOpenFilesPeak, String error) {
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
        ProcessCpu cpu = new ProcessCpu();
        started.ifPresent(g -> cpu.add("gateway", () -> Optional.of(g.pid()), false)
                .add("postgres", g::postmasterPid, true)
                .add("broker", g::brokerPid, false));
        cpu.add("simulator", () -> Optional.of(ProcessHandle.current().pid()), false);
        if (progress != null && p.outbox() != Outboxes.DURABLE) {
            progress.println("outboxes: " + p.outbox().label());
        }
        List<Step> steps = new ArrayList<>();
        Step best = null;
        for (int size : p.sizes()) {
            Scenario scenario = scenario(size, p);
            String loadBefore = loadAverage();
            double readingsBefore = gateway.metric("sensorproof_ingest_stored_readings_total").orElse(0.0);
            double messagesBefore = gateway.metric("sensorproof_ingest_stored_messages_total").orElse(0.0);
            NonDurableFileIo nonDurable = new NonDurableFileIo();
            FileIo io = p.outbox() == Outboxes.NON_DURABLE ? nonDurable : FileIo.SYSTEM;
            FleetRunner runner = new FleetRunner(scenario, gateway, p.provisioning().provisioner(gateway),
                    new FleetRunner.Options(FleetRunner.Mode.IN_JVM, workDir.resolve("fleet-" + size), mqttUrl, Optional.empty(),
                            Math.max(30_000, p.maxDrainSeconds() * 3000), false, progress, mqttCaFile, io));
            ThreadPeak threads = ThreadPeak.start();
            Map<String, Double> cpuBefore = cpu.sample();
            long cpuStart = System.nanoTime();
            RunReport report;
            try {
                report = runner.run();
            } catch (IOException | RuntimeException e) {
                // a size this JVM cannot hold (open files, threads) is a result, not a crash of the run
                threads.stop();
                Step failed = new Step(size, 0, 0, 0, 0, 0, 0, 0, false, false, (System.nanoTime() - cpuStart) / 1e9, loadBefore, loadAverage(),
                        p.outbox().label(), nonDurable.skippedForces(), Map.of(), threads.peak.get(), threads.files.get(),
                        e.getClass().getSimpleName() + ": " + e.getMessage());
                steps.add(failed);
                if (progress != null) {
                    progress.println("fleet of " + size + " failed: " + failed.error());
                }
                break;
            }
            Map<String, Double> cores = ProcessCpu.coresBetween(cpuBefore, cpu.sample(), (System.nanoTime() - cpuStart) / 1e9);
            int threadPeak = threads.stop();
            double readings = gateway.metric("sensorproof_ingest_stored_readings_total").orElse(0.0) - readingsBefore;
            double messages = gateway.metric("sensorproof_ingest_stored_messages_total").orElse(0.0) - messagesBefore;
            double seconds = p.stepSeconds() + report.drainSeconds();
            boolean sustained = report.totals().allDrained() && report.maxTickLagMillis() < 1000 && report.drainSeconds() <= p.maxDrainSeconds();
            Step step = new Step(size, round(report.totals().readingsSubmitted() / (double) p.stepSeconds()), round(readings / seconds),
                    round(messages / seconds), report.totals().readingsSubmitted(), (long) readings, report.maxTickLagMillis(),
                    report.drainSeconds(), report.totals().allDrained(), sustained, report.wallSeconds(), loadBefore, loadAverage(),
                    p.outbox().label(), nonDurable.skippedForces(), cores, threadPeak, threads.files.get(), null);
            steps.add(step);
            if (progress != null) {
                progress.println("fleet of " + size + ": " + step);
            }
            write(out, p, steps, best);
            if (!sustained) {
                break;
            }
            best = step;
            write(out, p, steps, best);
        }
        return write(out, p, steps, best);
    }

    static Scenario scenario(int size, Parameters p) {
        long tickMillis = Math.max(1, Math.round(2000 / p.readingsPerDeviceSecond()));
        long ticks = Math.max(1, p.stepSeconds() * 1000 / tickMillis);
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<DeviceSpec> devices = new ArrayList<>();
        ModelSpec model = new ModelSpec.ColdRoom(ColdRoomModel.Parameters.DEFAULT);
        String prefix = "load-" + Long.toString(System.currentTimeMillis() % 1_000_000, 36) + "-" + size;
        for (int i = 1; i <= size; i++) {
            devices.add(new DeviceSpec(prefix + "-" + i, i - 1, model));
        }
        return new Scenario("load-" + size, 1, start, Duration.ofMillis(ticks * tickMillis), Duration.ofMillis(tickMillis), 1.0, "load",
                new AgentSettings(p.packMaxRecords(), 1000, 5000), devices, List.of());
    }

    private static Map<String, Object> write(Path out, Parameters p, List<Step> steps, Step best) throws IOException {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "firmware-sim fleet load: in-JVM edge agents (one key, outbox and MQTT session each) against one gateway");
        result.put("outbox", p.outbox().label());
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

    /** The peak of live threads and open files in this JVM during a step (sampled every 500 ms). */
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
            t.sampler.scheduleAtFixedRate(() -> {
                t.peak.accumulateAndGet(java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount(), Math::max);
                t.files.accumulateAndGet(openFiles(), Math::max);
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
}
