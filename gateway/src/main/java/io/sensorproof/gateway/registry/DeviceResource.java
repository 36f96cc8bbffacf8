package io.sensorproof.gateway.registry;

import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Sort;
import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.api.BodyIdentifiers;
import io.sensorproof.gateway.api.Page;
import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.audit.AuditAction;
import io.sensorproof.gateway.audit.AuditEvent;
import io.sensorproof.gateway.audit.AuditLog;
import io.sensorproof.gateway.security.Access;
import io.sensorproof.gateway.security.ApiKeyPrincipal;
import io.sensorproof.gateway.enroll.EnrollmentService;
import io.sensorproof.gateway.enroll.EnrollmentService.IssuedToken;
import io.sensorproof.gateway.enroll.EnrollmentService.PendingDevice;
import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.message.ReadingMessages;
import io.quarkus.hibernate.reactive.panache.Panache;
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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Devices of a factory tenant: register with a public key (the gateway derives alg and kid from the
 * SPKI) or without one (pending enrollment: the response carries a one-time enrollment token), and
 * optionally a site; list, read, change status. Device ids and kids are unique across the
 * deployment. Writes: operator keys and the tenant's factory keys; reads also regulator keys, and
 * bank and exchange keys for the devices granted to them.
 */
@Path("/api/v1/tenants/{tenant}/devices")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "registry")
public class DeviceResource {
    private static final String CURSOR_KIND = "devices";
    // an ML-DSA-65 SPKI is 1,974 bytes (2,632 base64 characters); ML-DSA-87 and larger keys are refused anyway
    private static final int MAX_SPKI_BASE64_LENGTH = 4096;

    private final Access access;
    private final AuditLog audit;

    DeviceResource(Access access, AuditLog audit) {
        this.access = access;
        this.audit = audit;
    }

    /** MQTT topics of a device (§1 of the protocol). */
    public record DeviceTopics(String up, String ack, String status) {
    }

    /**
     * The ML-DSA key of a hybrid device (ADR 029), registered with its current classical key.
     *
     * @param alg ML-DSA-44 or ML-DSA-65
     * @param kid its kid (hex)
     * @param publicKey its canonical SPKI DER in base64
     */
    public record PostQuantumKeyView(String alg, String kid, String publicKey) {
        static PostQuantumKeyView of(VerificationKey key) {
            return new PostQuantumKeyView(key.algorithm().label(), key.kidHex(), Base64.getEncoder().encodeToString(key.spki()));
        }
    }

    /**
     * A device as the API shows it; {@code publicKey} is the canonical SPKI DER in base64 of its
     * current key (alg, kid and publicKey are null while enrollment is pending). {@code postQuantumKey}
     * is the ML-DSA key registered with that key when the device is hybrid (ADR 029), else null.
     * {@code enrollment} is only present in the response that created a device without a key.
     */
    public record DeviceView(String deviceId, String tenantId, String siteId, String alg, String kid, String publicKey,
            PostQuantumKeyView postQuantumKey, DeviceStatus status, Instant createdAt, DeviceTopics topics, IssuedToken enrollment) {
        static DeviceView of(Device d, PostQuantumKeyView postQuantumKey) {
            return new DeviceView(d.deviceId, d.tenantId, d.siteId, d.alg, d.kid == null ? null : HexFormat.of().formatHex(d.kid),
                    d.spki == null ? null : Base64.getEncoder().encodeToString(d.spki), postQuantumKey, d.status, d.createdAt.toInstant(),
                    topics(d.tenantId, d.deviceId), null);
        }

        static DeviceView pending(PendingDevice p, String siteId) {
            IssuedToken t = p.token();
            return new DeviceView(t.deviceId(), t.tenantId(), siteId, null, null, null, null, DeviceStatus.ACTIVE, p.createdAt(),
                    topics(t.tenantId(), t.deviceId()), t);
        }

        private static DeviceTopics topics(String tenant, String device) {
            return new DeviceTopics(Topics.up(tenant, device), Topics.ack(tenant, device), Topics.status(tenant, device));
        }
    }

    /**
     * Body of the registration: the device id, its public key as base64 DER SubjectPublicKeyInfo
     * (without {@code publicKey} the device waits for enrollment and the response carries its
     * token), and optionally the site (of the same tenant) it is installed at. {@code postQuantumPublicKey},
     * optional, makes the device hybrid (ADR 029): an ML-DSA-44/65 key (base64 SPKI DER) registered in one
     * group with {@code publicKey}, which must then be ES256 or EdDSA; the device must sign every message
     * with both keys.
     */
    public record RegisterDeviceRequest(String deviceId, String publicKey, String siteId, String postQuantumPublicKey) {
    }

