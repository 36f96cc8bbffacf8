package io.sensorproof.gateway.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.gateway.core.AcceptedMessage;
import io.sensorproof.gateway.core.AcceptedReading;
import io.sensorproof.gateway.core.ContentDigest;
import io.sensorproof.gateway.core.MessageKey;
import io.sensorproof.gateway.core.StoredOutcome;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.encoding.FixedPoint;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The contract plus what only PostgreSQL can show: the rows written (fixed-point values, times,
 * late flags, record indexes) and that a failing batch leaves nothing behind.
 */
abstract class PgMessageStoreContract extends MessageStoreContract {
    @Inject
    Pool pool;

    Registry registry() {
        return new Registry(pool);
    }

    @Override
    SigningDevice newDevice(SignatureAlgorithm alg) {
        return registry().newDevice(alg);
    }

    @Override
    Map<MessageKey, ContentDigest> stored(SigningDevice device) {
        return registry().stored(device.id);
    }

    @Override
    long readingCount(SigningDevice device) {
        return registry().readingCount(device.id);
    }

    @Test
    void writesTheMessageRowAndOneReadingRowPerRecord() {
        SigningDevice d = newDevice();
        Instant received = NOW.plusNanos(123_000);
        AcceptedMessage m = d.accepted(7, 42, received,
                new Reading(Quantity.TEMPERATURE, -18.25, NOW.minus(Duration.ofMinutes(20)).toEpochMilli()),
                new Reading(Quantity.HUMIDITY, 55.5, NOW.minusSeconds(90).toEpochMilli()),
                new Reading(Quantity.CO2E_REGISTER, 9_007_199_254_740_991d, NOW.minusSeconds(1).toEpochMilli()));

        store().store(List.of(m));

        Row message = registry().rows("SELECT content_digest, raw, topic, received_at, device_time, skew_ms, record_count"
                + " FROM messages WHERE device_id = $1 AND boot = 7 AND seq = 42", d.id).get(0);
        assertThat(message.getBuffer("content_digest").getBytes()).isEqualTo(m.contentDigest().bytes());
        assertThat(message.getBuffer("raw").getBytes()).isEqualTo(m.raw());
        assertThat(message.getString("topic")).isEqualTo(d.topic());
        assertThat(message.getOffsetDateTime("received_at")).isEqualTo(utc(received));
        assertThat(message.getOffsetDateTime("device_time")).isEqualTo(utc(m.deviceTime()));
        assertThat(message.getLong("skew_ms")).isEqualTo(-1500L);
        assertThat(message.getInteger("record_count")).isEqualTo(3);

        List<Row> readings = registry().rows("SELECT record_index, quantity, value, reading_time, received_at, late"
                + " FROM readings WHERE device_id = $1 AND boot = 7 AND seq = 42 ORDER BY record_index", d.id);
        assertThat(readings).hasSize(3);
        long[] expected = {FixedPoint.encode(Quantity.TEMPERATURE, -18.25), FixedPoint.encode(Quantity.HUMIDITY, 55.5),
                FixedPoint.encode(Quantity.CO2E_REGISTER, 9_007_199_254_740_991d)};
        assertThat(expected).containsExactly(25_490L, 5_550L, 9_007_199_254_740_991L);
        for (int i = 0; i < 3; i++) {
            Row r = readings.get(i);
            AcceptedReading a = m.readings().get(i);
            assertThat(r.getInteger("record_index")).isEqualTo(i);
            assertThat(r.getInteger("quantity")).isEqualTo(a.quantity().code());
            assertThat(r.getLong("value")).isEqualTo(expected[i]);
            assertThat(r.getOffsetDateTime("reading_time")).isEqualTo(utc(a.time()));
            assertThat(r.getOffsetDateTime("received_at")).isEqualTo(utc(received));
        }
        assertThat(readings).extracting(r -> r.getBoolean("late")).containsExactly(true, false, false);
    }

    @Test
    void failureInTheSecondHalfOfABatchCommitsNothing() {
        SigningDevice d = newDevice();
        SigningDevice unregistered = SigningDevice.fresh(Registry.TENANT, SignatureAlgorithm.ES256);
        List<AcceptedMessage> valid = List.of(d.temperature(1, 1, 1.0, NOW), d.temperature(1, 2, 2.0, NOW),
                d.temperature(1, 3, 3.0, NOW));
        // messages.device_id references devices: the fourth message violates the foreign key
        AcceptedMessage violating = unregistered.temperature(1, 1, 4.0, NOW);

        assertThatThrownBy(() -> store().store(List.of(valid.get(0), valid.get(1), valid.get(2), violating)))
                .isInstanceOf(PersistenceException.class)
                .hasMessageContaining("store 4 messages")
                .hasStackTraceContaining("messages_device_id_fkey");

        assertThat(stored(d)).isEmpty();
        assertThat(readingCount(d)).isZero();
        // the device resends: everything is new
        assertThat(store().store(valid).results()).extracting(StoredOutcome.Result::status)
                .containsOnly(StoredOutcome.Status.INSERTED);
        assertThat(readingCount(d)).isEqualTo(3);
    }

    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
