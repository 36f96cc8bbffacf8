package io.sensorproof.gateway.query;

import io.sensorproof.gateway.api.Page;
import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.security.Access;
import io.sensorproof.protocol.encoding.FixedPoint;
import io.sensorproof.protocol.senml.Quantity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Readings of a device in a time range, in reading-time order, keyset-paged on
 * {@code (reading_time, boot, seq, record_index)} (the primary key makes it a total order, so
 * pages neither skip nor repeat rows, even when rows arrive between requests).
 */
@Path("/api/v1/devices/{deviceId}/readings")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "data")
public class ReadingResource {
    private static final String CURSOR_KIND = "readings";

    private final Pool pool;
    private final Access access;

    ReadingResource(Pool pool, Access access) {
        this.pool = pool;
        this.access = access;
    }

    /**
     * A reading: {@code value} is the decimal in the SenML {@code unit}, decoded from the stored
     * fixed-point {@code encodedValue}; quantity, unit and value are null for a quantity code this
     * version does not know.
     */
    public record ReadingView(long boot, long seq, int recordIndex, String quantity, int quantityCode, String unit,
            BigDecimal value, long encodedValue, Instant readingTime, Instant receivedAt, boolean late) {
        static ReadingView of(Row row) {
            int code = row.getInteger("quantity");
            long encoded = row.getLong("value");
            Quantity quantity = Quantity.byCode(code);
            return new ReadingView(row.getLong("boot"), row.getLong("seq"), row.getInteger("record_index"),
                    quantity == null ? null : quantity.senmlName(), code, quantity == null ? null : quantity.unit(),
                    quantity == null ? null : FixedPoint.decode(quantity, encoded), encoded,
                    SqlQuery.instant(row.getOffsetDateTime("reading_time")),
                    SqlQuery.instant(row.getOffsetDateTime("received_at")), row.getBoolean("late"));
        }
    }

    @GET
    @Operation(summary = "Readings of a device by reading time, paged; from inclusive, to exclusive")
    public Uni<Page<ReadingView>> list(@Context SecurityContext security, @PathParam("deviceId") String deviceId,
            @Parameter(description = "ISO-8601 instant, inclusive") @QueryParam("from") String from,
            @Parameter(description = "ISO-8601 instant, exclusive") @QueryParam("to") String to,
            @Parameter(description = "a quantity's SenML name: temperature, humidity, co2e-register") @QueryParam("quantity") String quantity,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return access.requireDeviceRead(security, deviceId).chain(caller -> list(deviceId, from, to, quantity, limit, cursor));
    }

    private Uni<Page<ReadingView>> list(String deviceId, String from, String to, String quantity, String limit, String cursor) {
        Optional<Instant> fromTime = QueryParameters.instant("from", from);
        Optional<Instant> toTime = QueryParameters.instant("to", to);
        QueryParameters.requireOrdered(fromTime, toTime);
        Optional<Quantity> q = quantity(quantity);
        int max = QueryParameters.limit(limit);
        Optional<List<String>> after = QueryParameters.decodeCursor(cursor, CURSOR_KIND, 4);

        SqlQuery query = new SqlQuery("SELECT boot, seq, record_index, quantity, value, reading_time, received_at, late"
                + " FROM readings").where("device_id = ?", deviceId);
        fromTime.ifPresent(t -> query.where("reading_time >= ?", SqlQuery.bind(t)));
        toTime.ifPresent(t -> query.where("reading_time < ?", SqlQuery.bind(t)));
        q.ifPresent(value -> query.where("quantity = ?", (short) value.code()));
        after.ifPresent(key -> {
            CursorKeys k = new CursorKeys(cursor, key);
            query.where("(reading_time, boot, seq, record_index) > (?, ?, ?, ?)",
                    SqlQuery.bind(SqlQuery.fromMicros(k.longAt(0))), k.longAt(1), k.longAt(2), (short) k.longAt(3));
        });
        query.orderAndLimit("reading_time, boot, seq, record_index", max + 1);

        return Devices.requireRegistered(pool, deviceId)
                .chain(() -> pool.preparedQuery(query.sql()).execute(query.tuple()))
                .map(rows -> {
                    List<ReadingView> items = new ArrayList<>();
                    rows.forEach(row -> items.add(ReadingView.of(row)));
                    return Page.of(items, max, last -> QueryParameters.encodeCursor(CURSOR_KIND,
                            SqlQuery.micros(last.readingTime()), last.boot(), last.seq(), last.recordIndex()));
                });
    }

    private static Optional<Quantity> quantity(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.empty();
        }
        Quantity q = Quantity.bySenmlName(name);
        if (q == null) {
            throw QueryParameters.invalid("quantity", name, "one of " + Arrays.stream(Quantity.values())
                    .map(Quantity::senmlName).toList());
        }
        return Optional.of(q);
    }
}
