package io.sensorproof.gateway.core.collateral;

import java.util.Objects;

/**
 * The key of one stored reading ({@code readings} primary key): the evidence an alert points to, so
 * that a bank can fetch the signed messages behind it.
 */
public record ReadingKey(String deviceId, long boot, long seq, int recordIndex) {
    public ReadingKey {
        Objects.requireNonNull(deviceId, "deviceId");
        if (boot < 0 || seq < 0 || recordIndex < 0) {
            throw new IllegalArgumentException("boot, seq and recordIndex must not be negative");
        }
    }
}