    @Inject
    EnrollmentService enrollment;

    /** Body of the status change. */
    public record DeviceStatusChange(String status) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @WithTransaction
    @Operation(summary = "Register a device of a factory tenant with its public key (base64 SPKI DER), or without one: then"
            + " it waits for enrollment and the response's 'enrollment' holds its one-time token (shown only here); optional"
            + " site; 409 DEVICE_EXISTS or KEY_ALREADY_REGISTERED for a duplicate id or key, TENANT_NOT_A_FACTORY")
    public Uni<RestResponse<DeviceView>> register(@Context SecurityContext security, @PathParam("tenant") String tenant,
            RegisterDeviceRequest request) {
        ApiKeyPrincipal caller = access.requireTenantAdmin(security, tenant);
        Identifiers.requireValid(tenant, "tenant id");
        if (request == null) {
            throw ApiException.badRequest("INVALID_REQUEST", "body {deviceId, publicKey} is required", Map.of());
        }
        String deviceId = BodyIdentifiers.require(request.deviceId(), "deviceId", "device id",
                "{deviceId, publicKey, siteId, postQuantumPublicKey}, all but deviceId optional");
        Optional<String> site = Optional.ofNullable(request.siteId()).filter(id -> !id.isEmpty())
                .map(id -> Identifiers.requireValid(id, "site id"));
        if (request.publicKey() == null && request.postQuantumPublicKey() != null) {
            throw ApiException.badRequest("INVALID_REQUEST", "a hybrid device is registered with both keys; enrollment of hybrid"
                    + " devices is not supported", Map.of("field", "postQuantumPublicKey"));
        }
        if (request.publicKey() == null) {
            return enrollment.createPendingDevice(caller, tenant, deviceId, site).map(pending -> RestResponse.ResponseBuilder
                    .<DeviceView>created(URI.create("/api/v1/tenants/" + tenant + "/devices/" + deviceId))
                    .entity(DeviceView.pending(pending, site.orElse(null)))
                    .build());
        }
        VerificationKey key = Keys.publicKeyFromSpki(decodeSpki(request.publicKey()));
        byte[] kid = key.kid();
        Optional<VerificationKey> postQuantum = Optional.ofNullable(request.postQuantumPublicKey())
                .map(pq -> Keys.publicKeyFromSpki(decodeSpki(pq)));
        if (postQuantum.isPresent() && (!postQuantum.get().algorithm().isPostQuantum()
                || !ReadingMessages.HYBRID_CLASSICAL.contains(key.algorithm()))) {
            throw ApiException.badRequest("INVALID_REQUEST", "a hybrid device has an ES256 or EdDSA publicKey and an ML-DSA-44 or"
                    + " ML-DSA-65 postQuantumPublicKey, not " + key.algorithm().label() + " and " + postQuantum.get().algorithm().label(),
                    Map.of("field", "postQuantumPublicKey"));
        }
        return Tenant.<Tenant>findById(tenant)
                .onItem().ifNull().failWith(() -> TenantResource.notFound(tenant))
                .invoke(t -> requireFactory(t))
                .call(() -> site.isPresent() ? requireSite(tenant, site.get()) : Uni.createFrom().voidItem())
                .chain(t -> Device.<Device>findById(deviceId))
                .onItem().ifNotNull().failWith(() -> deviceExists(deviceId))
                .chain(() -> Device.<Device>find("kid", kid).firstResult())
                .onItem().ifNotNull().failWith(() -> keyRegistered(key))
                .call(() -> requireUnusedKid(key))
                .call(() -> postQuantum.isPresent() ? requireUnusedKid(postQuantum.get()) : Uni.createFrom().voidItem())
                .chain(() -> {
                    Device device = new Device();
                    device.deviceId = deviceId;
                    device.tenantId = tenant;
                    device.siteId = site.orElse(null);
                    device.kid = kid;
                    device.spki = key.spki();
                    device.alg = key.algorithm().label();
                    device.status = DeviceStatus.ACTIVE;
                    device.createdAt = TenantResource.now();
                    return device.<Device>persistAndFlush();
                })
                .call(device -> postQuantum.isPresent() ? registerHybridKey(device, postQuantum.get()) : Uni.createFrom().voidItem())
                .call(device -> audit.appendInSession(AuditEvent.by(caller, AuditAction.DEVICE_REGISTERED, tenant, deviceId,
                        registeredDetail(device, postQuantum))))
                .onFailure(UniqueViolations::isUniqueViolation).transform(f -> {
                    String constraint = UniqueViolations.constraintOf(f).orElse("");
                    if (constraint.contains("hybrid") && postQuantum.isPresent()) {
                        return keyRegistered(postQuantum.get());
                    }
                    return constraint.contains("kid") ? keyRegistered(key) : deviceExists(deviceId);
                })
                .map(device -> RestResponse.ResponseBuilder
                        .<DeviceView>created(URI.create("/api/v1/tenants/" + tenant + "/devices/" + deviceId))
                        .entity(DeviceView.of(device, postQuantum.map(PostQuantumKeyView::of).orElse(null)))
                        .build());
    }

