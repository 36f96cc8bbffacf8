package io.sensorproof.oracle.jobs;

import io.sensorproof.oracle.chain.BroadcastOutcome;

/**
 * Hooks the runner calls after each durable step, for metrics and logs. They run on the worker
 * thread between two steps; the fault tests throw from them to kill a worker exactly there.
 */
public interface JobEvents {
    /** Nothing to observe. */
    JobEvents NONE = new JobEvents() { };

    /** The job's transaction is signed and stored, not yet broadcast. */
    default void signed(Job job) {
    }

    /** The job's transaction was handed to the node. */
    default void broadcast(Job job, BroadcastOutcome outcome) {
    }

    /** The job reached {@code CONFIRMED} or {@code FAILED}. */
    default void finished(Job job) {
    }

    /** A step will be retried later. */
    default void retrying(Job job, RuntimeException cause) {
    }
}
