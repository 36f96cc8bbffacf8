package io.sensorproof.gateway.core.rules;

import io.sensorproof.protocol.senml.Quantity;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** Points, rules and event helpers shared by the rules tests. Times are minutes from an epoch offset. */
final class Fixtures {
    static final String DEVICE = "cold-room-7";
    static final long T0 = 1_800_000_000_000L;
    static final long MINUTE = 60_000L;
    /** 0 °C and 8 °C in centi-kelvin. */
    static final long LO = 27315;
    static final long HI = 28115;
    static final long IN = 27715;
    static final long OUT = HI + 200;
    /** Inside [lo, hi] but not inside [lo + 50, hi − 50]: neither starts nor ends an episode. */
    static final long BAND = HI - 20;

    private Fixtures() {
    }

    /** Cold room 0–8 °C, 10 minutes, hysteresis 0.5 K, maxGap 3 minutes. */
    static ThresholdRule coldRoom() {
        return new ThresholdRule("cold-room", Quantity.TEMPERATURE, LO, HI, Duration.ofMinutes(10), 50, Duration.ofMinutes(3));
    }

    /** A temperature reading at minute {@code minute} (may be fractional via {@link #atMillis}). */
    static ReadingPoint at(double minute, long value) {
        return atMillis(T0 + Math.round(minute * MINUTE), value);
    }

    static ReadingPoint atMillis(long time, long value) {
        return new ReadingPoint(Quantity.TEMPERATURE, time, value, key(time));
    }

    /** A key derived from the time, so that the same reading always has the same key. */
    static ReadingKey key(long time) {
        return new ReadingKey(1, (time - T0) / 1000, 0);
    }

    static long minute(double m) {
        return T0 + Math.round(m * MINUTE);
    }

    static RuleEngine engine(Rule... rules) {
        RuleEngine e = new RuleEngine(EngineSettings.DEFAULTS);
        e.setRules(DEVICE, List.of(rules));
        return e;
    }

    static List<AlertEventType> types(EngineResult r) {
        return r.events().stream().map(AlertEvent::type).collect(Collectors.toList());
    }

    static List<AlertEventType> types(List<AlertEvent> events) {
        return events.stream().map(AlertEvent::type).collect(Collectors.toList());
    }
}
