package io.sensorproof.gateway.query;

import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.security.Access;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The newest status (heartbeat) of a device: clock skew and backlog as the device reported them. */
@Path("/api/v1/devices/{deviceId}/status")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "data")
public class DeviceStatusResource {
    private final Pool pool;
    private final Access access;

    DeviceStatusResource(Pool pool, Access access) {
        this.pool = pool;
        this.access = access;
    }

    /**
     * A device's newest status.
     *
     * @param boot boot counter of the reporting run
     * @param deviceTime device clock at signing
     * @param receivedAt gateway receive time
     * @param skewMillis receive time minus device time (positive: the device is behind, or the path is slow)
     * @param outboxDepth messages waiting for an acknowledgement on the device
     * @param outboxBytes their size
     * @param oldestUnacknowledged "boot:seq" of the oldest waiting message, or null
     * @param lastAcknowledged "boot:seq" of the newest acknowledged message, or null
     * @param clockSteps backward clock steps during the boot
     * @param keptAside messages the device keeps aside after a rejection
     */
    public record StatusView(long boot, Instant deviceTime, Instant receivedAt, long skewMillis, long outboxDepth, long outboxBytes,
            String oldestUnacknowledged, String lastAcknowledged, long clockSteps, long keptAside) {
        static StatusView of(Row r) {
            return new StatusView(r.getLong("boot"), r.getOffsetDateTime("device_time").toInstant(),
                    r.getOffsetDateTime("received_at").toInstant(), r.getLong("skew_ms"), r.getLong("outbox_depth"),
                    r.getLong("outbox_bytes"), pair(r, "oldest_unacked"), pair(r, "last_acked"), r.getLong("clock_steps"),
                    r.getLong("kept_aside"));
        }

        private static String pair(Row r, String prefix) {
            Long boot = r.getLong(prefix + "_boot");
            return boot == null ? null : boot + ":" + r.getLong(prefix + "_seq");
        }
    }

    @GET
    @Operation(summary = "The device's newest status (heartbeat): clock skew and outbox backlog")
    public Uni<StatusView> get(@Context SecurityContext security, @PathParam("deviceId") String deviceId) {
        return access.requireDeviceRead(security, deviceId)
                .chain(() -> Devices.requireRegistered(pool, deviceId))
                .chain(() -> pool.preparedQuery("SELECT * FROM device_status WHERE device_id = $1").execute(Tuple.of(deviceId)))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.notFound("STATUS_NOT_FOUND", "device '" + deviceId + "' has not reported a status yet",
                                Map.of("device", deviceId));
                    }
                    return StatusView.of(rows.iterator().next());
                });
    }
}
