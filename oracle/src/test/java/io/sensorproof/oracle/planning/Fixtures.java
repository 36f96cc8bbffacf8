package io.sensorproof.oracle.planning;

import io.sensorproof.zk.claims.CommittedReading;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/** Test readings: a device's series packed into messages of a few readings, boot by boot. */
final class Fixtures {
    static final BigInteger DEVICE = device("cold-room-7");
    static final long T0 = 1_800_000_000_000L;
    static final long SECOND = 1000;
    static final long MINUTE = 60 * SECOND;

    private Fixtures() {
    }

    static BigInteger device(String id) {
        return new BigInteger(1, id.getBytes(StandardCharsets.US_ASCII));
    }

    /** Readings of one device and quantity, {@code perMessage} to a message, seq counting from 0 in boot 1. */
    static List<StoredReading> series(BigInteger device, int quantity, long[] times, long[] values, int perMessage) {
        List<StoredReading> out = new ArrayList<>();
        for (int i = 0; i < times.length; i++) {
            CommittedReading r = new CommittedReading(device, 1, i / perMessage, i % perMessage, quantity, times[i],
                    values[i]);
            out.add(new StoredReading(r, times[i] + 2 * SECOND));
        }
        return out;
    }

    /** Evenly spaced readings from T0. */
    static List<StoredReading> even(int quantity, long interval, long... values) {
        long[] times = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            times[i] = T0 + i * interval;
        }
        return series(DEVICE, quantity, times, values, 2);
    }

    /**
     * Readings one per message at even seqs of boot 1, every odd seq a message of other quantities,
     * all accounted up to seq 2n except {@code missing}.
     */
    static List<StoredReading> interleaved(int quantity, long interval, long... values) {
        List<StoredReading> out = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            long time = T0 + i * interval;
            out.add(new StoredReading(new CommittedReading(DEVICE, 1, 2L * i, 0, quantity, time, values[i]),
                    time + 2 * SECOND));
        }
        return out;
    }

    static AccountedMessages seqsUpTo(long boot, long last, long... missing) {
        List<MessageId> ids = new ArrayList<>();
        for (long seq = 0; seq <= last; seq++) {
            long s = seq;
            if (Arrays.stream(missing).noneMatch(m -> m == s)) {
                ids.add(new MessageId(boot, seq));
            }
        }
        return AccountedMessages.of(ids);
    }

    static long[] repeat(long value, int count) {
        long[] out = new long[count];
        Arrays.fill(out, value);
        return out;
    }

    static AccountedMessages ledgerOf(List<StoredReading> readings) {
        return AccountedMessages.of(readings.stream().map(StoredReading::message).distinct().toList());
    }

    static List<StoredReading> without(List<StoredReading> readings, Predicate<MessageId> missing) {
        return readings.stream().filter(r -> !missing.test(r.message())).toList();
    }
}
