package io.sensorproof.zk.claims;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Deterministic example batches shared by the tests and by the committed example witnesses
 * ({@code circuits/<name>.example.json}, from which the build proves the fixture proofs).
 */
public final class ExampleBatches {
    /** Cold store at 2–8 °C: [27515, 28115] centi-kelvin. */
    public static final long LO = 27515;
    public static final long HI = 28115;
    public static final long START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    public static final BigInteger COLD_STORE = device("cold-store-7");
    public static final BigInteger OTHER = device("cold-store-8");
    public static final BigInteger BOILER = device("boiler-2");
    public static final BigInteger KILN = device("kiln-1");

    private ExampleBatches() {
    }

    /** A device id as a field element: the big-endian integer of its ASCII bytes (protocol §1). */
    public static BigInteger device(String id) {
        return new BigInteger(1, id.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Temperature and humidity readings of two cold stores over 12 minutes, shuffled (the batch
     * sorts them). cold-store-7 reads 4 °C, then 12 °C at minutes 5, 6 and 7 (an excursion of three
     * consecutive readings), then 4 °C again; cold-store-8 has a single 9 °C spike.
     */
    public static List<CommittedReading> coldChain() {
        List<CommittedReading> readings = new ArrayList<>();
        for (int minute = 0; minute < 12; minute++) {
            long time = START + minute * 60_000L;
            long seq = 100 + minute;
            long value = minute >= 5 && minute <= 7 ? 28515 : 27715;
            readings.add(new CommittedReading(COLD_STORE, 3, seq, 0, CommittedReading.TEMPERATURE, time, value));
            readings.add(new CommittedReading(COLD_STORE, 3, seq, 1, CommittedReading.HUMIDITY, time, 4500 + minute));
            readings.add(new CommittedReading(OTHER, 1, 40 + minute, 0, CommittedReading.TEMPERATURE, time + 1_000,
                    minute == 4 ? 28215 : 27815));
        }
        Collections.shuffle(readings, new Random(7));
        return readings;
    }

    /** Ten co2e readings (grams) of two emitters, one of them across a reboot. */
    public static List<CommittedReading> emissions() {
        List<CommittedReading> readings = new ArrayList<>();
        for (int hour = 0; hour < 5; hour++) {
            long time = START + hour * 3_600_000L;
            readings.add(new CommittedReading(BOILER, hour < 3 ? 1 : 2, hour, 0, CommittedReading.CO2E, time,
                    125_000 + 1_000L * hour));
            readings.add(new CommittedReading(KILN, 9, 500 + hour, 0, CommittedReading.CO2E, time + 5,
                    4_000_000_000L + hour));
        }
        return readings;
    }
}
