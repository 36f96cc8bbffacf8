package io.sensorproof.sim.demo;

import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.sim.model.FactoryStackModel;
import io.sensorproof.sim.scenario.AgentSettings;
import io.sensorproof.sim.scenario.DeviceSpec;
import io.sensorproof.sim.scenario.Fault;
import io.sensorproof.sim.scenario.FaultType;
import io.sensorproof.sim.scenario.ModelSpec;
import io.sensorproof.sim.scenario.Scenario;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the factory act simulates for one emissions period: who (factory, exchange, the stack sensor), the
 * verifier's terms (baseline, maxGap, substitute rate) and the period's story in offsets from its start: the
 * process change that lowers the emission factor and the sensor outage.
 *
 * <p><b>Real time, not a past period.</b> {@code CarbonCredit.setPeriod} refuses a period that has already
 * started ({@code PeriodAlreadyStarted}: a verifier may not set terms after seeing the readings), and the
 * gateway refuses readings more than 5 minutes ahead of its clock ({@code FUTURE_TIMESTAMP}); the contract
 * closes a period only once the chain's time has passed its end. A period can therefore close only after
 * it has really elapsed, so the demo's period is short (40 s) and its outage (16 s between readings, more
 * than twice maxGap) stands in for the two hours; {@link #scenario} runs at speed 1 with reading
 * times equal to wall time. A two-hour outage is the same plan with longer durations (and hours to wait).
 *
 * @param factoryTenant the factory tenant that owns the facility and its sensor
 * @param exchangeTenant the exchange tenant that lists the credits and downloads the verification bundle
 * @param deviceId the stack's emissions meter (co2e-register)
 * @param lead how long after the chain's latest block the period starts (setPeriod must be mined before)
 * @param period the period's length
 * @param tick the reading interval; at most maxGap, so the first reading (start + tick) and the last
 *     (end + tick) leave no edge to charge
 * @param processChangeAt when the cleaner process starts, from the period's start
 * @param factorAfter the emission factor after the change (before: 1)
 * @param kgPerHourAtFullLoad the stack's emission rate at full load before the change
 * @param outageAt when the sensor stops reporting, from the period's start
 * @param outage how long it reports nothing ({@link FaultType#DROPOUT}); longer than maxGap, so it is charged
 * @param baselineKg the verifier's baseline for the period; credits are the kilograms below it
 * @param maxGapMs the longest gap between readings that is not charged
 * @param substituteRateKgPerHour what a charged gap costs
 * @param stepTimeout how long each narrated step may take before the act fails naming it
 */
public record FactoryPlan(String factoryTenant, String exchangeTenant, String deviceId, Duration lead, Duration period, Duration tick,
        Duration processChangeAt, double factorAfter, double kgPerHourAtFullLoad, Duration outageAt, Duration outage, long baselineKg,
        long maxGapMs, long substituteRateKgPerHour, Duration stepTimeout) {

    /**
     * The demo's plan: a cement kiln's stack (36 t/h at full load), readings every 4 s, a 40 s period with an
     * outage from 8 s to 20 s (no readings at 8, 12 and 16 s: a 16 s gap against a maxGap of 8 s) and the process
     * change at 24 s (factor 0.6); baseline 800 kg, substitute rate 36 t/h (the full pre-change rate).
     */
    public static final FactoryPlan DEMO = new FactoryPlan("kiln-factory", "carbon-exchange", "kiln-stack-1", Duration.ofSeconds(6),
            Duration.ofSeconds(40), Duration.ofSeconds(4), Duration.ofSeconds(24), 0.6, 36_000, Duration.ofSeconds(8),
            Duration.ofSeconds(12), 800, 8_000, 36_000, Duration.ofMinutes(3));

    public FactoryPlan {
        Objects.requireNonNull(lead, "lead");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(tick, "tick");
        Objects.requireNonNull(processChangeAt, "processChangeAt");
        Objects.requireNonNull(outageAt, "outageAt");
        Objects.requireNonNull(outage, "outage");
        Objects.requireNonNull(stepTimeout, "stepTimeout");
        for (String id : List.of(Objects.requireNonNull(factoryTenant, "factoryTenant"), Objects.requireNonNull(exchangeTenant,
                "exchangeTenant"), Objects.requireNonNull(deviceId, "deviceId"))) {
            if (!Identifiers.isValid(id)) {
                throw new IllegalArgumentException("'" + id + "' is not 1-31 of a-z 0-9 . _ -");
            }
        }
        if (!positive(lead) || !positive(period) || !positive(tick) || !positive(outage) || !positive(stepTimeout)) {
            throw new IllegalArgumentException("lead, period, tick, outage and stepTimeout must be positive");
        }
        if (period.toMillis() % tick.toMillis() != 0 || period.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("the period must be whole seconds and a whole number of ticks");
        }
        if (tick.toMillis() > maxGapMs) {
            throw new IllegalArgumentException("tick " + tick + " is longer than maxGap " + maxGapMs + " ms: every gap would be charged");
        }
        if (outage.toMillis() + tick.toMillis() <= maxGapMs) {
            throw new IllegalArgumentException("an outage of " + outage + " leaves a gap within maxGap: nothing would be charged");
        }
        if (outageAt.compareTo(tick) < 0 || outageAt.plus(outage).compareTo(period) >= 0) {
            throw new IllegalArgumentException("the outage must lie inside the period, after its first reading");
        }
        if (processChangeAt.isNegative() || processChangeAt.compareTo(period) >= 0 || factorAfter < 0 || factorAfter >= 1) {
            throw new IllegalArgumentException("the process change lies inside the period and lowers the factor (0 ≤ factor < 1)");
        }
        if (kgPerHourAtFullLoad <= 0 || baselineKg <= 0 || maxGapMs <= 0 || substituteRateKgPerHour <= 0) {
            throw new IllegalArgumentException("rates, baseline and maxGap must be positive");
        }
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero();
    }

    /** The facility's name in the gateway, also how a resumed start finds it. */
    public String facilityName() {
        return "stack " + deviceId;
    }

    /**
     * The simulation of the period {@code [start, start + period)}: one factory-stack device at speed 1,
     * readings at start + tick … end + tick (the last one closes the period's end), one reading per signed
     * message (the gateway sees each as it is taken), the process change and the outage.
     */
    public Scenario scenario(Instant start) {
        FactoryStackModel.Parameters stack = new FactoryStackModel.Parameters(kgPerHourAtFullLoad, tick.toMillis(),
                start.plus(processChangeAt).toEpochMilli(), factorAfter, 0);
        DeviceSpec device = new DeviceSpec(deviceId, 0, new ModelSpec.FactoryStack(stack));
        Fault dropout = new Fault(FaultType.DROPOUT, deviceId, outageAt, outage, Optional.empty(), 0, Duration.ZERO, 1, Optional.empty());
        AgentSettings agent = new AgentSettings(1, AgentSettings.DEFAULT.packMaxAgeMillis(), 2_000);
        return new Scenario("factory-act", start.getEpochSecond(), start, period.plus(tick), tick, 1.0, factoryTenant, agent,
                List.of(device), List.of(dropout));
    }

    /**
     * The gap the contract charges for one device's readings in the period {@code [start, end)} (ms): every gap
     * between neighbours longer than maxGap whole (as the emissions claim's gapTime counts it), the start edge
     * when longer than maxGap, and the end edge when the last reading is before the end; the whole period when
     * there is no reading. {@code readingTimes} in increasing order, those of the period's claims.
     */
    public long chargedGapMs(List<Instant> readingTimes, Instant start, Instant end) {
        if (readingTimes.isEmpty()) {
            return end.toEpochMilli() - start.toEpochMilli();
        }
        long charged = 0;
        long startEdge = readingTimes.get(0).toEpochMilli() - start.toEpochMilli();
        if (startEdge > maxGapMs) {
            charged += startEdge;
        }
        for (int i = 1; i < readingTimes.size(); i++) {
            long gap = readingTimes.get(i).toEpochMilli() - readingTimes.get(i - 1).toEpochMilli();
            if (gap > maxGapMs) {
                charged += gap;
            }
        }
        long last = readingTimes.get(readingTimes.size() - 1).toEpochMilli();
        if (last < end.toEpochMilli()) {
            charged += end.toEpochMilli() - last;
        }
        return charged;
    }

    /** What a charged gap costs in grams, rounded up as the contract does. */
    public long substituteGrams(long chargedGapMs) {
        long numerator = Math.multiplyExact(Math.multiplyExact(substituteRateKgPerHour, 1000L), chargedGapMs);
        return (numerator + 3_599_999L) / 3_600_000L;
    }
}
