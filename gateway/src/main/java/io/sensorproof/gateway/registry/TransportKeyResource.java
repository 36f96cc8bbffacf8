package io.sensorproof.gateway.registry;

import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.audit.AuditAction;
import io.sensorproof.gateway.audit.AuditEvent;
import io.sensorproof.gateway.audit.AuditLog;
import io.sensorproof.gateway.security.Access;
import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.VerificationKey;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * The DTLS transport key of a device (ADR 012, ADR 015): Scandium has no SM2 cipher suites, so an
 * SM2 device authenticates its CoAP/DTLS session with a separate ECDSA P-256 key, which the CoAP
 * endpoint maps to the device through this registry (raw public key mode). One key per device;
 * setting it again replaces it. Written by the device's administrators (operator, owning factory),
 * read by whoever may read the device; every change is audited.
 */
@Path("/api/v1/tenants/{tenant}/devices/{deviceId}/transport-key")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "devices")
public class TransportKeyResource {
    private static final int MAX_SPKI_BASE64_LENGTH = 512;

    /**
     * A device's transport key; every field but {@code deviceId} is null when it has none.
     *
     * @param deviceId the device
     * @param alg ES256 (ECDSA P-256)
     * @param kid protocol §2 kid of the key, lowercase hex
     * @param publicKey canonical SPKI DER, base64
     * @param createdAt when it was set
     */
    public record TransportKeyView(String deviceId, String alg, String kid, String publicKey, Instant createdAt) {
        static TransportKeyView none(String deviceId) {
            return new TransportKeyView(deviceId, null, null, null, null);
        }

        static TransportKeyView of(String deviceId, Row row) {
            return new TransportKeyView(deviceId, row.getString("alg"), java.util.HexFormat.of().formatHex(row.getBuffer("kid").getBytes()),
                    Base64.getEncoder().encodeToString(row.getBuffer("spki").getBytes()),
                    row.getOffsetDateTime("created_at").toInstant());
        }
    }

    /** Body of {@code PUT}: the P-256 public key as base64 DER SubjectPublicKeyInfo. */
    public record SetTransportKeyRequest(String publicKey) {
    }

    private final Pool pool;
    private final Access access;
    private final AuditLog audit;

    TransportKeyResource(Pool pool, Access access, AuditLog audit) {
        this.pool = pool;
        this.access = access;
        this.audit = audit;
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set (or replace) the device's DTLS transport key, an ECDSA P-256 key for devices whose signing"
            + " algorithm DTLS cannot use (SM2); 400 TRANSPORT_KEY_UNSUPPORTED for another key type, 409 KEY_ALREADY_REGISTERED"
            + " when the key is some device's signing or transport key, 409 DEVICE_REVOKED")
    public Uni<TransportKeyView> set(@Context SecurityContext security, @PathParam("tenant") String tenant,
            @PathParam("deviceId") String deviceId, SetTransportKeyRequest request) {
        return access.requireDeviceAdmin(security, tenant, deviceId).chain(caller -> {
            VerificationKey key = parse(request);
            Buffer kid = Buffer.buffer(key.kid());
            return pool.withTransaction(conn -> conn.preparedQuery("SELECT status FROM devices WHERE device_id = $1 FOR UPDATE")
                    .execute(Tuple.of(deviceId))
                    .chain(rows -> {
                        if ("REVOKED".equals(rows.iterator().next().getString("status"))) {
                            throw ApiException.conflict("DEVICE_REVOKED", "device '" + deviceId + "' is revoked; revocation is final",
                                    Map.of("device", deviceId));
                        }
                        return conn.preparedQuery("SELECT (SELECT count(*) FROM device_keys WHERE kid = $1)"
                                + " + (SELECT count(*) FROM device_transport_keys WHERE kid = $1 AND device_id <> $2)")
                                .execute(Tuple.of(kid, deviceId));
                    })
                    .chain(rows -> {
                        if (rows.iterator().next().getLong(0) > 0) {
                            throw keyRegistered(key);
                        }
                        return conn.preparedQuery("INSERT INTO device_transport_keys (device_id, kid, spki, alg) VALUES ($1, $2, $3, 'ES256')"
                                + " ON CONFLICT (device_id) DO UPDATE SET kid = EXCLUDED.kid, spki = EXCLUDED.spki, created_at = now()"
                                + " RETURNING kid, spki, alg, created_at").execute(Tuple.of(deviceId, kid, Buffer.buffer(key.spki())));
                    })
                    .call(rows -> audit.append(conn, AuditEvent.by(caller, AuditAction.TRANSPORT_KEY_SET, tenant, deviceId,
                            Map.of("kid", key.kidHex()))))
                    .map(rows -> TransportKeyView.of(deviceId, rows.iterator().next())))
                    .onFailure(UniqueViolations::isUniqueViolation).transform(f -> keyRegistered(key));
        });
    }

