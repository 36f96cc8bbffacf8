package io.sensorproof.gateway.query;

import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.api.Page;
import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.security.Access;
import io.smallrye.mutiny.Uni;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Stored messages of a device in {@code (boot, seq)} order, keyset-paged on that key; the raw
 * signed bytes only on the single-message endpoint, so lists stay small.
 */
@Path("/api/v1/devices/{deviceId}/messages")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "data")
public class MessageResource {
    private static final String CURSOR_KIND = "messages";
    private static final long MAX_U32 = 0xFFFF_FFFFL;
    private static final String COLUMNS = "boot, seq, content_digest, topic, received_at, device_time, skew_ms,"
            + " record_count, octet_length(raw) AS size";

    private final Pool pool;
    private final Access access;

    MessageResource(Pool pool, Access access) {
        this.pool = pool;
        this.access = access;
    }

    /** A stored message without its bytes; {@code digest} is the content digest (SHA-256 of the Sig_structure) in hex. */
    public record MessageView(long boot, long seq, String digest, String topic, Instant receivedAt, Instant deviceTime,
            Long skewMs, int recordCount, int size) {
        static MessageView of(Row row) {
            return new MessageView(row.getLong("boot"), row.getLong("seq"),
                    HexFormat.of().formatHex(row.getBuffer("content_digest").getBytes()), row.getString("topic"),
                    SqlQuery.instant(row.getOffsetDateTime("received_at")),
                    SqlQuery.instant(row.getOffsetDateTime("device_time")), row.getLong("skew_ms"),
                    row.getInteger("record_count"), row.getInteger("size"));
        }
    }

    /** A stored message with its signed bytes (the COSE_Sign1) in base64. */
    public record MessageDetail(long boot, long seq, String digest, String topic, Instant receivedAt, Instant deviceTime,
            Long skewMs, int recordCount, int size, String raw) {
    }

    @GET
    @Operation(summary = "Messages of a device by (boot, seq), paged; from/to filter the gateway's receive time")
    public Uni<Page<MessageView>> list(@Context SecurityContext security, @PathParam("deviceId") String deviceId,
            @Parameter(description = "ISO-8601 instant, inclusive, on received time") @QueryParam("from") String from,
            @Parameter(description = "ISO-8601 instant, exclusive, on received time") @QueryParam("to") String to,
            @Parameter(description = "only this boot") @QueryParam("boot") String boot,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return access.requireDeviceRead(security, deviceId).chain(caller -> list(deviceId, from, to, boot, limit, cursor));
    }

    private Uni<Page<MessageView>> list(String deviceId, String from, String to, String boot, String limit, String cursor) {
        Optional<Instant> fromTime = QueryParameters.instant("from", from);
        Optional<Instant> toTime = QueryParameters.instant("to", to);
        QueryParameters.requireOrdered(fromTime, toTime);
        Optional<Long> bootFilter = boot == null || boot.isEmpty() ? Optional.empty()
                : Optional.of(QueryParameters.longValue("boot", boot, 0, MAX_U32));
        int max = QueryParameters.limit(limit);
        Optional<List<String>> after = QueryParameters.decodeCursor(cursor, CURSOR_KIND, 2);

        SqlQuery query = new SqlQuery("SELECT " + COLUMNS + " FROM messages").where("device_id = ?", deviceId);
        fromTime.ifPresent(t -> query.where("received_at >= ?", SqlQuery.bind(t)));
        toTime.ifPresent(t -> query.where("received_at < ?", SqlQuery.bind(t)));
        bootFilter.ifPresent(b -> query.where("boot = ?", b));
        after.ifPresent(key -> {
            CursorKeys k = new CursorKeys(cursor, key);
            query.where("(boot, seq) > (?, ?)", k.longAt(0), k.longAt(1));
        });
        query.orderAndLimit("boot, seq", max + 1);

        return Devices.requireRegistered(pool, deviceId)
                .chain(() -> pool.preparedQuery(query.sql()).execute(query.tuple()))
                .map(rows -> {
                    List<MessageView> items = new ArrayList<>();
                    rows.forEach(row -> items.add(MessageView.of(row)));
                    return Page.of(items, max, last -> QueryParameters.encodeCursor(CURSOR_KIND, last.boot(), last.seq()));
                });
    }

    @GET
    @Path("/{boot}/{seq}")
    @Operation(summary = "One message with its raw signed bytes (base64)")
    public Uni<MessageDetail> get(@Context SecurityContext security, @PathParam("deviceId") String deviceId,
            @PathParam("boot") String boot, @PathParam("seq") String seq) {
        return access.requireDeviceRead(security, deviceId).chain(caller -> get(deviceId, boot, seq));
    }

    private Uni<MessageDetail> get(String deviceId, String boot, String seq) {
        long bootValue = QueryParameters.longValue("boot", boot, 0, MAX_U32);
        long seqValue = QueryParameters.longValue("seq", seq, 0, MAX_U32);
        return Devices.requireRegistered(pool, deviceId)
                .chain(() -> pool.preparedQuery("SELECT " + COLUMNS + ", raw FROM messages"
                                + " WHERE device_id = $1 AND boot = $2 AND seq = $3")
                        .execute(Tuple.of(deviceId, bootValue, seqValue)))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.notFound("MESSAGE_NOT_FOUND", "device '" + deviceId + "' has no message "
                                + bootValue + "/" + seqValue, Map.of("device", deviceId, "boot", bootValue, "seq", seqValue));
                    }
                    Row row = rows.iterator().next();
                    MessageView v = MessageView.of(row);
                    return new MessageDetail(v.boot(), v.seq(), v.digest(), v.topic(), v.receivedAt(), v.deviceTime(),
                            v.skewMs(), v.recordCount(), v.size(),
                            Base64.getEncoder().encodeToString(row.getBuffer("raw").getBytes()));
                });
    }
}
