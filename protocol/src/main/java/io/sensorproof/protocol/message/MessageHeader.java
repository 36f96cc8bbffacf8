package io.sensorproof.protocol.message;

import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The protected header of a reading message.
 *
 * @param algorithm signature algorithm ({@code alg}, label 1)
 * @param kid key identifier of the device key ({@code kid}, label 4, 16 bytes)
 * @param boot boot counter of the device (label -65537), 0 to 2^32-1
 * @param seq message sequence number within the boot (label -65538), 0 to 2^32-1
 * @param deviceTimeMillis device clock at signing, ms since the epoch, UTC (label -65539)
 */
public record MessageHeader(SignatureAlgorithm algorithm, byte[] kid, long boot, long seq, long deviceTimeMillis) {
    /** Largest boot counter or sequence number. */
    public static final long MAX_COUNTER = 0xffff_ffffL;

    public MessageHeader {
        Objects.requireNonNull(algorithm, "algorithm");
        if (kid == null || kid.length != Keys.KID_LENGTH) {
            throw new IllegalArgumentException("kid must be " + Keys.KID_LENGTH + " bytes");
        }
        kid = kid.clone();
        if (boot < 0 || boot > MAX_COUNTER || seq < 0 || seq > MAX_COUNTER) {
            throw new IllegalArgumentException("boot and seq must be in [0, 2^32)");
        }
        if (deviceTimeMillis < 0) {
            throw new IllegalArgumentException("device time must not be negative");
        }
    }

    @Override
    public byte[] kid() {
        return kid.clone();
    }

    /** The kid as lowercase hex. */
    public String kidHex() {
        return HexFormat.of().formatHex(kid);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageHeader h && algorithm == h.algorithm && Arrays.equals(kid, h.kid) && boot == h.boot
                && seq == h.seq && deviceTimeMillis == h.deviceTimeMillis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(algorithm, Arrays.hashCode(kid), boot, seq, deviceTimeMillis);
    }

    @Override
    public String toString() {
        return "MessageHeader[" + algorithm.label() + ", kid=" + kidHex() + ", boot=" + boot + ", seq=" + seq
                + ", deviceTime=" + deviceTimeMillis + "]";
    }
}
