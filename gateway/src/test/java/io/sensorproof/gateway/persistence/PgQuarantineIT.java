package io.sensorproof.gateway.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.core.GatewayReason;
import io.sensorproof.gateway.core.QuarantineEntry;
import io.sensorproof.gateway.core.ReasonCode;
import io.sensorproof.protocol.ErrorCode;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@link PgQuarantine}: one row per entry with everything the entry carries. */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class PgQuarantineIT {
    private static final Instant RECEIVED = Instant.parse("2025-11-24T16:00:00.123456Z");

    @Inject
    PgQuarantine quarantine;
    @Inject
    Pool pool;

    @Test
    void keepsAnAuthenticatedRefusalWithItsProvenDeviceKidBootAndSeq() {
        String source = "mqtt:" + UUID.randomUUID();
        byte[] raw = {(byte) 0xd2, (byte) 0x84, 0x01, 0x02, 0x03};
        String kid = "00112233445566778899aabbccddeeff";
        quarantine.put(new QuarantineEntry(ReasonCode.of(GatewayReason.FUTURE_TIMESTAMP), raw, Optional.of("cold-room-7"), true,
                Optional.of(kid), 3, 4_294_967_295L, "t/acme/d/cold-room-7/up", source, RECEIVED, "record 0: 10 min ahead"));

        Row row = single(source);
        assertThat(row.getString("reason")).isEqualTo("FUTURE_TIMESTAMP");
        assertThat(row.getBuffer("raw").getBytes()).isEqualTo(raw);
        assertThat(row.getString("claimed_device")).isEqualTo("cold-room-7");
        assertThat(row.getBoolean("authenticated")).isTrue();
        assertThat(HexFormat.of().formatHex(row.getBuffer("kid").getBytes())).isEqualTo(kid);
        assertThat(row.getLong("boot")).isEqualTo(3L);
        assertThat(row.getLong("seq")).isEqualTo(4_294_967_295L);
        assertThat(row.getString("topic")).isEqualTo("t/acme/d/cold-room-7/up");
        assertThat(row.getOffsetDateTime("received_at")).isEqualTo(OffsetDateTime.ofInstant(RECEIVED, ZoneOffset.UTC));
        assertThat(row.getString("detail")).isEqualTo("record 0: 10 min ahead");
    }

    @Test
    void keepsGarbageWholeWithNullsForWhatItNeverSaid() {
        String source = "mqtt:" + UUID.randomUUID();
        byte[] raw = new byte[16_384 + 1];
        SigningDevice.RANDOM.nextBytes(raw);
        quarantine.put(new QuarantineEntry(ReasonCode.of(ErrorCode.MALFORMED_CBOR), raw, Optional.empty(), false,
                Optional.empty(), -1, -1, "t/x/d/y/up", source, RECEIVED, "not CBOR"));

        Row row = single(source);
        assertThat(row.getString("reason")).isEqualTo("MALFORMED_CBOR");
        assertThat(row.getBuffer("raw").getBytes()).isEqualTo(raw);
        assertThat(row.getString("claimed_device")).isNull();
        assertThat(row.getBoolean("authenticated")).isFalse();
        assertThat(row.getValue("kid")).isNull();
        assertThat(row.getValue("boot")).isNull();
        assertThat(row.getValue("seq")).isNull();
    }

    @Test
    void eachPutIsItsOwnRow() {
        String source = "mqtt:" + UUID.randomUUID();
        QuarantineEntry entry = new QuarantineEntry(ReasonCode.of(ErrorCode.BAD_SIGNATURE), new byte[] {1}, Optional.of("dev-x"),
                false, Optional.of("00"), 1, 2, "t/a/d/dev-x/up", source, RECEIVED, "signature does not verify");
        quarantine.put(entry);
        quarantine.put(entry);

        assertThat(rows(source)).hasSize(2);
    }

    private Row single(String source) {
        List<Row> rows = rows(source);
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    private List<Row> rows(String source) {
        return new Registry(pool).rows("SELECT * FROM quarantine WHERE source = $1 ORDER BY id", source);
    }
}
