package io.sensorproof.sim.fleet;

import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.agent.outbox.FileIo;
import io.sensorproof.agent.runtime.AgentRuntime;
import io.sensorproof.sim.gateway.DeviceProvisioner;
import io.sensorproof.sim.gateway.GatewayClient;
import io.sensorproof.sim.net.TcpProxy;
import io.sensorproof.sim.scenario.DeviceSpec;
import io.sensorproof.sim.scenario.Fault;
import io.sensorproof.sim.scenario.FaultType;
import io.sensorproof.sim.scenario.Scenario;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a scenario's fleet against a gateway: provisions every device, starts a real edge agent per
 * device (in this JVM, or one process each), drives simulated time tick by tick (paced by the
 * scenario's speed), carries out the fault timeline, waits for the outboxes to drain, and checks
 * through the gateway's read APIs what was stored and quarantined ({@link RunReport}).
 */
public final class FleetRunner {
    private static final Logger LOG = Logger.getLogger(FleetRunner.class.getName());

    /** Where the agents run. */
    public enum Mode {
        /** every agent in this JVM; the driver calls each device at each tick */
        IN_JVM,
        /** one child JVM per device, following the fleet's wall-clock schedule; power loss is SIGKILL */
        PROCESSES
    }

    /**
     * @param mqttUrl the broker, {@code tcp://host:port}, or {@code ssl://host:port} (devices present
     *     their enrollment certificate, as the standalone gateway's broker requires: ADR 019)
     * @param scenarioFile the scenario's file (process mode passes it to the device processes)
     * @param drainMillis how long devices may take to get everything acknowledged after the last tick
     * @param verify read back stored readings, messages and quarantine and compare (small fleets)
     * @param progress where a progress line goes every two seconds (null: none)
     * @param mqttCaFile PEM certificates trusted for an {@code ssl://} broker (the standalone gateway's
     *     {@code broker/auth/server.pem}); empty: the JDK's trust store
     * @param outboxIo the in-JVM agents' file layer ({@link FileIo#SYSTEM}: durable; ADR 043)
     * @param runtime shared threads for the in-JVM agents (ADR 048); empty: each agent its own threads
     * @param beforeTicks run once every agent is started, before the first tick (a multi-process load
     *     run waits there until every process is ready)
     * @param outOfPhasePacks in-JVM device number j (0, 1, …) seals its first pack early, at the end of the first tick
     *     after which it has taken 1 + j mod {@code packMaxRecords} readings, so that the fleet's packs fill on
     *     different ticks, as a real fleet's do (ADR 061); otherwise every device fills its pack on the same tick
     */
    public record Options(Mode mode, Path workDir, String mqttUrl, Optional<Path> scenarioFile, long drainMillis, boolean verify,
            PrintStream progress, Optional<Path> mqttCaFile, FileIo outboxIo, Optional<AgentRuntime> runtime, Optional<Runnable> beforeTicks,
            boolean outOfPhasePacks) {
        public Options {
            mqttCaFile = mqttCaFile == null ? Optional.empty() : mqttCaFile;
            outboxIo = outboxIo == null ? FileIo.SYSTEM : outboxIo;
            runtime = runtime == null ? Optional.empty() : runtime;
            beforeTicks = beforeTicks == null ? Optional.empty() : beforeTicks;
            if (mode == Mode.PROCESSES && outboxIo != FileIo.SYSTEM) {
                throw new IllegalArgumentException("process-mode devices always keep a durable outbox");
            }
            if (mode == Mode.PROCESSES && runtime.isPresent()) {
                throw new IllegalArgumentException("process-mode devices run one agent per JVM on its own threads");
            }
        }

        /** Packs in phase (every device's first pack full). */
        public Options(Mode mode, Path workDir, String mqttUrl, Optional<Path> scenarioFile, long drainMillis, boolean verify,
                PrintStream progress, Optional<Path> mqttCaFile, FileIo outboxIo, Optional<AgentRuntime> runtime, Optional<Runnable> beforeTicks) {
            this(mode, workDir, mqttUrl, scenarioFile, drainMillis, verify, progress, mqttCaFile, outboxIo, runtime, beforeTicks, false);
        }

        /**
         * In-JVM agents on their own threads; {@code outboxIo} as given.
         */
        public Options(Mode mode, Path workDir, String mqttUrl, Optional<Path> scenarioFile, long drainMillis, boolean verify,
                PrintStream progress, Optional<Path> mqttCaFile, FileIo outboxIo) {
            this(mode, workDir, mqttUrl, scenarioFile, drainMillis, verify, progress, mqttCaFile, outboxIo, Optional.empty(), Optional.empty());
        }

        /** Durable outboxes ({@link FileIo#SYSTEM}), as real devices keep. */
        public Options(Mode mode, Path workDir, String mqttUrl, Optional<Path> scenarioFile, long drainMillis, boolean verify,
                PrintStream progress, Optional<Path> mqttCaFile) {
            this(mode, workDir, mqttUrl, scenarioFile, drainMillis, verify, progress, mqttCaFile, FileIo.SYSTEM);
        }
    }

    private final Scenario scenario;
    private final GatewayClient gateway;
    private final DeviceProvisioner provisioner;
    private final Options options;
    private final AtomicLong maxLag = new AtomicLong();
    /** With {@link Options#outOfPhasePacks}: each in-JVM device's phase, by its index; written by the ticks' tasks. */
    private PackPhase[] phases;
    /** The in-JVM devices once started (for {@link #awaitConnected}). */
    private final List<InJvmDevice> started = new java.util.concurrent.CopyOnWriteArrayList<>();

    public FleetRunner(Scenario scenario, GatewayClient gateway, DeviceProvisioner provisioner, Options options) {
        if (options.mode() == Mode.PROCESSES && (scenario.speed() <= 0 || options.scenarioFile().isEmpty())) {
            throw new IllegalArgumentException("process mode needs a scenario file and a positive speed");
        }
        this.scenario = scenario;
        this.gateway = gateway;
        this.provisioner = provisioner;
        this.options = options;
    }

    /**
     * From {@link Options#beforeTicks()}: waits until every in-JVM agent has a session to the broker, or {@code max} has passed,
     * and returns how many have one. A load run starts its clock after this, so that connecting a fleet (a TLS handshake
     * per agent) is not counted as load.
     */
    public int awaitConnected(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            int connected = (int) started.stream().filter(InJvmDevice::connected).count();
            if (connected == started.size() || System.nanoTime() >= deadline) {
                return connected;
            }
            Thread.sleep(100);
        }
    }

    /**
     * The most in-JVM agents between their start and their first session at once. Started all together, thousands of
     * agents are a thundering herd: their TLS handshakes queue at the broker, the agents' 10 s connect timeouts expire,
     * and each retry is another handshake while the broker still works on the abandoned ones (2,500 agents of one
     * simulator got no session in 110 s that way).
     */
    static final int MAX_CONNECTING = 100;
    /** The ramp stops waiting (and starts the rest at once) after this long without a new session: a broker refusing them. */
    private static final long RAMP_STALL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    /** Starts the in-JVM agents, at most {@link #MAX_CONNECTING} of them still without a session at any time. */
    private void startConnecting(List<InJvmDevice> inJvm) throws IOException, InterruptedException {
        int connected = 0;
        long lastProgress = System.nanoTime();
        for (InJvmDevice d : inJvm) {
            while (started.size() - connected >= MAX_CONNECTING && System.nanoTime() - lastProgress < RAMP_STALL_NANOS) {
                int now = (int) started.stream().filter(InJvmDevice::connected).count();
                if (now > connected) {
                    connected = now;
                    lastProgress = System.nanoTime();
                } else {
                    Thread.sleep(20);
                }
            }
            d.start();
            started.add(d);
        }
    }

    /** Runs the scenario to its end and reports. */
    public RunReport run() throws IOException, InterruptedException {
        Instant runStart = Instant.now().minusSeconds(2);
        long wallStartNanos = System.nanoTime();
        provisioner.prepareTenant(scenario.tenant());
        URI broker = URI.create(options.mqttUrl());

        Map<String, FleetDevice> devices = new LinkedHashMap<>();
        List<InJvmDevice> inJvm = new ArrayList<>();
        long wallEpoch = System.currentTimeMillis() + (options.mode() == Mode.PROCESSES ? 4000 : 500);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(4, scenario.devices().size())), r -> {
            Thread t = new Thread(r, "fleet-driver");
            t.setDaemon(true);
            return t;
        });
        ExecutorService injections = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fault-injector");
            t.setDaemon(true);
            return t;
        });
        Injector injector = null;
        List<FaultRun> faultRuns = new ArrayList<>();
        try {
            // provisioning (key generation, one API call each) and agent start, on the driver pool
            long epoch = wallEpoch;
            List<Callable<FleetDevice>> creations = new ArrayList<>();
            for (DeviceSpec spec : scenario.devices()) {
                creations.add(() -> create(spec, broker, epoch));
            }
            IOException failedCreation = null;
            for (Future<FleetDevice> f : pool.invokeAll(creations)) {
                try {
                    FleetDevice device = get(f);
                    devices.put(device.id(), device);
                    if (device instanceof InJvmDevice d) {
                        inJvm.add(d);
                    }
                } catch (IOException e) {
                    failedCreation = e;
                }
            }
            if (failedCreation != null) {
                throw failedCreation;
            }
            List<Callable<Void>> starts = new ArrayList<>();
            for (FleetDevice d : devices.values()) {
                if (!(d instanceof InJvmDevice)) {
                    starts.add(() -> {
                        d.start();
                        return null;
                    });
                }
            }
            for (Future<Void> f : pool.invokeAll(starts)) {
                get(f);
            }
            startConnecting(inJvm);
            if (scenario.faults().stream().anyMatch(f -> f.type().kind() == FaultType.Kind.INJECTED)) {
                injector = new Injector(options.mqttUrl(), options.mqttCaFile(), scenario.tenant(), gateway, gateway.ackKeySpki(),
                        id -> options.workDir().resolve("devices").resolve(id));
            }
            for (Fault f : scenario.faults()) {
                faultRuns.add(new FaultRun(f));
            }
            List<Event> timeline = timeline(devices);
            // every agent is up: a multi-process load run lines its processes up here (ADR 048)
            options.beforeTicks().ifPresent(Runnable::run);
            if (options.mode() == Mode.IN_JVM) {
                // device processes were given the epoch before they started; in-JVM agents are up now
                wallEpoch = System.currentTimeMillis();
            }

            long lastProgress = 0;
            int next = 0;
            for (long k = 1; k <= scenario.ticks(); k++) {
                long tickTime = scenario.tickMillis(k);
                if (scenario.speed() > 0) {
                    long due = DeviceRunner.wallTime(scenario, wallEpoch, k);
                    DeviceRunner.sleepUntil(due);
                    maxLag.accumulateAndGet(System.currentTimeMillis() - due, Math::max);
                }
                while (next < timeline.size() && timeline.get(next).simMillis() <= tickTime) {
                    fire(timeline.get(next++), devices, injector, injections, faultRuns);
                }
                if (options.mode() == Mode.IN_JVM) {
                    tickAll(pool, inJvm, k);
                }
                if (options.progress() != null && System.currentTimeMillis() - lastProgress >= 2000) {
                    lastProgress = System.currentTimeMillis();
                    progress(k, devices);
                }
            }
            while (next < timeline.size()) {
                fire(timeline.get(next++), devices, injector, injections, faultRuns);
            }
            long drainStart = System.nanoTime();
            Map<String, Boolean> drained = finish(devices, pool);
            double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
            injections.shutdown();
            injections.awaitTermination(2, TimeUnit.MINUTES);
            if (options.progress() != null) {
                progress(scenario.ticks(), devices);
                options.progress().println();
            }
            double wallSeconds = (System.nanoTime() - wallStartNanos) / 1e9;
            return new Verification(scenario, gateway, options.verify()).report(options.mode().name(), devices, drained, faultRuns, runStart,
                    wallSeconds, maxLag.get(), drainSeconds);
        } finally {
            pool.shutdownNow();
            injections.shutdownNow();
            if (injector != null) {
                injector.close();
            }
            for (FleetDevice d : devices.values()) {
                try {
                    d.close();
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "closing " + d.id() + " failed", e);
                }
            }
        }
    }

    private FleetDevice create(DeviceSpec spec, URI broker, long wallEpoch) throws IOException {
        Path dataDir = options.workDir().resolve("devices").resolve(spec.id());
        DeviceProvisioner.Provisioned provisioned = provisioner.provision(scenario.tenant(), spec.id(), dataDir);
        byte[] ackKey = provisioned.ackKeySpki();
        SigningKey key = provisioned.key();
        boolean partitioned = scenario.faultsOf(spec.id()).stream()
                .anyMatch(f -> f.type() == FaultType.NETWORK_PARTITION || f.type() == FaultType.REKEY);
        Optional<TcpProxy> proxy = partitioned ? Optional.of(TcpProxy.start(broker.getHost(), broker.getPort())) : Optional.empty();
        String url = proxy.map(p -> broker.getScheme() + "://127.0.0.1:" + p.port()).orElse(options.mqttUrl());
        if (options.mode() == Mode.IN_JVM) {
            return new InJvmDevice(new DeviceSimulation(scenario, spec),
                    Agents.config(scenario.tenant(), spec.id(), dataDir, url, options.mqttCaFile(), ackKey, scenario.agent()), key, ackKey, proxy,
                    options.verify(), scenario.start().toEpochMilli(), options.outboxIo(), options.runtime());
        }
        return new ProcessDevice(spec.id(), options.scenarioFile().get().toAbsolutePath(), dataDir, url, options.mqttCaFile(), ackKey, wallEpoch,
                options.drainMillis(), key, proxy);
    }

    /** The task's result; its failure rethrown as it was (I/O or the simulator's own). */
    private static <T> T get(Future<T> future) throws IOException, InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        }
    }

    /** A fault being carried out: what was injected, or why not. */
    static final class FaultRun {
        final Fault fault;
        final List<Injection> injected = Collections.synchronizedList(new ArrayList<>());
        final Map<String, Agents.Rekeyed> rekeyed = new ConcurrentHashMap<>();
        volatile String failure;

        FaultRun(Fault fault) {
            this.fault = fault;
        }
    }

    private record Event(long simMillis, int order, Fault fault, boolean begin, String device) {
    }

    private List<Event> timeline(Map<String, FleetDevice> devices) {
        List<Event> events = new ArrayList<>();
        int order = 0;
        for (Fault f : scenario.faults()) {
            if (f.type().kind() != FaultType.Kind.AGENT && f.type().kind() != FaultType.Kind.INJECTED) {
                continue;
            }
            for (String id : devices.keySet()) {
                if (!f.targets(id)) {
                    continue;
                }
                events.add(new Event(f.startMillis(scenario), order++, f, true, id));
                if (f.type().kind() == FaultType.Kind.AGENT) {
                    events.add(new Event(f.startMillis(scenario) + f.duration().toMillis(), order++, f, false, id));
                }
            }
        }
        events.sort(Comparator.comparingLong(Event::simMillis).thenComparingInt(Event::order));
        return events;
    }

    private void fire(Event e, Map<String, FleetDevice> devices, Injector injector, ExecutorService injections, List<FaultRun> runs)
            throws IOException, InterruptedException {
        FleetDevice device = devices.get(e.device());
        FaultRun run = runs.stream().filter(r -> r.fault == e.fault()).findFirst().orElseThrow();
        switch (e.fault().type()) {
            case NETWORK_PARTITION -> {
                TcpProxy proxy = device.proxy().orElseThrow();
                if (e.begin()) {
                    proxy.cut();
                } else {
                    proxy.heal();
                }
            }
            case POWER_LOSS -> {
                if (e.begin()) {
                    device.powerOff();
                } else {
                    device.powerOn();
                }
            }
            case REKEY -> {
                TcpProxy proxy = device.proxy().orElseThrow();
                if (e.begin()) {
                    proxy.cut();
                } else {
                    try {
                        run.rekeyed.put(device.id(), device.rekey());
                    } catch (IOException | RuntimeException ex) {
                        run.failure = ex.getMessage();
                        LOG.log(Level.WARNING, "re-key of " + device.id() + " failed", ex);
                    } finally {
                        proxy.heal();
                    }
                }
            }
            default -> {
                // the key at the fault's time (a later re-key must not change what an earlier fault signs with)
                SigningKey key = device.key();
                injections.execute(() -> {
                    try {
                        run.injected.addAll(injector.inject(e.fault(), device.id(), key, 60_000));
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException ex) {
                        run.failure = ex.getMessage();
                        LOG.log(Level.WARNING, "fault " + e.fault().type().label() + " not injected", ex);
                    }
                });
            }
        }
        LOG.fine(() -> "fault " + e.fault().type().label() + (e.begin() ? " begins" : " ends") + " on " + e.device());
    }

    private void tickAll(ExecutorService pool, List<InJvmDevice> devices, long k) throws InterruptedException {
        int threads = Math.max(1, Math.min(4, devices.size()));
        int chunk = (devices.size() + threads - 1) / threads;
        int packMaxRecords = scenario.agent().packMaxRecords();
        // every device takes at least one reading a tick, so its first pack is full by tick packMaxRecords
        boolean phasing = options.outOfPhasePacks() && k <= packMaxRecords;
        if (phasing && phases == null) {
            phases = new PackPhase[devices.size()];
            for (int j = 0; j < phases.length; j++) {
                phases[j] = new PackPhase(j, packMaxRecords);
            }
        }
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int from = 0; from < devices.size(); from += chunk) {
            int first = from;
            List<InJvmDevice> part = devices.subList(from, Math.min(devices.size(), from + chunk));
            tasks.add(() -> {
                for (int i = 0; i < part.size(); i++) {
                    InJvmDevice d = part.get(i);
                    try {
                        d.tick(k);
                        if (phasing && phases[first + i].sealAfterTick(d.readingsSubmitted())) {
                            d.sealOpenPack(); // this device's first pack is short: its packs fill out of phase with the others'
                        }
                    } catch (IOException | RuntimeException e) {
                        LOG.log(Level.WARNING, d.id() + " failed at tick " + k, e);
                    }
                }
                return null;
            });
        }
        for (Future<Void> f : pool.invokeAll(tasks)) {
            try {
                f.get();
            } catch (ExecutionException e) {
                LOG.log(Level.WARNING, "tick " + k + " failed", e.getCause());
            }
        }
    }

    /** Seals every device's open pack, then waits for all of them against one deadline. */
    private Map<String, Boolean> finish(Map<String, FleetDevice> devices, ExecutorService pool) throws InterruptedException {
        List<Callable<Void>> seals = new ArrayList<>();
        for (FleetDevice d : devices.values()) {
            seals.add(() -> {
                d.endOfRun();
                return null;
            });
        }
        for (Future<Void> f : pool.invokeAll(seals)) {
            try {
                f.get();
            } catch (ExecutionException e) {
                LOG.log(Level.WARNING, "sealing the last pack failed", e.getCause());
            }
        }
        // a device process still has its last ticks and its drain ahead of it
        long grace = options.mode() == Mode.PROCESSES ? 30_000 : 0;
        long deadline = System.currentTimeMillis() + options.drainMillis() + grace;
        Map<String, Boolean> drained = new LinkedHashMap<>();
        for (FleetDevice d : devices.values()) {
            drained.put(d.id(), d.awaitDrained(Math.max(0, deadline - System.currentTimeMillis())));
        }
        return drained;
    }

    private void progress(long k, Map<String, FleetDevice> devices) {
        long signed = 0;
        long acked = 0;
        long depth = 0;
        long readings = 0;
        int powered = 0;
        for (FleetDevice d : devices.values()) {
            Map<String, Long> c = d.counters();
            signed += c.getOrDefault("messages_signed", 0L);
            acked += c.getOrDefault("messages_stored", 0L);
            depth += c.getOrDefault("outbox_depth", 0L);
            readings += c.getOrDefault("readings_accepted", 0L);
            powered += d.powered() ? 1 : 0;
        }
        options.progress().printf("\r[%s] tick %d/%d  devices up %d/%d  readings %d  signed %d  acknowledged %d  outbox %d  lag %d ms   ",
                Instant.ofEpochMilli(scenario.tickMillis(k)), k, scenario.ticks(), powered, devices.size(), readings, signed, acked, depth,
                maxLag.get());
        options.progress().flush();
    }
}
