package io.sensorproof.gateway.enroll;

import io.sensorproof.gateway.audit.AuditAction;
import io.sensorproof.gateway.audit.AuditEvent;
import io.sensorproof.gateway.audit.AuditLog;
import io.sensorproof.gateway.enroll.CaKeyStore.CaEntry;
import io.sensorproof.gateway.security.Access;
import io.sensorproof.gateway.security.ApiKeyPrincipal;
import io.sensorproof.protocol.enroll.Pem;
import io.smallrye.common.annotation.Blocking;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** The device CA: its trusted generations (any API key: they are trust anchors), and rotation to a freshly generated one (operator). */
@Path("/api/v1/gateway/device-ca")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "enrollment")
public class DeviceCaResource {

    /**
     * One CA generation.
     *
     * @param alias key store alias
     * @param fingerprint SHA-256 of the certificate (hex), what tokens pin
     * @param current whether it issues new certificates
     * @param notBefore certificate start
     * @param notAfter certificate end
     * @param trustedUntil end of trust (rotation window or notAfter)
     * @param pem the CA certificate
     */
    public record CaView(String alias, String fingerprint, boolean current, Instant notBefore, Instant notAfter, Instant trustedUntil,
            String pem) {
    }

    @Inject
    DeviceCertificateAuthority ca;
    @Inject
    Access access;
    @Inject
    AuditLog auditLog;
    @Inject
    Pool pool;

    @GET
    @Operation(summary = "The trusted device CA certificates, current first (the DTLS and agent trust anchors)")
    public List<CaView> trusted(@Context SecurityContext security) {
        access.caller(security);
        CaGenerations generations = ca.generations();
        List<CaView> views = new ArrayList<>();
        for (CaEntry entry : generations.trusted(ca.now())) {
            views.add(view(generations, entry));
        }
        return views;
    }

    @POST
    @Path("/rotations")
    @Blocking
    @Operation(summary = "Generate a new device CA, which becomes current; the previous one stays trusted for"
            + " sensorproof.ca.rotation-window (see gateway/README.md, CA rotation)")
    public RestResponse<CaView> rotate(@Context SecurityContext security) {
        ApiKeyPrincipal caller = access.requirePlatformAdmin(security);
        CaEntry created = ca.rotate();
        pool.withTransaction(conn -> auditLog.append(conn, AuditEvent.by(caller, AuditAction.DEVICE_CA_ROTATED, null, created.alias(),
                Map.of("fingerprint", created.fingerprintHex())))).await().atMost(java.time.Duration.ofSeconds(30));
        return RestResponse.status(RestResponse.Status.CREATED, view(ca.generations(), created));
    }

    private static CaView view(CaGenerations generations, CaEntry entry) {
        try {
            return new CaView(entry.alias(), entry.fingerprintHex(), generations.current().fingerprintHex().equals(entry.fingerprintHex()),
                    entry.certificate().getNotBefore().toInstant(), entry.certificate().getNotAfter().toInstant(),
                    generations.trustedUntil(entry.fingerprintHex()).orElseThrow(),
                    Pem.encode("CERTIFICATE", entry.certificate().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
