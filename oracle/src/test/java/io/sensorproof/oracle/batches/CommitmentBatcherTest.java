package io.sensorproof.oracle.batches;

import static io.sensorproof.oracle.batches.BatchReadings.T0;
import static io.sensorproof.oracle.batches.BatchReadings.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CommitmentBatcherTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(T0);
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final InMemoryBatchLedger ledger = new InMemoryBatchLedger();
    private final InMemoryBatchAnchoring anchoring = new InMemoryBatchAnchoring();
    private final CommitmentBatcher batcher = new CommitmentBatcher(ledger, new BatchPolicy(4, Duration.ofMinutes(1)),
            anchoring, clock);

    @Test
    void sealsFullBatchesAtOnceAndTheRestWhenTheWindowElapses() {
        List<BatchReading> readings = series("d1", 10);
        ledger.commit(readings);

        List<SealedBatch> first = batcher.sealDue();
        assertThat(first).extracting(SealedBatch::size).containsExactly(4, 4);
        assertThat(ledger.placement(readings.get(8).key())).isEmpty();

        now.set(T0.plusSeconds(8 + 59));
        assertThat(batcher.sealDue()).isEmpty();
        now.set(T0.plusSeconds(8 + 60));
        assertThat(batcher.sealDue()).extracting(SealedBatch::size).containsExactly(2);
        assertThat(ledger.batches()).extracting(SealedBatch::batchId).containsExactly(1L, 2L, 3L);
    }

    @Test
    void takesReadingsInCommitOrderEachInExactlyOneBatch() {
        List<BatchReading> committed = new ArrayList<>();
        for (int round = 0; round < 7; round++) {
            List<BatchReading> some = series("d" + round, round + 1);
            committed.addAll(some);
            ledger.commit(some);
            now.set(now.get().plusSeconds(round % 2 == 0 ? 10 : 3600));
            batcher.sealDue();
        }
        now.set(now.get().plus(Duration.ofDays(1)));
        batcher.sealDue();

        List<BatchReading> inBatchOrder = new ArrayList<>();
        Set<ReadingKey> seen = new HashSet<>();
        for (SealedBatch b : ledger.batches()) {
            CommitmentBatch content = ledger.content(b.batchId());
            List<BatchReading> members = content.members().stream().map(CommitmentBatch.Member::reading).toList();
            members.forEach(r -> assertThat(seen.add(r.key())).as("in one batch only: " + r.key()).isTrue());
            assertThat(b.size()).isBetween(1, 4);
            // a batch is a run of consecutive committed readings
            int start = committed.indexOf(members.stream().min((x, y) -> committed.indexOf(x) - committed.indexOf(y)).orElseThrow());
            assertThat(new HashSet<>(committed.subList(start, start + members.size()))).isEqualTo(new HashSet<>(members));
            inBatchOrder.addAll(committed.subList(start, start + members.size()));
        }
        assertThat(inBatchOrder).as("every committed reading, in commit order").isEqualTo(committed);
    }

    @Test
    void aBatchBuiltButNotStoredIsBuiltAgainFromTheSameReadings() {
        List<BatchReading> readings = series("d1", 4);
        ledger.commit(readings);
        // the sealer dies after building the tree, before the ledger stores it
        assertThatThrownBy(() -> ledger.sealNext(4, T0, pending -> {
            CommitmentBatch.of(pending);
            throw new IllegalStateException("killed before commit");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(ledger.batches()).isEmpty();
        assertThat(ledger.placement(readings.get(0).key())).isEmpty();

        assertThat(batcher.sealDue()).singleElement().satisfies(b -> {
            assertThat(b.size()).isEqualTo(4);
            assertThat(b.root()).isEqualTo(CommitmentBatch.of(readings).root());
        });
    }

    @Test
    void refusesToStoreAReadingThatIsAlreadyInABatch() {
        List<BatchReading> readings = series("d1", 4);
        ledger.commit(readings);
        batcher.sealDue();
        assertThatThrownBy(() -> ledger.sealNext(4, T0, pending -> Optional.of(CommitmentBatch.of(readings.subList(0, 1)))))
                .isInstanceOfSatisfying(BatchException.class, e -> assertThat(e.code()).isEqualTo(BatchError.DUPLICATE_READING));
        assertThat(ledger.batches()).hasSize(1);
    }

    @Test
    void asksForEverySealedBatchToBeAnchoredAndAgainIfTheRecordWasLost() {
        ledger.commit(series("d1", 8));
        assertThat(batcher.sealDue()).hasSize(2);
        assertThat(batcher.requestAnchors()).isEqualTo(2);
        assertThat(anchoring.requested()).extracting(SealedBatch::batchId).containsExactly(1L, 2L);
        assertThat(batcher.requestAnchors()).isZero();

        // a port that fails: the batch stays waiting and is handed over on the next round
        InMemoryBatchLedger other = new InMemoryBatchLedger();
        other.commit(series("d2", 4));
        List<SealedBatch> accepted = new ArrayList<>();
        boolean[] fail = {true};
        CommitmentBatcher flaky = new CommitmentBatcher(other, new BatchPolicy(4, Duration.ofMinutes(1)), b -> {
            if (fail[0]) {
                throw new IllegalStateException("job store down");
            }
            accepted.add(b);
        }, clock);
        assertThat(flaky.sealDue()).hasSize(1);
        assertThatThrownBy(flaky::requestAnchors).isInstanceOf(IllegalStateException.class);
        assertThat(other.awaitingAnchorRequest()).hasSize(1);
        fail[0] = false;
        assertThat(flaky.requestAnchors()).isEqualTo(1);
        assertThat(other.awaitingAnchorRequest()).isEmpty();
        assertThat(accepted).extracting(SealedBatch::batchId).containsExactly(1L);
    }

    @Test
    void recordsTheAnchorReceiptOnceAndRefusesAContradictingOne() {
        ledger.commit(series("d1", 4));
        batcher.sealDue();
        AnchorReceipt receipt = new AnchorReceipt("0x" + "ab".repeat(32), 12, "0x" + "12".repeat(20));
        ledger.anchored(1, receipt);
        ledger.anchored(1, receipt);
        assertThat(ledger.receipt(1)).contains(receipt);
        AnchorReceipt remined = new AnchorReceipt(receipt.transactionHash(), 14, receipt.contract());
        ledger.anchored(1, remined);
        assertThat(ledger.receipt(1)).as("the same transaction mined again after the chain lost blocks").contains(remined);
        assertThatThrownBy(() -> ledger.anchored(1, new AnchorReceipt("0x" + "cd".repeat(32), 12, "0x" + "12".repeat(20))))
                .isInstanceOfSatisfying(BatchException.class, e -> assertThat(e.code()).isEqualTo(BatchError.ANCHOR_CONFLICT));
        assertThatThrownBy(() -> ledger.anchored(9, receipt))
                .isInstanceOfSatisfying(BatchException.class, e -> assertThat(e.code()).isEqualTo(BatchError.UNKNOWN_BATCH));
    }
}
