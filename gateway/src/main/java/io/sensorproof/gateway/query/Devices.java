package io.sensorproof.gateway.query;

import io.sensorproof.gateway.security.Access;
import io.sensorproof.protocol.ids.Identifiers;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/** The device checks shared by the per-device read APIs: a valid id of a registered device. */
final class Devices {
    private Devices() {
    }

    /** Fails with 400 INVALID_IDENTIFIER or 404 DEVICE_NOT_FOUND; otherwise completes with the id. */
    static Uni<String> requireRegistered(Pool pool, String deviceId) {
        Identifiers.requireValid(deviceId, "device id");
        return pool.preparedQuery("SELECT 1 FROM devices WHERE device_id = $1").execute(Tuple.of(deviceId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw Access.deviceNotFound(deviceId);
                    }
                    return deviceId;
                });
    }
}
