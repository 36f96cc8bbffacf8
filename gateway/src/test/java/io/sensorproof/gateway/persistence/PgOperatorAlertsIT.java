package io.sensorproof.gateway.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.core.ConflictAlert;
import io.sensorproof.gateway.core.ContentDigest;
import io.sensorproof.gateway.core.MessageKey;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link PgOperatorAlerts}: one open alert per conflicting content, with both digests. */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class PgOperatorAlertsIT {
    private static final Instant RECEIVED = Instant.parse("2025-11-24T16:00:00.5Z");

    @Inject
    PgOperatorAlerts alerts;
    @Inject
    Pool pool;

    private static ContentDigest digest(int fill) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) fill);
        return ContentDigest.of(b);
    }

    @Test
    void conflictingDuplicateIsARowWithBothDigests() {
        String device = SigningDevice.fresh("t", io.sensorproof.protocol.cose.SignatureAlgorithm.EDDSA).id;
        alerts.conflictingDuplicate(new ConflictAlert("acme", new MessageKey(device, 3, 4_294_967_295L), digest(1), digest(2),
                "mqtt:conn-1", RECEIVED));

        List<Row> rows = rows(device);
        assertThat(rows).hasSize(1);
        Row row = rows.get(0);
        assertThat(row.getString("kind")).isEqualTo("CONFLICTING_DUPLICATE");
        assertThat(row.getOffsetDateTime("raised_at")).isEqualTo(OffsetDateTime.ofInstant(RECEIVED, ZoneOffset.UTC));
        assertThat(row.getValue("acknowledged_at")).isNull();
        JsonObject detail = (JsonObject) row.getJson("detail");
        assertThat(detail.getString("tenant")).isEqualTo("acme");
        assertThat(detail.getLong("boot")).isEqualTo(3L);
        assertThat(detail.getLong("seq")).isEqualTo(4_294_967_295L);
        assertThat(detail.getString("storedDigest")).isEqualTo(digest(1).hex());
        assertThat(detail.getString("receivedDigest")).isEqualTo(digest(2).hex());
        assertThat(detail.getString("source")).isEqualTo("mqtt:conn-1");
        assertThat(detail.getString("receivedAt")).isEqualTo(RECEIVED.toString());
        assertThat(detail.getLong("occurrences")).isEqualTo(1L);
    }

    @Test
    void replayedConflictCountsOnTheOpenAlertAndOpensANewOneOnceAcknowledged() {
        String device = SigningDevice.fresh("t", io.sensorproof.protocol.cose.SignatureAlgorithm.EDDSA).id;
        MessageKey key = new MessageKey(device, 1, 1);
        alerts.conflictingDuplicate(new ConflictAlert("acme", key, digest(1), digest(2), "mqtt:a", RECEIVED));
        alerts.conflictingDuplicate(new ConflictAlert("acme", key, digest(1), digest(2), "mqtt:b", RECEIVED.plusSeconds(1)));
        alerts.conflictingDuplicate(new ConflictAlert("acme", key, digest(1), digest(3), "mqtt:c", RECEIVED.plusSeconds(2)));

        List<Row> rows = rows(device);
        assertThat(rows).hasSize(2);
        JsonObject replayed = (JsonObject) rows.get(0).getJson("detail");
        assertThat(replayed.getLong("occurrences")).isEqualTo(2L);
        assertThat(replayed.getString("source")).isEqualTo("mqtt:a");
        assertThat(replayed.getString("lastSource")).isEqualTo("mqtt:b");
        assertThat(replayed.getString("lastReceivedAt")).isEqualTo(RECEIVED.plusSeconds(1).toString());
        assertThat(((JsonObject) rows.get(1).getJson("detail")).getString("receivedDigest")).isEqualTo(digest(3).hex());

        new Registry(pool).rows("UPDATE operator_alerts SET acknowledged_at = now() WHERE device_id = $1 RETURNING id", device);
        alerts.conflictingDuplicate(new ConflictAlert("acme", key, digest(1), digest(2), "mqtt:d", RECEIVED.plusSeconds(3)));

        assertThat(rows(device)).hasSize(3);
    }

    private List<Row> rows(String device) {
        return new Registry(pool).rows("SELECT * FROM operator_alerts WHERE device_id = $1 ORDER BY id", device);
    }
}
