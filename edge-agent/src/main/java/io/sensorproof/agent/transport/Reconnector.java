package io.sensorproof.agent.transport;

import io.sensorproof.agent.runtime.AgentRuntime;
import io.sensorproof.agent.runtime.SerialExecutor;
import io.sensorproof.protocol.retry.Backoff;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * The reconnect discipline both transports share: connection attempts run one at a time (on one
 * daemon thread of the transport, which it also uses for its other timed work; or, with a shared
 * {@link AgentRuntime}, on a serial executor of the runtime's pool, delays on its scheduler), at most
 * one attempt is pending at a time, each failure waits the next jittered exponential {@link Backoff}
 * delay, and a success starts the next failure from the shortest delay again.
 */
final class Reconnector {
    private final Backoff backoff;
    private final LongConsumer backoffObserver;
    private final Runnable connect;
    /** The transport's own thread; null with a shared runtime. */
    private final ScheduledExecutorService executor;
    private final ScheduledExecutorService scheduler;
    private final Executor serial;
    private final AtomicInteger attempt = new AtomicInteger();
    private final AtomicBoolean pending = new AtomicBoolean(true);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile ScheduledFuture<?> scheduled;

    /**
     * @param threadName name of the transport's thread
     * @param backoffObserver told every chosen reconnect delay (for metrics)
     * @param connect one connection attempt; it calls {@link #succeeded()} or {@link #retry()}
     */
    Reconnector(String threadName, Backoff backoff, LongConsumer backoffObserver, Runnable connect) {
        this.backoff = backoff;
        this.backoffObserver = backoffObserver;
        this.connect = connect;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        this.scheduler = executor;
        this.serial = executor;
    }

    /** As above, on {@code runtime}'s threads: no thread of its own. */
    Reconnector(AgentRuntime runtime, Backoff backoff, LongConsumer backoffObserver, Runnable connect) {
        this.backoff = backoff;
        this.backoffObserver = backoffObserver;
        this.connect = connect;
        this.executor = null;
        this.scheduler = runtime.scheduler();
        this.serial = runtime.serial();
    }

    /** The first attempt, at once. */
    void start() {
        serial.execute(this::attempt);
    }

    private void attempt() {
        pending.set(false);
        if (!closed.get()) {
            connect.run();
        }
    }

    /** After a failed attempt or a lost connection: another attempt after the next delay, unless one is pending. */
    void retry() {
        if (closed.get() || !pending.compareAndSet(false, true)) {
            return;
        }
        long delay = backoff.delayMillis(attempt.getAndIncrement());
        backoffObserver.accept(delay);
        if (executor != null) {
            executor.schedule(this::attempt, delay, TimeUnit.MILLISECONDS);
        } else {
            // the scheduler only hands the attempt to this transport's serial executor: attempts block
            scheduled = scheduler.schedule(() -> {
                try {
                    serial.execute(this::attempt);
                } catch (RejectedExecutionException e) {
                    // closed meanwhile
                }
            }, delay, TimeUnit.MILLISECONDS);
        }
    }

    /** The attempt succeeded. */
    void succeeded() {
        attempt.set(0);
    }

    /** Where work that must not race the connection attempts runs (one task at a time, with them). */
    Executor serial() {
        return serial;
    }

    /** The transport's own thread, for timed work that must not race the connection attempts (not with a shared runtime). */
    ScheduledExecutorService executor() {
        if (executor == null) {
            throw new IllegalStateException("a transport on a shared runtime has no thread of its own");
        }
        return executor;
    }

    /**
     * Stops all attempts and the thread.
     *
     * @return false when it was already closed
     */
    boolean close() {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        if (executor != null) {
            executor.shutdownNow();
        } else {
            ScheduledFuture<?> s = scheduled;
            if (s != null) {
                s.cancel(false);
            }
            ((SerialExecutor) serial).shutdown();
        }
        return true;
    }
}
