package io.sensorproof.gateway.persistence;

import io.sensorproof.gateway.core.TransportPeer;
import io.sensorproof.gateway.core.coap.TransportKeyDirectory;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link TransportKeyDirectory} on {@code device_transport_keys} (V7): the DTLS transport key
 * of an SM2 device names the device. Only active devices answer, so a suspended or revoked device's
 * transport key fails its next handshake. No cache: it is asked once per DTLS handshake, not per
 * message.
 */
@ApplicationScoped
public class PgTransportKeyDirectory implements TransportKeyDirectory {
    static final String QUERY = "SELECT d.tenant_id, d.device_id FROM device_transport_keys k"
            + " JOIN devices d ON d.device_id = k.device_id WHERE k.kid = $1 AND d.status = 'ACTIVE'";

    private final Pool pool;
    private final Duration timeout;

    @Inject
    PgTransportKeyDirectory(Pool pool, PersistenceSettings settings) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.timeout = settings.storeTimeout();
    }

    @Override
    public Optional<TransportPeer> byTransportKid(byte[] kid) {
        Objects.requireNonNull(kid, "kid");
        RowIterator<Row> rows = Blocking.await(pool.preparedQuery(QUERY).execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(kid))),
                timeout, "look up a DTLS transport key").iterator();
        if (!rows.hasNext()) {
            return Optional.empty();
        }
        Row row = rows.next();
        return Optional.of(new TransportPeer(row.getString("tenant_id"), row.getString("device_id")));
    }
}