    @GET
    @WithSession
    @Operation(summary = "List the tenant's devices by id, paged, optionally of one site; a bank or exchange key"
            + " sees only the devices granted to it")
    public Uni<Page<DeviceView>> list(@Context SecurityContext security, @PathParam("tenant") String tenant,
            @QueryParam("site") String site, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return access.tenantDevices(security, tenant).chain(visible -> {
            Identifiers.requireValid(tenant, "tenant id");
            Optional<String> siteFilter = Optional.ofNullable(site).filter(s -> !s.isEmpty())
                    .map(s -> Identifiers.requireValid(s, "site id"));
            int max = QueryParameters.limit(limit);
            Optional<String> after = QueryParameters.decodeCursor(cursor, CURSOR_KIND, 1).map(key -> key.get(0));
            StringBuilder where = new StringBuilder("tenantId = :tenant and deviceId > :after");
            Map<String, Object> params = new HashMap<>(Map.of("tenant", tenant, "after", after.orElse("")));
            siteFilter.ifPresent(s -> {
                where.append(" and siteId = :site");
                params.put("site", s);
            });
            visible.ifPresent(ids -> {
                where.append(" and deviceId in :visible");
                params.put("visible", ids);
            });
            return Tenant.<Tenant>findById(tenant)
                    .onItem().ifNull().failWith(() -> TenantResource.notFound(tenant))
                    .chain(t -> {
                        PanacheQuery<Device> query = Device.find(where.toString(), Sort.by("deviceId"), params);
                        return query.range(0, max).list();
                    })
                    .chain(devices -> views(devices).map(views -> Page.of(views, max,
                            last -> QueryParameters.encodeCursor(CURSOR_KIND, last.deviceId()))));
        });
    }

    @GET
    @Path("/{deviceId}")
    @WithSession
    @Operation(summary = "Read a device")
    public Uni<DeviceView> get(@Context SecurityContext security, @PathParam("tenant") String tenant,
            @PathParam("deviceId") String deviceId) {
        return access.tenantDevices(security, tenant).chain(visible -> {
            if (visible.isPresent() && !visible.get().contains(deviceId)) {
                throw Access.deviceNotFoundInTenant(tenant, deviceId);
            }
            return find(tenant, deviceId).chain(DeviceResource::view);
        });
    }

