package io.sensorproof.sim.fleet;

import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.sim.net.TcpProxy;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One simulated device of a fleet, running its agent in this JVM or in a process of its own. */
interface FleetDevice extends AutoCloseable {

    /** The device id. */
    String id();

    /** The device key (for injected faults that sign as the device). */
    SigningKey key();

    /** The proxy between its agent and the broker, when a partition fault targets it. */
    Optional<TcpProxy> proxy();

    /** Starts the agent. */
    void start() throws IOException;

    /** Cuts the power: in-process the agent stops at a tick boundary; a process is killed with SIGKILL. */
    void powerOff() throws IOException, InterruptedException;

    /** Restores power: a new agent (new boot) on the same data directory, resuming at the current tick. */
    void powerOn() throws IOException;

    /**
     * Re-keys the device as {@code edge-agent rekey} does with the agent stopped: the agent stops
     * (in-process at a tick boundary; a process is killed), the enrollment state in its data
     * directory gets a new key certified with its renewal token, and the agent starts again with
     * the new key (new boot), also when the re-key failed.
     *
     * @return the re-key's outcome
     */
    Agents.Rekeyed rekey() throws IOException, InterruptedException;

    /** True while the agent runs. */
    boolean powered();

    /** The agent's counters (the last ones written, for a process). */
    Map<String, Long> counters();

    /** The readings the device made durable in its outbox. */
    List<ReadingKey> durableReadings() throws IOException;

    /** Ends the run: in-process the open pack is sealed; a device process ends by itself after its last tick. */
    void endOfRun() throws IOException;

    /**
     * Waits up to {@code millis} for every message to be acknowledged (a process: for it to exit
     * after draining).
     *
     * @return true when everything was acknowledged
     */
    boolean awaitDrained(long millis) throws InterruptedException;

    @Override
    void close() throws IOException;
}
