package io.sensorproof.gateway.persistence;

import io.sensorproof.gateway.core.DeviceDirectory;
import io.sensorproof.gateway.core.DeviceStatus;
import io.sensorproof.gateway.core.RegisteredDevice;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.VerificationKey;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The {@link DeviceDirectory} on the {@code device_keys} table (every key a device ever had, ADR
 * 010) joined with {@code devices}, with a short-lived cache: a kid's answer
 * (found or not) is reused for {@code sensorproof.persistence.device-cache-ttl} (1 s), so a
 * suspension, revocation or new registration takes effect within that time on every replica,
 * without any invalidation messages between them. The cache takes the database round trip off the
 * per-message path (see the benchmark in the report); on reload an unchanged SPKI reuses the
 * already parsed key. Unknown kids are cached too, so a flood of garbage under one kid costs one
 * query per TTL; the number of entries is bounded.
 *
 * <p>A key answers with its device's status, except that a revoked key, or a key replaced by a
 * re-key whose acceptance period ({@code accepted_until}) is over, answers {@code REVOKED} for an
 * active device: messages already signed with a replaced key (still in the agent's outbox) are
 * accepted until then. A revoked key also carries its revocation time, so that the pipeline can tell
 * a message signed with it after the revocation ({@code REVOKED_KEY}, tamper evidence) from a forgery.
 *
 * <p>A hybrid device (ADR 029, V26) is found by its classical kid only, with the ML-DSA key of its
 * group ({@code device_hybrid_keys}) as {@link RegisteredDevice#postQuantumKey()}; the ML-DSA kid
 * alone finds nothing, so its single-signature messages are {@code UNKNOWN_KEY}.
 *
 * <p>A row whose SPKI does not parse, does not hash to its kid, or whose {@code alg} column
 * disagrees with the key makes the lookup throw (the pipeline defers the message): the registry is
 * inconsistent and guessing would verify with the wrong key.
 */
@ApplicationScoped
public class PgDeviceDirectory implements DeviceDirectory {
    private static final Logger LOG = Logger.getLogger(PgDeviceDirectory.class);
    private static final String COLUMNS_AND_JOINS = "SELECT k.kid, d.tenant_id, d.device_id, k.spki, k.alg, d.status, k.revoked_at,"
            + " (k.revoked_at IS NOT NULL OR COALESCE(k.accepted_until <= now(), false)) AS key_ended,"
            + " h.spki AS pq_spki, h.alg AS pq_alg"
            + " FROM device_keys k JOIN devices d ON d.device_id = k.device_id"
            + " LEFT JOIN device_hybrid_keys h ON h.classical_kid = k.kid";
    static final String SELECT = COLUMNS_AND_JOINS + " WHERE k.kid = $1";
    /** The same for the kids of a batch ({@link #prefetch}). */
    static final String SELECT_MANY = COLUMNS_AND_JOINS + " WHERE k.kid = ANY($1)";

    private final Pool pool;
    private final Duration timeout;
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier ticker;
    private final Map<ByteBuffer, Cached> cache = new ConcurrentHashMap<>();

    /** A lookup result and when it was read; {@code device} null means no such kid. */
    private record Cached(RegisteredDevice device, long loadedAt) {
    }

    @Inject
    PgDeviceDirectory(Pool pool, PersistenceSettings settings) {
        this(pool, settings.storeTimeout(), settings.deviceCacheTtl(), settings.deviceCacheMaxEntries(), System::nanoTime);
    }

    PgDeviceDirectory(Pool pool, Duration timeout, Duration ttl, int maxEntries, LongSupplier ticker) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (ttl.isNegative() || maxEntries < 1) {
            throw new IllegalArgumentException("device cache ttl must be >= 0 and max entries >= 1");
        }
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    @Override
    public Optional<RegisteredDevice> byKid(byte[] kid) {
        Objects.requireNonNull(kid, "kid");
        ByteBuffer key = ByteBuffer.wrap(kid.clone());
        long now = ticker.getAsLong();
        Cached cached = cache.get(key);
        if (cached != null && now - cached.loadedAt() < ttlNanos) {
            return Optional.ofNullable(cached.device());
        }
        RegisteredDevice device = load(kid, cached == null ? null : cached.device());
        if (ttlNanos > 0) {
            if (cache.size() >= maxEntries) {
                evict(now);
            }
            cache.put(key, new Cached(device, now));
        }
        return Optional.ofNullable(device);
    }

    /**
     * Loads, in one query, every kid of {@code kids} that has no fresh cache entry, and caches the
     * answers (found or not) as {@link #byKid} would. A kid whose row does not make a device (see the
     * class comment) is left out, so that its own lookup reports it; a failed query is left to the
     * lookups too. Without a cache (TTL 0) there is nothing to keep and nothing is read.
     */
    @Override
    public void prefetch(Collection<byte[]> kids) {
        if (ttlNanos == 0 || kids.isEmpty()) {
            return;
        }
        long now = ticker.getAsLong();
        Map<ByteBuffer, byte[]> missing = new LinkedHashMap<>();
        for (byte[] kid : kids) {
            ByteBuffer key = ByteBuffer.wrap(kid);
            Cached cached = cache.get(key);
            if (cached == null || now - cached.loadedAt() >= ttlNanos) {
                missing.putIfAbsent(ByteBuffer.wrap(kid.clone()), kid.clone());
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        Buffer[] wanted = missing.values().stream().map(Buffer::buffer).toArray(Buffer[]::new);
        List<Row> rows;
        try {
            rows = Blocking.await(pool.preparedQuery(SELECT_MANY).execute(Tuple.of(wanted)).map(set -> {
                List<Row> all = new ArrayList<>(set.size());
                set.forEach(all::add);
                return all;
            }), timeout, "look up the devices of a batch by kid");
        } catch (RuntimeException e) {
            LOG.debugf(e, "prefetch of %d kids failed; each lookup will query", missing.size());
            return;
        }
        Map<ByteBuffer, RegisteredDevice> loaded = new HashMap<>();
        Set<ByteBuffer> broken = new HashSet<>();
        for (Row row : rows) {
            byte[] kid = row.getBuffer("kid").getBytes();
            ByteBuffer key = ByteBuffer.wrap(kid);
            Cached previous = cache.get(key);
            try {
                loaded.put(key, device(row, kid, previous == null ? null : previous.device()));
            } catch (RuntimeException e) {
                broken.add(key);
            }
        }
        for (ByteBuffer key : missing.keySet()) {
            if (broken.contains(key)) {
                continue;
            }
            if (cache.size() >= maxEntries) {
                evict(now);
            }
            cache.put(key, new Cached(loaded.get(key), now));
        }
    }

    private RegisteredDevice load(byte[] kid, RegisteredDevice previous) {
        Row row = Blocking.await(pool.preparedQuery(SELECT).execute(Tuple.of(Buffer.buffer(kid))).map(rows -> {
            RowIterator<Row> it = rows.iterator();
            return it.hasNext() ? it.next() : null;
        }), timeout, "look up device by kid");
        return row == null ? null : device(row, kid, previous);
    }

    /** The device of one row of {@link #SELECT}; throws when the row is inconsistent (see the class comment). */
    private static RegisteredDevice device(Row row, byte[] kid, RegisteredDevice previous) {
        String deviceId = row.getString("device_id");
        byte[] spki = row.getBuffer("spki").getBytes();
        VerificationKey key = previous != null && previous.deviceId().equals(deviceId)
                && Arrays.equals(previous.key().spki(), spki) ? previous.key() : Keys.publicKeyFromSpki(spki);
        if (!Arrays.equals(key.kid(), kid)) {
            throw new IllegalStateException("device " + deviceId + ": registered kid does not match its key (kid " + key.kidHex() + ")");
        }
        if (!key.algorithm().label().equals(row.getString("alg"))) {
            throw new IllegalStateException("device " + deviceId + ": registered alg " + row.getString("alg") + " but the key is "
                    + key.algorithm().label());
        }
        DeviceStatus status = DeviceStatus.valueOf(row.getString("status"));
        if (status == DeviceStatus.ACTIVE && row.getBoolean("key_ended")) {
            // a revoked key, or a replaced key past its acceptance: refused like a revoked device
            status = DeviceStatus.REVOKED;
        }
        OffsetDateTime revokedAt = row.getOffsetDateTime("revoked_at");
        Optional<VerificationKey> postQuantum = Optional.empty();
        var pqSpki = row.getBuffer("pq_spki");
        if (pqSpki != null) {
            byte[] spkiBytes = pqSpki.getBytes();
            VerificationKey pq = previous != null && previous.postQuantumKey().isPresent()
                    && Arrays.equals(previous.postQuantumKey().get().spki(), spkiBytes) ? previous.postQuantumKey().get()
                    : Keys.publicKeyFromSpki(spkiBytes);
            if (!pq.algorithm().label().equals(row.getString("pq_alg"))) {
                throw new IllegalStateException("device " + deviceId + ": registered hybrid alg " + row.getString("pq_alg")
                        + " but the key is " + pq.algorithm().label());
            }
            postQuantum = Optional.of(pq);
        }
        return new RegisteredDevice(row.getString("tenant_id"), deviceId, key, status,
                Optional.ofNullable(revokedAt).map(OffsetDateTime::toInstant), postQuantum);
    }

    /** Number of cached kids. */
    int cacheSize() {
        return cache.size();
    }

    private void evict(long now) {
        cache.values().removeIf(c -> now - c.loadedAt() >= ttlNanos);
        if (cache.size() >= maxEntries) {
            // all fresh: a flood of kids; forget everything rather than grow
            cache.clear();
        }
    }
}
