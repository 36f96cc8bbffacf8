package io.sensorproof.gateway.core.collateral;

import io.sensorproof.gateway.core.lots.PledgedLot;
import io.sensorproof.gateway.core.rules.Alert;
import io.sensorproof.gateway.core.rules.AlertEvent;
import io.sensorproof.gateway.core.rules.AlertKind;
import io.sensorproof.gateway.core.rules.ContractRun;
import io.sensorproof.gateway.core.rules.EngineResult;
import io.sensorproof.gateway.core.rules.EngineSettings;
import io.sensorproof.gateway.core.rules.InputRefusal;
import io.sensorproof.gateway.core.rules.ReadingPoint;
import io.sensorproof.gateway.core.rules.ResolutionReason;
import io.sensorproof.gateway.core.rules.RuleEngine;
import io.sensorproof.protocol.senml.Quantity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One evaluation of one device of a lot, framework-free: restore the device's stored engine snapshot,
 * set the rules of the lot's current terms, feed committed readings and/or a tick, and return the new
 * snapshot with the {@link AlertChange}s for the alerts store. The gateway runs it under a per-device
 * lock and stores snapshot and changes in one transaction.
 *
 * <p><b>Mapping of engine events</b> (the store keeps at most one unresolved alert per lot, device,
 * quantity and rule): OPENED → OPENED; UPDATED → UPDATED; REOPENED → OPENED (a resolved row is not
 * revived: a new one opens, or the unresolved one is updated); RESOLVED → RESOLVED, except a
 * resolution as SUPERSEDED, which is dropped: the engine opens the superseding alert (same excursion,
 * earlier first reading) first, and that OPENED already updated the store's unresolved row.
 * THRESHOLD changes carry first and last out-of-range time and the longest contract run; GAP changes
 * the last reading before the silence and the detection (or resuming) time; TAMPERING changes the
 * first and last evidence's receive times and the evidence as {@link MessageEvidence} (message keys).
 */
public final class DeviceEvaluation {
    /** Actor recorded on alert changes the rules make. */
    public static final String ACTOR = "rules";

    private DeviceEvaluation() {
    }

    /**
     * What an evaluation produced.
     *
     * @param snapshot the engine state to store; empty when the device has no rules (no terms)
     * @param changes alert changes, in the engine's order
     * @param refusals readings the engine did not evaluate (TOO_LATE and friends), counted by the caller
     * @param events how many engine events there were (changes may be fewer: see the mapping)
     */
    public record Result(Optional<byte[]> snapshot, List<AlertChange> changes, List<InputRefusal> refusals, int events) {
        public Result {
            Objects.requireNonNull(snapshot, "snapshot");
            changes = List.copyOf(changes);
            refusals = List.copyOf(refusals);
        }
    }

    /**
     * Evaluates {@code device} of {@code lot}.
     *
     * @param settings the engine's bounds
     * @param rules how terms become rules
     * @param lot the open lot the device belongs to
     * @param device the device
     * @param stored the snapshot stored by the previous evaluation, if any
     * @param points committed readings of the device (any order; repeats are ignored by the engine)
     * @param tick when present, time passes to this gateway time (gap rules)
     * @param now the gateway time recorded on the changes
     * @throws io.sensorproof.gateway.core.rules.RuleException {@code BAD_SNAPSHOT} for an unreadable
     *     snapshot
     */
    public static Result evaluate(EngineSettings settings, LotRules rules, PledgedLot lot, String device,
            Optional<byte[]> stored, List<ReadingPoint> points, Optional<Instant> tick, Instant now) {
        return evaluate(settings, rules, lot, device, stored, points, List.of(), tick, now);
    }

    /**
     * Evaluates {@code device} of {@code lot} with tamper evidence: as above, and {@code tamper} (refused
     * messages that prove something about the device, any order; repeats are ignored) is counted by the
     * tampering rule after the readings and before the tick.
     */
    public static Result evaluate(EngineSettings settings, LotRules rules, PledgedLot lot, String device,
            Optional<byte[]> stored, List<ReadingPoint> points, List<MessageEvidence> tamper, Optional<Instant> tick,
            Instant now) {
        for (MessageEvidence e : tamper) {
            if (!e.deviceId().equals(device)) {
                throw new IllegalArgumentException("evidence of " + e.deviceId() + " given for " + device);
            }
        }
        RuleEngine engine = new RuleEngine(settings);
        if (stored.isPresent()) {
            String restored = engine.restore(stored.get());
            if (!restored.equals(device)) {
                throw new IllegalArgumentException("snapshot of " + restored + " given for " + device);
            }
        }
        List<AlertEvent> events = new ArrayList<>();
        List<InputRefusal> refusals = new ArrayList<>();
        collect(engine.setRules(device, rules.rules(lot.terms())), events, refusals);
        collect(engine.onReadings(device, points), events, refusals);
        if (!tamper.isEmpty()) {
            collect(engine.onTamperEvidence(tamper.stream().map(MessageEvidence::toEngine).toList()), events, refusals);
        }
        if (tick.isPresent()) {
            collect(engine.onTick(tick.get()), events, refusals);
        }
        List<AlertChange> changes = new ArrayList<>();
        for (AlertEvent e : events) {
            change(lot.lotId(), device, e, now).ifPresent(changes::add);
        }
        return new Result(engine.snapshot(device), changes, refusals, events.size());
    }

    private static void collect(EngineResult r, List<AlertEvent> events, List<InputRefusal> refusals) {
        events.addAll(r.events());
        refusals.addAll(r.refusals());
    }

    /** The store change for one engine event, or empty when the store needs none (SUPERSEDED). */
    static Optional<AlertChange> change(long lotId, String device, AlertEvent event, Instant now) {
        Alert a = event.alert();
        AlertChange.Kind kind;
        switch (event.type()) {
            case OPENED:
            case REOPENED:
                kind = AlertChange.Kind.OPENED;
                break;
            case UPDATED:
                kind = AlertChange.Kind.UPDATED;
                break;
            default:
                if (a.resolution().map(r -> r.reason() == ResolutionReason.SUPERSEDED).orElse(false)) {
                    return Optional.empty();
                }
                kind = AlertChange.Kind.RESOLVED;
                break;
        }
        Optional<Quantity> quantity = a.kind() == AlertKind.GAP ? Optional.empty()
                : Quantity.bySenmlName(a.id().scope()) == null ? Optional.empty()
                : Optional.of(Quantity.bySenmlName(a.id().scope()));
        Optional<Instant> runFirst = a.longestContractRun().map(r -> Instant.ofEpochMilli(r.firstTime()));
        Optional<Instant> runLast = a.longestContractRun().map(ContractRun::lastTime).map(Instant::ofEpochMilli);
        List<ReadingKey> evidence = new ArrayList<>();
        a.evidence().forEach(k -> evidence.add(new ReadingKey(device, k.boot(), k.seq(), k.recordIndex())));
        List<MessageEvidence> messages = a.tamperEvidence().stream().map(MessageEvidence::fromEngine).toList();
        return Optional.of(new AlertChange(kind, lotId, device, quantity, a.kind().name(),
                Optional.of(Instant.ofEpochMilli(a.firstTime())), Optional.of(Instant.ofEpochMilli(a.lastTime())),
                runFirst, runLast, evidence.subList(0, Math.min(evidence.size(), AlertChange.MAX_EVIDENCE)), ACTOR, now,
                messages.subList(0, Math.min(messages.size(), AlertChange.MAX_EVIDENCE))));
    }
}