    @PATCH
    @Path("/{deviceId}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    @WithTransaction
    @Operation(summary = "Change a device's status (ACTIVE, SUSPENDED, REVOKED); REVOKED is final and also revokes the"
            + " device's keys and certificates and voids its open enrollment tokens")
    public Uni<DeviceView> changeStatus(@Context SecurityContext security, @PathParam("tenant") String tenant,
            @PathParam("deviceId") String deviceId, DeviceStatusChange change) {
        ApiKeyPrincipal caller = access.requireTenantAdmin(security, tenant);
        DeviceStatus next = parseStatus(change == null ? null : change.status());
        return find(tenant, deviceId).chain(device -> {
            if (!device.status.canBecome(next)) {
                throw ApiException.conflict("DEVICE_REVOKED", "device '" + deviceId + "' is revoked; revocation is final",
                        Map.of("device", deviceId, "status", device.status.name(), "requested", next.name()));
            }
            DeviceStatus previous = device.status;
            device.status = next;
            if (previous == next) {
                return view(device);
            }
            return device.<Device>persistAndFlush()
                    .call(() -> audit.appendInSession(AuditEvent.by(caller, AuditAction.DEVICE_STATUS_CHANGED, tenant,
                            deviceId, Map.of("from", previous.name(), "to", next.name()))))
                    .chain(DeviceResource::view);
        });
    }

    private static Uni<DeviceView> view(Device device) {
        return views(List.of(device)).map(views -> views.get(0));
    }

    /**
     * The views of {@code devices} with the ML-DSA key of each hybrid one: the {@code device_hybrid_keys} row
     * whose classical partner is the device's current key (a retired key's partner is history, not shown).
     */
    private static Uni<List<DeviceView>> views(List<Device> devices) {
        List<String> ids = devices.stream().filter(d -> d.kid != null).map(d -> d.deviceId).toList();
        if (ids.isEmpty()) {
            return Uni.createFrom().item(devices.stream().map(d -> DeviceView.of(d, null)).toList());
        }
        return Panache.getSession().chain(session -> session
                        .createNativeQuery("SELECT device_id, classical_kid, spki FROM device_hybrid_keys WHERE device_id IN (:ids)",
                                Object[].class)
                        .setParameter("ids", ids).getResultList())
                .map(rows -> {
                    Map<String, PostQuantumKeyView> byDevice = new HashMap<>();
                    for (Object[] row : rows) {
                        String id = (String) row[0];
                        byte[] classicalKid = (byte[]) row[1];
                        devices.stream().filter(d -> d.deviceId.equals(id) && Arrays.equals(d.kid, classicalKid)).findFirst()
                                .ifPresent(d -> byDevice.put(id, PostQuantumKeyView.of(Keys.publicKeyFromSpki((byte[]) row[2]))));
                    }
                    return devices.stream().map(d -> DeviceView.of(d, byDevice.get(d.deviceId))).toList();
                });
    }

    private static Uni<Device> find(String tenant, String deviceId) {
        Identifiers.requireValid(tenant, "tenant id");
        Identifiers.requireValid(deviceId, "device id");
        return Device.<Device>findById(deviceId)
                .map(device -> device != null && device.tenantId.equals(tenant) ? device : null)
                .onItem().ifNull().failWith(() -> Access.deviceNotFoundInTenant(tenant, deviceId));
    }

    private static void requireFactory(Tenant tenant) {
        if (!TenantKind.FACTORY.label().equals(tenant.kind)) {
            throw ApiException.conflict("TENANT_NOT_A_FACTORY", "only factory tenants own devices; '" + tenant.id + "' is a "
                    + tenant.kind, Map.of("tenant", tenant.id, "kind", tenant.kind));
        }
    }

    private static Uni<Void> requireSite(String tenant, String site) {
        return Panache.getSession().chain(session -> session
                        .createNativeQuery("SELECT site_id FROM sites WHERE tenant_id = :tenant AND site_id = :site")
                        .setParameter("tenant", tenant).setParameter("site", site).getResultList())
                .map(rows -> {
                    if (rows.isEmpty()) {
                        throw SiteResource.notFound(tenant, site);
                    }
                    return null;
                });
    }

    /**
     * Refuses a key that is already some device's signing key (current or retired), a hybrid device's
     * ML-DSA key or a transport key (409 {@code KEY_ALREADY_REGISTERED}). The tables' keys and triggers
     * (V5, V7, V26) enforce the same; this check gives the precise error.
     */
    private static Uni<Void> requireUnusedKid(VerificationKey key) {
        return Panache.getSession().chain(session -> session
                        .createNativeQuery("SELECT 1 FROM device_keys WHERE kid = :kid UNION ALL SELECT 1 FROM device_hybrid_keys"
                                + " WHERE kid = :kid UNION ALL SELECT 1 FROM device_transport_keys WHERE kid = :kid")
                        .setParameter("kid", key.kid()).getResultList())
                .map(rows -> {
                    if (!rows.isEmpty()) {
                        throw keyRegistered(key);
                    }
                    return null;
                });
    }

    /** Pairs the ML-DSA key with the device's classical key just registered (V26, ADR 029). */
    private static Uni<Void> registerHybridKey(Device device, VerificationKey postQuantum) {
        return Panache.getSession().chain(session -> session
                        .createNativeQuery("INSERT INTO device_hybrid_keys (kid, classical_kid, device_id, spki, alg)"
                                + " VALUES (:kid, :classical, :device, :spki, :alg)")
                        .setParameter("kid", postQuantum.kid()).setParameter("classical", device.kid)
                        .setParameter("device", device.deviceId).setParameter("spki", postQuantum.spki())
                        .setParameter("alg", postQuantum.algorithm().label()).executeUpdate())
                .replaceWithVoid();
    }

    private static Map<String, Object> registeredDetail(Device device, Optional<VerificationKey> postQuantum) {
        Map<String, Object> detail = new HashMap<>();
        detail.put("alg", device.alg);
        detail.put("kid", HexFormat.of().formatHex(device.kid));
        postQuantum.ifPresent(pq -> {
            detail.put("postQuantumAlg", pq.algorithm().label());
            detail.put("postQuantumKid", pq.kidHex());
        });
        if (device.siteId != null) {
            detail.put("site", device.siteId);
        }
        return detail;
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
