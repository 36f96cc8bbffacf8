package io.sensorproof.gateway.core.rules;

import io.sensorproof.gateway.core.rules.RuleException.Code;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * At least {@code threshold} pieces of tamper evidence about a device within {@code window}. Only
 * {@link TamperEvidence} counts, whose kinds prove something about the device (a conflicting
 * duplicate, a message signed with a revoked key); bad signatures never do, since anyone can publish
 * them on an open broker. Resolved once a whole window passes without evidence.
 *
 * @param id the rule id
 * @param threshold how many pieces of evidence within the window raise an alert; ≥ 1
 * @param window the sliding window; > 0
 * @param kinds the evidence kinds counted; not empty
 */
public record TamperingRule(String id, int threshold, Duration window, Set<TamperKind> kinds) implements Rule {
    public TamperingRule {
        Checks.ruleId(id);
        if (threshold < 1) {
            throw new RuleException(Code.BAD_COUNT, "threshold must be >= 1: " + threshold);
        }
        Checks.positive("window", window);
        if (kinds == null || kinds.isEmpty()) {
            throw new RuleException(Code.NO_TAMPER_KINDS, "a tampering rule must count at least one evidence kind");
        }
        kinds = Collections.unmodifiableSet(EnumSet.copyOf(kinds));
    }

    /** A rule that counts both evidence kinds. */
    public TamperingRule(String id, int threshold, Duration window) {
        this(id, threshold, window, EnumSet.allOf(TamperKind.class));
    }

    @Override
    public AlertKind kind() {
        return AlertKind.TAMPERING;
    }
}
