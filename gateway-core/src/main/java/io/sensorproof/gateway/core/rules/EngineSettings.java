package io.sensorproof.gateway.core.rules;

import java.time.Duration;

/**
 * The engine's bounds.
 *
 * @param lateness how far behind the newest reading of its device and quantity a reading may lie and
 *     still be evaluated in its time order; the window of points kept per (device, quantity) spans it.
 *     Durations of rules are not limited by it: what lies before the window is folded into a carried
 *     state.
 * @param maxPointsPerStream the most points kept per (device, quantity); when more arrive within
 *     {@code lateness}, the oldest are folded into the carried state and later readings before them
 *     are refused as too late
 * @param maxEvidence the most reading keys (and contract runs, tamper evidence) an alert lists
 */
public record EngineSettings(Duration lateness, int maxPointsPerStream, int maxEvidence) {
    /** 6 hours of lateness, 20,000 points (about 5.5 h at one reading per second), 1,000 keys. */
    public static final EngineSettings DEFAULTS = new EngineSettings(Duration.ofHours(6), 20_000, 1_000);

    public EngineSettings {
        Checks.nonNegative("lateness", lateness);
        if (maxPointsPerStream < 2 || maxEvidence < 2) {
            throw new IllegalArgumentException("maxPointsPerStream and maxEvidence must be >= 2");
        }
    }
}
