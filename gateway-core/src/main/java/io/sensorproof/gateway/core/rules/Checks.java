package io.sensorproof.gateway.core.rules;

import io.sensorproof.gateway.core.rules.RuleException.Code;
import io.sensorproof.protocol.encoding.LeafEncoding;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.senml.Quantity;
import java.time.Duration;
import java.util.regex.Pattern;

/** Argument checks shared by the rule records; each failure is a {@link RuleException} with its code. */
final class Checks {
    static final long VALUE_BOUND = LeafEncoding.VALUE_BOUND.longValueExact();
    private static final Pattern RULE_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private Checks() {
    }

    static String ruleId(String id) {
        if (id == null || !RULE_ID.matcher(id).matches()) {
            throw new RuleException(Code.BAD_RULE_ID, "rule id must be 1-64 of a-z 0-9 . _ - starting with a letter or digit: " + id);
        }
        return id;
    }

    static String device(String device) {
        try {
            Identifiers.requireValid(device, "device id");
        } catch (RuntimeException e) {
            throw new RuleException(Code.BAD_DEVICE_ID, String.valueOf(e.getMessage()));
        }
        return device;
    }

    static Quantity quantity(Quantity quantity) {
        if (quantity == null) {
            throw new RuleException(Code.UNKNOWN_QUANTITY, "quantity is missing");
        }
        return quantity;
    }

    static long value(String name, long value) {
        if (value < 0 || value >= VALUE_BOUND) {
            throw new RuleException(Code.VALUE_OUT_OF_BOUNDS, name + " must be a fixed-point value in [0, 2^53): " + value);
        }
        return value;
    }

    static Duration nonNegative(String name, Duration d) {
        if (d == null || d.isNegative()) {
            throw new RuleException(Code.NEGATIVE_DURATION, name + " must be a duration >= 0: " + d);
        }
        return d;
    }

    static Duration positive(String name, Duration d) {
        nonNegative(name, d);
        if (d.toMillis() == 0) {
            throw new RuleException(Code.ZERO_DURATION, name + " must be at least 1 ms: " + d);
        }
        return d;
    }
}
