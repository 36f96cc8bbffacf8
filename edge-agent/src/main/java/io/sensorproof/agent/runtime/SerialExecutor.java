package io.sensorproof.agent.runtime;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs its tasks one at a time, in submission order, on a shared pool: what a single-thread executor
 * gives one agent (no two of its acknowledgements handled at once, connection attempts never racing),
 * without a thread per agent. A task that throws is logged and the next one runs. After
 * {@link #shutdown()} new tasks are refused and {@link #awaitTermination} waits for the queued ones.
 */
public final class SerialExecutor implements Executor {
    private static final Logger LOG = Logger.getLogger(SerialExecutor.class.getName());

    private final Executor pool;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    /** A drain is queued on or running in the pool; guarded by lock. */
    private boolean draining;
    private boolean shutdown;

    public SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        boolean start;
        lock.lock();
        try {
            if (shutdown) {
                throw new RejectedExecutionException("serial executor shut down");
            }
            tasks.addLast(task);
            start = !draining;
            draining = true;
        } finally {
            lock.unlock();
        }
        if (start) {
            try {
                pool.execute(this::drain);
            } catch (RejectedExecutionException e) {
                lock.lock();
                try {
                    tasks.remove(task);
                    draining = false;
                    idle.signalAll();
                } finally {
                    lock.unlock();
                }
                throw e;
            }
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            lock.lock();
            try {
                next = tasks.pollFirst();
                if (next == null) {
                    draining = false;
                    idle.signalAll();
                    return;
                }
            } finally {
                lock.unlock();
            }
            try {
                next.run();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, "task failed", e);
            }
        }
    }

    /** Refuses new tasks; queued ones still run. */
    public void shutdown() {
        lock.lock();
        try {
            shutdown = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until no task is queued or running (after {@link #shutdown()}: for good).
     *
     * @return false when {@code timeout} passed first
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (draining) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = idle.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Tasks queued, not counting one running. */
    public int queued() {
        lock.lock();
        try {
            return tasks.size();
        } finally {
            lock.unlock();
        }
    }
}
