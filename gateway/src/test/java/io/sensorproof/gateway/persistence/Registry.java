package io.sensorproof.gateway.persistence;

import io.sensorproof.gateway.core.ContentDigest;
import io.sensorproof.gateway.core.MessageKey;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test access to the database: registers tenants and devices and reads back what was written. */
final class Registry {
    static final String TENANT = "persistence-it";

    private final Pool pool;

    Registry(Pool pool) {
        this.pool = pool;
    }

    /** A fresh device of {@link #TENANT}, registered ACTIVE with its real key. */
    SigningDevice newDevice(SignatureAlgorithm alg) {
        SigningDevice d = SigningDevice.fresh(TENANT, alg);
        register(d);
        return d;
    }

    void register(SigningDevice d) {
        pool.preparedQuery("INSERT INTO tenants (id, name) VALUES ($1, $1) ON CONFLICT DO NOTHING")
                .executeAndAwait(Tuple.of(d.tenant));
        var key = d.key.verificationKey();
        pool.preparedQuery("INSERT INTO devices (device_id, tenant_id, kid, spki, alg) VALUES ($1, $2, $3, $4, $5)")
                .executeAndAwait(Tuple.of(d.id, d.tenant, Buffer.buffer(key.kid()), Buffer.buffer(key.spki()), alg(d)));
    }

    static String alg(SigningDevice d) {
        SignatureAlgorithm a = d.key.algorithm();
        return a.label();
    }

    void setStatus(SigningDevice d, String status) {
        pool.preparedQuery("UPDATE devices SET status = $2 WHERE device_id = $1").executeAndAwait(Tuple.of(d.id, status));
    }

    Map<MessageKey, ContentDigest> stored(String deviceId) {
        Map<MessageKey, ContentDigest> found = new HashMap<>();
        for (Row row : pool.preparedQuery("SELECT boot, seq, content_digest FROM messages WHERE device_id = $1")
                .executeAndAwait(Tuple.of(deviceId))) {
            found.put(new MessageKey(deviceId, row.getLong(0), row.getLong(1)), ContentDigest.of(row.getBuffer(2).getBytes()));
        }
        return found;
    }

    long readingCount(String deviceId) {
        return pool.preparedQuery("SELECT count(*) FROM readings WHERE device_id = $1").executeAndAwait(Tuple.of(deviceId))
                .iterator().next().getLong(0);
    }

    List<Row> rows(String sql, Object... params) {
        List<Row> rows = new ArrayList<>();
        for (Row row : pool.preparedQuery(sql).executeAndAwait(Tuple.wrap(params))) {
            rows.add(row);
        }
        return rows;
    }
}
