package io.sensorproof.sim.demo;

import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.sim.fleet.Agents;
import io.sensorproof.sim.fleet.DeviceSimulation;
import io.sensorproof.sim.gateway.DeviceProvisioner;
import io.sensorproof.sim.gateway.EnrollingProvisioner;
import io.sensorproof.sim.gateway.GatewayClient;
import io.sensorproof.sim.scenario.Scenario;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One simulated device of the demo, streaming in real time: enrolled with the gateway (one-time token,
 * CSR, certificate, as the simulator's fleets do), its sensor model ticked once per scenario tick of wall
 * time (the scenario starts when the device starts streaming, so simulated time is wall time and the
 * scenario's faults happen at their offsets from then), every reading submitted to a real edge agent
 * that signs, keeps in its outbox and sends over TLS to the gateway's broker. Its data directory (key,
 * certificate, outbox, boot counter) stays under the demo's work directory, so a second start resumes
 * the same device.
 */
public final class LiveDevice implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LiveDevice.class.getName());

    private final String tenant;
    private final String id;
    private final Path dataDir;
    private final DeviceProvisioner.Provisioned provisioned;
    private final AtomicLong submitted = new AtomicLong();
    private ScheduledExecutorService ticker;
    private EdgeAgent agent;

    private LiveDevice(String tenant, String id, Path dataDir, DeviceProvisioner.Provisioned provisioned) {
        this.tenant = tenant;
        this.id = id;
        this.dataDir = dataDir;
        this.provisioned = provisioned;
    }

    /**
     * Enrolls {@code deviceId} of {@code tenant} (or finds its enrollment under the work directory on a
     * resumed demo); the tenant must exist.
     */
    public static LiveDevice enroll(DemoContext context, String tenant, String deviceId) throws IOException {
        Path dir = context.workDir().resolve("devices").resolve(deviceId);
        DeviceProvisioner.Provisioned p = new EnrollingProvisioner(new GatewayClient(context.gateway().apiBase(), context.operatorKey()))
                .provision(tenant, deviceId, dir);
        return new LiveDevice(tenant, deviceId, dir, p);
    }

    /** The device id. */
    public String id() {
        return id;
    }

    /** The device's key (what an injected forgery starts from). */
    public SigningKey key() {
        return provisioned.key();
    }

    /** The gateway's acknowledgement key the agent trusts (SPKI DER). */
    public byte[] ackKeySpki() {
        return provisioned.ackKeySpki().clone();
    }

    /** The device's data directory (key, enrollment certificate, outbox). */
    public Path dataDir() {
        return dataDir;
    }

    /** Readings handed to the agent so far. */
    public long submitted() {
        return submitted.get();
    }

    /**
     * Starts the agent and the ticks of {@code scenario} (which must name this device), one per tick of
     * wall time from the scenario's start.
     */
    public synchronized void start(DemoContext context, Scenario scenario) throws IOException {
        if (agent != null) {
            throw new IllegalStateException(id + " is streaming already");
        }
        Objects.requireNonNull(scenario.device(id));
        agent = Agents.start(Agents.config(tenant, id, dataDir, context.gateway().mqttUrl(), Optional.of(context.gateway().brokerCaFile()),
                provisioned.ackKeySpki(), scenario.agent()), provisioned.key(), provisioned.ackKeySpki(), Clock.systemUTC());
        DeviceSimulation simulation = new DeviceSimulation(scenario, scenario.device(id));
        EdgeAgent current = agent;
        long tick = scenario.tick().toMillis();
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-device-" + id);
            t.setDaemon(true);
            return t;
        });
        long first = Math.max(0, scenario.start().toEpochMilli() + tick - System.currentTimeMillis());
        ticker.scheduleAtFixedRate(() -> {
            // every tick due by the wall clock: a late run catches up with each missed tick's own readings, so
            // that a slow moment of the machine never leaves a gap in the readings (a gap breaks a contract run)
            long due = (System.currentTimeMillis() - scenario.start().toEpochMilli()) / tick;
            while (simulation.nextTick() <= due) {
                submit(current, simulation.tick(simulation.nextTick()));
            }
        }, first, tick, TimeUnit.MILLISECONDS);
    }

    private void submit(EdgeAgent current, List<Reading> readings) {
        for (Reading r : readings) {
            try {
                current.submit(r);
                submitted.incrementAndGet();
            } catch (ProtocolException e) {
                LOG.log(Level.FINE, () -> id + ": the agent refused a reading: " + e.getMessage());
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, id + ": submitting a reading failed", e);
            }
        }
    }

    /** Stops the ticks and closes the agent (the open pack is sealed, the outbox kept for the next start). */
    @Override
    public synchronized void close() throws IOException {
        if (ticker != null) {
            ticker.shutdownNow();
            try {
                ticker.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ticker = null;
        }
        if (agent != null) {
            EdgeAgent a = agent;
            agent = null;
            a.close();
        }
    }
}
