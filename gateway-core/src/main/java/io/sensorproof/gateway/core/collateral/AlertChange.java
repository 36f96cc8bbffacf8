package io.sensorproof.gateway.core.collateral;

import io.sensorproof.protocol.senml.Quantity;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the rules engine tells {@link CollateralAlerts}: an alert of {@code rule} on a lot's device
 * (and quantity, absent for device-wide rules such as tampering) was opened, updated (its excursion
 * grew or more evidence came) or resolved. There is at most one unresolved alert per
 * (lot, device, quantity, rule): that tuple identifies the alert an update or resolution applies to,
 * so the engine needs no alert ids and may apply a change again after a crash (idempotent).
 *
 * <p>{@code firstOutOfRange}/{@code lastOutOfRange} are the alert's own times (hysteresis);
 * {@code runFirst}/{@code runLast} the contract's run (all readings out of range, neighbour gaps ≤
 * maxGap), which can differ; both may be absent for rules without a range. {@code evidence} holds the
 * keys of the readings that decided the change; on update it is added to the alert's evidence.
 * {@code messages} is the same for a TAMPERING alert: the refused messages that are its evidence
 * ({@link MessageEvidence}); its first and last times are the first and last evidence's receive times.
 * {@code actor} says who decided it (e.g. {@code rules}), {@code at} when.
 */
public record AlertChange(Kind kind, long lotId, String deviceId, Optional<Quantity> quantity, String rule,
        Optional<Instant> firstOutOfRange, Optional<Instant> lastOutOfRange, Optional<Instant> runFirst,
        Optional<Instant> runLast, List<ReadingKey> evidence, String actor, Instant at, List<MessageEvidence> messages) {
    /** A change without message evidence (every rule but tampering). */
    public AlertChange(Kind kind, long lotId, String deviceId, Optional<Quantity> quantity, String rule,
            Optional<Instant> firstOutOfRange, Optional<Instant> lastOutOfRange, Optional<Instant> runFirst,
            Optional<Instant> runLast, List<ReadingKey> evidence, String actor, Instant at) {
        this(kind, lotId, deviceId, quantity, rule, firstOutOfRange, lastOutOfRange, runFirst, runLast, evidence, actor, at,
                List.of());
    }

    /** Largest number of evidence keys one alert keeps (the first ones: they show how it began). */
    public static final int MAX_EVIDENCE = 1000;
    private static final Pattern RULE = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

    /** What happened to the alert. */
    public enum Kind {
        /** A new alert, or an update if one is already unresolved for the same tuple. */
        OPENED,
        /** The unresolved alert grew; no-op when there is none. */
        UPDATED,
        /** The unresolved alert ended; no-op when there is none. */
        RESOLVED
    }

    public AlertChange {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(quantity, "quantity");
        Objects.requireNonNull(rule, "rule");
        if (!RULE.matcher(rule).matches()) {
            throw new IllegalArgumentException("rule must be an upper snake case code, was " + rule);
        }
        Objects.requireNonNull(firstOutOfRange, "firstOutOfRange");
        Objects.requireNonNull(lastOutOfRange, "lastOutOfRange");
        Objects.requireNonNull(runFirst, "runFirst");
        Objects.requireNonNull(runLast, "runLast");
        evidence = List.copyOf(evidence);
        messages = List.copyOf(messages);
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(at, "at");
        if (lotId <= 0) {
            throw new IllegalArgumentException("lotId must be positive, was " + lotId);
        }
    }
}
