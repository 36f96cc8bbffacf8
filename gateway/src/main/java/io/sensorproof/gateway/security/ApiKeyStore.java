package io.sensorproof.gateway.security;

import io.sensorproof.gateway.api.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Table {@code api_keys} through the reactive SQL client: authentication by hash, creation,
 * listing and revocation. The SQL client rather than Hibernate because authentication runs in a
 * request filter and the bootstrap at startup, outside any Hibernate Reactive session.
 *
 * <p>Changes that depend on the set of keys (bootstrap when empty, never revoking the last active
 * key) take a transaction-scoped advisory lock, so concurrent gateway replicas cannot both pass
 * the check.
 */
@ApplicationScoped
public class ApiKeyStore {
    /** Advisory lock serialising changes to the set of keys ("spk-keys" as a number). */
    static final long KEYS_LOCK = 0x73706b2d6b657973L;

    private final Pool pool;
    private final SecureRandom random = new SecureRandom();

    ApiKeyStore(Pool pool) {
        this.pool = pool;
    }

    /** A stored key as listed by the API (no secret, no hash). */
    public record ApiKeyView(long id, String label, String role, Instant createdAt, Instant revokedAt) {
    }

    /** A key just created: the only time its secret exists outside the caller's hands. */
    public record CreatedApiKey(long id, String label, String role, Instant createdAt, String key) {
        @Override
        public String toString() {
            return "CreatedApiKey[id=" + id + ", label=" + label + ", role=" + role + "]";
        }
    }

    /** The active key whose hash matches {@code presented}, if any. */
    public Uni<Optional<ApiKeyPrincipal>> authenticate(String presented) {
        if (!ApiKeySecrets.isWellFormed(presented)) {
            return Uni.createFrom().item(Optional.empty());
        }
        return pool.preparedQuery("SELECT id, label, role FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL")
                .execute(Tuple.of(Buffer.buffer(ApiKeySecrets.hash(presented))))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    // An unknown role (written by a newer version) grants nothing.
                    return ApiKeyRole.fromLabel(row.getString("role"))
                            .map(role -> new ApiKeyPrincipal(row.getLong("id"), row.getString("label"), role));
                });
    }

    /** Creates a key with {@code label} and {@code role}; the result holds the secret. */
    public Uni<CreatedApiKey> create(String label, ApiKeyRole role) {
        return pool.withConnection(connection -> insert(connection, label, role));
    }

    /** All keys, oldest first, revoked ones included. */
    public Uni<List<ApiKeyView>> list() {
        return pool.query("SELECT id, label, role, created_at, revoked_at FROM api_keys ORDER BY id").execute()
                .map(rows -> {
                    List<ApiKeyView> views = new ArrayList<>();
                    for (Row row : rows) {
                        views.add(view(row));
                    }
                    return views;
                });
    }

    /**
     * Revokes key {@code id} (idempotent: a revoked key keeps its first revocation time).
     *
     * @throws ApiException 404 {@code API_KEY_NOT_FOUND}; 409 {@code LAST_ACTIVE_API_KEY} when it is
     *     the last active key, as the API would then be locked for good
     */
    public Uni<ApiKeyView> revoke(long id) {
        return pool.withTransaction(connection -> lock(connection)
                .chain(() -> connection.preparedQuery("SELECT id, label, role, created_at, revoked_at FROM api_keys WHERE id = $1")
                        .execute(Tuple.of(id)))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().failure(ApiException.notFound("API_KEY_NOT_FOUND",
                                "no API key " + id, Map.of("id", id)));
                    }
                    ApiKeyView key = view(rows.iterator().next());
                    if (key.revokedAt() != null) {
                        return Uni.createFrom().item(key);
                    }
                    return connection.preparedQuery("SELECT count(*) FROM api_keys WHERE revoked_at IS NULL AND id <> $1")
                            .execute(Tuple.of(id))
                            .chain(others -> {
                                if (others.iterator().next().getLong(0) == 0) {
                                    return Uni.createFrom().failure(ApiException.conflict("LAST_ACTIVE_API_KEY",
                                            "API key " + id + " is the last active key; create another one before revoking it",
                                            Map.of("id", id)));
                                }
                                return connection.preparedQuery("UPDATE api_keys SET revoked_at = now() WHERE id = $1"
                                                + " RETURNING id, label, role, created_at, revoked_at")
                                        .execute(Tuple.of(id))
                                        .map(updated -> view(updated.iterator().next()));
                            });
                }));
    }

    /**
     * Creates an operator key with {@code label} when the table is empty, in one transaction under
     * the advisory lock; empty when any key (even a revoked one) exists.
     */
    public Uni<Optional<CreatedApiKey>> createIfNoneExists(String label) {
        return pool.withTransaction(connection -> lock(connection)
                .chain(() -> connection.query("SELECT EXISTS (SELECT 1 FROM api_keys)").execute())
                .chain(rows -> rows.iterator().next().getBoolean(0)
                        ? Uni.createFrom().item(Optional.<CreatedApiKey>empty())
                        : insert(connection, label, ApiKeyRole.OPERATOR).map(Optional::of)));
    }

    private Uni<CreatedApiKey> insert(SqlConnection connection, String label, ApiKeyRole role) {
        String key = ApiKeySecrets.generate(random);
        return connection.preparedQuery("INSERT INTO api_keys (key_hash, label, role) VALUES ($1, $2, $3)"
                        + " RETURNING id, created_at")
                .execute(Tuple.of(Buffer.buffer(ApiKeySecrets.hash(key)), label, role.label()))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new CreatedApiKey(row.getLong("id"), label, role.label(),
                            row.getOffsetDateTime("created_at").toInstant(), key);
                });
    }

    private static Uni<RowSet<Row>> lock(SqlConnection connection) {
        return connection.preparedQuery("SELECT 1 FROM pg_advisory_xact_lock($1)").execute(Tuple.of(KEYS_LOCK));
    }

    private static ApiKeyView view(Row row) {
        OffsetDateTime revoked = row.getOffsetDateTime("revoked_at");
        return new ApiKeyView(row.getLong("id"), row.getString("label"), row.getString("role"),
                row.getOffsetDateTime("created_at").toInstant(), revoked == null ? null : revoked.toInstant());
    }
}
