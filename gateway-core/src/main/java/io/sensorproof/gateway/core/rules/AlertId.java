package io.sensorproof.gateway.core.rules;

import java.util.Objects;

/**
 * The deterministic identity of an alert: the same readings always give the same id, whatever their
 * arrival order, on any replica, before and after a restart. Webhook receivers deduplicate by it.
 *
 * @param ruleId the rule that raised it
 * @param device the device
 * @param scope the quantity's SenML name, or {@code any} (gap over all quantities) or {@code device}
 *     (tampering)
 * @param anchor what started the episode: the key of its first reading ({@code boot/seq/index}), or
 *     {@code t<ms>} for a time (tamper evidence, a device silent since it was first watched)
 */
public record AlertId(String ruleId, String device, String scope, String anchor) {
    public AlertId {
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(anchor, "anchor");
    }

    /** {@code ruleId:device:scope:anchor}, the form stored and sent. */
    public String value() {
        return ruleId + ":" + device + ":" + scope + ":" + anchor;
    }

    @Override
    public String toString() {
        return value();
    }
}
