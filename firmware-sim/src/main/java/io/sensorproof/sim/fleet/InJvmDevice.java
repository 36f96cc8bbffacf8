package io.sensorproof.sim.fleet;

import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.agent.outbox.FileIo;
import io.sensorproof.agent.runtime.AgentRuntime;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.sim.net.TcpProxy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A device whose {@link EdgeAgent} runs in the simulator's JVM; the fleet driver calls
 * {@link #tick(long)} for every tick. Power loss here stops the agent at a tick boundary
 * ({@code close()}: the open pack is sealed, the connection closed) and starts a new one on the
 * same data directory later; a real SIGKILL needs process mode.
 */
final class InJvmDevice implements FleetDevice {
    private final DeviceSimulation simulation;
    private final AgentConfig config;
    private volatile SigningKey key;
    private final byte[] ackKeySpki;
    private final Optional<TcpProxy> proxy;
    private final boolean keepTrace;
    private final SimulatedClock clock;
    private final List<ReadingKey> durable = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong refusedByAgent = new AtomicLong();
    private final AtomicLong submitted = new AtomicLong();
    private final Map<String, Long> finishedCounters = new LinkedHashMap<>();
    private final FileIo outboxIo;
    private final Optional<AgentRuntime> runtime;
    private volatile EdgeAgent agent;

    InJvmDevice(DeviceSimulation simulation, AgentConfig config, SigningKey key, byte[] ackKeySpki, Optional<TcpProxy> proxy,
            boolean keepTrace, long startMillis, FileIo outboxIo) {
        this(simulation, config, key, ackKeySpki, proxy, keepTrace, startMillis, outboxIo, Optional.empty());
    }

    /** As above; with a {@code runtime}, the agent runs on its shared threads (ADR 048). */
    InJvmDevice(DeviceSimulation simulation, AgentConfig config, SigningKey key, byte[] ackKeySpki, Optional<TcpProxy> proxy,
            boolean keepTrace, long startMillis, FileIo outboxIo, Optional<AgentRuntime> runtime) {
        this.outboxIo = outboxIo;
        this.runtime = runtime;
        this.simulation = simulation;
        this.config = config;
        this.key = key;
        this.ackKeySpki = ackKeySpki;
        this.proxy = proxy;
        this.keepTrace = keepTrace;
        this.clock = new SimulatedClock(startMillis);
    }

    @Override
    public String id() {
        return simulation.device().id();
    }

    @Override
    public SigningKey key() {
        return key;
    }

    @Override
    public Optional<TcpProxy> proxy() {
        return proxy;
    }

    @Override
    public void start() throws IOException {
        agent = Agents.start(config, key, ackKeySpki, clock, outboxIo, runtime);
    }

    /** Takes the readings of tick {@code k} (advancing silently through ticks missed while unpowered). */
    void tick(long k) throws IOException {
        EdgeAgent current = agent;
        if (current == null) {
            return;
        }
        simulation.skipTo(k);
        List<Reading> readings = simulation.tick(k);
        clock.set(simulation.deviceTimeMillis(k));
        for (Reading r : readings) {
            try {
                current.submit(r);
                submitted.incrementAndGet();
                if (keepTrace) {
                    durable.add(ReadingKey.of(r));
                }
            } catch (ProtocolException e) {
                refusedByAgent.incrementAndGet();
            }
        }
    }

    @Override
    public synchronized void powerOff() throws IOException {
        EdgeAgent current = agent;
        agent = null;
        if (current != null) {
            accumulate(current);
            current.close();
        }
    }

    @Override
    public synchronized void powerOn() throws IOException {
        if (agent == null) {
            start();
        }
    }

    @Override
    public synchronized Agents.Rekeyed rekey() throws IOException, InterruptedException {
        powerOff();
        try {
            return Agents.rekey(config.dataDir());
        } finally {
            key = Agents.deviceKey(config.dataDir());
            powerOn();
        }
    }

    /** Powered and with a session to the broker. */
    boolean connected() {
        EdgeAgent current = agent;
        return current != null && current.connected();
    }

    @Override
    public boolean powered() {
        return agent != null;
    }

    private void accumulate(EdgeAgent a) {
        a.metrics().snapshot().forEach((k, v) -> finishedCounters.merge(k, v, Long::sum));
    }

    @Override
    public synchronized Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>(finishedCounters);
        EdgeAgent current = agent;
        if (current != null) {
            current.metrics().snapshot().forEach((k, v) -> m.merge(k, v, Long::sum));
            m.put("outbox_depth", current.outboxStats().depth());
            m.put("kept_aside", current.outboxStats().keptAside());
            m.put("boot", current.boot());
            m.put("clock_steps", current.clockSteps());
        }
        m.put("readings_submitted", submitted.get());
        m.put("readings_refused_by_agent", refusedByAgent.get());
        return m;
    }

    @Override
    public List<ReadingKey> durableReadings() {
        synchronized (durable) {
            return List.copyOf(durable);
        }
    }

    @Override
    public void endOfRun() throws IOException {
        sealOpenPack();
    }

    /** The readings this device's agents took so far. */
    long readingsSubmitted() {
        return submitted.get();
    }

    /** Seals the agent's open pack now, if it is powered and has one (it becomes durable and is sent). */
    void sealOpenPack() throws IOException {
        EdgeAgent current = agent;
        if (current != null) {
            current.flush();
        }
    }

    @Override
    public boolean awaitDrained(long millis) throws InterruptedException {
        EdgeAgent current = agent;
        // at least one look, also when the shared deadline has passed
        return current != null && current.awaitDrained(Duration.ofMillis(Math.max(50, millis)));
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            powerOff();
        } finally {
            if (proxy.isPresent()) {
                proxy.get().close();
            }
        }
    }
}
