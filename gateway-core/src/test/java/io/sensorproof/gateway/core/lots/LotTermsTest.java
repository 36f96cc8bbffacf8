package io.sensorproof.gateway.core.lots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.protocol.senml.Quantity;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LotTermsTest {
    /** 2 °C .. 8 °C in centi-kelvin, 15 min, samples every minute, gap up to 90 s, k = 1. */
    private static Watch coldRoom() {
        return new Watch(Quantity.TEMPERATURE, 27515, 28115, 900_000, 90_000, 60_000, 86_400_000, 1);
    }

    private static Watch with(long lo, long hi, long minDuration, long maxGap, long sampling, long maxAge, int k) {
        return new Watch(Quantity.TEMPERATURE, lo, hi, minDuration, maxGap, sampling, maxAge, k);
    }

    private static String refusal(Runnable r) {
        try {
            r.run();
        } catch (LotRefusal e) {
            return e.code();
        }
        return "accepted";
    }

    @Test
    void acceptsTheContractsExampleTerms() {
        LotTerms terms = new LotTerms(List.of(coldRoom(), new Watch(Quantity.HUMIDITY, 0, 9000, 1, 1, 1, 1, 2)));
        assertThat(terms.validate(2)).isSameAs(terms);
    }

    @Test
    void refusesLoAboveHi() {
        assertThat(refusal(() -> with(28116, 28115, 1, 1, 1, 1, 1).validate(1))).isEqualTo(LotRefusal.INVALID_RANGE);
        assertThat(refusal(() -> with(28115, 28115, 1, 1, 1, 1, 1).validate(1))).isEqualTo("accepted");
    }

    @Test
    void refusesZeroOrNegativeDurations() {
        assertThat(refusal(() -> with(0, 1, 0, 1, 1, 1, 1).validate(1))).isEqualTo(LotRefusal.INVALID_DURATION);
        assertThat(refusal(() -> with(0, 1, -5, 1, 1, 1, 1).validate(1))).isEqualTo(LotRefusal.INVALID_DURATION);
        assertThat(refusal(() -> with(0, 1, 1, 1, 0, 1, 1).validate(1))).isEqualTo(LotRefusal.INVALID_DURATION);
        assertThat(refusal(() -> with(0, 1, 1, 1, 1, 0, 1).validate(1))).isEqualTo(LotRefusal.INVALID_DURATION);
        assertThat(refusal(() -> with(0, 1, 1, 0, 1, 1, 1).validate(1))).isEqualTo(LotRefusal.INVALID_DURATION);
    }

    @Test
    void refusesMaxGapOfTwoSamplingIntervalsOrMore() {
        assertThat(refusal(() -> with(0, 1, 1, 119_999, 60_000, 1, 1).validate(1))).isEqualTo("accepted");
        assertThat(refusal(() -> with(0, 1, 1, 120_000, 60_000, 1, 1).validate(1))).isEqualTo(LotRefusal.INVALID_MAX_GAP);
        assertThat(refusal(() -> with(0, 1, 1, Long.MAX_VALUE, Long.MAX_VALUE / 2 + 1, 1, 1).validate(1)))
                .isEqualTo(LotRefusal.INVALID_MAX_GAP);
    }

    @Test
    void refusesKOutsideOneToDevices() {
        assertThat(refusal(() -> with(0, 1, 1, 1, 1, 1, 0).validate(3))).isEqualTo(LotRefusal.INVALID_K);
        assertThat(refusal(() -> with(0, 1, 1, 1, 1, 1, 4).validate(3))).isEqualTo(LotRefusal.INVALID_K);
        assertThat(refusal(() -> with(0, 1, 1, 1, 1, 1, 3).validate(3))).isEqualTo("accepted");
    }

    @Test
    void refusesNoWatchesAndTwoWatchesOnOneQuantity() {
        assertThat(refusal(() -> new LotTerms(List.of()).validate(1))).isEqualTo(LotRefusal.NO_WATCHES);
        assertThat(refusal(() -> new LotTerms(List.of(coldRoom(), coldRoom())).validate(1))).isEqualTo(LotRefusal.DUPLICATE_WATCH);
    }

    @Test
    void refusesUnknownQuantityNames() {
        assertThat(LotTerms.quantity("temperature")).isEqualTo(Quantity.TEMPERATURE);
        assertThat(refusal(() -> LotTerms.quantity("pressure"))).isEqualTo(LotRefusal.UNKNOWN_QUANTITY);
        assertThat(refusal(() -> LotTerms.quantity(null))).isEqualTo(LotRefusal.UNKNOWN_QUANTITY);
    }

    @Test
    void refusesEmptyTooLongAndDuplicateDeviceLists() {
        assertThat(LotDevices.require(List.of("a", "b"), 2)).containsExactly("a", "b");
        assertThat(refusal(() -> LotDevices.require(List.of(), 2))).isEqualTo(LotRefusal.INVALID_DEVICES);
        assertThat(refusal(() -> LotDevices.require(List.of("a", "b", "c"), 2))).isEqualTo(LotRefusal.INVALID_DEVICES);
        assertThat(refusal(() -> LotDevices.require(List.of("a", "a"), 2))).isEqualTo(LotRefusal.INVALID_DEVICES);
    }

    @Test
    void emissionsTermsRefuseNegativeBaselineAndZeroGapOrRate() {
        assertThat(new EmissionsTerms(0, PeriodCalendar.MONTHLY_UTC, 1, 1).validate().baselineKg()).isZero();
        assertThatThrownBy(() -> new EmissionsTerms(-1, PeriodCalendar.MONTHLY_UTC, 1, 1).validate())
                .isInstanceOfSatisfying(LotRefusal.class, e -> assertThat(e.code()).isEqualTo(LotRefusal.INVALID_EMISSIONS_TERMS));
        assertThat(refusal(() -> new EmissionsTerms(1, PeriodCalendar.MONTHLY_UTC, 0, 1).validate()))
                .isEqualTo(LotRefusal.INVALID_EMISSIONS_TERMS);
        assertThat(refusal(() -> new EmissionsTerms(1, PeriodCalendar.MONTHLY_UTC, 1, 0).validate()))
                .isEqualTo(LotRefusal.INVALID_EMISSIONS_TERMS);
        assertThat(refusal(() -> PeriodCalendar.named("WEEKLY"))).isEqualTo(LotRefusal.UNKNOWN_CALENDAR);
    }

    @Test
    void monthlyUtcPeriodsRunFromTheFirstToTheFirst() {
        PeriodCalendar.Period p = PeriodCalendar.MONTHLY_UTC.periodOf(Instant.parse("2030-02-28T23:59:59.999Z"));
        assertThat(p.start()).isEqualTo(Instant.parse("2030-02-01T00:00:00Z"));
        assertThat(p.end()).isEqualTo(Instant.parse("2030-03-01T00:00:00Z"));
        assertThat(PeriodCalendar.MONTHLY_UTC.periodOf(Instant.parse("2030-03-01T00:00:00Z")).start())
                .isEqualTo(Instant.parse("2030-03-01T00:00:00Z"));
    }
}
