package io.sensorproof.oracle.batches;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A {@link BatchLedger} in memory with the same rules as the PostgreSQL one: readings are committed
 * with {@link #commit}, pending in commit order until a batch takes them, a reading in two batches is
 * refused ({@link BatchError#DUPLICATE_READING}), sealing is synchronized. For tests of the batching
 * rules and of code that uses the ledger.
 */
public final class InMemoryBatchLedger implements BatchLedger {
    private final List<BatchReading> committed = new ArrayList<>();
    private final Map<ReadingKey, Placement> placements = new HashMap<>();
    private final Map<Long, Stored> batches = new LinkedHashMap<>();
    private long nextId = 1;

    /**
     * Where a reading is.
     *
     * @param batchId its batch
     * @param slot its leaf index
     */
    public record Placement(long batchId, int slot) {
    }

    private record Stored(SealedBatch batch, CommitmentBatch content, boolean requested, Optional<AnchorReceipt> receipt) {
    }

    /** Commits readings (as ingestion would), in this order. */
    public synchronized void commit(List<BatchReading> readings) {
        committed.addAll(readings);
    }

    @Override
    public synchronized Optional<SealedBatch> sealNext(int limit, Instant now,
            Function<List<BatchReading>, Optional<CommitmentBatch>> decide) {
        List<BatchReading> pending = new ArrayList<>();
        for (BatchReading r : committed) {
            if (pending.size() == limit) {
                break;
            }
            if (!placements.containsKey(r.key())) {
                pending.add(r);
            }
        }
        Optional<CommitmentBatch> batch = decide.apply(List.copyOf(pending));
        if (batch.isEmpty()) {
            return Optional.empty();
        }
        CommitmentBatch content = batch.get();
        for (CommitmentBatch.Member m : content.members()) {
            if (placements.containsKey(m.reading().key())) {
                throw new BatchException(BatchError.DUPLICATE_READING, "reading " + m.reading().key() + " is already in batch "
                        + placements.get(m.reading().key()).batchId());
            }
        }
        long id = nextId++;
        SealedBatch sealed = SealedBatch.of(id, content, now);
        content.members().forEach(m -> placements.put(m.reading().key(), new Placement(id, m.slot())));
        batches.put(id, new Stored(sealed, content, false, Optional.empty()));
        return Optional.of(sealed);
    }

    @Override
    public synchronized List<SealedBatch> awaitingAnchorRequest() {
        return batches.values().stream().filter(s -> !s.requested()).map(Stored::batch).toList();
    }

    @Override
    public synchronized void anchorRequested(long batchId) {
        Stored s = stored(batchId);
        batches.put(batchId, new Stored(s.batch(), s.content(), true, s.receipt()));
    }

    @Override
    public synchronized void anchored(long batchId, AnchorReceipt receipt) {
        Objects.requireNonNull(receipt, "receipt");
        Stored s = stored(batchId);
        if (s.receipt().isPresent() && !sameTransaction(s.receipt().get(), receipt)) {
            throw new BatchException(BatchError.ANCHOR_CONFLICT, "batch " + batchId + " is anchored by " + s.receipt().get());
        }
        batches.put(batchId, new Stored(s.batch(), s.content(), s.requested(), Optional.of(receipt)));
    }

    private static boolean sameTransaction(AnchorReceipt a, AnchorReceipt b) {
        return a.transactionHash().equalsIgnoreCase(b.transactionHash()) && a.contract().equalsIgnoreCase(b.contract());
    }

    /** Where {@code key} is, if a batch took it. */
    public synchronized Optional<Placement> placement(ReadingKey key) {
        return Optional.ofNullable(placements.get(key));
    }

    /** The sealed batches in id order. */
    public synchronized List<SealedBatch> batches() {
        return batches.values().stream().map(Stored::batch).toList();
    }

    /** The content of batch {@code batchId}. */
    public synchronized CommitmentBatch content(long batchId) {
        return stored(batchId).content();
    }

    /** The anchor receipt of {@code batchId}, once anchored. */
    public synchronized Optional<AnchorReceipt> receipt(long batchId) {
        return stored(batchId).receipt();
    }

    private Stored stored(long batchId) {
        Stored s = batches.get(batchId);
        if (s == null) {
            throw new BatchException(BatchError.UNKNOWN_BATCH, "no batch " + batchId);
        }
        return s;
    }
}
