package io.sensorproof.oracle.audit;

import io.sensorproof.oracle.audit.AuditFinding.Kind;
import io.sensorproof.oracle.bundle.ReadingKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The completeness half of a claim's audit (issue 15: "every stored reading of the claimed device
 * and quantity in the claimed window is in the claim tree"), judged as ADR 023 "Consequences"
 * requires: against the readings stored up to the arrival time the claim's window was settled with.
 * A reading of the window that is not in the claim is {@code MISSING_FROM_CLAIM} when it was stored by
 * then (the claim left it out) and {@code LATE_READING} when it was stored later (a backlog older than
 * the settlement wait, or a reading back-dated into a later message): a late backlog must not make an
 * honest claim fail its audit. Framework-free over a port; ready for the gateway's claim tables.
 */
public final class ClaimCompleteness {
    private ClaimCompleteness() {
    }

    /**
     * A stored reading with the gateway's arrival time.
     *
     * @param key its key
     * @param quantity quantity code
     * @param timeMillis reading time (ms)
     * @param value fixed-point value
     * @param receivedAtMillis when the gateway stored it (its clock, ms)
     */
    public record ArrivedReading(ReadingKey key, int quantity, long timeMillis, long value, long receivedAtMillis) {
        public ArrivedReading {
            Objects.requireNonNull(key);
        }
    }

    /** The stored readings with their arrival times ({@code readings.received_at}). */
    @FunctionalInterface
    public interface StoredArrivals {
        /** Every stored reading of the device and quantity with time in [fromMillis, toMillis]. */
        List<ArrivedReading> inWindow(String deviceId, int quantity, long fromMillis, long toMillis);
    }

    /**
     * Checks a claim's completeness.
     *
     * @param claimed the keys of the claim's readings (its tree's slots)
     * @param window the claim's device, quantity and time window
     * @param settledArrivalMillis the arrival time the window was settled with ({@code Settlement.lastArrivalMillis})
     * @param stored the stored readings
     * @return a finding per reading of the window outside the claim, in time order
     */
    public static List<AuditFinding> check(Set<ReadingKey> claimed, AnchoredSet.Window window, long settledArrivalMillis,
            StoredArrivals stored) {
        Objects.requireNonNull(claimed);
        Objects.requireNonNull(window);
        Objects.requireNonNull(stored);
        List<ArrivedReading> inWindow = new ArrayList<>(stored.inWindow(window.deviceId(), window.quantity(),
                window.fromMillis(), window.toMillis()));
        inWindow.sort(Comparator.comparingLong(ArrivedReading::timeMillis).thenComparing(ArrivedReading::key));
        List<AuditFinding> findings = new ArrayList<>();
        for (ArrivedReading r : inWindow) {
            if (claimed.contains(r.key())) {
                continue;
            }
            String where = "stored reading at " + r.timeMillis() + " (value " + r.value() + ") lies in the claim's window ["
                    + window.fromMillis() + ", " + window.toMillis() + "] but not in its tree";
            if (r.receivedAtMillis() <= settledArrivalMillis) {
                findings.add(new AuditFinding(Kind.MISSING_FROM_CLAIM, Optional.of(r.key()), where + "; it was stored at "
                        + r.receivedAtMillis() + ", by the time the window was settled (" + settledArrivalMillis + ")"));
            } else {
                findings.add(new AuditFinding(Kind.LATE_READING, Optional.of(r.key()), where + "; it was stored at "
                        + r.receivedAtMillis() + ", after the window was settled (" + settledArrivalMillis + ")"));
            }
        }
        return findings;
    }
}
