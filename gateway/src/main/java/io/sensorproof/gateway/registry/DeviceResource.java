package io.sensorproof.gateway.registry;

import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Sort;
import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.api.Page;
import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.enroll.EnrollmentService;
import io.sensorproof.gateway.enroll.EnrollmentService.IssuedToken;
import io.sensorproof.gateway.enroll.EnrollmentService.PendingDevice;
import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.ids.Topics;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Devices of a tenant: register with a public key (the gateway derives alg and kid from the SPKI)
 * or without one (pending enrollment: the response carries a one-time enrollment token), list,
 * read, change status. Device ids and kids are unique across the deployment.
 */
@Path("/api/v1/tenants/{tenant}/devices")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "registry")
public class DeviceResource {
    private static final String CURSOR_KIND = "devices";
    private static final int MAX_SPKI_BASE64_LENGTH = 1024;

    /** MQTT topics of a device (§1 of the protocol). */
    public record DeviceTopics(String up, String ack, String status) {
    }

    /**
     * A device as the API shows it; {@code publicKey} is the canonical SPKI DER in base64 of its
     * current key (alg, kid and publicKey are null while enrollment is pending). {@code enrollment}
     * is only present in the response that created a device without a key.
     */
    public record DeviceView(String deviceId, String tenantId, String alg, String kid, String publicKey,
            DeviceStatus status, Instant createdAt, DeviceTopics topics, IssuedToken enrollment) {
        static DeviceView of(Device d) {
            return new DeviceView(d.deviceId, d.tenantId, d.alg, d.kid == null ? null : HexFormat.of().formatHex(d.kid),
                    d.spki == null ? null : Base64.getEncoder().encodeToString(d.spki), d.status, d.createdAt.toInstant(),
                    topics(d.tenantId, d.deviceId), null);
        }

        static DeviceView pending(PendingDevice p) {
            IssuedToken t = p.token();
            return new DeviceView(t.deviceId(), t.tenantId(), null, null, null, DeviceStatus.ACTIVE, p.createdAt(),
                    topics(t.tenantId(), t.deviceId()), t);
        }

        private static DeviceTopics topics(String tenant, String device) {
            return new DeviceTopics(Topics.up(tenant, device), Topics.ack(tenant, device), Topics.status(tenant, device));
        }
    }

    /**
     * Body of the registration: the device id and its public key as base64 DER SubjectPublicKeyInfo;
     * without {@code publicKey} the device waits for enrollment and the response carries its token.
     */
    public record RegisterDeviceRequest(String deviceId, String publicKey) {
    }

    @Inject
    EnrollmentService enrollment;

    /** Body of the status change. */
    public record DeviceStatusChange(String status) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @WithTransaction
    @Operation(summary = "Register a device with its public key (base64 SPKI DER), or without one: then it waits for"
            + " enrollment and the response's 'enrollment' holds its one-time token (shown only here); 409 DEVICE_EXISTS or"
            + " KEY_ALREADY_REGISTERED for a duplicate id or key")
    public Uni<RestResponse<DeviceView>> register(@PathParam("tenant") String tenant, RegisterDeviceRequest request) {
        Identifiers.requireValid(tenant, "tenant id");
        if (request == null) {
            throw ApiException.badRequest("INVALID_REQUEST", "body {deviceId, publicKey} is required", Map.of());
        }
        String deviceId = Identifiers.requireValid(request.deviceId(), "device id");
        if (request.publicKey() == null) {
            return enrollment.createPendingDevice(tenant, deviceId).map(pending -> RestResponse.ResponseBuilder
                    .<DeviceView>created(URI.create("/api/v1/tenants/" + tenant + "/devices/" + deviceId))
                    .entity(DeviceView.pending(pending))
                    .build());
        }
        VerificationKey key = Keys.publicKeyFromSpki(decodeSpki(request.publicKey()));
        byte[] kid = key.kid();
        return Tenant.<Tenant>findById(tenant)
                .onItem().ifNull().failWith(() -> TenantResource.notFound(tenant))
                .chain(t -> Device.<Device>findById(deviceId))
                .onItem().ifNotNull().failWith(() -> deviceExists(deviceId))
                .chain(() -> Device.<Device>find("kid", kid).firstResult())
                .onItem().ifNotNull().failWith(() -> keyRegistered(key))
                .chain(() -> {
                    Device device = new Device();
                    device.deviceId = deviceId;
                    device.tenantId = tenant;
                    device.kid = kid;
                    device.spki = key.spki();
                    device.alg = key.algorithm().label();
                    device.status = DeviceStatus.ACTIVE;
                    device.createdAt = TenantResource.now();
                    return device.<Device>persistAndFlush();
                })
                .onFailure(UniqueViolations::isUniqueViolation).transform(f ->
                        UniqueViolations.constraintOf(f).orElse("").contains("kid") ? keyRegistered(key) : deviceExists(deviceId))
                .map(device -> RestResponse.ResponseBuilder
                        .<DeviceView>created(URI.create("/api/v1/tenants/" + tenant + "/devices/" + deviceId))
                        .entity(DeviceView.of(device))
                        .build());
    }

