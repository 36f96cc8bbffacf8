package io.sensorproof.gateway.query;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.api.Page;
import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.security.Access;
import io.sensorproof.gateway.security.DeviceScope;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * What ingestion refused, oldest first from {@code from}, keyset-paged on {@code (received_at, id)}
 * (the index {@code quarantine_reason_received} serves the reason filter); the raw bytes only on the
 * single-entry endpoint. Operator and regulator keys see every entry; other keys only entries
 * authenticated to a device they may read (an unauthenticated entry names no proven device, so it
 * belongs to no tenant).
 */
@Path("/api/v1/quarantine")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "operations")
public class QuarantineResource {
    private static final String CURSOR_KIND = "quarantine";
    /** Reason codes are protocol and gateway codes (upper snake case, as in signed rejections). */
    private static final Pattern REASON = Pattern.compile("[A-Z][A-Z0-9_]{0,47}");
    private static final String COLUMNS = "id, reason, claimed_device, authenticated, kid, boot, seq, topic, source,"
            + " received_at, detail, octet_length(raw) AS size";

    private final Pool pool;
    private final Access access;

    QuarantineResource(Pool pool, Access access) {
        this.pool = pool;
        this.access = access;
    }

    /**
     * A quarantine entry without its bytes. {@code claimedDevice} is proven only when
     * {@code authenticated} (the signature verified with that device's key); kid (hex), boot and seq
     * are present when the message decoded that far; {@code size} is null when no bytes were kept.
     */
    public record QuarantineView(long id, String reason, String claimedDevice, boolean authenticated, String kid,
            Long boot, Long seq, String topic, String source, Instant receivedAt, String detail, Integer size) {
        static QuarantineView of(Row row) {
            Buffer kid = row.getBuffer("kid");
            return new QuarantineView(row.getLong("id"), row.getString("reason"), row.getString("claimed_device"),
                    row.getBoolean("authenticated"), kid == null ? null : HexFormat.of().formatHex(kid.getBytes()),
                    row.getLong("boot"), row.getLong("seq"), row.getString("topic"), row.getString("source"),
                    SqlQuery.instant(row.getOffsetDateTime("received_at")), row.getString("detail"), row.getInteger("size"));
        }
    }

    /** A quarantine entry with its raw bytes in base64 (null when none were kept). */
    public record QuarantineDetail(@JsonUnwrapped QuarantineView entry, String raw) {
    }

    @GET
    @Operation(summary = "Quarantined messages by receive time, optionally of one reason, paged")
    public Uni<Page<QuarantineView>> list(@Context SecurityContext security,
            @Parameter(description = "reason code, e.g. BAD_SIGNATURE") @QueryParam("reason") String reason,
            @Parameter(description = "ISO-8601 instant, inclusive") @QueryParam("from") String from,
            @Parameter(description = "ISO-8601 instant, exclusive") @QueryParam("to") String to,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        DeviceScope scope = access.deviceScope(access.caller(security));
        if (reason != null && !reason.isEmpty() && !REASON.matcher(reason).matches()) {
            throw QueryParameters.invalid("reason", reason, "a reason code (upper snake case, e.g. BAD_SIGNATURE)");
        }
        Optional<Instant> fromTime = QueryParameters.instant("from", from);
        Optional<Instant> toTime = QueryParameters.instant("to", to);
        QueryParameters.requireOrdered(fromTime, toTime);
        int max = QueryParameters.limit(limit);
        Optional<List<String>> after = QueryParameters.decodeCursor(cursor, CURSOR_KIND, 2);

        SqlQuery query = new SqlQuery("SELECT " + COLUMNS + " FROM quarantine");
        restrict(query, scope);
        if (reason != null && !reason.isEmpty()) {
            query.where("reason = ?", reason);
        }
        fromTime.ifPresent(t -> query.where("received_at >= ?", SqlQuery.bind(t)));
        toTime.ifPresent(t -> query.where("received_at < ?", SqlQuery.bind(t)));
        after.ifPresent(key -> {
            CursorKeys k = new CursorKeys(cursor, key);
            query.where("(received_at, id) > (?, ?)", SqlQuery.bind(SqlQuery.fromMicros(k.longAt(0))), k.longAt(1));
        });
        query.orderAndLimit("received_at, id", max + 1);

        return pool.preparedQuery(query.sql()).execute(query.tuple()).map(rows -> {
            List<QuarantineView> items = new ArrayList<>();
            rows.forEach(row -> items.add(QuarantineView.of(row)));
            return Page.of(items, max, last -> QueryParameters.encodeCursor(CURSOR_KIND,
                    SqlQuery.micros(last.receivedAt()), last.id()));
        });
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One quarantine entry with its raw bytes (base64)")
    public Uni<QuarantineDetail> get(@Context SecurityContext security, @PathParam("id") String id) {
        DeviceScope scope = access.deviceScope(access.caller(security));
        long entryId = QueryParameters.longValue("id", id, 1, Long.MAX_VALUE);
        SqlQuery query = new SqlQuery("SELECT " + COLUMNS + ", raw FROM quarantine").where("id = ?", entryId);
        restrict(query, scope);
        return pool.preparedQuery(query.sql()).execute(query.tuple())
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.notFound("QUARANTINE_ENTRY_NOT_FOUND", "no quarantine entry " + entryId,
                                Map.of("id", entryId));
                    }
                    Row row = rows.iterator().next();
                    Buffer raw = row.getBuffer("raw");
                    return new QuarantineDetail(QuarantineView.of(row),
                            raw == null ? null : Base64.getEncoder().encodeToString(raw.getBytes()));
                });
    }

    /** Entries outside the caller's devices are left out (404 on the single entry, as if missing). */
    private static void restrict(SqlQuery query, DeviceScope scope) {
        scope.condition("claimed_device").ifPresent(condition -> query.where("authenticated")
                .where(condition.sql(), condition.values().toArray()));
    }
}
