package io.sensorproof.agent.transport;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * The reconnect discipline both transports share: connection attempts run on one daemon thread
 * (which the transport also uses for its other timed work), at most one attempt is pending at a
 * time, each failure waits the next jittered exponential {@link Backoff} delay, and a success
 * starts the next failure from the shortest delay again.
 */
final class Reconnector {
    private final Backoff backoff;
    private final LongConsumer backoffObserver;
    private final Runnable connect;
    private final ScheduledExecutorService executor;
    private final AtomicInteger attempt = new AtomicInteger();
    private final AtomicBoolean pending = new AtomicBoolean(true);
    private final AtomicBoolean closed = new AtomicBoolean();

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
    }

    /** The first attempt, at once. */
    void start() {
        executor.execute(this::attempt);
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
        executor.schedule(this::attempt, delay, TimeUnit.MILLISECONDS);
    }

    /** The attempt succeeded. */
    void succeeded() {
        attempt.set(0);
    }

    /** The transport's thread, for work that must not race the connection attempts. */
    ScheduledExecutorService executor() {
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
        executor.shutdownNow();
        return true;
    }
}
