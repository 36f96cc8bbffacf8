package io.sensorproof.oracle.planning;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * When a claim window may be built (issue 15, ADR 023). A window is the set of stored readings a
 * claim would hold; its messages are the (boot, seq) ids that carried them, from the lowest {@code lo}
 * to the highest {@code hi}. The window is <b>settled by sequence</b> when the gateway has accounted
 * for (stored, or refused and quarantined) every message id
 * <ul>
 *   <li>of the span: in each boot from lo's to hi's, every seq from lo.seq (or 0 in a later boot) to
 *       hi.seq (or, in an earlier boot, that boot's highest accounted seq);</li>
 *   <li>of the predecessor (lo.boot, lo.seq − 1), unless lo.seq is 0 (the boot's first message);</li>
 *   <li>of the successor (hi.boot, hi.seq + 1), unless hi is the latest message of its boot the gateway
 *       knows of.</li>
 * </ul>
 * So the rule looks for holes inside the window's messages and next to them, never for messages not
 * yet sent: requiring the message after the latest one would hold every freeze back by a sampling
 * interval (the next pack) for nothing, since the agent signs in id order with a clock that never
 * goes back within a boot, so later messages carry later readings.
 *
 * <p>Which holes are normal follows the edge agent: seq starts at 0 in each boot and grows by one per
 * signed pack; a crash can lose the last packs of a boot (signed, never made durable) but never reuses
 * an id, so seqs missing at the <em>end</em> of a boot after a reboot are normal and never arrive: an
 * earlier boot's part of the span ends at its highest accounted seq, and a boot's latest known message
 * needs no successor. A hole inside a boot is a message still on its way (a backlog after an outage, or
 * reordered in flight), dropped by the agent's {@code DROP_OLDEST} overflow, or lost to a failed
 * outbox write after its seq was taken: the first kind must be waited for, the others never come.
 * So a window with a hole is <b>settled by wait</b> once {@code wait} has passed since its last
 * reading arrived. Whatever arrives later still (a backlog older than the wait, or a reading the
 * device back-dated into a later message, which the agent allows for readings handed in with their
 * own time) is the audit's to report, judged against what was stored when the claim was built
 * ({@link Settlement#lastArrivalMillis()}).
 */
public final class SettlementRule {
    private final long waitMillis;

    /** @param wait how long after a window's last reading arrived a hole no longer holds it back */
    public SettlementRule(Duration wait) {
        Objects.requireNonNull(wait);
        if (wait.isNegative()) {
            throw new IllegalArgumentException("the settlement wait must not be negative: " + wait);
        }
        this.waitMillis = wait.toMillis();
    }

    public long waitMillis() {
        return waitMillis;
    }

    /**
     * Judges the window holding {@code window} (non-empty) against the device's accounted messages at
     * gateway time {@code nowMillis}.
     */
    public Settlement judge(Collection<StoredReading> window, AccountedMessages ledger, long nowMillis) {
        Objects.requireNonNull(ledger);
        if (window.isEmpty()) {
            throw new IllegalArgumentException("a claim window has readings");
        }
        List<MessageId> ids = window.stream().map(StoredReading::message).distinct().sorted().toList();
        long lastArrival = window.stream().mapToLong(StoredReading::arrivedAtMillis).max().orElseThrow();
        // the window's own messages are stored, whether or not the caller's ledger lists them
        Optional<MessageId> hole = firstHole(ids.get(0), ids.get(ids.size() - 1), ledger.withAll(ids));
        if (hole.isEmpty()) {
            return new Settlement(Settlement.Basis.SEQUENCE, hole, lastArrival);
        }
        boolean waited = nowMillis - lastArrival >= waitMillis;
        return new Settlement(waited ? Settlement.Basis.WAIT : Settlement.Basis.UNSETTLED, hole, lastArrival);
    }

    private static Optional<MessageId> firstHole(MessageId lo, MessageId hi, AccountedMessages ledger) {
        if (lo.seq() > 0 && !ledger.accounted(new MessageId(lo.boot(), lo.seq() - 1))) {
            return Optional.of(new MessageId(lo.boot(), lo.seq() - 1));
        }
        for (long boot : ledger.boots(lo.boot(), hi.boot())) {
            long from = boot == lo.boot() ? lo.seq() : 0;
            long to = boot == hi.boot() ? hi.seq() : ledger.highestSeq(boot).orElseThrow();
            Optional<Long> missing = ledger.firstMissing(boot, from, to);
            if (missing.isPresent()) {
                return Optional.of(new MessageId(boot, missing.get()));
            }
        }
        MessageId successor = new MessageId(hi.boot(), hi.seq() + 1);
        if (!ledger.accounted(successor) && ledger.highestSeq(hi.boot()).orElseThrow() > hi.seq()) {
            return Optional.of(successor);
        }
        return Optional.empty();
    }
}
