package io.sensorproof.gateway.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.gateway.api.Page;
import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.security.Access;
import io.sensorproof.gateway.security.DeviceScope;
import io.sensorproof.protocol.ids.Identifiers;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
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
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Operator alerts, newest first, keyset-paged on the id (assigned in raise order). Operator and
 * regulator keys see every alert; other keys the alerts of devices they may read.
 */
@Path("/api/v1/alerts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "operations")
public class AlertResource {
    private static final String CURSOR_KIND = "alerts";
    private static final Pattern KIND = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final Pool pool;
    private final ObjectMapper json;
    private final Access access;

    AlertResource(Pool pool, ObjectMapper json, Access access) {
        this.pool = pool;
        this.json = json;
        this.access = access;
    }

    /** An alert; {@code detail} is the stored JSON, {@code acknowledgedAt} null while open. */
    public record AlertView(long id, String kind, String deviceId, JsonNode detail, Instant raisedAt,
            Instant acknowledgedAt) {
    }

    @GET
    @Operation(summary = "Operator alerts, newest first, paged")
    public Uni<Page<AlertView>> list(@Context SecurityContext security,
            @Parameter(description = "true: only unacknowledged; false: only acknowledged") @QueryParam("open") String open,
            @QueryParam("kind") String kind, @QueryParam("device") String device,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        DeviceScope scope = access.deviceScope(access.caller(security));
        Optional<Boolean> openOnly = QueryParameters.bool("open", open);
        if (kind != null && !kind.isEmpty() && !KIND.matcher(kind).matches()) {
            throw QueryParameters.invalid("kind", kind, "an alert kind (1-64 of A-Z a-z 0-9 _ . -)");
        }
        if (device != null && !device.isEmpty()) {
            Identifiers.requireValid(device, "device id");
        }
        int max = QueryParameters.limit(limit);
        Optional<List<String>> before = QueryParameters.decodeCursor(cursor, CURSOR_KIND, 1);

        SqlQuery query = new SqlQuery("SELECT id, kind, device_id, detail::text AS detail, raised_at, acknowledged_at"
                + " FROM operator_alerts");
        scope.condition("device_id").ifPresent(condition -> query.where(condition.sql(), condition.values().toArray()));
        openOnly.ifPresent(o -> query.where(o ? "acknowledged_at IS NULL" : "acknowledged_at IS NOT NULL"));
        if (kind != null && !kind.isEmpty()) {
            query.where("kind = ?", kind);
        }
        if (device != null && !device.isEmpty()) {
            query.where("device_id = ?", device);
        }
        before.ifPresent(key -> query.where("id < ?", new CursorKeys(cursor, key).longAt(0)));
        query.orderAndLimit("id DESC", max + 1);

        return pool.preparedQuery(query.sql()).execute(query.tuple()).map(rows -> {
            List<AlertView> items = new ArrayList<>();
            rows.forEach(row -> items.add(view(row)));
            return Page.of(items, max, last -> QueryParameters.encodeCursor(CURSOR_KIND, last.id()));
        });
    }

    private AlertView view(Row row) {
        JsonNode detail;
        try {
            detail = json.readTree(row.getString("detail"));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("operator_alerts.detail is not JSON", e);
        }
        return new AlertView(row.getLong("id"), row.getString("kind"), row.getString("device_id"), detail,
                SqlQuery.instant(row.getOffsetDateTime("raised_at")),
                SqlQuery.instant(row.getOffsetDateTime("acknowledged_at")));
    }
}