    @GET
    @Operation(summary = "The device's DTLS transport key (fields null when it has none); 404 DEVICE_NOT_FOUND")
    public Uni<TransportKeyView> get(@Context SecurityContext security, @PathParam("tenant") String tenant,
            @PathParam("deviceId") String deviceId) {
        return access.requireDeviceRead(security, deviceId)
                .chain(caller -> pool.preparedQuery("SELECT d.device_id, k.kid, k.spki, k.alg, k.created_at FROM devices d"
                        + " LEFT JOIN device_transport_keys k ON k.device_id = d.device_id WHERE d.device_id = $1 AND d.tenant_id = $2")
                        .execute(Tuple.of(deviceId, tenant)))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw ApiException.notFound(Access.DEVICE_NOT_FOUND, "no device '" + deviceId + "' in tenant '" + tenant + "'",
                                Map.of("tenant", tenant, "device", deviceId));
                    }
                    Row row = rows.iterator().next();
                    return row.getBuffer("kid") == null ? TransportKeyView.none(deviceId) : TransportKeyView.of(deviceId, row);
                });
    }

    @DELETE
    @Operation(summary = "Remove the device's DTLS transport key, if any (its next handshake with it is refused); idempotent")
    public Uni<RestResponse<Void>> remove(@Context SecurityContext security, @PathParam("tenant") String tenant,
            @PathParam("deviceId") String deviceId) {
        return access.requireDeviceAdmin(security, tenant, deviceId)
                .chain(caller -> pool.withTransaction(conn -> conn.preparedQuery("DELETE FROM device_transport_keys WHERE device_id = $1"
                        + " RETURNING kid").execute(Tuple.of(deviceId))
                        .call(rows -> rows.iterator().hasNext()
                                ? audit.append(conn, AuditEvent.by(caller, AuditAction.TRANSPORT_KEY_REMOVED, tenant, deviceId,
                                        Map.of("kid", java.util.HexFormat.of().formatHex(rows.iterator().next().getBuffer("kid").getBytes()))))
                                : Uni.createFrom().voidItem())))
                .map(removed -> RestResponse.<Void>noContent());
    }

    private static VerificationKey parse(SetTransportKeyRequest request) {
        String publicKey = request == null ? null : request.publicKey();
        if (publicKey == null || publicKey.isBlank() || publicKey.length() > MAX_SPKI_BASE64_LENGTH) {
            throw new ProtocolException(ErrorCode.INVALID_KEY,
                    "publicKey is required: base64 DER SubjectPublicKeyInfo, at most " + MAX_SPKI_BASE64_LENGTH + " characters");
        }
        byte[] spki;
        try {
            spki = Base64.getDecoder().decode(publicKey.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.INVALID_KEY, "publicKey is not base64");
        }
        VerificationKey key = Keys.publicKeyFromSpki(spki);
        if (key.algorithm() != SignatureAlgorithm.ES256) {
            throw ApiException.badRequest("TRANSPORT_KEY_UNSUPPORTED", "a DTLS transport key must be ECDSA P-256 (ES256), not "
                    + key.algorithm().label(), Map.of("alg", key.algorithm().label()));
        }
        return key;
    }

    private static ApiException keyRegistered(VerificationKey key) {
        return ApiException.conflict("KEY_ALREADY_REGISTERED", "this key (kid " + key.kidHex()
                + ") is already a device's signing or transport key", Map.of("kid", key.kidHex()));
    }
}
