package io.sensorproof.zk.claims;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic example readings shared by the tests, the benchmark and the committed example
 * witnesses ({@code circuits/<name>.example.json}, from which the build proves the fixture proofs).
 */
public final class ExampleClaims {
    /** Cold store at 2–8 °C: [27515, 28115] centi-kelvin. */
    public static final long LO = 27515;
    public static final long HI = 28115;
    /** 12 °C and 1.5 °C in centi-kelvin: above and below the range. */
    public static final long WARM = 28515;
    public static final long COLD = 27465;
    public static final long START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    /** The cold store reports every minute; a run claim allows 90 s between readings. */
    public static final long RUN_INTERVAL = 60_000;
    public static final long RUN_MAX_GAP = 90_000;
    /** The register reports hourly; a gap over 90 minutes is charged at the substitute rate. */
    public static final long REGISTER_INTERVAL = 3_600_000;
    public static final long REGISTER_MAX_GAP = 5_400_000;
    public static final long REGISTER_START = 1_000_000_000;
    public static final BigInteger COLD_STORE = device("cold-store-7");
    public static final BigInteger OTHER = device("cold-store-8");
    public static final BigInteger BOILER = device("boiler-2");

    private ExampleClaims() {
    }

    /** A device id as a field element: the big-endian integer of its ASCII bytes (protocol §1). */
    public static BigInteger device(String id) {
        return new BigInteger(1, id.getBytes(StandardCharsets.US_ASCII));
    }

    /** Temperature reading number k of the cold store's run (one a minute from START). */
    public static CommittedReading temperature(int k, long value) {
        return new CommittedReading(COLD_STORE, 3, 100 + k, 1, CommittedReading.TEMPERATURE,
                START + k * RUN_INTERVAL, value);
    }

    /** An excursion of {@code n} minutes: 12 °C, with a dip to 1.5 °C (also outside) every fourth minute. */
    public static List<CommittedReading> coldRun(int n) {
        List<CommittedReading> readings = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            readings.add(temperature(k, k % 4 == 3 ? COLD : WARM));
        }
        return readings;
    }

    /** Register reading at {@code time} with value {@code grams} (record 0 of message seq). */
    public static CommittedReading register(long seq, long time, long grams) {
        return new CommittedReading(BOILER, 2, seq, 0, CommittedReading.CO2E_REGISTER, time, grams);
    }

    /**
     * {@code n} hourly register readings of boiler-2, the hour before reading 2 missing (a gap of two
     * hours, over the 90-minute maxGap); the register grows 125 kg an hour (and 250 kg over the gap).
     */
    public static List<CommittedReading> registerReadings(int n) {
        List<CommittedReading> readings = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            long hours = k >= 2 ? k + 1 : k;
            readings.add(register(500 + k, START + hours * REGISTER_INTERVAL, REGISTER_START + 125_000 * hours));
        }
        return readings;
    }
}
