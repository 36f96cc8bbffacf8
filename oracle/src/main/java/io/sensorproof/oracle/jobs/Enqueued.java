package io.sensorproof.oracle.jobs;

/**
 * The result of {@link JobStore#enqueue}: the job for the key and whether this call created it.
 *
 * @param job the (new or existing) job
 * @param created false when a job with the same idempotency key already existed
 */
public record Enqueued(Job job, boolean created) {}
