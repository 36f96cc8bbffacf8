package io.sensorproof.gateway.security;

import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.audit.AuditAction;
import io.sensorproof.gateway.audit.AuditEvent;
import io.sensorproof.gateway.audit.AuditLog;
import io.sensorproof.gateway.registry.TenantKind;
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
 * listing and revocation (each change audited in its own transaction). The SQL client rather than Hibernate because authentication runs in a
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
    private static final String COLUMNS = "id, label, role, tenant_id, created_at, revoked_at";

    private final Pool pool;
    private final AuditLog audit;
    private final SecureRandom random = new SecureRandom();

    ApiKeyStore(Pool pool, AuditLog audit) {
        this.pool = pool;
        this.audit = audit;
    }

    /** A stored key as listed by the API (no secret, no hash); {@code tenant} null for platform keys. */
    public record ApiKeyView(long id, String label, String role, String tenant, Instant createdAt, Instant revokedAt) {
    }

    /** A key just created: the only time its secret exists outside the caller's hands. */
    public record CreatedApiKey(long id, String label, String role, String tenant, Instant createdAt, String key) {
        @Override
        public String toString() {
            return "CreatedApiKey[id=" + id + ", label=" + label + ", role=" + role + ", tenant=" + tenant + "]";
        }
    }

    /** The active key whose hash matches {@code presented}, if any. */
    public Uni<Optional<ApiKeyPrincipal>> authenticate(String presented) {
        if (!ApiKeySecrets.isWellFormed(presented)) {
            return Uni.createFrom().item(Optional.empty());
        }
        return pool.preparedQuery("SELECT id, label, role, tenant_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL")
                .execute(Tuple.of(Buffer.buffer(ApiKeySecrets.hash(presented))))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    // An unknown role (written by a newer version) grants nothing.
                    return ApiKeyRole.fromLabel(row.getString("role"))
                            .map(role -> new ApiKeyPrincipal(row.getLong("id"), row.getString("label"), role,
                                    row.getString("tenant_id")));
                });
    }

    /**
     * Creates a key with {@code label}, {@code role} and {@code tenant} (null for platform keys), and
     * its audit entry by {@code actor}, in one transaction; the result holds the secret.
     *
     * @throws ApiException 404 {@code TENANT_NOT_FOUND}; 409 {@code TENANT_KIND_MISMATCH} when the
     *     tenant's kind does not fit the role
     */
    public Uni<CreatedApiKey> create(String label, ApiKeyRole role, String tenant, ApiKeyPrincipal actor) {
        return pool.withTransaction(connection -> requireTenantFor(connection, role, tenant)
                .chain(() -> insert(connection, label, role, tenant))
                .call(created -> audit.append(connection, AuditEvent.by(actor, AuditAction.API_KEY_CREATED, tenant,
                        String.valueOf(created.id()), Map.of("label", label, "role", role.label())))));
    }

    /** Keys, oldest first, revoked ones included: all of them, or those of {@code tenant} when present. */
    public Uni<List<ApiKeyView>> list(Optional<String> tenant) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM api_keys WHERE $1::text IS NULL OR tenant_id = $1 ORDER BY id")
                .execute(Tuple.of(tenant.orElse(null)))
                .map(rows -> {
                    List<ApiKeyView> views = new ArrayList<>();
                    for (Row row : rows) {
                        views.add(view(row));
                    }
                    return views;
                });
    }

    /**
     * Revokes key {@code id} for {@code actor} (idempotent: a revoked key keeps its first revocation
     * time), with its audit entry in the same transaction. An actor that is not an operator sees only
     * its own tenant's keys; others answer as missing.
     *
     * @throws ApiException 404 {@code API_KEY_NOT_FOUND}; 409 {@code LAST_ACTIVE_API_KEY} when it is
     *     the last active operator key, as platform administration would then be locked for good
     */
    public Uni<ApiKeyView> revoke(long id, ApiKeyPrincipal actor) {
        return pool.withTransaction(connection -> lock(connection)
                .chain(() -> connection.preparedQuery("SELECT " + COLUMNS + " FROM api_keys WHERE id = $1").execute(Tuple.of(id)))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().failure(notFound(id));
                    }
                    ApiKeyView key = view(rows.iterator().next());
                    if (actor.role() != ApiKeyRole.OPERATOR && !actor.belongsTo(key.tenant())) {
                        return Uni.createFrom().failure(notFound(id));
                    }
                    if (key.revokedAt() != null) {
                        return Uni.createFrom().item(key);
                    }
                    return connection.preparedQuery("SELECT count(*) FROM api_keys WHERE revoked_at IS NULL AND id <> $1"
                                    + " AND role = $2")
                            .execute(Tuple.of(id, ApiKeyRole.OPERATOR.label()))
                            .chain(others -> {
                                if (key.role().equals(ApiKeyRole.OPERATOR.label()) && others.iterator().next().getLong(0) == 0) {
                                    return Uni.createFrom().failure(ApiException.conflict("LAST_ACTIVE_API_KEY",
                                            "API key " + id + " is the last active operator key; create another one before"
                                                    + " revoking it", Map.of("id", id)));
                                }
                                return connection.preparedQuery("UPDATE api_keys SET revoked_at = now() WHERE id = $1"
                                                + " RETURNING " + COLUMNS)
                                        .execute(Tuple.of(id))
                                        .map(updated -> view(updated.iterator().next()))
                                        .call(revoked -> audit.append(connection, AuditEvent.by(actor,
                                                AuditAction.API_KEY_REVOKED, revoked.tenant(), String.valueOf(id),
                                                Map.of("label", revoked.label(), "role", revoked.role()))));
                            });
                }));
    }

    /**
     * Creates an operator key with {@code label} when the table is empty, in one transaction under
     * the advisory lock, audited as an action of the gateway itself; empty when any key (even a
     * revoked one) exists.
     */
    public Uni<Optional<CreatedApiKey>> createIfNoneExists(String label) {
        return pool.withTransaction(connection -> lock(connection)
                .chain(() -> connection.query("SELECT EXISTS (SELECT 1 FROM api_keys)").execute())
                .chain(rows -> rows.iterator().next().getBoolean(0)
                        ? Uni.createFrom().item(Optional.<CreatedApiKey>empty())
                        : insert(connection, label, ApiKeyRole.OPERATOR, null)
                                .call(created -> audit.append(connection, new AuditEvent(AuditEvent.Actor.system("gateway start"),
                                        AuditAction.API_KEY_CREATED, null, String.valueOf(created.id()),
                                        Map.of("label", label, "role", ApiKeyRole.OPERATOR.label(), "bootstrap", true))))
                                .map(Optional::of)));
    }

    private static Uni<Void> requireTenantFor(SqlConnection connection, ApiKeyRole role, String tenant) {
        if (tenant == null) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery("SELECT kind FROM tenants WHERE id = $1").execute(Tuple.of(tenant))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.notFound("TENANT_NOT_FOUND", "no tenant '" + tenant + "'", Map.of("tenant", tenant));
                    }
                    String kind = rows.iterator().next().getString(0);
                    Optional<TenantKind> required = role.tenantKind();
                    if (required.isPresent() && !required.get().label().equals(kind)) {
                        throw ApiException.conflict("TENANT_KIND_MISMATCH", "a " + role.label() + " key needs a tenant of kind '"
                                + required.get().label() + "'; tenant '" + tenant + "' is a " + kind,
                                Map.of("tenant", tenant, "kind", kind, "role", role.label()));
                    }
                    return null;
                });
    }

    private Uni<CreatedApiKey> insert(SqlConnection connection, String label, ApiKeyRole role, String tenant) {
        String key = ApiKeySecrets.generate(random);
        return connection.preparedQuery("INSERT INTO api_keys (key_hash, label, role, tenant_id) VALUES ($1, $2, $3, $4)"
                        + " RETURNING id, created_at")
                .execute(Tuple.of(Buffer.buffer(ApiKeySecrets.hash(key)), label, role.label(), tenant))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new CreatedApiKey(row.getLong("id"), label, role.label(), tenant,
                            row.getOffsetDateTime("created_at").toInstant(), key);
                });
    }

    private static ApiException notFound(long id) {
        return ApiException.notFound("API_KEY_NOT_FOUND", "no API key " + id, Map.of("id", id));
    }

    private static Uni<RowSet<Row>> lock(SqlConnection connection) {
        return connection.preparedQuery("SELECT 1 FROM pg_advisory_xact_lock($1)").execute(Tuple.of(KEYS_LOCK));
    }

    private static ApiKeyView view(Row row) {
        OffsetDateTime revoked = row.getOffsetDateTime("revoked_at");
        return new ApiKeyView(row.getLong("id"), row.getString("label"), row.getString("role"), row.getString("tenant_id"),
                row.getOffsetDateTime("created_at").toInstant(), revoked == null ? null : revoked.toInstant());
    }
}
