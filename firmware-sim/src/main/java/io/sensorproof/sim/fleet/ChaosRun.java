package io.sensorproof.sim.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.protocol.retry.Backoff;
import io.sensorproof.agent.transport.MqttTransport;
import io.sensorproof.agent.transport.RecordingTransport;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.sim.SimError;
import io.sensorproof.sim.SimException;
import io.sensorproof.sim.gateway.DeviceProvisioner;
import io.sensorproof.sim.gateway.EnrollingProvisioner;
import io.sensorproof.sim.gateway.GatewayClient;
import io.sensorproof.sim.gateway.StandaloneGateway;
import io.sensorproof.sim.scenario.Fault;
import io.sensorproof.sim.scenario.FaultType;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The chaos run (opt-in, not in CI): a fleet of in-JVM edge agents, enrolled through the gateway
 * ({@link EnrollingProvisioner}: one-time token, CSR, certificate) and connected to the broker's TLS
 * device listener with that certificate (ADR 019), streams readings into a packaged standalone
 * gateway while the gateway JVM is killed with SIGKILL and restarted {@code cycles}
 * times on the same data directory and ports; once the embedded PostgreSQL's postmaster is killed
 * with SIGKILL (then the gateway, which does not restart its database by itself), the broker
 * is restarted under a running gateway (once, or every few cycles), and every few cycles a conflicting duplicate (other content
 * signed with a device's key under a stored (boot, seq)) is published.
 *
 * <p>Each device's transport records every acknowledgement that verifies with the gateway's key
 * ({@link RecordingTransport}), so the check does not trust the gateway's own account. At the end the
 * feeders stop, the outboxes drain, and the results file reports: acknowledged keys not stored
 * (acknowledgements before a durable commit), readings missing and doubled (submitted readings
 * against stored ones, matched by device and reading time), conflicting duplicates injected and
 * detected (quarantine, by device and (boot, seq)), outbox residue, and the recovery time of each
 * restart (kill to the first acknowledgement a device receives from the restarted gateway, watched
 * from its launch, so an acknowledgement before its HTTP readiness counts), with each broker restart
 * split into its steps ({@link BrokerSplit}). The file is rewritten after every cycle, so an
 * interrupted run leaves its figures so far.
 */
public final class ChaosRun {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String TENANT = "chaos";
    private static final Duration READY = Duration.ofMinutes(3);
    /** A conflicting duplicate without an answer is published again, up to this many times in all. */
    private static final int CONFLICT_ATTEMPTS = 4;
    /** Acknowledgements received this soon after a restarted gateway's launch are the killed one's. */
    static final long STALE_ACK_MILLIS = 500;

    /**
     * @param devices fleet size
     * @param cycles gateway kill -9 / restart cycles
     * @param readingPeriodMillis each device submits one reading per period
     * @param minUpMillis shortest time under load between a restart and the next kill
     * @param maxUpMillis longest time under load between a restart and the next kill
     * @param dbKillCycle the cycle whose kill is of the postmaster (then the gateway); 0 = none
     * @param brokerRestartCycle the cycle before whose kill the broker is restarted; 0 = none
     * @param brokerRestartEvery the broker is also restarted before the kill of every cycle that is a
     *     multiple of this; 0 = none
     * @param conflictEvery a conflicting duplicate is injected every this many cycles; 0 = none
     * @param drainSeconds how long the outboxes may take to drain at the end
     * @param maxMinutes no new cycle starts after this much wall time (0 = no limit); the run then
     *     drains and checks as usual and reports the cycles it completed
     * @param seed seeds the up times and the choice of victims
     */
    public record Parameters(int devices, int cycles, long readingPeriodMillis, long minUpMillis, long maxUpMillis, int dbKillCycle,
            int brokerRestartCycle, int brokerRestartEvery, int conflictEvery, long drainSeconds, long maxMinutes, long seed) {
        public Parameters {
            if (devices < 1 || cycles < 0 || readingPeriodMillis < 10 || minUpMillis < 0 || maxUpMillis < minUpMillis
                    || brokerRestartEvery < 0) {
                throw new IllegalArgumentException("chaos parameters out of range: " + devices + " devices, " + cycles + " cycles, period "
                        + readingPeriodMillis + " ms, up " + minUpMillis + "-" + maxUpMillis + " ms, broker restart every "
                        + brokerRestartEvery);
            }
        }

        /** True when the broker is restarted before the kill of {@code cycle}. */
        public boolean brokerRestartBefore(int cycle) {
            return cycle == brokerRestartCycle || brokerRestartEvery > 0 && cycle % brokerRestartEvery == 0;
        }
    }

    /**
     * One restart.
     *
     * @param cycle 1-based cycle number (the broker restart shares the number of the cycle it precedes)
     * @param kind {@code gateway} (kill -9 of the gateway), {@code database} (kill -9 of the postmaster,
     *     then of the gateway) or {@code broker} (broker stopped and started under the running gateway)
     * @param readySeconds from the kill to the gateway's readiness (broker: to the broker accepting)
     * @param recoverySeconds from the kill to the first acknowledgement a device received afterwards;
     *     -1 if none came within a minute
     * @param broker the steps of a broker restart; null for the other kinds
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Restart(int cycle, String kind, double readySeconds, double recoverySeconds, BrokerSplit broker) {
        Restart(int cycle, String kind, double readySeconds, double recoverySeconds) {
            this(cycle, kind, readySeconds, recoverySeconds, null);
        }
    }

    /**
     * Where a broker restart's time went, every figure in seconds from the SIGTERM (-1: not seen within
     * a minute).
     *
     * @param exitedSeconds the broker process exited
     * @param acceptingSeconds the restarted broker accepts on both listeners (relaunched right after the exit)
     * @param gatewayConnectedSeconds the gateway's readiness reports its MQTT client connected again
     *     (polled every 50 ms, time of the answer)
     * @param devicesConnectedSeconds every device's transport is connected again (polled every 20 ms)
     * @param firstAckSeconds the first acknowledgement a device received through the restarted broker
     */
    public record BrokerSplit(double exitedSeconds, double acceptingSeconds, double gatewayConnectedSeconds,
            double devicesConnectedSeconds, double firstAckSeconds) {
    }

    private final Parameters p;
    private final Path workDir;
    private final Path runJar;
    private final Path out;
    private final PrintStream progress;
    private final Random random;
    private final List<Device> fleet = new ArrayList<>();
    private final List<Restart> restarts = new ArrayList<>();
    private final List<Injection> injections = new ArrayList<>();
    /** The device of each injection, index for index. */
    private final List<String> injectedDevices = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Instant startedAt = Instant.now();
    private final long startedNanos = System.nanoTime();

    private ChaosRun(Parameters p, Path runJar, Path workDir, Path out, PrintStream progress) {
        this.p = p;
        this.runJar = runJar;
        this.workDir = workDir.toAbsolutePath();
        this.out = out;
        this.progress = progress;
        this.random = new Random(p.seed());
    }

    /** Runs the chaos run with the packaged gateway {@code runJar}; data under {@code workDir}; results to {@code out}. */
    public static Map<String, Object> run(Parameters p, Path runJar, Path workDir, Path out, PrintStream progress)
            throws IOException, InterruptedException {
        return new ChaosRun(p, runJar, workDir, out, progress).run();
    }

    private Map<String, Object> run() throws IOException, InterruptedException {
        if (Files.exists(workDir.resolve("gateway-data"))) {
            throw new IllegalArgumentException(workDir + " holds an earlier run: give a fresh --work-dir");
        }
        Path gatewayData = workDir.resolve("gateway-data");
        // every restart on the same ports, the local chain's included, so that the restarted gateway
        // can adopt the broker and anvil the killed one left running (ADR 040)
        StandaloneGateway.Ports ports = StandaloneGateway.Ports.free();
        Map<String, String> settings = Map.of("SENSORPROOF_CHAIN_LOCAL_PORT", Integer.toString(freePort()));
        StandaloneGateway gateway = StandaloneGateway.start(runJar, gatewayData, ports, READY, settings);
        GatewayClient client = new GatewayClient(gateway.apiBase(), gateway.operatorKey());
        byte[] ackKey = client.ackKeySpki();
        client.ensureTenant(TENANT, "Chaos run");
        String prefix = "chaos-" + Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        try {
            // devices enroll (one-time token, CSR, certificate) as the rest of firmware-sim does by default:
            // the standalone broker accepts them only on its TLS listener with that certificate (ADR 019)
            DeviceProvisioner provisioner = new EnrollingProvisioner(client);
            for (int i = 1; i <= p.devices(); i++) {
                String id = prefix + "-" + i;
                Path dataDir = workDir.resolve("devices").resolve(id);
                DeviceProvisioner.Provisioned provisioned = provisioner.provision(TENANT, id, dataDir);
                Device d = new Device(id, provisioned.key());
                fleet.add(d);
                d.start(dataDir, gateway.mqttUrl(), gateway.brokerCaFile(), provisioned.ackKeySpki(), p.readingPeriodMillis());
            }
            log("fleet of " + p.devices() + " devices streaming; gateway on " + gateway.apiBase());
            for (int cycle = 1; cycle <= p.cycles(); cycle++) {
                if (p.maxMinutes() > 0 && System.nanoTime() - startedNanos > TimeUnit.MINUTES.toNanos(p.maxMinutes())) {
                    notes.add("stopped after " + (cycle - 1) + " of " + p.cycles() + " cycles: --max-minutes " + p.maxMinutes() + " reached");
                    log(notes.get(notes.size() - 1));
                    break;
                }
                sleepUnderLoad();
                if (p.conflictEvery() > 0 && cycle % p.conflictEvery() == 0) {
                    injectConflict(client, gateway.mqttUrl(), gateway.brokerCaFile(), ackKey);
                }
                if (p.brokerRestartBefore(cycle)) {
                    restarts.add(restartBroker(gateway, cycle));
                    log(restarts.get(restarts.size() - 1).toString());
                    sleepUnderLoad();
                }
                boolean database = cycle == p.dbKillCycle();
                long killedAt = System.nanoTime();
                if (database) {
                    long postmaster = gateway.postmasterPid().orElseThrow(() -> new SimException(SimError.GATEWAY_API, "no postmaster.pid"));
                    ProcessHandle pg = ProcessHandle.of(postmaster).orElseThrow(() -> new SimException(SimError.GATEWAY_API,
                            "postmaster " + postmaster + " is not running"));
                    pg.destroyForcibly();
                    pg.onExit().get(30, TimeUnit.SECONDS);
                }
                gateway.kill9();
                // watch for the first acknowledgement from the restarted gateway while it starts: it may
                // acknowledge (ingest subscribed) before its HTTP readiness
                AckWatch watch = new AckWatch(System.nanoTime());
                gateway = StandaloneGateway.start(runJar, gatewayData, ports, READY, settings);
                long readyAt = System.nanoTime();
                client = new GatewayClient(gateway.apiBase(), gateway.operatorKey());
                double recovery = watch.await(killedAt, Duration.ofMinutes(1));
                Restart r = new Restart(cycle, database ? "database" : "gateway", seconds(readyAt - killedAt), recovery);
                restarts.add(r);
                log(r + " (" + acknowledged().size() + " keys acknowledged so far)");
                write(Optional.empty());
            }
            for (Device d : fleet) {
                d.stopFeeding();
            }
            long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(p.drainSeconds());
            for (Device d : fleet) {
                d.agent.awaitDrained(Duration.ofNanos(Math.max(0, drainDeadline - System.nanoTime())));
            }
            Map<String, Object> verdict = verify(client);
            Map<String, Object> result = write(Optional.of(verdict));
            log("results in " + out.toAbsolutePath());
            return result;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new SimException(SimError.GATEWAY_API, "the postmaster did not exit after SIGKILL: " + e, e);
        } finally {
            for (Device d : fleet) {
                d.close();
            }
            gateway.close();
        }
    }

    /** Deliberate window: the fleet streams while the gateway runs, for a seeded random time. */
    private void sleepUnderLoad() throws InterruptedException {
        long span = p.maxUpMillis() - p.minUpMillis();
        Thread.sleep(p.minUpMillis() + (span == 0 ? 0 : (long) (random.nextDouble() * span)));
    }

    /** Publishes other content signed by a device's key under one of its stored (boot, seq). */
    private void injectConflict(GatewayClient client, String mqttUrl, Path brokerCa, byte[] ackKey) throws InterruptedException {
        Device victim = fleet.get(random.nextInt(fleet.size()));
        Fault fault = new Fault(FaultType.CONFLICTING_DUPLICATE, victim.id, Duration.ZERO, Duration.ZERO, Optional.empty(), 0,
                Duration.ZERO, 1, Optional.empty());
        try (Injector injector = new Injector(mqttUrl, java.util.Optional.of(brokerCa), TENANT, client, ackKey,
                id -> workDir.resolve("devices").resolve(id))) {
            List<Injection> done = injector.inject(fault, victim.id, victim.key, 30_000, CONFLICT_ATTEMPTS);
            injections.addAll(done);
            done.forEach(i -> injectedDevices.add(victim.id));
            done.forEach(i -> log("conflicting duplicate " + victim.id + " " + i.boot() + "/" + i.seq() + ": " + i.reply()));
        } catch (SimException e) {
            notes.add("conflicting duplicate not injected: " + e.getMessage());
            log("conflicting duplicate not injected: " + e.getMessage());
        }
    }

    /**
     * Stops the broker (SIGTERM) and starts it again with the same command line, under the running
     * gateway, timing each step ({@link BrokerSplit}).
     */
    private Restart restartBroker(StandaloneGateway gateway, int cycle) throws IOException, InterruptedException {
        long pid = gateway.brokerPid().orElseThrow(() -> new SimException(SimError.GATEWAY_API, "no broker.pid"));
        ProcessHandle broker = ProcessHandle.of(pid).orElseThrow(() -> new SimException(SimError.GATEWAY_API, "broker " + pid + " not running"));
        List<String> command = new ArrayList<>();
        command.add(broker.info().command().orElseThrow(() -> new SimException(SimError.GATEWAY_API, "broker command unknown")));
        command.addAll(List.of(broker.info().arguments().orElseThrow(() -> new SimException(SimError.GATEWAY_API, "broker arguments unknown"))));
        ReconnectWatch reconnects = new ReconnectWatch(gateway.apiBase());
        long stoppedAt = System.nanoTime();
        broker.destroy();
        try {
            broker.onExit().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            broker.destroyForcibly();
        }
        long exitedAt = System.nanoTime();
        reconnects.brokerExited();
        new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("broker-restarted.log").toFile())).start();
        // an acknowledgement the old broker delivered just before its exit may still be read just after it; the
        // restarted JVM cannot listen within half a second of its launch, so only later ones are the new broker's
        long acksFrom = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STALE_ACK_MILLIS);
        // the gateway's own listener and the devices' TLS listener
        int port = gateway.ports().broker();
        int tlsPort = gateway.ports().brokerTls();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!accepting(port) || !accepting(tlsPort)) {
            if (System.nanoTime() > deadline) {
                throw new SimException(SimError.GATEWAY_API, "restarted broker not accepting on " + port + " and " + tlsPort + " within 60 s");
            }
            Thread.sleep(20);
        }
        long readyAt = System.nanoTime();
        double firstAck = awaitAckAfter(acksFrom, stoppedAt, Duration.ofMinutes(1));
        reconnects.await(Duration.ofMinutes(1));
        BrokerSplit split = new BrokerSplit(seconds(exitedAt - stoppedAt), seconds(readyAt - stoppedAt),
                reconnects.gatewayNanos < 0 ? -1 : seconds(reconnects.gatewayNanos - stoppedAt),
                reconnects.devicesNanos < 0 ? -1 : seconds(reconnects.devicesNanos - stoppedAt), firstAck);
        return new Restart(cycle, "broker", seconds(readyAt - stoppedAt), firstAck, split);
    }

    /**
     * Watches, after the old broker's exit, for the gateway's MQTT client (its readiness check
     * {@code mqtt-broker}) and every device's transport to be connected again. Only polls begun after
     * the exit count, so a connection to the old broker is never taken for a new one.
     */
    private final class ReconnectWatch {
        private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final java.net.http.HttpRequest health;
        private final Thread thread;
        private volatile long exitedNanos = Long.MAX_VALUE;
        volatile long gatewayNanos = -1;
        volatile long devicesNanos = -1;

        ReconnectWatch(java.net.URI apiBase) {
            this.health = java.net.http.HttpRequest.newBuilder(apiBase.resolve("/q/health/ready")).timeout(Duration.ofSeconds(2)).GET().build();
            this.thread = new Thread(this::watch, "chaos-reconnect-watch");
            thread.setDaemon(true);
            thread.start();
        }

        void brokerExited() {
            exitedNanos = System.nanoTime();
        }

        private void watch() {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            long nextGatewayPoll = 0;
            while ((gatewayNanos < 0 || devicesNanos < 0) && System.nanoTime() < deadline) {
                long pollStart = System.nanoTime();
                if (pollStart > exitedNanos) {
                    if (devicesNanos < 0 && fleet.stream().allMatch(d -> d.recorder.isConnected())) {
                        devicesNanos = System.nanoTime();
                    }
                    if (gatewayNanos < 0 && pollStart >= nextGatewayPoll) {
                        nextGatewayPoll = pollStart + TimeUnit.MILLISECONDS.toNanos(50);
                        if (gatewayMqttConnected()) {
                            gatewayNanos = System.nanoTime();
                        }
                    }
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private boolean gatewayMqttConnected() {
            try {
                String body = http.send(health, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                for (com.fasterxml.jackson.databind.JsonNode check : JSON.readTree(body).path("checks")) {
                    if ("mqtt-broker".equals(check.path("name").asText())) {
                        return check.path("data").path("connected").asBoolean(false);
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        void await(Duration timeout) throws InterruptedException {
            thread.join(timeout.toMillis());
            thread.interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static boolean accepting(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Watches the fleet for the first verified acknowledgement received after the restarted gateway's
     * process was launched (at {@code launchedNanos}), on a thread of its own so that it sees
     * acknowledgements sent before the gateway reports ready. An acknowledgement the killed gateway
     * wrote just before its SIGKILL is still delivered by the broker within milliseconds; one received
     * less than {@value #STALE_ACK_MILLIS} ms after the launch is taken for such a one (a JVM cannot
     * start Quarkus, connect and acknowledge that fast) and the watch waits for the next.
     */
    private final class AckWatch {
        private final long launchedNanos;
        private final Thread thread;
        private volatile long firstNanos = Long.MIN_VALUE;

        AckWatch(long launchedNanos) {
            this.launchedNanos = launchedNanos;
            this.thread = new Thread(this::watch, "chaos-ack-watch");
            thread.setDaemon(true);
            thread.start();
        }

        private void watch() {
            long from = launchedNanos + TimeUnit.MILLISECONDS.toNanos(STALE_ACK_MILLIS);
            long deadline = launchedNanos + READY.toNanos() + TimeUnit.MINUTES.toNanos(1);
            while (System.nanoTime() < deadline) {
                long latest = fleet.stream().mapToLong(d -> d.recorder.lastAckNanos()).max().orElse(Long.MIN_VALUE);
                if (latest > from) {
                    firstNanos = latest;
                    return;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** Seconds from {@code sinceNanos} to the first acknowledgement, or -1 if none came within {@code timeout} from now. */
        double await(long sinceNanos, Duration timeout) throws InterruptedException {
            thread.join(timeout.toMillis());
            thread.interrupt();
            long first = firstNanos;
            return first == Long.MIN_VALUE ? -1 : seconds(first - sinceNanos);
        }
    }

    /**
     * Seconds from {@code sinceNanos} to the first verified acknowledgement any device received after
     * {@code fromNanos}, or -1 when none came within {@code timeout} from now.
     */
    private double awaitAckAfter(long fromNanos, long sinceNanos, Duration timeout) throws InterruptedException {
        long from = fromNanos;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long latest = fleet.stream().mapToLong(d -> d.recorder.lastAckNanos()).max().orElse(Long.MIN_VALUE);
            if (latest > from) {
                return seconds(latest - sinceNanos);
            }
            Thread.sleep(20);
        }
        return -1;
    }

    private Set<RecordingTransport.AckedKey> acknowledged() {
        Set<RecordingTransport.AckedKey> all = new HashSet<>();
        fleet.forEach(d -> all.addAll(d.recorder.acknowledged()));
        return all;
    }

    /** Compares what the devices submitted and saw acknowledged with what the gateway stored and quarantined. */
    private Map<String, Object> verify(GatewayClient client) {
        long ackedNotStored = 0;
        long missing = 0;
        long doubled = 0;
        long submitted = 0;
        long stored = 0;
        long residue = 0;
        long acked = 0;
        List<String> examples = new ArrayList<>();
        for (Device d : fleet) {
            residue += d.agent.outboxStats().depth();
            Set<String> storedKeys = new HashSet<>();
            for (GatewayClient.StoredMessage m : client.messages(d.id)) {
                storedKeys.add(m.boot() + "/" + m.seq());
            }
            for (RecordingTransport.AckedKey k : d.recorder.acknowledged()) {
                acked++;
                if (!storedKeys.contains(k.boot() + "/" + k.seq())) {
                    ackedNotStored++;
                    if (examples.size() < 20) {
                        examples.add("acknowledged, not stored: " + d.id + " " + k.boot() + "/" + k.seq());
                    }
                }
            }
            Map<Long, Integer> storedByTime = new HashMap<>();
            for (GatewayClient.StoredReading r : client.readings(d.id)) {
                storedByTime.merge(r.readingTime().toEpochMilli(), 1, Integer::sum);
                stored++;
            }
            for (long t : d.submitted) {
                submitted++;
                if (!storedByTime.containsKey(t)) {
                    missing++;
                    if (examples.size() < 20) {
                        examples.add("reading missing: " + d.id + " at " + Instant.ofEpochMilli(t));
                    }
                }
            }
            for (Map.Entry<Long, Integer> e : storedByTime.entrySet()) {
                if (e.getValue() > 1) {
                    doubled += e.getValue() - 1;
                }
                if (!d.submitted.contains(e.getKey()) && examples.size() < 20) {
                    examples.add("stored reading never submitted: " + d.id + " at " + Instant.ofEpochMilli(e.getKey()));
                }
            }
        }
        List<GatewayClient.QuarantineEntry> conflictEntries = client.quarantine(startedAt).stream()
                .filter(q -> "CONFLICTING_DUPLICATE".equals(q.reason())).toList();
        // an injection is detected when the quarantine holds a conflicting duplicate of its device and
        // (boot, seq); an injection published more than once may leave more than one entry
        Set<String> conflictKeys = new HashSet<>();
        conflictEntries.forEach(q -> conflictKeys.add(q.claimedDevice() + "/" + q.boot() + "/" + q.seq()));
        long conflictsDetected = 0;
        for (int i = 0; i < injections.size(); i++) {
            Injection inj = injections.get(i);
            if (conflictKeys.contains(injectedDevices.get(i) + "/" + inj.boot() + "/" + inj.seq())) {
                conflictsDetected++;
            } else if (examples.size() < 20) {
                examples.add("conflicting duplicate not in quarantine: " + injectedDevices.get(i) + " " + inj.boot() + "/" + inj.seq()
                        + " (reply " + inj.reply() + ")");
            }
        }
        long conflictsRejected = injections.stream().filter(i -> i.reply() != null && i.reply().contains("CONFLICTING_DUPLICATE")).count();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("acknowledgedNotStored", ackedNotStored);
        v.put("readingsMissing", missing);
        v.put("readingsDoubled", doubled);
        v.put("conflictingDuplicatesInjected", injections.size());
        v.put("conflictingDuplicatesDetected", conflictsDetected);
        v.put("conflictingDuplicateQuarantineEntries", conflictEntries.size());
        v.put("conflictingDuplicatesRejectedToDevice", conflictsRejected);
        v.put("outboxResidue", residue);
        v.put("readingsSubmitted", submitted);
        v.put("readingsStored", stored);
        v.put("keysAcknowledged", acked);
        v.put("goalMet", ackedNotStored == 0 && missing == 0 && doubled == 0 && conflictsDetected == injections.size() && residue == 0
                && restarts.stream().allMatch(r -> r.recoverySeconds() >= 0 && r.recoverySeconds() < 10));
        v.put("examples", examples);
        return v;
    }

    private Map<String, Object> write(Optional<Map<String, Object>> verdict) throws IOException {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("run", "firmware-sim chaos: gateway kill -9 / restart cycles under a fleet of in-JVM edge agents");
        result.put("parameters", p);
        result.put("runJar", runJar.toAbsolutePath().toString());
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        machine.put("javaVersion", System.getProperty("java.version"));
        machine.put("loadAverageAtWrite", FleetLoad.loadAverage());
        result.put("machine", machine);
        result.put("startedAt", startedAt.toString());
        result.put("writtenAt", Instant.now().toString());
        result.put("wallSeconds", seconds(System.nanoTime() - startedNanos));
        result.put("cyclesCompleted", restarts.stream().filter(r -> !"broker".equals(r.kind())).count());
        result.put("recoveryGatewayRestarts", stats(restarts.stream().filter(r -> "gateway".equals(r.kind())).toList()));
        result.put("recoveryDatabaseKill", stats(restarts.stream().filter(r -> "database".equals(r.kind())).toList()));
        result.put("recoveryBrokerRestart", stats(restarts.stream().filter(r -> "broker".equals(r.kind())).toList()));
        result.put("brokerRestartSplit", brokerSplitStats(restarts.stream().map(Restart::broker).filter(java.util.Objects::nonNull).toList()));
        result.put("results", verdict.orElse(null));
        result.put("notes", notes);
        result.put("restarts", restarts);
        result.put("injections", injections);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, JSON.writeValueAsString(result));
        return result;
    }

    /** min / median / max of recovery and readiness seconds. */
    static Map<String, Object> stats(List<Restart> rs) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("count", rs.size());
        if (rs.isEmpty()) {
            return s;
        }
        double[] recovery = rs.stream().mapToDouble(Restart::recoverySeconds).sorted().toArray();
        double[] ready = rs.stream().mapToDouble(Restart::readySeconds).sorted().toArray();
        s.put("recoverySecondsMin", recovery[0]);
        s.put("recoverySecondsMedian", median(recovery));
        s.put("recoverySecondsMax", recovery[recovery.length - 1]);
        s.put("readySecondsMin", ready[0]);
        s.put("readySecondsMedian", median(ready));
        s.put("readySecondsMax", ready[ready.length - 1]);
        s.put("withoutAcknowledgementWithinAMinute", rs.stream().filter(r -> r.recoverySeconds() < 0).count());
        return s;
    }

    /** min / median / max of each step of the broker restarts, in seconds from the SIGTERM (-1 values left out). */
    static Map<String, Object> brokerSplitStats(List<BrokerSplit> splits) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("count", splits.size());
        Map<String, java.util.function.ToDoubleFunction<BrokerSplit>> steps = new LinkedHashMap<>();
        steps.put("exited", BrokerSplit::exitedSeconds);
        steps.put("accepting", BrokerSplit::acceptingSeconds);
        steps.put("gatewayConnected", BrokerSplit::gatewayConnectedSeconds);
        steps.put("devicesConnected", BrokerSplit::devicesConnectedSeconds);
        steps.put("firstAck", BrokerSplit::firstAckSeconds);
        steps.forEach((name, step) -> {
            double[] v = splits.stream().mapToDouble(step).filter(x -> x >= 0).sorted().toArray();
            if (v.length > 0) {
                s.put(name + "SecondsMin", v[0]);
                s.put(name + "SecondsMedian", median(v));
                s.put(name + "SecondsMax", v[v.length - 1]);
            }
        });
        return s;
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double seconds(long nanos) {
        return Math.round(nanos / 1e6) / 1000.0;
    }

    private void log(String line) {
        if (progress != null) {
            progress.println("[chaos " + seconds(System.nanoTime() - startedNanos) + " s] " + line);
        }
    }

    /** One device: its key, agent, recording transport, feeder and the reading times it submitted. */
    private static final class Device implements AutoCloseable {
        final String id;
        final SigningKey key;
        final Set<Long> submitted = ConcurrentHashMap.newKeySet();
        EdgeAgent agent;
        RecordingTransport recorder;
        private Thread feeder;
        private volatile boolean feeding;
        private volatile Throwable feedFailure;

        Device(String id, SigningKey key) {
            this.id = id;
            this.key = key;
        }

        /**
         * Starts the agent on the enrolled {@code dataDir}: it presents {@code <dataDir>/device-cert.pem}
         * (the agent's default {@code mqtt.tls.certificate-file}) and trusts {@code brokerCa}.
         */
        void start(Path dataDir, String mqttUrl, Path brokerCa, byte[] ackKeySpki, long periodMillis) throws IOException {
            Properties props = new Properties();
            props.setProperty("mqtt.tls.ca-file", brokerCa.toString());
            props.setProperty("tenant", TENANT);
            props.setProperty("device", id);
            props.setProperty("data.dir", dataDir.toString());
            props.setProperty("gateway.ack-key", Base64.getEncoder().encodeToString(ackKeySpki));
            props.setProperty("mqtt.url", mqttUrl);
            props.setProperty("pack.max-records", "5");
            props.setProperty("pack.max-age-millis", "1000");
            props.setProperty("ack.timeout-millis", "5000");
            props.setProperty("reconnect.min-millis", "200");
            props.setProperty("reconnect.max-millis", "2000");
            AgentConfig config = AgentConfig.resolve(props, Map.of());
            VerificationKey gatewayKey = Keys.publicKeyFromSpki(ackKeySpki);
            agent = EdgeAgent.start(config, key, gatewayKey, metrics -> recorder = new RecordingTransport(new MqttTransport(config,
                    new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2), RANDOM), metrics::recordBackoff), gatewayKey), Clock.systemUTC());
            feeding = true;
            feeder = new Thread(() -> feed(periodMillis), "chaos-feeder-" + id);
            feeder.setDaemon(true);
            feeder.start();
        }

        private void feed(long periodMillis) {
            long i = 0;
            long last = 0;
            try {
                while (feeding) {
                    // one reading per period, each at its own millisecond (the check matches readings by time)
                    long t = Math.max(System.currentTimeMillis(), last + 1);
                    agent.submit(new Reading(Quantity.TEMPERATURE, 2 + (i % 60) / 10.0, t));
                    submitted.add(t);
                    last = t;
                    i++;
                    Thread.sleep(periodMillis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | RuntimeException e) {
                feedFailure = e;
            }
        }

        void stopFeeding() throws IOException, InterruptedException {
            feeding = false;
            feeder.join(10_000);
            agent.flush();
            if (feedFailure != null) {
                throw new SimException(SimError.DEVICE_PROCESS_FAILED, id + ": feeding failed: " + feedFailure, feedFailure);
            }
        }

        @Override
        public void close() throws IOException {
            feeding = false;
            if (agent != null) {
                agent.close();
            }
        }
    }
}
