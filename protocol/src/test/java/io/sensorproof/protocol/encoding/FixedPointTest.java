package io.sensorproof.protocol.encoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.senml.Quantity;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FixedPointTest {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "TEMPERATURE, -40, 23315",
        "TEMPERATURE, 0, 27315",
        "TEMPERATURE, -0.0, 27315",
        "TEMPERATURE, -273.15, 0",
        "TEMPERATURE, 1000, 127315",
        "TEMPERATURE, 21.015, 29417",     // decimal 21.015 is a tie: half-even to 21.02
        "TEMPERATURE, 21.005, 29415",     // tie: half-even to 21.00
        "TEMPERATURE, 21.025, 29417",     // tie: half-even to 21.02
        "TEMPERATURE, 0.125, 27327",      // exactly representable tie: to 0.12
        "TEMPERATURE, -0.005, 27315",     // tie: to -0.00
        "TEMPERATURE, -0.015, 27313",     // tie: to -0.02
        "TEMPERATURE, 4.256, 27741",
        "HUMIDITY, 0, 0",
        "HUMIDITY, 100, 10000",
        "HUMIDITY, 55.555, 5556",         // tie: half-even to 55.56
        "CO2E_REGISTER, 0, 0",
        "CO2E_REGISTER, 12345, 12345",
        "CO2E_REGISTER, 4294967296, 4294967296",             // past 2^32
        "CO2E_REGISTER, 9007199254740991, 9007199254740991"  // 2^53 - 1
    })
    void encodesAtTheEdges(Quantity quantity, double value, long expected) {
        assertThat(FixedPoint.encode(quantity, value)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} {1} is invalid")
    @CsvSource({
        "TEMPERATURE, -273.16",
        "TEMPERATURE, 1000.001",
        "HUMIDITY, -0.001",
        "HUMIDITY, 100.001",
        "CO2E_REGISTER, -1",
        "CO2E_REGISTER, 9007199254740992",                   // 2^53
        "CO2E_REGISTER, 0.5",                                // whole grams only
        "CO2E_REGISTER, 12345.001",
        "CO2E_REGISTER, 4503599627370495.5",                 // 2^52 - 0.5: fractional at the edge of exactness
        "TEMPERATURE, NaN",
        "HUMIDITY, Infinity",
        "CO2E_REGISTER, -Infinity"
    })
    void rejectsOutsideThePhysicalRange(Quantity quantity, double value) {
        assertThatThrownBy(() -> FixedPoint.encode(quantity, value))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE));
    }

    @Test
    void decodeIsTheInverseOnTheGrid() {
        for (Quantity q : Quantity.values()) {
            for (long units = 0; units < 200_000; units += 7) {
                BigDecimal decimal = FixedPoint.decode(q, units + (q == Quantity.TEMPERATURE ? 0 : 0));
                if (decimal.compareTo(q.min()) < 0 || decimal.compareTo(q.max()) > 0) {
                    continue;
                }
                assertThat(FixedPoint.encode(q, decimal.doubleValue())).isEqualTo(units);
            }
        }
    }

    /**
     * Cross-check against an independent implementation: vectors produced by Node.js, which prints
     * the shortest round-trip decimal and rounds it half-even with string arithmetic (see
     * vectors/README.md).
     */
    @Test
    void matchesNodeDecimalRoundingVectors() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/vectors/decimal-rounding.csv")) {
            assertThat(in).as("vectors/decimal-rounding.csv").isNotNull();
            String[] lines = new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n");
            int checked = 0;
            for (String line : lines) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(",");
                double value = Double.longBitsToDouble(Long.parseUnsignedLong(f[0], 16));
                int scale = Integer.parseInt(f[1]);
                long expected = Long.parseLong(f[2]);
                assertThat(DecimalRounding.roundHalfEvenUnits(value, scale)).as("%s (%s) at scale %d", f[0], value, scale).isEqualTo(expected);
                checked++;
            }
            assertThat(checked).isGreaterThan(1000);
        }
    }
}
