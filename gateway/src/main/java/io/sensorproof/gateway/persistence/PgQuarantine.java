package io.sensorproof.gateway.persistence;

import io.sensorproof.gateway.core.Quarantine;
import io.sensorproof.gateway.core.QuarantineEntry;
import io.sensorproof.gateway.core.TamperReport;
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
 *
 * <p>An entry that carries tamper evidence ({@link QuarantineEntry#tamper()}) is written with its
 * {@code tamper_evidence} row (V13) in one transaction: the evidence is durable exactly when the
 * refusal is, before the pipeline decides anything else, and the rules engine picks it up from there
 * ({@code CollateralWatch}). Writing it with the rule state instead would lose it in a crash between
 * the refusal and the evaluation, which runs later on another thread (or replica).
 */
@ApplicationScoped
public class PgQuarantine implements Quarantine {
    static final String INSERT = """
            INSERT INTO quarantine (reason, raw, claimed_device, topic, source, received_at, detail, authenticated, kid,
                                    boot, seq)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)""";

    /** A replay of the same message is the same evidence: the first row stays (V13's unique key). */
    static final String INSERT_EVIDENCE = """
            INSERT INTO tamper_evidence (device_id, kind, kid, boot, seq, digest, received_at, quarantine_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (device_id, kind, kid, boot, seq, digest) DO NOTHING""";

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
        if (entry.tamper().isEmpty()) {
            Blocking.await(pool.preparedQuery(INSERT).execute(params), timeout, "quarantine " + entry.reason().name());
            return;
        }
        TamperReport t = entry.tamper().get();
        Blocking.await(pool.withTransaction(c -> c.preparedQuery(INSERT + " RETURNING id").execute(params)
                .chain(rows -> c.preparedQuery(INSERT_EVIDENCE).execute(Tuple.tuple()
                        .addValue(t.deviceId())
                        .addValue(t.reason().name())
                        .addValue(Buffer.buffer(HexFormat.of().parseHex(t.kidHex())))
                        .addValue(t.boot())
                        .addValue(t.seq())
                        .addValue(Buffer.buffer(t.digest().bytes()))
                        .addValue(PgMessageStore.utc(t.receivedAt()))
                        .addValue(rows.iterator().next().getLong(0))))), timeout,
                "quarantine " + entry.reason().name() + " with tamper evidence");
    }
}
