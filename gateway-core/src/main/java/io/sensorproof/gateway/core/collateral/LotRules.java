package io.sensorproof.gateway.core.collateral;

import io.sensorproof.gateway.core.lots.LotTerms;
import io.sensorproof.gateway.core.lots.Watch;
import io.sensorproof.gateway.core.rules.GapRule;
import io.sensorproof.gateway.core.rules.Rule;
import io.sensorproof.gateway.core.rules.TamperingRule;
import io.sensorproof.gateway.core.rules.ThresholdRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a lot's terms into the rules the engine evaluates on each of its devices: one
 * {@link ThresholdRule} per watch (the watch's lo/hi, minimum duration and maxGap), one
 * {@link GapRule} over all quantities and one {@link TamperingRule}.
 *
 * <p><b>Hysteresis</b>: {@code hysteresis} fixed-point units (default 50, 0.5 K or 0.5 %RH), made
 * smaller for a narrow range so that [lo + h, hi − h] stays non-empty. Without it a value oscillating
 * around a threshold would end and restart its episode on every reading, so one excursion would be
 * many short episodes, none lasting the minimum duration.
 *
 * <p><b>Gap</b>: a device is silent when it sent nothing for {@code gapFactor} × the largest maxGap of
 * the terms (default 2): maxGap is the widest spacing the bank accepts inside an excursion, so twice
 * that without any reading means the room is not being watched at all.
 *
 * <p><b>Tampering</b>: one {@link TamperingRule} counting both evidence kinds, threshold 1, resolved
 * after {@link #TAMPER_WINDOW} without evidence.
 *
 * @param hysteresis fixed-point units, ≥ 0
 * @param gapFactor multiple of the largest maxGap after which a device is silent, ≥ 1
 */
public record LotRules(long hysteresis, int gapFactor) {
    /** Hysteresis 50 (0.5 K), gap after 2 × maxGap. */
    public static final LotRules DEFAULTS = new LotRules(50, 2);
    /** Store rule name of threshold alerts ({@link AlertChange#rule()}). */
    public static final String THRESHOLD = "THRESHOLD";
    /** Store rule name of gap alerts. */
    public static final String GAP = "GAP";
    /** Store rule name of tampering alerts. */
    public static final String TAMPERING = "TAMPERING";
    /**
     * A tampering alert opens on the first piece of evidence (one conflicting duplicate or one message
     * signed after its key's revocation is already proof) and resolves after this long without more.
     */
    public static final Duration TAMPER_WINDOW = Duration.ofHours(24);
    /** Engine rule id of the tampering rule. */
    static final String TAMPER_ID = "tamper";
    /** Engine rule id of the gap rule. */
    static final String GAP_ID = "gap";
    /** Engine rule id prefix of a watch's threshold rule, followed by the quantity's SenML name. */
    static final String THRESHOLD_PREFIX = "threshold.";

    public LotRules {
        if (hysteresis < 0 || gapFactor < 1) {
            throw new IllegalArgumentException("hysteresis must be >= 0 and gapFactor >= 1");
        }
    }

    /** The rules for one device of a lot with {@code terms}; empty for no terms (nothing is watched). */
    public List<Rule> rules(Optional<LotTerms> terms) {
        if (terms.isEmpty() || terms.get().watches().isEmpty()) {
            return List.of();
        }
        List<Rule> rules = new ArrayList<>();
        long widestGap = 0;
        for (Watch w : terms.get().watches()) {
            long h = Math.min(hysteresis, (w.hi() - w.lo()) / 2);
            rules.add(new ThresholdRule(THRESHOLD_PREFIX + w.quantity().senmlName(), w.quantity(), w.lo(), w.hi(),
                    Duration.ofMillis(w.minDurationMs()), h, Duration.ofMillis(w.maxGapMs())));
            widestGap = Math.max(widestGap, w.maxGapMs());
        }
        rules.add(new GapRule(GAP_ID, Optional.empty(), Duration.ofMillis(Math.multiplyExact(widestGap, (long) gapFactor))));
        rules.add(new TamperingRule(TAMPER_ID, 1, TAMPER_WINDOW));
        return rules;
    }
}
