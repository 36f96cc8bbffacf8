package io.sensorproof.gateway.core.rules;

import io.sensorproof.protocol.senml.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The per-stream rules (threshold, stuck, rate of change) as folds over points in time order: one
 * step per point, closing episodes into a sink. Folding the window from the carried state gives the
 * same episodes as folding everything from the start, which is what makes the window bounded.
 */
final class Folds {
    private Folds() {
    }

    static void step(Rule rule, FoldState s, ReadingPoint p, int maxEvidence, Consumer<EpisodeDraft> closed) {
        if (rule instanceof ThresholdRule r) {
            threshold(r, s, p, maxEvidence, closed);
        } else if (rule instanceof StuckRule) {
            stuck(s, p, maxEvidence, closed);
        } else if (rule instanceof RateOfChangeRule r) {
            rate(r, s, p, maxEvidence, closed);
        } else {
            throw new IllegalArgumentException("not a per-stream rule: " + rule.kind());
        }
        s.last = p;
    }

    private static void threshold(ThresholdRule r, FoldState s, ReadingPoint p, int max, Consumer<EpisodeDraft> closed) {
        EpisodeDraft d = s.open;
        if (d != null && s.last != null && p.timeMillis() - s.last.timeMillis() > r.maxGap().toMillis()) {
            d.closeRun(max);
            d.closure = Resolution.of(ResolutionReason.GAP_IN_READINGS, p.timeMillis(), p.key());
            closed.accept(d);
            d = null;
        }
        long v = p.value();
        if (r.outOfRange(v)) {
            if (d == null) {
                d = EpisodeDraft.start(p.key(), p.timeMillis());
            }
            d.add(p.key(), p.timeMillis(), max);
            d.peak(v, r.distanceOutside(v));
            d.currentRun = d.currentRun == null ? new ContractRun(p.key(), p.timeMillis(), p.key(), p.timeMillis(), 1)
                    : d.currentRun.extend(p.key(), p.timeMillis());
        } else if (d != null) {
            d.closeRun(max);
            if (r.backInRange(v)) {
                d.closure = Resolution.of(ResolutionReason.BACK_IN_RANGE, p.timeMillis(), p.key());
                closed.accept(d);
                d = null;
            }
        }
        s.open = d;
    }

    private static void stuck(FoldState s, ReadingPoint p, int max, Consumer<EpisodeDraft> closed) {
        EpisodeDraft d = s.open;
        if (d == null || s.last == null || s.last.value() != p.value()) {
            if (d != null) {
                d.closure = Resolution.of(ResolutionReason.VALUE_CHANGED, p.timeMillis(), p.key());
                closed.accept(d);
            }
            d = EpisodeDraft.start(p.key(), p.timeMillis());
            d.peak(p.value(), 0);
        }
        d.add(p.key(), p.timeMillis(), max);
        s.open = d;
    }

    private static void rate(RateOfChangeRule r, FoldState s, ReadingPoint p, int max, Consumer<EpisodeDraft> closed) {
        ReadingPoint last = s.last;
        if (last == null) {
            return;
        }
        EpisodeDraft d = s.open;
        long delta = p.value() - last.value();
        long dt = p.timeMillis() - last.timeMillis();
        if (r.exceeds(delta, dt)) {
            if (d == null) {
                d = EpisodeDraft.start(last.key(), last.timeMillis());
                d.add(last.key(), last.timeMillis(), max);
            }
            d.add(p.key(), p.timeMillis(), max);
            long rate = r.rate(delta, dt);
            d.peak(rate, rate);
        } else if (d != null) {
            d.closure = Resolution.of(ResolutionReason.RATE_NORMAL, p.timeMillis(), p.key());
            closed.accept(d);
            d = null;
        }
        s.open = d;
    }

    /** Whether the episode is an alert. */
    static boolean qualifies(Rule rule, EpisodeDraft d) {
        if (rule instanceof ThresholdRule r) {
            return d.lastTime - d.firstTime >= r.minDuration().toMillis();
        } else if (rule instanceof StuckRule r) {
            return d.evidenceCount >= r.count() && d.lastTime - d.firstTime >= r.minDuration().toMillis();
        } else if (rule instanceof RateOfChangeRule) {
            return true;
        }
        throw new IllegalArgumentException("not a per-stream rule: " + rule.kind());
    }

    /** The id of the alert an episode anchored at {@code anchor} raises. */
    static AlertId alertId(Rule rule, String device, Quantity quantity, ReadingKey anchor) {
        return new AlertId(rule.id(), device, quantity.senmlName(), anchor.toString());
    }

    /** The alert of a qualifying episode. */
    static Alert toAlert(Rule rule, String device, Quantity quantity, EpisodeDraft d, int maxEvidence) {
        List<ContractRun> runs = new ArrayList<>(d.runs);
        int runCount = d.runCount;
        if (d.currentRun != null) {
            if (runs.size() < maxEvidence) {
                runs.add(d.currentRun);
            }
            runCount++;
        }
        Optional<Resolution> resolution = Optional.ofNullable(d.closure);
        return new Alert(alertId(rule, device, quantity, d.anchorKey), rule.kind(),
                resolution.isPresent() ? AlertState.RESOLVED : AlertState.OPEN, d.firstTime, d.lastTime,
                d.hasPeak ? OptionalLong.of(d.peak) : OptionalLong.empty(), d.evidence, d.evidenceCount, runs, runCount,
                List.of(), resolution, Optional.empty());
    }
}
