package io.sensorproof.gateway.persistence;

import io.sensorproof.gateway.core.Quarantine;
import io.sensorproof.gateway.core.QuarantineEntry;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The {@link Quarantine} on PostgreSQL: one row in {@code quarantine} per refused message, raw bytes
 * whole, committed before {@link #put(QuarantineEntry)} returns; any failure throws. The port takes
 * one entry per call, so each entry is its own (autocommitted) INSERT.
 *
 * <p>Besides the V1 columns it fills those added in V2: {@code authenticated} (whether
 * {@code claimed_device} is proven by the signature or only claimed), {@code kid}, {@code boot}
 * and {@code seq} (NULL when the message did not decode that far).
 */
@ApplicationScoped
public class PgQuarantine implements Quarantine {
    static final String INSERT = """
            INSERT INTO quarantine (reason, raw, claimed_device, topic, source, received_at, detail, authenticated, kid,
                                    boot, seq)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)""";

    private final Pool pool;
    private final Duration timeout;

    @Inject
    PgQuarantine(Pool pool, PersistenceSettings settings) {
        this(pool, settings.storeTimeout());
    }

    PgQuarantine(Pool pool, Duration timeout) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public void put(QuarantineEntry entry) {
        Objects.requireNonNull(entry, "entry");
        Tuple params = Tuple.tuple()
                .addValue(entry.reason().name())
                .addValue(Buffer.buffer(entry.raw()))
                .addValue(entry.claimedDevice().orElse(null))
                .addValue(entry.topic())
                .addValue(entry.sourceConnectionId())
                .addValue(PgMessageStore.utc(entry.receivedAt()))
                .addValue(entry.detail())
                .addValue(entry.authenticated())
                .addValue(entry.kidHex().map(hex -> Buffer.buffer(HexFormat.of().parseHex(hex))).orElse(null))
                .addValue(entry.boot() < 0 ? null : entry.boot())
                .addValue(entry.seq() < 0 ? null : entry.seq());
        Blocking.await(pool.preparedQuery(INSERT).execute(params), timeout, "quarantine " + entry.reason().name());
    }
}
