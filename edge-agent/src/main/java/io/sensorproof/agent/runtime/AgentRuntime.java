package io.sensorproof.agent.runtime;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads shared by the agents of one JVM (ADR 048): a small scheduler for every agent's timers
 * (pack age, sender poke, status file, reconnect delays, Paho's keep-alive pings) and one worker pool
 * that grows on demand for what blocks (Paho's receiver, sender and callback loops of each
 * connection, connection attempts, acknowledgement handling, sending, sealing). A fleet of N agents
 * then holds about 3 threads per connected agent (Paho's loops, which block on their socket and queue)
 * plus the scheduler, instead of 8 per agent. The agents' own order guarantees come from
 * {@link #serial()} executors, one per job and agent.
 *
 * <p>Only simulators use it ({@code firmware-sim load}); the standalone agent keeps its own threads.
 * Closing the runtime stops every thread: close the agents first.
 */
public final class AgentRuntime implements AutoCloseable {
    private final ScheduledThreadPoolExecutor scheduler;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService paho;

    private AgentRuntime(String name, int schedulerThreads) {
        this.scheduler = new ScheduledThreadPoolExecutor(schedulerThreads, daemons(name + "-timer"));
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemons(name + "-worker"));
        this.paho = new PahoExecutor(workers, scheduler);
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
     * The executor to give Paho's {@code MqttAsyncClient}: Paho runs each connection's receiver,
     * sender and callback loops through {@code execute}/{@code submit} (they block for the
     * connection's life, so they need the growing pool, not a fixed one) and schedules its
     * keep-alive checks (short) through {@code schedule}, which then need no timer thread per client.
     */
    public ScheduledExecutorService pahoExecutor() {
        return paho;
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

    /** Runs tasks on the worker pool and schedules on the scheduler; shutting it down is the runtime's job. */
    static final class PahoExecutor extends AbstractExecutorService implements ScheduledExecutorService {
        private final ThreadPoolExecutor workers;
        private final ScheduledExecutorService scheduler;

        PahoExecutor(ThreadPoolExecutor workers, ScheduledExecutorService scheduler) {
            this.workers = workers;
            this.scheduler = scheduler;
        }

        @Override
        public void execute(Runnable command) {
            workers.execute(command);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            return scheduler.schedule(command, delay, unit);
        }

        @Override
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            return scheduler.schedule(callable, delay, unit);
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            return scheduler.scheduleAtFixedRate(command, initialDelay, period, unit);
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
            return scheduler.scheduleWithFixedDelay(command, initialDelay, delay, unit);
        }

        @Override
        public void shutdown() {
            throw new UnsupportedOperationException("shared by every client of the runtime: close the AgentRuntime");
        }

        @Override
        public List<Runnable> shutdownNow() {
            throw new UnsupportedOperationException("shared by every client of the runtime: close the AgentRuntime");
        }

        @Override
        public boolean isShutdown() {
            return workers.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return workers.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return workers.awaitTermination(timeout, unit);
        }
    }
}
