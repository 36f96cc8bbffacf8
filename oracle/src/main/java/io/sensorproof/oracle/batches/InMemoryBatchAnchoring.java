package io.sensorproof.oracle.batches;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link BatchAnchoring} that keeps the requests in memory, idempotent by batch id, for tests and
 * for running the batcher without a chain; {@link #requested()} lists them in request order.
 */
public final class InMemoryBatchAnchoring implements BatchAnchoring {
    private final Map<Long, SealedBatch> requests = new LinkedHashMap<>();
    private int calls;

    @Override
    public synchronized void anchor(SealedBatch batch) {
        calls++;
        requests.putIfAbsent(batch.batchId(), batch);
    }

    /** The distinct batches asked for, in the order first asked. */
    public synchronized List<SealedBatch> requested() {
        return new ArrayList<>(requests.values());
    }

    /** Calls received, repeats included. */
    public synchronized int calls() {
        return calls;
    }
}
