package io.sensorproof.zk.claims;

import java.math.BigInteger;
import java.util.Comparator;
import java.util.Objects;

/**
 * One reading as the oracle commits it (docs/protocol.md §7.4), with every part within the bound
 * the circuits check. The {@code protocol} module's {@code LeafEncoding} produces the same
 * inputs; this module keeps its own type so that it depends on the JDK only.
 *
 * @param device device id as a field element (below 2²⁴⁸)
 * @param boot boot counter, below 2³²
 * @param seq sequence number within the boot, below 2³²
 * @param recordIndex index of the record in its message, below 2⁸
 * @param quantity quantity code, below 2⁸ (1 temperature, 2 humidity, 3 co2e)
 * @param timeMillis measurement time, below 2⁴³
 * @param value fixed-point value, below 2³² (temperatures in centi-kelvin, so never negative)
 */
public record CommittedReading(BigInteger device, long boot, long seq, int recordIndex, int quantity,
        long timeMillis, long value) {
    /** Quantity code of temperature readings. */
    public static final int TEMPERATURE = 1;
    /** Quantity code of humidity readings. */
    public static final int HUMIDITY = 2;
    /** Quantity code of CO2-equivalent readings (grams). */
    public static final int CO2E = 3;

    /**
     * The batch order: device, quantity, time, boot, seq, record index. The readings of one device
     * and quantity are then adjacent and in time order, so a run of consecutive readings is a run
     * of adjacent leaves.
     */
    public static final Comparator<CommittedReading> BATCH_ORDER = Comparator.comparing(CommittedReading::device)
            .thenComparingInt(CommittedReading::quantity)
            .thenComparingLong(CommittedReading::timeMillis)
            .thenComparingLong(CommittedReading::boot)
            .thenComparingLong(CommittedReading::seq)
            .thenComparingInt(CommittedReading::recordIndex);

    public CommittedReading {
        Objects.requireNonNull(device);
        if (device.signum() <= 0 || device.bitLength() > 248) {
            throw new IllegalArgumentException("device must be a positive integer below 2^248");
        }
        if (boot < 0 || boot >= 1L << 32 || seq < 0 || seq >= 1L << 32) {
            throw new IllegalArgumentException("boot and seq must be in [0, 2^32)");
        }
        if (recordIndex < 0 || recordIndex >= 256 || quantity < 0 || quantity >= 256) {
            throw new IllegalArgumentException("record index and quantity must be in [0, 256)");
        }
        if (timeMillis < 0 || timeMillis >= 1L << 43) {
            throw new IllegalArgumentException("time must be in [0, 2^43) ms");
        }
        if (value < 0 || value >= 1L << 32) {
            throw new IllegalArgumentException("fixed-point value must be in [0, 2^32)");
        }
    }

    /** The leaf's inputs. */
    public LeafFields fields() {
        return new LeafFields(device, BigInteger.valueOf(boot).shiftLeft(32).or(BigInteger.valueOf(seq)),
                BigInteger.valueOf(((long) recordIndex << 8) | quantity), BigInteger.valueOf(timeMillis),
                BigInteger.valueOf(value));
    }
}
