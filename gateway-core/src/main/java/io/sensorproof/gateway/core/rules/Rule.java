package io.sensorproof.gateway.core.rules;

import io.sensorproof.gateway.core.rules.RuleException.Code;
import io.sensorproof.protocol.senml.Quantity;

/**
 * A rule that the {@link RuleEngine} evaluates for a device. Rules are values, validated when they
 * are built: an invalid definition never reaches the engine, it is refused with a
 * {@link RuleException} code the API can return.
 */
public sealed interface Rule permits ThresholdRule, GapRule, StuckRule, RateOfChangeRule, TamperingRule {
    /** The rule's id, unique among a device's rules; part of every alert id it raises. */
    String id();

    /** The kind of alert the rule raises. */
    AlertKind kind();

    /**
     * The quantity with SenML name {@code senmlName} (e.g. {@code temperature}), for rules defined
     * through the API by name.
     *
     * @throws RuleException {@code UNKNOWN_QUANTITY} when the protocol knows no such quantity
     */
    static Quantity quantityNamed(String senmlName) {
        Quantity q = senmlName == null ? null : Quantity.bySenmlName(senmlName);
        if (q == null) {
            throw new RuleException(Code.UNKNOWN_QUANTITY, "no quantity is named " + senmlName);
        }
        return q;
    }
}
