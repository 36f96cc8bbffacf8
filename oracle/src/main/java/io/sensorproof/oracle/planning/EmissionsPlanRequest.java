package io.sensorproof.oracle.planning;

import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * Everything {@link EmissionsClaimPlanner#plan} decides from.
 *
 * @param device the device field (protocol §7.4)
 * @param period the period's terms
 * @param readings the device's stored co2e-register readings around the period, any order
 * @param prior the claims planned before for this device and period, in chain order
 * @param ledger the device's accounted message ids around the readings (settlement)
 * @param nowMillis current time (gateway clock)
 */
public record EmissionsPlanRequest(BigInteger device, PeriodTerms period, List<StoredReading> readings,
        List<ClaimKeys> prior, AccountedMessages ledger, long nowMillis) {
    public EmissionsPlanRequest {
        Objects.requireNonNull(device);
        Objects.requireNonNull(period);
        readings = List.copyOf(readings);
        prior = List.copyOf(prior);
        Objects.requireNonNull(ledger);
    }
}
