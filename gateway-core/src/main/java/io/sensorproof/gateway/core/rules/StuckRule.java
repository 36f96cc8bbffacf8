package io.sensorproof.gateway.core.rules;

import io.sensorproof.gateway.core.rules.RuleException.Code;
import io.sensorproof.protocol.senml.Quantity;
import java.time.Duration;

/**
 * A sensor that repeats itself: at least {@code count} consecutive readings (in time order) with the
 * identical fixed-point value, spanning at least {@code minDuration}. Real temperatures at centi-kelvin
 * resolution jitter; a frozen value means a dead sensor or replayed data. Resolved by the first reading
 * with another value.
 *
 * @param id the rule id
 * @param quantity the quantity watched
 * @param count how many identical consecutive readings make a stuck sensor; ≥ 2
 * @param minDuration how long (last − first time) they must span; ≥ 0
 */
public record StuckRule(String id, Quantity quantity, int count, Duration minDuration) implements Rule {
    public StuckRule {
        Checks.ruleId(id);
        Checks.quantity(quantity);
        if (count < 2) {
            throw new RuleException(Code.BAD_COUNT, "a stuck sensor needs at least 2 identical readings: " + count);
        }
        Checks.nonNegative("minDuration", minDuration);
    }

    @Override
    public AlertKind kind() {
        return AlertKind.STUCK;
    }
}
