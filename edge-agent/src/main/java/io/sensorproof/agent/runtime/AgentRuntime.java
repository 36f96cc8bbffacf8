package io.sensorproof.agent.runtime;

import com.hivemq.client.mqtt.MqttClientExecutorConfig;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads shared by the agents of one JVM (ADR 048): a small scheduler for every agent's timers
 * (pack age, sender poke, status file, reconnect delays), one worker pool for the agents' work
 * (connection attempts, acknowledgement handling, sending, sealing), and the MQTT client's network
 * event loop, a few threads of its own for every agent's connection (ADR 059; with Paho, each
 * connection held three threads of the pool). The agents' own order guarantees come from
 * {@link #serial()} executors, one per job and agent.
 *
 * <p>The worker pool runs at most {@code workerThreads} tasks at once (ADR 061). It used to start a
 * thread for every task that found no idle one: when a fleet's packs filled on the same tick, a
 * simulator ran 170–250 worker threads for 1,500 agents, each holding an outbox lock while it waited
 * for a share of a starved CPU, and the tick's sealing queued behind them (ticks 2–5 s late, drains
 * of 12–28 s). A task that has to wait (for space in a full outbox, for a publish's acknowledgement)
 * waits in {@link ForkJoinPool#managedBlock}, directly or through {@code CompletableFuture.get} and
 * {@code Condition.await}; the pool then runs another thread for the time it waits, so a wait never
 * holds up the work that ends it.
 *
 * <p>Only simulators use it ({@code firmware-sim load}); the standalone agent keeps its own threads.
 * Closing the runtime stops every thread: close the agents first.
 */
public final class AgentRuntime implements AutoCloseable {
    private final ScheduledThreadPoolExecutor scheduler;
    private final ForkJoinPool workers;
    private final AtomicInteger liveWorkers = new AtomicInteger();
    private final AtomicInteger largestWorkers = new AtomicInteger();
    /** The MQTT client's event loop threads: each holds its thread for the runtime's life, so not the worker pool. */
    private final ExecutorService network;
    private final MqttClientExecutorConfig mqtt;

    private AgentRuntime(String name, int schedulerThreads, int workerThreads) {
        this.scheduler = new ScheduledThreadPoolExecutor(schedulerThreads, daemons(name + "-timer"));
        this.scheduler.setRemoveOnCancelPolicy(true);
        AtomicInteger n = new AtomicInteger();
        // FIFO (asyncMode): tasks are events, not forked subtasks
        this.workers = new ForkJoinPool(workerThreads, pool -> new Worker(pool, name + "-worker-" + n.incrementAndGet()), null, true);
        this.network = Executors.newCachedThreadPool(daemons(name + "-mqtt"));
        // the client library shares one event loop among the clients with the same executor: this runtime's agents
        this.mqtt = MqttClientExecutorConfig.builder().nettyExecutor(network).nettyThreads(schedulerThreads).build();
    }

    /**
     * A runtime whose timers and MQTT event loop run on {@code schedulerThreads} threads each, and
     * whose worker pool runs {@code workerThreads} tasks at once (more only while tasks wait in
     * {@link ForkJoinPool#managedBlock}).
     */
    public static AgentRuntime create(String name, int schedulerThreads, int workerThreads) {
        if (schedulerThreads < 1) {
            throw new IllegalArgumentException("schedulerThreads must be at least 1");
        }
        if (workerThreads < 1 || workerThreads > 256) {
            throw new IllegalArgumentException("workerThreads must be 1..256");
        }
        return new AgentRuntime(name, schedulerThreads, workerThreads);
    }

    /** The shared scheduler: for short tasks only (a blocking task delays every agent's timers). */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /**
     * The shared pool for the agents' work: at most {@code workerThreads} tasks run at once; a task that
     * waits must wait in {@link ForkJoinPool#managedBlock} (as {@code CompletableFuture.get} and
     * {@code Condition.await} do), or it holds one of them.
     */
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
        return liveWorkers.get();
    }

    /** The most worker threads there have been at once. */
    public int largestWorkerThreads() {
        return largestWorkers.get();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        workers.shutdownNow();
        network.shutdownNow();
    }

    /** A worker thread that counts itself, for {@link #workerThreads()} and {@link #largestWorkerThreads()}. */
    private final class Worker extends ForkJoinWorkerThread {
        Worker(ForkJoinPool pool, String name) {
            super(pool);
            setName(name);
            setDaemon(true);
        }

        @Override
        protected void onStart() {
            super.onStart();
            largestWorkers.accumulateAndGet(liveWorkers.incrementAndGet(), Math::max);
        }

        @Override
        protected void onTermination(Throwable exception) {
            liveWorkers.decrementAndGet();
            super.onTermination(exception);
        }
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
