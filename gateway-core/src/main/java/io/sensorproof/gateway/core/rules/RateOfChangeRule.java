package io.sensorproof.gateway.core.rules;

import io.sensorproof.gateway.core.rules.RuleException.Code;
import io.sensorproof.protocol.senml.Quantity;
import java.math.BigInteger;
import java.time.Duration;

/**
 * A value that changes faster than the physics allows: between neighbouring readings in time order,
 * |Δvalue| / Δt above {@code maxDelta} per {@code per} (e.g. 500 centi-kelvin per minute). Consecutive
 * violating pairs form one alert, resolved by the next pair within the limit. Compared exactly, in
 * integers.
 *
 * @param id the rule id
 * @param quantity the quantity watched
 * @param maxDelta the largest allowed change per {@code per}, fixed-point; > 0
 * @param per the time unit of the limit; > 0
 */
public record RateOfChangeRule(String id, Quantity quantity, long maxDelta, Duration per) implements Rule {
    public RateOfChangeRule {
        Checks.ruleId(id);
        Checks.quantity(quantity);
        if (maxDelta <= 0) {
            throw new RuleException(Code.BAD_LIMIT, "maxDelta must be > 0: " + maxDelta);
        }
        Checks.positive("per", per);
    }

    @Override
    public AlertKind kind() {
        return AlertKind.RATE_OF_CHANGE;
    }

    /** Whether a change of {@code delta} within {@code dtMillis} exceeds the limit: delta·per > maxDelta·dt. */
    boolean exceeds(long delta, long dtMillis) {
        BigInteger lhs = BigInteger.valueOf(Math.abs(delta)).multiply(BigInteger.valueOf(per.toMillis()));
        BigInteger rhs = BigInteger.valueOf(maxDelta).multiply(BigInteger.valueOf(dtMillis));
        return lhs.compareTo(rhs) > 0;
    }

    /** The change rate |delta| per {@code per}, rounded down (saturates at Long.MAX_VALUE). */
    long rate(long delta, long dtMillis) {
        BigInteger r = BigInteger.valueOf(Math.abs(delta)).multiply(BigInteger.valueOf(per.toMillis()))
                .divide(BigInteger.valueOf(Math.max(1, dtMillis)));
        return r.bitLength() < 64 ? r.longValue() : Long.MAX_VALUE;
    }
}
