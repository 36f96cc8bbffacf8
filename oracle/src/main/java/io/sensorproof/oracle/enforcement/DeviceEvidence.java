package io.sensorproof.oracle.enforcement;

import io.sensorproof.oracle.planning.AccountedMessages;
import io.sensorproof.oracle.planning.StoredReading;
import java.util.List;
import java.util.Objects;

/**
 * What the gateway has stored for one device of a watched quantity: its readings from the run's start
 * (or the alert's first out-of-range reading), the message accounting that settlement needs, and the
 * claims planned for the current run, in chain order.
 *
 * @param readings the device's stored readings of the quantity (any order)
 * @param ledger the device's accounted message ids around them
 * @param prior the claims planned for this run before, in chain order (empty for a new run)
 */
public record DeviceEvidence(List<StoredReading> readings, AccountedMessages ledger, List<PlannedClaim> prior) {
    public DeviceEvidence {
        readings = List.copyOf(readings);
        Objects.requireNonNull(ledger, "ledger");
        prior = List.copyOf(prior);
    }
}
