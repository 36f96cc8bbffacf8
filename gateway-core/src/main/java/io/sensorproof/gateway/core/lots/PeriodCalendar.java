package io.sensorproof.gateway.core.lots;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * How an emissions facility's periods follow one another, stored by name as a rule (not as a list of
 * dates) so that every future period is known. Only calendar months in UTC for now; the contract's
 * {@code setPeriod} takes each period's start and end, which the oracle derives from this rule.
 */
public enum PeriodCalendar {
    /** Calendar months, from the first of the month 00:00 UTC to the first of the next. */
    MONTHLY_UTC;

    /** A period: [{@code start}, {@code end}). */
    public record Period(Instant start, Instant end) {
    }

    /** The period that contains {@code time}. */
    public Period periodOf(Instant time) {
        YearMonth month = YearMonth.from(time.atOffset(ZoneOffset.UTC));
        return new Period(month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC),
                month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC));
    }

    /**
     * The calendar named {@code name}.
     *
     * @throws LotRefusal {@link LotRefusal#UNKNOWN_CALENDAR} otherwise
     */
    public static PeriodCalendar named(String name) {
        for (PeriodCalendar c : values()) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        throw new LotRefusal(LotRefusal.UNKNOWN_CALENDAR, "unknown period calendar '" + name + "'; known: MONTHLY_UTC",
                Map.of("field", "calendar", "value", String.valueOf(name)));
    }
}
