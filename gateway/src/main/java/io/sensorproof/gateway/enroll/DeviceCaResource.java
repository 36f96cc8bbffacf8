package io.sensorproof.gateway.enroll;

import io.sensorproof.gateway.audit.AuditAction;
import io.sensorproof.gateway.audit.AuditEvent;
import io.sensorproof.gateway.audit.AuditLog;
import io.sensorproof.gateway.enroll.CaKeyStore.CaEntry;
import io.sensorproof.gateway.security.Access;
import io.sensorproof.gateway.security.ApiKeyPrincipal;
import io.sensorproof.protocol.enroll.Pem;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
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
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * The device CA: its trusted generations (any API key: they are trust anchors), rotation to a
 * freshly generated one (operator), and, without an API key, what brokers and other relying parties
 * fetch unattended: the CA certificates and the certificate revocation lists (ADR 039). A CRL is
 * public like the CA certificate it belongs to: it is signed, holds only random serial numbers and
 * revocation times, and a broker's refresh job should need no API key that could do more.
 */
@Path(DeviceCaResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "enrollment")
public class DeviceCaResource {
    /** The resource's path. */
    public static final String PATH = "/api/v1/gateway/device-ca";
    /** The current CA generation's CRL, DER. */
    public static final String CRL_PATH = PATH + "/crl";
    /** The CRLs of every trusted CA generation, PEM (Mosquitto's {@code crlfile}). */
    public static final String CRLS_PEM_PATH = PATH + "/crls.pem";
    /** The trusted CA certificates, PEM (Mosquitto's {@code cafile}). */
    public static final String CERTIFICATES_PEM_PATH = PATH + "/certificates.pem";
    /** The paths that take no API key (public like a CA certificate and its CRL). */
    public static final java.util.Set<String> PUBLIC_PATHS = java.util.Set.of(CRL_PATH, CRLS_PEM_PATH, CERTIFICATES_PEM_PATH);
    /** Media type of a DER CRL (RFC 2585). */
    public static final String PKIX_CRL = "application/pkix-crl";
    /** Media type of the PEM files. */
    public static final String PEM_FILE = "application/x-pem-file";

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
    @Inject
    DeviceCrlService crls;

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

    @GET
    @Path("/crl")
    @Produces(PKIX_CRL)
    @Operation(summary = "The current device CA's certificate revocation list (DER, RFC 5280 v2 CRL): revoked devices'"
            + " certificates. Public, like the CA certificate; see ADR 039")
    public Uni<byte[]> crl() {
        return crls.currentCrl().map(DeviceCaResource::der);
    }

    @GET
    @Path("/crls.pem")
    @Produces(PEM_FILE)
    @Operation(summary = "The revocation lists of every trusted device CA generation, current first, in PEM (a broker's"
            + " crlfile, e.g. Mosquitto's: one list per CA it trusts). Public; see ADR 039")
    public Uni<String> crlsPem() {
        return crls.trustedCrls().map(list -> {
            StringBuilder pem = new StringBuilder();
            for (X509CRL crl : list) {
                pem.append(Pem.encode("X509 CRL", der(crl)));
            }
            return pem.toString();
        });
    }

    @GET
    @Path("/certificates.pem")
    @Produces(PEM_FILE)
    @Operation(summary = "The trusted device CA certificates, current first, in PEM (a broker's cafile). Public: they are"
            + " trust anchors; see ADR 039")
    public String certificatesPem() {
        StringBuilder pem = new StringBuilder();
        try {
            for (X509Certificate certificate : ca.trustedCaCertificates()) {
                pem.append(Pem.encode("CERTIFICATE", certificate.getEncoded()));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return pem.toString();
    }

    private static byte[] der(X509CRL crl) {
        try {
            return crl.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
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
