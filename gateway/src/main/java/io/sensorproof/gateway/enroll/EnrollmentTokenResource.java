package io.sensorproof.gateway.enroll;

import io.sensorproof.gateway.enroll.EnrollmentService.CertificateView;
import io.sensorproof.gateway.enroll.EnrollmentService.IssuedToken;
import io.sensorproof.gateway.security.Access;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Administration side of enrollment for one device: fresh enrollment tokens (operator or the owning
 * factory) and the certificates issued so far (whoever may read the device).
 */
@Path("/api/v1/tenants/{tenant}/devices/{deviceId}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "enrollment")
public class EnrollmentTokenResource {

    @Inject
    EnrollmentService service;
    @Inject
    Access access;

    @POST
    @Path("/enrollment-tokens")
    @Operation(summary = "Issue a one-time enrollment token for the device (first enrollment, re-enrollment, re-key);"
            + " the device's open tokens are voided. The token is shown only in this response.")
    public Uni<RestResponse<IssuedToken>> issue(@Context SecurityContext security, @PathParam("tenant") String tenant,
            @PathParam("deviceId") String deviceId) {
        return access.requireDeviceAdmin(security, tenant, deviceId)
                .chain(caller -> service.issueToken(caller, tenant, deviceId))
                .map(token -> RestResponse.status(RestResponse.Status.CREATED, token));
    }

    @GET
    @Path("/certificates")
    @Operation(summary = "The certificates issued to the device, newest first, with revocation times")
    public Uni<List<CertificateView>> certificates(@Context SecurityContext security, @PathParam("tenant") String tenant,
            @PathParam("deviceId") String deviceId) {
        return access.requireDeviceRead(security, deviceId).chain(caller -> service.certificates(tenant, deviceId));
    }
}
