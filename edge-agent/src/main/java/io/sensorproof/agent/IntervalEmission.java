package io.sensorproof.agent;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.encoding.DecimalRounding;
import java.math.BigDecimal;

/**
 * A sensor's CO2e mass for one interval, as the agent's input {@code {"n":"co2e","v":<kg>}} gives it.
 * It never travels on the wire (the interval quantity is retired, ADR 017): the agent adds it to the
 * device's emissions register and sends the register.
 *
 * @param kg the mass emitted during the interval, in kg
 * @param timeMillis the end of the interval, ms since the epoch
 */
public record IntervalEmission(double kg, long timeMillis) {
    /** The largest interval mass accepted, in kg (below 2^32 g, where decimal rounding is exact). */
    public static final BigDecimal MAX_KG = new BigDecimal("4294967.295");

    /**
     * The mass in whole grams: the kg value read as its shortest decimal and rounded half to even to
     * 3 places (protocol §7.1), so 0.0015 kg is 2 g and 0.0025 kg is 2 g.
     *
     * @throws ProtocolException {@code INVALID_VALUE} for NaN, infinities, negative masses and masses
     *     above {@link #MAX_KG}
     */
    public long grams() {
        if (!Double.isFinite(kg) || kg < 0 || new BigDecimal(kg).compareTo(MAX_KG) > 0) {
            throw new ProtocolException(ErrorCode.INVALID_VALUE, "co2e interval mass " + kg + " kg is outside [0, " + MAX_KG + "]");
        }
        return DecimalRounding.roundHalfEvenUnits(kg, 3);
    }
}
