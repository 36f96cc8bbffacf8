package io.sensorproof.protocol.encoding;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.senml.Quantity;
import java.math.BigDecimal;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The paths without {@link BigDecimal} (issue 18): {@link DecimalRounding#shortUnits} and the range check of
 * {@link FixedPoint} on doubles must decide every value exactly as the {@link BigDecimal} rule does. The values
 * are drawn where a shortcut would go wrong: decimals of up to scale + 3 places (ties at scale + 1 among them),
 * their neighbouring doubles, any double bit pattern, and the doubles around each quantity's bounds.
 */
class DecimalRoundingShortPathTest {

    @Property(tries = 20_000)
    void roundsDecimalsAndTheirNeighboursAsTheExactRuleDoes(@ForAll("decimalsAndNeighbours") double value,
            @ForAll @IntRange(min = 0, max = 6) int scale) {
        assertSameAsExact(value, scale);
    }

    @Property(tries = 20_000)
    void roundsAnyFiniteDoubleAsTheExactRuleDoes(@ForAll("anyFinite") double value, @ForAll @IntRange(min = 0, max = 6) int scale) {
        assertSameAsExact(value, scale);
    }

    /**
     * Decimals of {@code scale} places between 2^50 and 2^53 units: there the doubles are about as far apart as
     * those places, the double nearest to such a decimal can lie more than half a place from it, and the short
     * path must stand aside (without its spacing check it answers 8901663841769311 thousandths for
     * 8901663841769.310546875, where the rule says 8901663841769.310).
     */
    @Property(tries = 20_000)
    void roundsDecimalsWhereDoublesAreCoarseAsTheExactRuleDoes(@ForAll("manyUnits") long units,
            @ForAll @IntRange(min = 0, max = 6) int scale) {
        assertSameAsExact(units / Math.pow(10, scale), scale);
    }

    @Property(tries = 5_000)
    void roundsReadingTimesAsTheExactRuleDoes(@ForAll("secondsWithMillis") double seconds) {
        assertSameAsExact(seconds, 3);
    }

    @Test
    void takesTheShortPathForTheValuesDevicesSend() {
        assertThat(DecimalRounding.shortUnits(4.25, 2)).isEqualTo(425);
        assertThat(DecimalRounding.shortUnits(-40.1, 2)).isEqualTo(-4010);
        assertThat(DecimalRounding.shortUnits(1_764_000_000.123, 3)).isEqualTo(1_764_000_000_123L);
        assertThat(DecimalRounding.shortUnits(12345, 0)).isEqualTo(12345);
        // a tie at the third place is not short at scale 2: the exact rule decides it
        assertThat(DecimalRounding.shortUnits(21.015, 2)).isEqualTo(DecimalRounding.NOT_SHORT);
        assertThat(DecimalRounding.roundHalfEvenUnits(21.015, 2)).isEqualTo(2102);
        // doubles 2^-10 apart: the nearest to 8901663841769.311 is 8901663841769.310546875, which the rule rounds to .310
        assertThat(DecimalRounding.shortUnits(8901663841769.310546875, 3)).isEqualTo(DecimalRounding.NOT_SHORT);
        assertThat(DecimalRounding.roundHalfEvenUnits(8901663841769.310546875, 3)).isEqualTo(8901663841769310L);
    }

    @Property(tries = 20_000)
    void checksTheRangeAsTheBigDecimalComparisonDoes(@ForAll("nearBounds") double value, @ForAll Quantity quantity) {
        BigDecimal exact = new BigDecimal(value);
        boolean inRange = exact.compareTo(quantity.min()) >= 0 && exact.compareTo(quantity.max()) <= 0
                && (quantity.scale() != 0 || value == Math.rint(value));
        boolean accepted;
        try {
            FixedPoint.checkRange(quantity, value);
            accepted = true;
        } catch (ProtocolException e) {
            accepted = false;
        }
        assertThat(accepted).as("%s %s (exactly %s)", quantity, value, exact.toPlainString()).isEqualTo(inRange);
    }

    @Test
    void theBoundsAreTheNearestDoublesInsideTheRange() {
        double lowest = FixedPoint.lowestDoubleAtOrAbove(new BigDecimal("-273.15"));
        assertThat(new BigDecimal(lowest)).isGreaterThanOrEqualTo(new BigDecimal("-273.15"));
        assertThat(new BigDecimal(Math.nextDown(lowest))).isLessThan(new BigDecimal("-273.15"));
        assertThat(FixedPoint.highestDoubleAtOrBelow(new BigDecimal("100"))).isEqualTo(100.0);
        assertThat(FixedPoint.lowestDoubleAtOrAbove(BigDecimal.ZERO)).isEqualTo(0.0);
    }

    private static void assertSameAsExact(double value, int scale) {
        BigDecimal expected = DecimalRounding.exactRoundHalfEven(value, scale);
        assertThat(DecimalRounding.roundHalfEven(value, scale)).as("%s at scale %d", value, scale).isEqualTo(expected);
        long units = DecimalRounding.shortUnits(value, scale);
        if (units != DecimalRounding.NOT_SHORT) {
            assertThat(units).as("short units of %s at scale %d", value, scale).isEqualTo(expected.unscaledValue().longValueExact());
        }
        if (expected.unscaledValue().bitLength() < 63) {
            assertThat(DecimalRounding.roundHalfEvenUnits(value, scale)).isEqualTo(expected.unscaledValue().longValueExact());
        }
    }

    @Provide
    Arbitrary<Double> decimalsAndNeighbours() {
        Arbitrary<Double> decimals = Combinators.combine(Arbitraries.longs().between(-10_000_000_000L, 10_000_000_000L),
                Arbitraries.integers().between(0, 9)).as((unscaled, places) -> BigDecimal.valueOf(unscaled, places).doubleValue());
        Arbitrary<Double> ties = Combinators.combine(Arbitraries.longs().between(-100_000_000L, 100_000_000L),
                Arbitraries.integers().between(1, 7)).as((unscaled, places) -> BigDecimal.valueOf(unscaled * 10 + 5, places).doubleValue());
        Arbitrary<Double> base = Arbitraries.oneOf(decimals, ties);
        return Combinators.combine(base, Arbitraries.integers().between(-2, 2)).as(DecimalRoundingShortPathTest::step);
    }

    @Provide
    Arbitrary<Long> manyUnits() {
        return Arbitraries.longs().between(1L << 50, (1L << 53) - 1);
    }

    @Provide
    Arbitrary<Double> anyFinite() {
        return Arbitraries.longs().map(Double::longBitsToDouble).filter(Double::isFinite);
    }

    @Provide
    Arbitrary<Double> secondsWithMillis() {
        Arbitrary<Double> millis = Arbitraries.longs().between(1L << 38, (1L << 43) - 1).map(ms -> ms / 1000.0);
        return Combinators.combine(millis, Arbitraries.integers().between(-1, 1)).as(DecimalRoundingShortPathTest::step);
    }

    @Provide
    Arbitrary<Double> nearBounds() {
        Arbitrary<Double> bounds = Arbitraries.of(-273.15, 1000.0, 0.0, 100.0, 9007199254740991.0, 9007199254740992.0, -0.0);
        Arbitrary<Double> inside = Arbitraries.doubles().between(-400, 1200).withSpecialValue(-273.15);
        return Combinators.combine(Arbitraries.oneOf(bounds, inside), Arbitraries.integers().between(-3, 3))
                .as(DecimalRoundingShortPathTest::step);
    }

    private static double step(double value, int steps) {
        double v = value;
        for (int i = 0; i < Math.abs(steps); i++) {
            v = steps > 0 ? Math.nextUp(v) : Math.nextDown(v);
        }
        return v;
    }

}
