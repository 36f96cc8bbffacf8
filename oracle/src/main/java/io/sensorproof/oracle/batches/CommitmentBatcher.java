package io.sensorproof.oracle.batches;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Seals the commitment batches that are due ({@link BatchPolicy}) and hands each sealed batch to
 * {@link BatchAnchoring} (at least once: again after a failure or a crash before its record). Stateless between calls: what is pending and what was sealed live in the
 * {@link BatchLedger}, so a batcher that crashes at any point resumes where the ledger stands (a
 * batch in memory but not stored is simply built again from the same pending readings).
 */
public final class CommitmentBatcher {
    private final BatchLedger ledger;
    private final BatchPolicy policy;
    private final BatchAnchoring anchoring;
    private final Clock clock;

    public CommitmentBatcher(BatchLedger ledger, BatchPolicy policy, BatchAnchoring anchoring, Clock clock) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.anchoring = Objects.requireNonNull(anchoring, "anchoring");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Seals batches while one is due (a full batch, or the pending readings whose window elapsed).
     * Anchoring is asked for separately ({@link #requestAnchors()}), so that sealing goes on while the
     * anchoring side is down or not wired.
     *
     * @return the batches sealed, in order
     */
    public List<SealedBatch> sealDue() {
        List<SealedBatch> sealed = new ArrayList<>();
        while (true) {
            Instant now = clock.instant();
            Optional<SealedBatch> next = ledger.sealNext(policy.maxSize(), now,
                    pending -> policy.due(pending, now).map(CommitmentBatch::of));
            if (next.isEmpty()) {
                return sealed;
            }
            sealed.add(next.get());
        }
    }

    /** Hands every sealed batch whose anchoring was not asked for to the port, oldest first. */
    public int requestAnchors() {
        int requested = 0;
        for (SealedBatch batch : ledger.awaitingAnchorRequest()) {
            anchoring.anchor(batch);
            ledger.anchorRequested(batch.batchId());
            requested++;
        }
        return requested;
    }

    /** The policy this batcher seals by. */
    public BatchPolicy policy() {
        return policy;
    }
}
