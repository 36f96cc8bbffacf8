package io.sensorproof.agent.runtime;

import com.hivemq.client.mqtt.MqttClientExecutorConfig;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads shared by the agents of one JVM (ADR 048): a small scheduler for every agent's timers
 * (pack age, sender poke, status file, reconnect delays), one worker pool that grows on demand for what
 * blocks (connection attempts, acknowledgement handling, sending, sealing), and the MQTT client's
 * network event loop, a few threads for every agent's connection (ADR 059; with Paho, each connection
 * held three threads of the pool). The agents' own order guarantees come from {@link #serial()}
 * executors, one per job and agent.
 *
 * <p>Only simulators use it ({@code firmware-sim load}); the standalone agent keeps its own threads.
 * Closing the runtime stops every thread: close the agents first.
 */
public final class AgentRuntime implements AutoCloseable {
    private final ScheduledThreadPoolExecutor scheduler;
    private final ThreadPoolExecutor workers;
    private final MqttClientExecutorConfig mqtt;

    private AgentRuntime(String name, int schedulerThreads) {
        this.scheduler = new ScheduledThreadPoolExecutor(schedulerThreads, daemons(name + "-timer"));
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemons(name + "-worker"));
        // the client library shares one event loop among the clients with the same executor: this runtime's agents
        this.mqtt = MqttClientExecutorConfig.builder().nettyExecutor(workers).nettyThreads(schedulerThreads).build();
    }

    /**
     * A runtime whose timers run on {@code schedulerThreads} threads (timer work is short: blocking
     * work goes to the worker pool).
     */
    public static AgentRuntime create(String name, int schedulerThreads) {
        if (schedulerThreads < 1) {
            throw new IllegalArgumentException("schedulerThreads must be at least 1");
        }
        return new AgentRuntime(name, schedulerThreads);
    }

    /** The shared scheduler: for short tasks only (a blocking task delays every agent's timers). */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** The shared pool for blocking work; it grows with what blocks at the same time. */
    public Executor workers() {
        return workers;
    }

    /** A new executor that runs its tasks one at a time, in order, on the worker pool. */
    public SerialExecutor serial() {
        return new SerialExecutor(workers);
    }

    /**
     * The executor settings of every MQTT client of this runtime's agents: their network I/O shares one event
     * loop of {@code schedulerThreads} threads taken from the worker pool (each connection is a channel on it,
     * not a thread).
     */
    public MqttClientExecutorConfig mqttExecutors() {
        return mqtt;
    }

    /** Threads of the worker pool now. */
    public int workerThreads() {
        return workers.getPoolSize();
    }

    /** The most worker threads there have been at once. */
    public int largestWorkerThreads() {
        return workers.getLargestPoolSize();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        workers.shutdownNow();
    }

    private static ThreadFactory daemons(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
