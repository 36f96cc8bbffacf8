package io.sensorproof.gateway.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the ingest pipeline as plain {@link LongAdder}s, so that the Quarkus side can bind
 * them to Micrometer ({@code FunctionCounter.builder(name, adder, LongAdder::sum)}) without this
 * module knowing about it. The key set is fixed at construction: every reason code of the
 * namespace has its {@code rejected.<CODE>} counter from the start.
 *
 * <p>Names: {@code rejected.<CODE>} per rejection code; {@code stored.messages},
 * {@code stored.readings}, {@code stored.late_readings}, {@code duplicates}, {@code conflicts},
 * {@code quarantine.kept}, {@code quarantine.over_quota} (not kept), {@code deferred}, and
 * {@code failures.{directory,store,quarantine,alerts,acknowledger,internal}} for port failures and
 * unexpected errors.
 */
public final class IngestMetrics {
    /** Prefix of the per-reason counters. */
    public static final String REJECTED_PREFIX = "rejected.";

    final LongAdder storedMessages = new LongAdder();
    final LongAdder storedReadings = new LongAdder();
    final LongAdder lateReadings = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder conflicts = new LongAdder();
    final LongAdder quarantineKept = new LongAdder();
    final LongAdder quarantineOverQuota = new LongAdder();
    final LongAdder deferred = new LongAdder();
    final LongAdder directoryFailures = new LongAdder();
    final LongAdder storeFailures = new LongAdder();
    final LongAdder quarantineFailures = new LongAdder();
    final LongAdder alertFailures = new LongAdder();
    final LongAdder acknowledgerFailures = new LongAdder();
    final LongAdder internalFailures = new LongAdder();

    private final Map<String, LongAdder> rejected;
    private final Map<String, LongAdder> counters;

    public IngestMetrics() {
        Map<String, LongAdder> byReason = new LinkedHashMap<>();
        for (ReasonCode code : ReasonCode.all()) {
            byReason.put(code.name(), new LongAdder());
        }
        rejected = Collections.unmodifiableMap(byReason);
        Map<String, LongAdder> all = new LinkedHashMap<>();
        all.put("stored.messages", storedMessages);
        all.put("stored.readings", storedReadings);
        all.put("stored.late_readings", lateReadings);
        all.put("duplicates", duplicates);
        all.put("conflicts", conflicts);
        all.put("quarantine.kept", quarantineKept);
        all.put("quarantine.over_quota", quarantineOverQuota);
        all.put("deferred", deferred);
        all.put("failures.directory", directoryFailures);
        all.put("failures.store", storeFailures);
        all.put("failures.quarantine", quarantineFailures);
        all.put("failures.alerts", alertFailures);
        all.put("failures.acknowledger", acknowledgerFailures);
        all.put("failures.internal", internalFailures);
        byReason.forEach((code, adder) -> all.put(REJECTED_PREFIX + code, adder));
        counters = Collections.unmodifiableMap(all);
    }

    /** Every counter by name (fixed key set, live adders). */
    public Map<String, LongAdder> counters() {
        return counters;
    }

    /** Rejections by reason code (fixed key set: the whole namespace, live adders). */
    public Map<String, LongAdder> rejectedByReason() {
        return rejected;
    }

    /** Current value of counter {@code name}. */
    public long count(String name) {
        LongAdder adder = counters.get(name);
        if (adder == null) {
            throw new IllegalArgumentException("no counter named " + name);
        }
        return adder.sum();
    }

    /** Current value of the rejection counter of {@code reason}. */
    public long rejected(ReasonCode reason) {
        return rejected.get(reason.name()).sum();
    }

    /** A point-in-time copy of every counter. */
    public Map<String, Long> snapshot() {
        Map<String, Long> copy = new LinkedHashMap<>();
        counters.forEach((name, adder) -> copy.put(name, adder.sum()));
        return copy;
    }

    void rejected(String reason) {
        rejected.get(reason).increment();
    }
}
