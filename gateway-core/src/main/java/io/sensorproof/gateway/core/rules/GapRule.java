package io.sensorproof.gateway.core.rules;

import io.sensorproof.protocol.senml.Quantity;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * No reading (of one quantity, or of any) for longer than {@code maxSilence}: a silent cold room is a
 * risk too. Checked on {@link RuleEngine#onTick}: the newest reading time of the device is compared
 * with the tick's time. One alert per silence, resolved by the first reading newer than the silence's
 * start.
 *
 * @param id the rule id
 * @param quantity the quantity whose readings count, or empty for readings of any quantity
 * @param maxSilence the longest allowed time without a reading; > 0
 */
public record GapRule(String id, Optional<Quantity> quantity, Duration maxSilence) implements Rule {
    public GapRule {
        Checks.ruleId(id);
        Objects.requireNonNull(quantity, "quantity (Optional.empty() for any)");
        Checks.positive("maxSilence", maxSilence);
    }

    @Override
    public AlertKind kind() {
        return AlertKind.GAP;
    }

    /** Whether a reading of {@code q} counts for this rule. */
    boolean covers(Quantity q) {
        return quantity.isEmpty() || quantity.get() == q;
    }
}
