package io.sensorproof.gateway.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.gateway.api.Page;
import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.security.Access;
import io.sensorproof.gateway.security.ApiKeyPrincipal;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The audit log, newest first, keyset-paged on the id: operator and regulator keys read every
 * entry; a tenant's keys read the entries about their own tenant.
 */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "audit")
public class AuditResource {
    private static final String CURSOR_KIND = "audit";

    private final Pool pool;
    private final Access access;
    private final ObjectMapper json;

    AuditResource(Pool pool, Access access, ObjectMapper json) {
        this.pool = pool;
        this.access = access;
        this.json = json;
    }

    /**
     * An audit entry: who (API key id, label, role and tenant; no key id for the gateway itself),
     * what, about which tenant and subject, when (transaction time), with details.
     */
    public record AuditEntryView(long id, Instant occurredAt, Long actorKeyId, String actorLabel, String actorRole,
            String actorTenant, String action, String tenant, String subject, JsonNode detail) {
    }

    @GET
    @Operation(summary = "Audit log of administrative actions, newest first, paged; operator and regulator keys"
            + " see all entries, other keys their own tenant's")
    public Uni<Page<AuditEntryView>> list(@Context SecurityContext security,
            @Parameter(description = "only entries about this tenant") @QueryParam("tenant") String tenant,
            @Parameter(description = "only this action, e.g. GRANT_GIVEN") @QueryParam("action") String action,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        ApiKeyPrincipal caller = access.caller(security);
        Optional<String> tenantFilter = Optional.ofNullable(tenant).filter(t -> !t.isEmpty());
        if (tenantFilter.isPresent()) {
            access.requireTenantRead(security, tenantFilter.get());
        } else if (!caller.role().readsEverything()) {
            tenantFilter = Optional.of(access.requireTenantRead(security, caller.tenantId()).tenantId());
        }
        Optional<AuditAction> actionFilter = Optional.ofNullable(action).filter(a -> !a.isEmpty()).map(AuditResource::action);
        int max = QueryParameters.limit(limit);
        Optional<Long> before = QueryParameters.decodeCursor(cursor, CURSOR_KIND, 1).map(key -> {
            try {
                return Long.parseLong(key.get(0));
            } catch (NumberFormatException e) {
                throw QueryParameters.badCursor(cursor);
            }
        });
        String sql = "SELECT id, occurred_at, actor_key_id, actor_label, actor_role, actor_tenant_id, action, tenant_id,"
                + " subject, detail::text AS detail FROM audit_log"
                + " WHERE ($1::text IS NULL OR tenant_id = $1) AND ($2::text IS NULL OR action = $2)"
                + " AND ($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $4";
        Tuple params = Tuple.tuple().addString(tenantFilter.orElse(null))
                .addString(actionFilter.map(Enum::name).orElse(null)).addValue(before.orElse(null)).addInteger(max + 1);
        return pool.preparedQuery(sql).execute(params).map(rows -> {
            List<AuditEntryView> items = new ArrayList<>();
            rows.forEach(row -> items.add(view(row)));
            return Page.of(items, max, last -> QueryParameters.encodeCursor(CURSOR_KIND, last.id()));
        });
    }

    private static AuditAction action(String value) {
        try {
            return AuditAction.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw QueryParameters.invalid("action", value, "one of " + Arrays.toString(AuditAction.values()));
        }
    }

    private AuditEntryView view(Row row) {
        JsonNode detail;
        try {
            detail = json.readTree(row.getString("detail"));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("audit_log.detail is not JSON", e);
        }
        return new AuditEntryView(row.getLong("id"), row.getOffsetDateTime("occurred_at").toInstant(),
                row.getLong("actor_key_id"), row.getString("actor_label"), row.getString("actor_role"),
                row.getString("actor_tenant_id"), row.getString("action"), row.getString("tenant_id"),
                row.getString("subject"), detail);
    }
}
