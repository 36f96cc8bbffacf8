package io.sensorproof.oracle.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.zk.claims.EmissionsClaim;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link CarbonClose} against the hand-computed example of docs/contracts.md (also asserted on chain by CarbonCreditIT). */
class CarbonCloseTest {
    private static final long START = 1_893_456_000L;
    private static final long MIN = 60_000;

    private static EmissionsClaim claim(String device, long first, long firstTotal, long last, long lastTotal, long gapTime) {
        return new EmissionsClaim(BigInteger.ONE, Identifiers.deviceField(device), first, firstTotal, last, lastTotal, 3,
                15 * MIN, gapTime);
    }

    @Test
    void closesTheWorkedExampleOfTheContractsDocument() {
        long s = START * 1000;
        long e = s + 120 * MIN;
        CarbonPeriod period = new CarbonPeriod(START, START + 7200, 100, 15 * MIN, 10, List.of("d1", "d2", "d3"));
        CarbonClose close = CarbonClose.of(period, List.of(
                Map.entry("d1", claim("d1", s + 15 * MIN, 0, s + 60 * MIN, 20_000, 0)),
                Map.entry("d1", claim("d1", s + 60 * MIN, 20_000, e + 15 * MIN, 30_000, 900_001)),
                Map.entry("d2", claim("d2", s + 15 * MIN + 1, 5_000, e - 10 * MIN, 12_000, 0))));
        assertThat(close).isEqualTo(new CarbonClose(37_000, 900_001, 9_600_002, 26_667, 63_667, 36));
    }

    @Test
    void roundsSubstitutesUpAndCreditsDownAndNeverMintsBelowZero() {
        CarbonPeriod period = new CarbonPeriod(START, START + 3600, 1, MIN, 1, List.of("d1"));
        long s = START * 1000;
        // 1 ms charged at 1 kg/h is 1/3600 g: one whole gram; 2,000 g emitted against a 1 kg baseline: no credit
        CarbonClose close = CarbonClose.of(period, List.of(Map.entry("d1", claim("d1", s, 0, s + 3_600_000 - 1, 2_000, 0))));
        assertThat(close.chargedGapMs()).isEqualTo(1);
        assertThat(close.substituteGrams()).isEqualTo(1);
        assertThat(close.credits()).isZero();
    }
}
