package io.sensorproof.gateway.webhooks;

import io.sensorproof.gateway.GatewaySettings;
import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.audit.AuditAction;
import io.sensorproof.gateway.audit.AuditEvent;
import io.sensorproof.gateway.audit.AuditLog;
import io.sensorproof.gateway.core.webhooks.DeliveryAttempt;
import io.sensorproof.gateway.core.webhooks.DeliveryStatus;
import io.sensorproof.gateway.core.webhooks.WebhookEndpoint;
import io.sensorproof.gateway.core.webhooks.WebhookException;
import io.sensorproof.gateway.core.webhooks.WebhookSecret;
import io.sensorproof.gateway.core.webhooks.WebhookUrlPolicy;
import io.sensorproof.gateway.core.webhooks.WebhookUrlPolicy.OwnAddress;
import io.sensorproof.gateway.security.Access;
import io.sensorproof.gateway.security.ApiKeyPrincipal;
import io.sensorproof.gateway.security.ApiKeyRole;
import io.sensorproof.protocol.ids.Identifiers;
import io.smallrye.common.annotation.Blocking;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Webhook endpoints of a tenant: register (the secret is in the answer once), list, read, rotate the
 * secret with an overlap, enable, disable, the delivery history, requeue a dead delivery. Who may:
 * operator keys and the tenant's own keys (factory, bank or exchange, by the tenant's kind); regulator
 * keys read too; every change is audited. The decisions are {@link WebhookEndpoints}'; this class parses, authorises,
 * audits and renders.
 */
