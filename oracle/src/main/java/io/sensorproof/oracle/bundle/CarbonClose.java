package io.sensorproof.oracle.bundle;

import io.sensorproof.zk.claims.EmissionsClaim;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code CarbonCredit.closePeriod} and {@code mint} compute from a period's terms and its
 * submitted emissions claims (docs/contracts.md, "Close" and "Mint"), recomputed offline: the mass
 * telescopes to each device's last total minus its first; gaps inside claims longer than the claim's
 * maxGap, a start edge longer than the period's maxGap, any end edge and a device without claims
 * are charged at the substitute rate, rounded up; credits are the whole kilograms below the
 * baseline, rounded down.
 *
 * @param massGrams Σ (lastTotal − firstTotal) over the claims
 * @param claimGapMs Σ gapTime over the claims
 * @param chargedGapMs claimGapMs plus the charged edges and devices without claims
 * @param substituteGrams ceil(rate · 1000 · chargedGapMs / 3,600,000)
 * @param emissionsGrams massGrams + substituteGrams
 * @param credits max(0, baselineKg · 1000 − emissionsGrams) / 1000, rounded down (1 unit = 1 kg)
 */
public record CarbonClose(long massGrams, long claimGapMs, long chargedGapMs, long substituteGrams, long emissionsGrams,
        long credits) {
    /** One token unit in grams ({@code CarbonCredit.UNIT_GRAMS}). */
    public static final long UNIT_GRAMS = 1000;

    /**
     * The close of {@code period} with {@code claims} (each device's claims in chain order; the
     * submission rules are checked by the caller).
     *
     * @param claims device id and claim, in submission order
     */
    public static CarbonClose of(CarbonPeriod period, List<Map.Entry<String, EmissionsClaim>> claims) {
        long mass = 0;
        long claimGap = 0;
        Map<String, long[]> span = new LinkedHashMap<>();
        for (Map.Entry<String, EmissionsClaim> e : claims) {
            EmissionsClaim c = e.getValue();
            mass = Math.addExact(mass, c.lastTotal() - c.firstTotal());
            claimGap = Math.addExact(claimGap, c.gapTime());
            long[] s = span.computeIfAbsent(e.getKey(), k -> new long[] {c.firstTime(), c.lastTime()});
            s[1] = c.lastTime();
        }
        long startMs = period.start() * 1000;
        long endMs = period.end() * 1000;
        long charged = claimGap;
        for (String device : period.devices()) {
            long[] s = span.get(device);
            if (s == null) {
                charged = Math.addExact(charged, endMs - startMs);
                continue;
            }
            long startEdge = s[0] - startMs;
            if (startEdge > period.maxGap()) {
                charged = Math.addExact(charged, startEdge);
            }
            if (s[1] < endMs) {
                charged = Math.addExact(charged, endMs - s[1]);
            }
        }
        BigInteger numerator = BigInteger.valueOf(period.substituteRateKgPerHour()).multiply(BigInteger.valueOf(1000))
                .multiply(BigInteger.valueOf(charged));
        BigInteger[] qr = numerator.divideAndRemainder(BigInteger.valueOf(3_600_000));
        long substitute = qr[0].add(qr[1].signum() > 0 ? BigInteger.ONE : BigInteger.ZERO).longValueExact();
        long emissions = Math.addExact(mass, substitute);
        long credits = Math.max(0, period.baselineKg() * 1000 - emissions) / UNIT_GRAMS;
        return new CarbonClose(mass, claimGap, charged, substitute, emissions, credits);
    }
}
