package io.sensorproof.gateway.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.sensorproof.gateway.api.ApiError;
import io.sensorproof.gateway.enroll.DeviceCaResource;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Requires {@code Authorization: Bearer <api key>} on every path under {@value #PROTECTED_PREFIX}.
 * Pre-matching, so it runs before resource matching: unknown paths and wrong methods under the
 * prefix answer 401 too, and nothing about the API's shape is visible without a key. Missing,
 * malformed, unknown and revoked keys are all the same 401 {@value #UNAUTHENTICATED}; the reason is
 * only counted in {@code sensorproof_api_authentication_failures_total}.
 *
 * <p>On success the request's security context carries an {@link ApiKeyPrincipal} (key id, label,
 * role, tenant); resources pass that context to {@link Access}, which decides what the key may do.
 */
public class ApiKeyAuthenticationFilter {
    /** Code of the 401 response. */
    public static final String UNAUTHENTICATED = "UNAUTHENTICATED";
    static final String PROTECTED_PREFIX = "/api/";
    /** The enrollment exchange: authenticated by its token, not by an API key. */
    static final String PUBLIC_ENROLL = "/api/v1/enroll";
    private static final String BEARER = "bearer ";

    private final ApiKeyStore store;
    private final Counter missing;
    private final Counter rejected;

    ApiKeyAuthenticationFilter(ApiKeyStore store, MeterRegistry registry) {
        this.store = store;
        this.missing = failures(registry, "missing");
        this.rejected = failures(registry, "rejected");
    }

    private static Counter failures(MeterRegistry registry, String reason) {
        return Counter.builder("sensorproof.api.authentication.failures")
                .description("API requests refused with 401, by reason (missing header or rejected key)")
                .tag("reason", reason)
                .register(registry);
    }

    @ServerRequestFilter(preMatching = true)
    public Uni<Response> authenticate(ContainerRequestContext request) {
        if (!isProtected(request.getUriInfo().getPath())) {
            return Uni.createFrom().nullItem();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || header.length() <= BEARER.length()
                || !header.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            missing.increment();
            return Uni.createFrom().item(unauthenticated("an API key is required: 'Authorization: Bearer <key>'"));
        }
        String presented = header.substring(BEARER.length()).trim();
        boolean secure = request.getSecurityContext() != null && request.getSecurityContext().isSecure();
        return store.authenticate(presented).map(principal -> {
            if (principal.isEmpty()) {
                rejected.increment();
                return unauthenticated("the API key is unknown or revoked");
            }
            request.setSecurityContext(new ApiKeySecurityContext(principal.get(), secure));
            return null;
        });
    }

    /**
     * True for paths under {@value #PROTECTED_PREFIX}, however many slashes separate the segments,
     * except exactly {@value #PUBLIC_ENROLL}, which the one-time enrollment token authenticates, and
     * the device CA's certificates and revocation lists ({@link DeviceCaResource#PUBLIC_PATHS}, ADR 039).
     */
    static boolean isProtected(String path) {
        String collapsed = path == null ? "/" : ("/" + path).replaceAll("/{2,}", "/");
        if (collapsed.equals(PUBLIC_ENROLL) || DeviceCaResource.PUBLIC_PATHS.contains(collapsed)) {
            return false;
        }
        return collapsed.startsWith(PROTECTED_PREFIX) || collapsed.equals("/api");
    }

    private static Response unauthenticated(String message) {
        return Response.status(Response.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"sensorproof\"")
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(UNAUTHENTICATED, message, Map.of()))
                .build();
    }
}
