package io.sensorproof.gateway.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.core.DeviceStatus;
import io.sensorproof.gateway.core.RegisteredDevice;
import io.sensorproof.gateway.core.StatusSink;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.status.AgentStatus;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link PgStatusSink#recordAll}: the statuses of a batch in one transaction (ADR 052), with the same
 * rule as one by one — the newest status per device wins, a replayed older one changes nothing.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class PgStatusSinkIT {
    private static final Instant NOW = Instant.parse("2026-12-05T08:00:00Z");

    @Inject
    PgStatusSink sink;
    @Inject
    Pool pool;

    private static RegisteredDevice registered(SigningDevice d) {
        return new RegisteredDevice(Registry.TENANT, d.id, d.key.verificationKey(), DeviceStatus.ACTIVE);
    }

    private static AgentStatus status(SigningDevice d, long boot, Instant deviceTime, long outboxDepth) {
        return new AgentStatus(d.id, boot, deviceTime.toEpochMilli(), outboxDepth, 100 * outboxDepth, Optional.empty(), Optional.empty(), 0, 0);
    }

    private Row row(SigningDevice d) {
        return pool.preparedQuery("SELECT boot, outbox_depth, received_at FROM device_status WHERE device_id = $1").executeAndAwait(Tuple.of(d.id))
                .iterator().next();
    }

    @Test
    void aBatchKeepsTheNewestStatusOfEachDevice() {
        Registry registry = new Registry(pool);
        SigningDevice one = registry.newDevice(SignatureAlgorithm.ES256);
        SigningDevice two = registry.newDevice(SignatureAlgorithm.EDDSA);

        sink.recordAll(List.of(
                new StatusSink.Entry(registered(one), status(one, 2, NOW, 5), NOW),
                new StatusSink.Entry(registered(two), status(two, 1, NOW, 7), NOW),
                new StatusSink.Entry(registered(one), status(one, 1, NOW.plusSeconds(60), 9), NOW.plusSeconds(1)),
                new StatusSink.Entry(registered(one), status(one, 2, NOW.plusSeconds(30), 6), NOW.plusSeconds(2))));

        assertThat(row(one).getLong("boot")).isEqualTo(2);
        assertThat(row(one).getLong("outbox_depth")).as("boot 2 at +30 s, not the older boot 1 replayed").isEqualTo(6);
        assertThat(row(two).getLong("outbox_depth")).isEqualTo(7);
    }

    @Test
    void aBatchIsOneTransactionAFailingStatusRecordsNoneOfIt() {
        Registry registry = new Registry(pool);
        SigningDevice known = registry.newDevice(SignatureAlgorithm.ES256);
        SigningDevice unregistered = SigningDevice.fresh(Registry.TENANT, SignatureAlgorithm.ES256);

        assertThatThrownBy(() -> sink.recordAll(List.of(
                new StatusSink.Entry(registered(known), status(known, 1, NOW, 1), NOW),
                new StatusSink.Entry(registered(unregistered), status(unregistered, 1, NOW, 1), NOW))))
                .hasMessageContaining("device_status");

        assertThat(pool.preparedQuery("SELECT count(*) FROM device_status WHERE device_id = $1").executeAndAwait(Tuple.of(known.id))
                .iterator().next().getLong(0)).isZero();
    }
}
