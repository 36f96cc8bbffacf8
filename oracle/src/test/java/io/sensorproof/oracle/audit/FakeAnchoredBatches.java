package io.sensorproof.oracle.audit;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** An in-memory registry on an in-memory chain. */
final class FakeAnchoredBatches implements AnchoredBatches {
    final Map<Long, ChainBatch> batches = new HashMap<>();
    long chainId = 31337;
    String registry = AuditBundles.REGISTRY;

    @Override
    public long chainId() {
        return chainId;
    }

    @Override
    public String registry() {
        return registry;
    }

    @Override
    public Optional<ChainBatch> batch(long batchId) {
        return Optional.ofNullable(batches.get(batchId));
    }

    @Override
    public Optional<Long> batchOfRoot(BigInteger root) {
        return batches.entrySet().stream().filter(e -> e.getValue().root().equals(root)).map(Map.Entry::getKey).findFirst();
    }
}
