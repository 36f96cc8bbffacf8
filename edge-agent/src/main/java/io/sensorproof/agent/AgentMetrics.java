package io.sensorproof.agent;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the agent; {@link #snapshot()} lists them by stable name. */
public final class AgentMetrics {
    final LongAdder readingsAccepted = new LongAdder();
    final LongAdder inputRejected = new LongAdder();
    final LongAdder messagesSigned = new LongAdder();
    final LongAdder publishes = new LongAdder();
    final LongAdder resendsAfterTimeout = new LongAdder();
    final LongAdder resendsAfterReconnect = new LongAdder();
    final LongAdder acksAccepted = new LongAdder();
    final LongAdder acksForged = new LongAdder();
    final LongAdder acksForeign = new LongAdder();
    final LongAdder acksRedundant = new LongAdder();
    final LongAdder messagesStored = new LongAdder();
    final LongAdder messagesRejected = new LongAdder();
    final LongAdder connects = new LongAdder();
    final LongAdder reconnectsScheduled = new LongAdder();
    final LongAdder disconnects = new LongAdder();
    final LongAdder heartbeatsSent = new LongAdder();
    final LongAdder outboxFullWaits = new LongAdder();
    final AtomicLong lastBackoffMillis = new AtomicLong();
    final AtomicLong maxBackoffMillis = new AtomicLong();

    /** Readings accepted into packs. */
    public long readingsAccepted() {
        return readingsAccepted.sum();
    }

    /** Acknowledgements that did not verify with the gateway key (forged, tampered, other key). */
    public long acksForged() {
        return acksForged.sum();
    }

    /** Valid acknowledgements that named nothing still waiting (replays, duplicates). */
    public long acksRedundant() {
        return acksRedundant.sum();
    }

    /** Messages the gateway acknowledged as stored. */
    public long messagesStored() {
        return messagesStored.sum();
    }

    /** Reconnects scheduled after a failed attempt or a lost connection. */
    public long reconnectsScheduled() {
        return reconnectsScheduled.sum();
    }

    /** Records a reconnect delay chosen by the transport's backoff. */
    public void recordBackoff(long delayMillis) {
        reconnectsScheduled.increment();
        lastBackoffMillis.set(delayMillis);
        maxBackoffMillis.accumulateAndGet(delayMillis, Math::max);
    }

    /** Successful connections. */
    public long connects() {
        return connects.sum();
    }

    /** The longest reconnect delay chosen so far, ms. */
    public long maxBackoffMillis() {
        return maxBackoffMillis.get();
    }

    /** All counters by name. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("readings_accepted", readingsAccepted.sum());
        m.put("input_rejected", inputRejected.sum());
        m.put("messages_signed", messagesSigned.sum());
        m.put("publishes", publishes.sum());
        m.put("resends_after_timeout", resendsAfterTimeout.sum());
        m.put("resends_after_reconnect", resendsAfterReconnect.sum());
        m.put("acks_accepted", acksAccepted.sum());
        m.put("acks_forged", acksForged.sum());
        m.put("acks_foreign", acksForeign.sum());
        m.put("acks_redundant", acksRedundant.sum());
        m.put("messages_stored", messagesStored.sum());
        m.put("messages_rejected", messagesRejected.sum());
        m.put("connects", connects.sum());
        m.put("reconnects_scheduled", reconnectsScheduled.sum());
        m.put("disconnects", disconnects.sum());
        m.put("heartbeats_sent", heartbeatsSent.sum());
        m.put("outbox_full_waits", outboxFullWaits.sum());
        m.put("last_backoff_ms", lastBackoffMillis.get());
        m.put("max_backoff_ms", maxBackoffMillis.get());
        return m;
    }
}
