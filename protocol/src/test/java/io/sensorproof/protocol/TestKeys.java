package io.sensorproof.protocol;

import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Shared fixtures: one key per algorithm (generated once per JVM) and a sample pack. */
public final class TestKeys {
    private static final Map<SignatureAlgorithm, SigningKey> KEYS = new EnumMap<>(SignatureAlgorithm.class);

    private TestKeys() {
    }

    public static synchronized SigningKey key(SignatureAlgorithm alg) {
        return KEYS.computeIfAbsent(alg, a -> Keys.generate(a, new SecureRandom()));
    }

    public static ReadingPack samplePack(int records) {
        Quantity[] qs = Quantity.values();
        List<Reading> readings = new java.util.ArrayList<>();
        for (int i = 0; i < records; i++) {
            Quantity q = qs[i % qs.length];
            double v = switch (q) {
                case TEMPERATURE -> 4.25 + i * 0.01;
                case HUMIDITY -> 61.5;
                case CO2E_REGISTER -> 1_000_000 + i;
            };
            readings.add(new Reading(q, v, 1_764_000_000_000L + i * 1000L));
        }
        return new ReadingPack("cold-room-7", readings);
    }
}
