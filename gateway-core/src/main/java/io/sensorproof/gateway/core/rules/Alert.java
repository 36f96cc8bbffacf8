package io.sensorproof.gateway.core.rules;

import io.sensorproof.gateway.core.rules.RuleException.Code;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An alert: what the engine found, with its evidence, and where it is in its lifecycle
 * (open → acknowledged → resolved). The engine emits alerts in state OPEN or RESOLVED; the gateway
 * keeps the stored copy, applies a person's {@link #acknowledge}, and folds later engine views in
 * with {@link #withEngineView}, which keeps the acknowledgement.
 *
 * <p>Times by kind: THRESHOLD first and last out-of-range reading; STUCK first and last identical
 * reading; RATE_OF_CHANGE first and last reading of the violating pairs; GAP the last reading before
 * the silence and the detection (then the resuming reading's) time; TAMPERING first and last
 * evidence. {@code peak}: THRESHOLD the value farthest outside [lo, hi]; STUCK the repeated value;
 * RATE_OF_CHANGE the highest rate, fixed-point units per the rule's {@code per}.
 *
 * @param id the deterministic id
 * @param kind what the alert is about
 * @param state OPEN, ACKNOWLEDGED or RESOLVED
 * @param firstTime see above, ms
 * @param lastTime see above, ms
 * @param peak see above; empty for GAP and TAMPERING
 * @param evidence reading keys, in time order: for THRESHOLD the out-of-range readings; at most
 *     {@link EngineSettings#maxEvidence()} of them, the first ones
 * @param evidenceCount how many readings (or tamper evidence) the alert has in all
 * @param contractRuns for THRESHOLD, the episode's contract runs in time order (the last one may still
 *     grow while the alert is open); at most {@link EngineSettings#maxEvidence()}, the first ones
 * @param contractRunCount how many contract runs in all
 * @param tamperEvidence for TAMPERING, the evidence in time order (capped like {@code evidence})
 * @param resolution how it ended, once RESOLVED
 * @param acknowledgement who acknowledged it, if anyone did
 */
public record Alert(AlertId id, AlertKind kind, AlertState state, long firstTime, long lastTime, OptionalLong peak,
        List<ReadingKey> evidence, int evidenceCount, List<ContractRun> contractRuns, int contractRunCount,
        List<TamperEvidence> tamperEvidence, Optional<Resolution> resolution, Optional<Acknowledgement> acknowledgement) {
    public Alert {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(peak, "peak");
        evidence = List.copyOf(evidence);
        contractRuns = List.copyOf(contractRuns);
        tamperEvidence = List.copyOf(tamperEvidence);
        Objects.requireNonNull(resolution, "resolution");
        Objects.requireNonNull(acknowledgement, "acknowledgement");
        if (lastTime < firstTime) {
            throw new IllegalArgumentException("lastTime before firstTime");
        }
        if ((state == AlertState.RESOLVED) != resolution.isPresent()) {
            throw new IllegalArgumentException("a resolution is present exactly when the state is RESOLVED");
        }
        if ((state == AlertState.ACKNOWLEDGED) && acknowledgement.isEmpty()) {
            throw new IllegalArgumentException("an ACKNOWLEDGED alert has its acknowledgement");
        }
    }

    /** lastTime − firstTime, ms: for THRESHOLD the episode's duration as the hysteresis sees it. */
    public long durationMillis() {
        return lastTime - firstTime;
    }

    /** Whether late readings showed that this alert is not one (superseded or withdrawn). */
    public boolean retracted() {
        return resolution.map(r -> r.reason().retraction()).orElse(false);
    }

    /** The longest contract run of the episode: what a run claim could prove of it. */
    public Optional<ContractRun> longestContractRun() {
        return contractRuns.stream().max(Comparator.comparingLong(ContractRun::durationMillis)
                .thenComparing(ContractRun::firstTime, Comparator.reverseOrder()));
    }

    /**
     * A person acknowledges the alert: OPEN → ACKNOWLEDGED.
     *
     * @throws RuleException {@code ALERT_ALREADY_ACKNOWLEDGED} or {@code ALERT_ALREADY_RESOLVED}
     */
    public Alert acknowledge(String actor, long atMillis) {
        if (state == AlertState.ACKNOWLEDGED) {
            throw new RuleException(Code.ALERT_ALREADY_ACKNOWLEDGED, "alert " + id + " was acknowledged by "
                    + acknowledgement.orElseThrow().actor());
        }
        if (state == AlertState.RESOLVED) {
            throw new RuleException(Code.ALERT_ALREADY_RESOLVED, "alert " + id + " is resolved");
        }
        return new Alert(id, kind, AlertState.ACKNOWLEDGED, firstTime, lastTime, peak, evidence, evidenceCount,
                contractRuns, contractRunCount, tamperEvidence, resolution,
                Optional.of(new Acknowledgement(actor, atMillis)));
    }

    /**
     * The stored alert after an engine event about it: the engine's evidence, times and state, with
     * this copy's acknowledgement kept (an acknowledged alert the engine still sees open stays
     * ACKNOWLEDGED, also when it reopens).
     *
     * @throws RuleException {@code ALERT_ID_MISMATCH} when {@code engineView} is another alert
     */
    public Alert withEngineView(Alert engineView) {
        if (!engineView.id().equals(id)) {
            throw new RuleException(Code.ALERT_ID_MISMATCH, engineView.id() + " is not " + id);
        }
        AlertState merged = engineView.state() == AlertState.RESOLVED ? AlertState.RESOLVED
                : acknowledgement.isPresent() ? AlertState.ACKNOWLEDGED : AlertState.OPEN;
        return new Alert(id, engineView.kind(), merged, engineView.firstTime(), engineView.lastTime(), engineView.peak(),
                engineView.evidence(), engineView.evidenceCount(), engineView.contractRuns(),
                engineView.contractRunCount(), engineView.tamperEvidence(), engineView.resolution(), acknowledgement);
    }

    /** This alert, resolved (engine transition). */
    Alert resolved(Resolution how) {
        if (state == AlertState.RESOLVED) {
            throw new RuleException(Code.ALERT_ALREADY_RESOLVED, "alert " + id + " is resolved");
        }
        return new Alert(id, kind, AlertState.RESOLVED, firstTime, lastTime, peak, evidence, evidenceCount, contractRuns,
                contractRunCount, tamperEvidence, Optional.of(how), acknowledgement);
    }

    /** This alert without its resolution: the engine's view of it before it was resolved. */
    Alert asOpen() {
        return new Alert(id, kind, AlertState.OPEN, firstTime, lastTime, peak, evidence, evidenceCount, contractRuns,
                contractRunCount, tamperEvidence, Optional.empty(), Optional.empty());
    }
}
