package io.sensorproof.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.TestKeys;
import io.sensorproof.protocol.cbor.CborLimits;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import io.sensorproof.protocol.senml.SenmlCodec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The 16 KiB message limit against the largest packs: a full pack of 256 of the widest records
 * (co2e-register, a 31-character device id) fits with every algorithm, ML-DSA-65's 3,309-byte
 * signature included, so the record limit and not the size limit bounds a message (protocol.md §2).
 */
class MessageSizeTest {

    static ReadingPack widest(int records) {
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            readings.add(new Reading(Quantity.CO2E_REGISTER, 9_007_199_254_740_991.0 - records + i, 1_764_000_000_123L + i * 1000L));
        }
        return new ReadingPack("a234567890123456789012345678901", readings);
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void fullPackOfTheWidestRecordsFitsTheSizeLimit(SignatureAlgorithm alg) {
        byte[] message = ReadingMessages.sign(widest(SenmlCodec.MAX_RECORDS), 4_294_967_295L, 4_294_967_295L, 4_102_444_800_000L, TestKeys.key(alg));
        assertThat(message.length).as("%s message with %d records", alg.label(), SenmlCodec.MAX_RECORDS)
                .isLessThanOrEqualTo(CborLimits.MESSAGE.maxBytes());
        System.out.printf("%s: %d bytes for %d records (%d to spare)%n", alg.label(), message.length, SenmlCodec.MAX_RECORDS,
                CborLimits.MESSAGE.maxBytes() - message.length);
        ReadingMessages.open(message, kid -> java.util.Optional.of(TestKeys.key(alg).verificationKey()));
    }

    @ParameterizedTest
    @CsvSource({"ES256, ML_DSA_65", "EDDSA, ML_DSA_65", "ES256, ML_DSA_44"})
    void fullHybridPackOfTheWidestRecordsFitsTheSizeLimit(SignatureAlgorithm classical, SignatureAlgorithm pq) {
        byte[] message = ReadingMessages.signHybrid(widest(SenmlCodec.MAX_RECORDS), 4_294_967_295L, 4_294_967_295L, 4_102_444_800_000L,
                TestKeys.key(classical), TestKeys.key(pq));
        assertThat(message.length).as("%s + %s message with %d records", classical.label(), pq.label(), SenmlCodec.MAX_RECORDS)
                .isLessThanOrEqualTo(CborLimits.MESSAGE.maxBytes());
        System.out.printf("%s + %s: %d bytes for %d records (%d to spare)%n", classical.label(), pq.label(), message.length,
                SenmlCodec.MAX_RECORDS, CborLimits.MESSAGE.maxBytes() - message.length);
        ReadingMessages.decode(message).verify(TestKeys.key(classical).verificationKey(), TestKeys.key(pq).verificationKey());
    }
}
