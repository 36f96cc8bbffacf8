package io.sensorproof.gateway.core.rules;

import io.sensorproof.gateway.core.rules.RuleException.Code;
import io.sensorproof.protocol.senml.Quantity;
import java.time.Duration;

/**
 * Readings of one quantity outside [lo, hi] for at least {@code minDuration}: a cold room too warm
 * for long enough to spoil its goods. Values are fixed-point as stored ({@code
 * AcceptedReading.fixedValue}: centi-kelvin, centi-%RH), so −25 °C … −18 °C is [24815, 25515].
 *
 * <p>An <b>episode</b> starts at a reading outside [lo, hi] and lasts until a reading lies back
 * inside [lo + hysteresis, hi − hysteresis] (readings between the two bands neither start nor end
 * one, so a value oscillating around a threshold is one episode), or until two neighbouring readings
 * lie more than {@code maxGap} apart (the excursion is no longer continuous). The episode raises an
 * alert once its last out-of-range reading lies at least {@code minDuration} after its first.
 * Separately the alert lists the episode's <b>contract runs</b>: maximal runs of readings all outside
 * [lo, hi] with neighbour gaps ≤ maxGap, the definition run claims use (protocol §7.6).
 *
 * @param id the rule id
 * @param quantity the quantity watched
 * @param lo lowest in-range value, inclusive, fixed-point
 * @param hi highest in-range value, inclusive, fixed-point
 * @param minDuration how long an excursion must last (last − first out-of-range time) to alert; ≥ 0
 * @param hysteresis how far inside [lo, hi] a reading must come to end an episode, fixed-point; ≥ 0
 *     and lo + hysteresis ≤ hi − hysteresis
 * @param maxGap the largest gap between neighbouring readings that keeps an excursion continuous; > 0
 */
public record ThresholdRule(String id, Quantity quantity, long lo, long hi, Duration minDuration, long hysteresis,
        Duration maxGap) implements Rule {
    public ThresholdRule {
        Checks.ruleId(id);
        Checks.quantity(quantity);
        Checks.value("lo", lo);
        Checks.value("hi", hi);
        if (lo > hi) {
            throw new RuleException(Code.LO_ABOVE_HI, "lo " + lo + " is above hi " + hi);
        }
        Checks.nonNegative("minDuration", minDuration);
        Checks.positive("maxGap", maxGap);
        if (hysteresis < 0 || lo + hysteresis > hi - hysteresis) {
            throw new RuleException(Code.BAD_HYSTERESIS,
                    "hysteresis " + hysteresis + " must be >= 0 and leave [lo + h, hi - h] non-empty for [" + lo + ", " + hi + "]");
        }
    }

    @Override
    public AlertKind kind() {
        return AlertKind.THRESHOLD;
    }

    /** Whether {@code value} is outside [lo, hi]: a reading that starts or extends an excursion. */
    public boolean outOfRange(long value) {
        return value < lo || value > hi;
    }

    /** Whether {@code value} is inside [lo + hysteresis, hi − hysteresis]: a reading that ends an episode. */
    public boolean backInRange(long value) {
        return value >= lo + hysteresis && value <= hi - hysteresis;
    }

    /** How far {@code value} lies outside [lo, hi] (0 inside): the peak is the value farthest out. */
    long distanceOutside(long value) {
        return value < lo ? lo - value : value > hi ? value - hi : 0;
    }
}
