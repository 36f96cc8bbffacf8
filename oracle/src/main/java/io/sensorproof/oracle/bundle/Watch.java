package io.sensorproof.oracle.bundle;

/**
 * One watch of a collateral facility's terms as {@code CollateralFinancing} stores it
 * (docs/contracts.md): a freeze needs k devices whose run of readings of {@code quantity} outside
 * [lo, hi] lasted at least minDuration ms, neighbours at most maxGap ms apart, the last reading at
 * most maxAge ms before the freeze.
 */
public record Watch(int quantity, long lo, long hi, long minDuration, long maxGap, long samplingInterval, long maxAge,
        int k) {
}
