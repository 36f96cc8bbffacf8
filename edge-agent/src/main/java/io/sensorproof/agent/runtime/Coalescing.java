package io.sensorproof.agent.runtime;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A trigger that queues {@code task} on {@code executor} unless it is already queued: periodic
 * pokes (every 200 ms per agent) and signals then never pile up behind a slow run. The pending mark
 * is cleared just before the task starts, so a trigger during a run queues exactly one more run.
 * Triggers after the executor was shut down (a closing agent) are dropped.
 */
public final class Coalescing implements Runnable {
    private final Executor executor;
    private final Runnable task;
    private final AtomicBoolean pending = new AtomicBoolean();

    public Coalescing(Executor executor, Runnable task) {
        this.executor = executor;
        this.task = task;
    }

    @Override
    public void run() {
        if (!pending.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(() -> {
                pending.set(false);
                task.run();
            });
        } catch (RejectedExecutionException e) {
            pending.set(false);
        }
    }
}
