package io.sensorproof.gateway.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * How the transport adapters cut their queues into pipeline batches (one database transaction
 * each): wait a while for a first message, then linger briefly for more, up to a maximum.
 */
public final class BatchTaker {
    private BatchTaker() {
    }

    /**
     * Moves the next batch from {@code queue} into {@code into} (expected empty).
     *
     * @param idle how long to wait for a first element
     * @param max the largest batch
     * @param linger how long after the first element to wait for more
     * @return false when nothing arrived within {@code idle}
     */
    public static <T> boolean take(BlockingQueue<T> queue, List<T> into, Duration idle, int max, Duration linger)
            throws InterruptedException {
        T first = queue.poll(idle.toNanos(), TimeUnit.NANOSECONDS);
        if (first == null) {
            return false;
        }
        into.add(first);
        long lingerUntil = System.nanoTime() + linger.toNanos();
        // everything already queued in one go (one lock, no wake-up per element), then wait for more
        // only while lingering; each wake-up takes whatever arrived meanwhile (ADR 042)
        queue.drainTo(into, max - into.size());
        while (into.size() < max) {
            long left = lingerUntil - System.nanoTime();
            T next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                break;
            }
            into.add(next);
            queue.drainTo(into, max - into.size());
        }
        return true;
    }
}
