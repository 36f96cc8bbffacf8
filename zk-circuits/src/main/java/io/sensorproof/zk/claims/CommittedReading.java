package io.sensorproof.zk.claims;

import java.math.BigInteger;
import java.util.Objects;

/**
 * One stored reading as the claim builders take it (the parts of its leaf, docs/protocol.md §7.4).
 * Bounds are not enforced here but by the builders, which refuse a reading outside them with a
 * {@link ClaimException} code, so that a bad reading is a refused claim rather than a crash.
 * The {@code protocol} module's {@code LeafEncoding} produces the same leaf inputs; this module
 * keeps its own type so that it depends on the JDK only.
 *
 * @param device device id as a field element (positive, below 2²⁴⁸)
 * @param boot boot counter, below 2³²
 * @param seq sequence number within the boot, below 2³²
 * @param recordIndex index of the record in its message, below 2⁸
 * @param quantity quantity code, below 2⁸ (1 temperature, 2 humidity, 4 co2e register)
 * @param timeMillis measurement time, below 2⁴³
 * @param value fixed-point value, below 2⁵³ (temperatures in centi-kelvin, so never negative)
 */
public record CommittedReading(BigInteger device, long boot, long seq, int recordIndex, int quantity,
        long timeMillis, long value) {
    /** Quantity code of temperature readings. */
    public static final int TEMPERATURE = 1;
    /** Quantity code of humidity readings. */
    public static final int HUMIDITY = 2;
    /** Quantity code of cumulative CO2e register readings (whole grams). */
    public static final int CO2E_REGISTER = 4;
    /** Exclusive bound of times (ms). */
    public static final long TIME_BOUND = 1L << 43;
    /** Exclusive bound of fixed-point values. */
    public static final long VALUE_BOUND = 1L << 53;

    public CommittedReading {
        Objects.requireNonNull(device);
    }

    /** The leaf's inputs. */
    public LeafFields fields() {
        return slot().leaf(device, BigInteger.valueOf(quantity));
    }

    /** The slot parts a claim circuit takes privately (device and quantity are public there). */
    public ClaimSlot slot() {
        return new ClaimSlot(BigInteger.valueOf(boot).shiftLeft(32).or(BigInteger.valueOf(seq)),
                BigInteger.valueOf(recordIndex), BigInteger.valueOf(timeMillis), BigInteger.valueOf(value));
    }
}
