package io.sensorproof.gateway.core;

import java.util.List;

/**
 * Told about every processed batch after its replies were handed to the {@link Acknowledger}: the
 * hook for metrics (latency, batch sizes) and structured logs on the framework side. Called on the
 * thread that ran the batch; it must be quick and must not throw (a throwing observer is logged
 * and ignored, never a reason to lose an outcome).
 */
@FunctionalInterface
public interface IngestObserver {
    /** Does nothing. */
    IngestObserver NONE = (batch, outcomes, nanos) -> {
    };

    /**
     * @param batch the inbound messages, in batch order
     * @param outcomes one outcome per message, same order
     * @param processingNanos time the pipeline spent on the batch (checks, store, quarantine, replies)
     */
    void processed(List<InboundMessage> batch, List<Outcome> outcomes, long processingNanos);
}