    @GET
    @WithSession
    @Operation(summary = "List the tenant's devices by id, paged")
    public Uni<Page<DeviceView>> list(@PathParam("tenant") String tenant, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        Identifiers.requireValid(tenant, "tenant id");
        int max = QueryParameters.limit(limit);
        Optional<String> after = QueryParameters.decodeCursor(cursor, CURSOR_KIND, 1).map(key -> key.get(0));
        return Tenant.<Tenant>findById(tenant)
                .onItem().ifNull().failWith(() -> TenantResource.notFound(tenant))
                .chain(t -> {
                    PanacheQuery<Device> query = after.isPresent()
                            ? Device.find("tenantId = ?1 and deviceId > ?2", Sort.by("deviceId"), tenant, after.get())
                            : Device.find("tenantId = ?1", Sort.by("deviceId"), tenant);
                    return query.range(0, max).list();
                })
                .map(devices -> Page.of(devices.stream().map(DeviceView::of).toList(), max,
                        last -> QueryParameters.encodeCursor(CURSOR_KIND, last.deviceId())));
    }

    @GET
    @Path("/{deviceId}")
    @WithSession
    @Operation(summary = "Read a device")
    public Uni<DeviceView> get(@PathParam("tenant") String tenant, @PathParam("deviceId") String deviceId) {
        return find(tenant, deviceId).map(DeviceView::of);
    }

    @PATCH
    @Path("/{deviceId}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    @WithTransaction
    @Operation(summary = "Change a device's status (ACTIVE, SUSPENDED, REVOKED); REVOKED is final and also revokes the"
            + " device's keys and certificates and voids its open enrollment tokens")
    public Uni<DeviceView> changeStatus(@PathParam("tenant") String tenant, @PathParam("deviceId") String deviceId,
            DeviceStatusChange change) {
        DeviceStatus next = parseStatus(change == null ? null : change.status());
        return find(tenant, deviceId).map(device -> {
            if (!device.status.canBecome(next)) {
                throw ApiException.conflict("DEVICE_REVOKED", "device '" + deviceId + "' is revoked; revocation is final",
                        Map.of("device", deviceId, "status", device.status.name(), "requested", next.name()));
            }
            device.status = next;
            return DeviceView.of(device);
        });
    }

    private static Uni<Device> find(String tenant, String deviceId) {
        Identifiers.requireValid(tenant, "tenant id");
        Identifiers.requireValid(deviceId, "device id");
        return Device.<Device>findById(deviceId)
                .map(device -> device != null && device.tenantId.equals(tenant) ? device : null)
                .onItem().ifNull().failWith(() -> ApiException.notFound("DEVICE_NOT_FOUND",
                        "no device '" + deviceId + "' in tenant '" + tenant + "'",
                        Map.of("tenant", tenant, "device", deviceId)));
    }

    private static DeviceStatus parseStatus(String status) {
        if (status != null) {
            try {
                return DeviceStatus.valueOf(status.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                // reported below
            }
        }
        throw ApiException.badRequest("INVALID_REQUEST", "status must be ACTIVE, SUSPENDED or REVOKED",
                Map.of("field", "status", "value", String.valueOf(status)));
    }

    private static byte[] decodeSpki(String publicKey) {
        if (publicKey == null || publicKey.isBlank() || publicKey.length() > MAX_SPKI_BASE64_LENGTH) {
            throw new ProtocolException(ErrorCode.INVALID_KEY,
                    "publicKey is required: base64 DER SubjectPublicKeyInfo, at most " + MAX_SPKI_BASE64_LENGTH + " characters");
        }
        String compact = publicKey.replaceAll("\\s", "");
        try {
            return Base64.getDecoder().decode(compact);
        } catch (IllegalArgumentException notStandard) {
            try {
                return Base64.getUrlDecoder().decode(compact);
            } catch (IllegalArgumentException notUrl) {
                throw new ProtocolException(ErrorCode.INVALID_KEY, "publicKey is not base64");
            }
        }
    }

    private static ApiException deviceExists(String deviceId) {
        return ApiException.conflict("DEVICE_EXISTS", "device id '" + deviceId
                + "' is already registered (device ids are unique across the deployment)", Map.of("device", deviceId));
    }

    private static ApiException keyRegistered(VerificationKey key) {
        return ApiException.conflict("KEY_ALREADY_REGISTERED", "a device with this public key (kid "
                + key.kidHex() + ") is already registered", Map.of("kid", key.kidHex()));
    }
}