@Path("/api/v1/tenants/{tenant}/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "webhooks")
public class WebhookEndpointResource {
    private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    /** Body of a registration. */
    public record RegisterRequest(String url) {
    }

    /** A secret's validity (never its value). */
    public record SecretView(Instant validFrom, Instant validUntil) {
    }

    /** An endpoint as the API shows it. */
    public record EndpointView(String id, String tenant, String url, boolean enabled, List<SecretView> secrets) {
        static EndpointView of(WebhookEndpoint e) {
            List<SecretView> secrets = e.secrets().stream()
                    .map(s -> new SecretView(s.validFrom(), s.openEnded() ? null : s.validUntil())).toList();
            return new EndpointView(e.id(), e.tenant(), e.url().toString(), e.enabled(), secrets);
        }
    }

    /** An endpoint with its new secret, answered once at registration and rotation. */
    public record EndpointWithSecretView(EndpointView endpoint, String secret) {
    }

    /** One attempt of the history. */
    public record AttemptView(long deliveryId, String eventId, int attempt, Instant startedAt, long latencyMs, Integer status,
            String error, String detail, String stateAfter) {
        static AttemptView of(DeliveryAttempt a) {
            return new AttemptView(a.deliveryId(), a.eventId(), a.attempt(), a.startedAt(), a.latency().toMillis(),
                    a.status().isPresent() ? a.status().getAsInt() : null, a.error().map(Enum::name).orElse(null), a.detail(),
                    a.stateAfter().name());
        }
    }

    /** A delivery's state. */
    public record DeliveryView(String endpointId, String eventId, String state, int attempts, Instant nextAttemptAt,
            Integer lastStatus, String lastError) {
        static DeliveryView of(DeliveryStatus s) {
            return new DeliveryView(s.endpointId(), s.eventId(), s.state().name(), s.attempts(), s.nextAttemptAt().orElse(null),
                    s.lastStatus().isPresent() ? s.lastStatus().getAsInt() : null, s.lastError().orElse(null));
        }
    }

    /** The history page. */
    public record HistoryView(List<AttemptView> items) {
    }

    private final Access access;
    private final AuditLog audit;
    private final Pool pool;
    private final WebhookEndpoints endpoints;

    WebhookEndpointResource(Access access, AuditLog audit, Pool pool, WebhookRuntime runtime, GatewaySettings settings,
            Config config) {
        this.access = access;
        this.audit = audit;
        this.pool = pool;
        this.endpoints = new WebhookEndpoints(runtime.outbox(), runtime.outbox(), new WebhookUrlPolicy(ownAddresses(config)),
                new SecureRandom(), Clock.systemUTC(), settings.webhooks().secretOverlap());
    }

    /**
     * The gateway's own HTTP(S), test and management ports on its configured host and on
     * {@code localhost}; the policy adds every loopback and unspecified address itself.
     */
    static List<OwnAddress> ownAddresses(Config config) {
        List<String> hosts = new ArrayList<>(List.of("localhost"));
        config.getOptionalValue("quarkus.http.host", String.class).ifPresent(hosts::add);
        List<OwnAddress> own = new ArrayList<>();
        for (String key : List.of("quarkus.http.port", "quarkus.http.ssl-port", "quarkus.http.test-port",
                "quarkus.http.test-ssl-port", "quarkus.management.port")) {
            Optional<Integer> port = config.getOptionalValue(key, Integer.class).filter(p -> p > 0 && p <= 65535);
            port.ifPresent(p -> hosts.forEach(h -> own.add(new OwnAddress(h, p))));
        }
        return own;
    }

    @POST
    @Blocking
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register a webhook endpoint of the tenant (operator or the tenant's own keys); the answer holds"
            + " the signing secret, shown this once. 400 URL_SCHEME, URL_MALFORMED, URL_SELF, URL_LINK_LOCAL; 404 TENANT_NOT_FOUND")
    public RestResponse<EndpointWithSecretView> register(@Context SecurityContext security, @PathParam("tenant") String tenant,
            RegisterRequest request) {
        ApiKeyPrincipal caller = requireAdmin(security, tenant);
        if (request == null || request.url() == null) {
            throw ApiException.badRequest("INVALID_REQUEST", "body {url} is required", Map.of());
        }
        requireTenantExists(tenant);
        WebhookEndpoints.WithSecret created;
        try {
            created = endpoints.register(tenant, request.url());
        } catch (WebhookException e) {
            throw ApiException.badRequest(e.code().name(), e.getMessage(), Map.of("url", request.url()));
        }
        audit(caller, AuditAction.WEBHOOK_ENDPOINT_REGISTERED, tenant, created.endpoint().id(),
                Map.of("url", created.endpoint().url().toString()));
        return RestResponse.ResponseBuilder.<EndpointWithSecretView>created(
                        URI.create("/api/v1/tenants/" + tenant + "/webhooks/" + created.endpoint().id()))
                .entity(new EndpointWithSecretView(EndpointView.of(created.endpoint()), created.secret())).build();
    }

    @GET
    @Blocking
    @Operation(summary = "The tenant's webhook endpoints (operator or the tenant's own keys), without secrets")
    public List<EndpointView> list(@Context SecurityContext security, @PathParam("tenant") String tenant) {
        requireReader(security, tenant);
        return endpoints.list(tenant).stream().map(EndpointView::of).toList();
    }

    @GET
    @Blocking
    @Path("/{id}")
    @Operation(summary = "Read a webhook endpoint; 404 WEBHOOK_ENDPOINT_NOT_FOUND also for another tenant's")
    public EndpointView get(@Context SecurityContext security, @PathParam("tenant") String tenant, @PathParam("id") String id) {
        requireReader(security, tenant);
        return EndpointView.of(call(() -> endpoints.get(tenant, requireId(id))));
    }

    @POST
    @Blocking
    @Path("/{id}/rotate-secret")
    @Operation(summary = "A new signing secret, shown this once; the previous ones keep signing for"
            + " sensorproof.webhooks.secret-overlap. 404 WEBHOOK_ENDPOINT_NOT_FOUND")
    public EndpointWithSecretView rotate(@Context SecurityContext security, @PathParam("tenant") String tenant,
            @PathParam("id") String id) {
        ApiKeyPrincipal caller = requireAdmin(security, tenant);
        WebhookEndpoints.WithSecret rotated = call(() -> endpoints.rotate(tenant, requireId(id)));
        audit(caller, AuditAction.WEBHOOK_SECRET_ROTATED, tenant, id, Map.of("oldSecretsSignUntil",
                rotated.endpoint().secrets().stream().filter(s -> !s.openEnded()).map(WebhookSecret::validUntil)
                        .max(Instant::compareTo).map(Instant::toString).orElse("none")));
        return new EndpointWithSecretView(EndpointView.of(rotated.endpoint()), rotated.secret());
    }

    @POST
    @Blocking
    @Path("/{id}/enable")
    @Operation(summary = "Enable the endpoint (idempotent); 404 WEBHOOK_ENDPOINT_NOT_FOUND")
    public EndpointView enable(@Context SecurityContext security, @PathParam("tenant") String tenant, @PathParam("id") String id) {
        return setEnabled(security, tenant, id, true);
    }

    @POST
    @Blocking
    @Path("/{id}/disable")
    @Operation(summary = "Disable the endpoint (idempotent): no new deliveries and no attempts until enabled;"
            + " 404 WEBHOOK_ENDPOINT_NOT_FOUND")
    public EndpointView disable(@Context SecurityContext security, @PathParam("tenant") String tenant,
            @PathParam("id") String id) {
        return setEnabled(security, tenant, id, false);
    }

    private EndpointView setEnabled(SecurityContext security, String tenant, String id, boolean on) {
        ApiKeyPrincipal caller = requireAdmin(security, tenant);
        WebhookEndpoint changed = call(() -> endpoints.setEnabled(tenant, requireId(id), on));
        audit(caller, on ? AuditAction.WEBHOOK_ENDPOINT_ENABLED : AuditAction.WEBHOOK_ENDPOINT_DISABLED, tenant, id, Map.of());
        return EndpointView.of(changed);
    }

    @GET
    @Blocking
    @Path("/{id}/deliveries")
    @Operation(summary = "The endpoint's delivery history: its latest attempts, newest first (limit 1-1000, default 100);"
            + " 404 WEBHOOK_ENDPOINT_NOT_FOUND")
    public HistoryView history(@Context SecurityContext security, @PathParam("tenant") String tenant, @PathParam("id") String id,
            @QueryParam("limit") String limit) {
        requireReader(security, tenant);
        int max = limit == null ? 100 : (int) QueryParameters.longValue("limit", limit, 1, 1000);
        return new HistoryView(call(() -> endpoints.history(tenant, requireId(id), max)).stream().map(AttemptView::of).toList());
    }

    @POST
    @Blocking
    @Path("/{id}/deliveries/{eventId}/requeue")
    @Operation(summary = "Make a DEAD delivery due again, keeping its history (after fixing the receiver); 404"
            + " WEBHOOK_ENDPOINT_NOT_FOUND, WEBHOOK_DELIVERY_NOT_FOUND; 409 WEBHOOK_DELIVERY_NOT_DEAD")
    public DeliveryView requeue(@Context SecurityContext security, @PathParam("tenant") String tenant, @PathParam("id") String id,
            @PathParam("eventId") String eventId) {
        ApiKeyPrincipal caller = requireAdmin(security, tenant);
        if (eventId == null || !EVENT_ID.matcher(eventId).matches()) {
            throw ApiException.badRequest("INVALID_PARAMETER", "eventId has 1-128 characters of [A-Za-z0-9_.:-]", Map.of());
        }
        DeliveryStatus status = call(() -> endpoints.requeue(tenant, requireId(id), eventId));
        audit(caller, AuditAction.WEBHOOK_DELIVERY_REQUEUED, tenant, id, Map.of("eventId", eventId));
        return DeliveryView.of(status);
    }

    /** Operator keys, or a key of the tenant itself (factory, bank or exchange by the tenant's kind). */
    private ApiKeyPrincipal requireAdmin(SecurityContext security, String tenant) {
        ApiKeyPrincipal caller = access.caller(security);
        String id = Identifiers.requireValid(tenant, "tenant id");
        if (caller.role() == ApiKeyRole.OPERATOR
                || (caller.role().scope() == ApiKeyRole.Scope.TENANT && caller.belongsTo(id))) {
            return caller;
        }
        throw Access.forbidden(caller, "the webhooks of tenant '" + id + "' are for operator keys and the tenant's own keys");
    }

    /** {@link #requireAdmin}, and regulator keys (they read everything). */
    private ApiKeyPrincipal requireReader(SecurityContext security, String tenant) {
        ApiKeyPrincipal caller = access.caller(security);
        if (caller.role() == ApiKeyRole.REGULATOR) {
            Identifiers.requireValid(tenant, "tenant id");
            return caller;
        }
        return requireAdmin(security, tenant);
    }

    private void requireTenantExists(String tenant) {
        boolean exists = pool.preparedQuery("SELECT 1 FROM tenants WHERE id = $1").execute(Tuple.of(tenant))
                .await().atMost(Duration.ofSeconds(10)).size() == 1;
        if (!exists) {
            throw ApiException.notFound("TENANT_NOT_FOUND", "no tenant " + tenant, Map.of("tenant", tenant));
        }
    }

    private static String requireId(String id) {
        if (id == null || !WebhookEndpoint.ID.matcher(id).matches()) {
            throw ApiException.notFound(WebhookEndpoints.NOT_FOUND, "no webhook endpoint " + id, Map.of());
        }
        return id;
    }

    private static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (WebhookEndpoints.Refusal r) {
            if (WebhookEndpoints.DELIVERY_NOT_DEAD.equals(r.code())) {
                throw ApiException.conflict(r.code(), r.getMessage(), Map.of());
            }
            throw ApiException.notFound(r.code(), r.getMessage(), Map.of());
        }
    }

    private void audit(ApiKeyPrincipal caller, AuditAction action, String tenant, String subject, Map<String, Object> detail) {
        pool.withTransaction(c -> audit.append(c, AuditEvent.by(caller, action, tenant, subject, detail))).await().atMost(Duration.ofSeconds(10));
    }
}
