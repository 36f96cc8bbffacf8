package io.sensorproof.gateway.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Appends administrative actions to {@code audit_log} inside the caller's transaction, so an
 * action and its entry commit or roll back together. Two entry points for the two ways the
 * gateway writes: {@link #append(SqlConnection, AuditEvent)} for the reactive SQL client (call it
 * on the transaction's connection), {@link #appendInSession(AuditEvent)} for Hibernate Reactive
 * (call it inside {@code @WithTransaction}). The table refuses updates and deletes.
 */
@ApplicationScoped
public class AuditLog {
    static final String INSERT = "INSERT INTO audit_log (actor_key_id, actor_label, actor_role, actor_tenant_id, action,"
            + " tenant_id, subject, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb) RETURNING id";
    // Hibernate's native queries bind by name; nullable texts go in as '' and come out as NULL, so no
    // parameter is ever bound as an untyped null.
    private static final String INSERT_IN_SESSION = "INSERT INTO audit_log (actor_key_id, actor_label, actor_role,"
            + " actor_tenant_id, action, tenant_id, subject, detail) VALUES (:keyId, :label, :role, NULLIF(:actorTenant, ''),"
            + " :action, NULLIF(:tenant, ''), NULLIF(:subject, ''), CAST(CAST(:detail AS text) AS jsonb))";

    private final ObjectMapper json;

    AuditLog(ObjectMapper json) {
        this.json = json;
    }

    /** Appends {@code event} on {@code connection} (in its transaction); completes with the entry's id. */
    public Uni<Long> append(SqlConnection connection, AuditEvent event) {
        AuditEvent.Actor actor = event.actor();
        Tuple params = Tuple.tuple()
                .addValue(actor.keyId())
                .addString(actor.label())
                .addString(actor.role())
                .addString(actor.tenantId())
                .addString(event.action().name())
                .addString(event.tenantId())
                .addString(event.subject())
                .addString(detailJson(event));
        return connection.preparedQuery(INSERT).execute(params).map(rows -> rows.iterator().next().getLong(0));
    }

    /**
     * Appends {@code event} in the current Hibernate Reactive session's transaction. Only for
     * actions of API keys (the key id is required).
     */
    public Uni<Void> appendInSession(AuditEvent event) {
        AuditEvent.Actor actor = event.actor();
        if (actor.keyId() == null) {
            throw new IllegalArgumentException("appendInSession records API key actions; use append for the gateway's own");
        }
        return Panache.getSession().chain(session -> session.createNativeQuery(INSERT_IN_SESSION)
                .setParameter("keyId", actor.keyId())
                .setParameter("label", actor.label())
                .setParameter("role", actor.role())
                .setParameter("actorTenant", orEmpty(actor.tenantId()))
                .setParameter("action", event.action().name())
                .setParameter("tenant", orEmpty(event.tenantId()))
                .setParameter("subject", orEmpty(event.subject()))
                .setParameter("detail", detailJson(event))
                .executeUpdate()).replaceWithVoid();
    }

    private String detailJson(AuditEvent event) {
        try {
            return json.writeValueAsString(event.detail());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit detail is not serialisable as JSON: " + event.detail().keySet(), e);
        }
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
