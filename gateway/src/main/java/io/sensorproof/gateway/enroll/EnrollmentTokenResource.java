package io.sensorproof.gateway.enroll;

import io.sensorproof.gateway.enroll.EnrollmentService.CertificateView;
import io.sensorproof.gateway.enroll.EnrollmentService.IssuedToken;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** Operator side of enrollment for one device: fresh enrollment tokens and the certificates issued so far. */
@Path("/api/v1/tenants/{tenant}/devices/{deviceId}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "enrollment")
public class EnrollmentTokenResource {

    @Inject
    EnrollmentService service;

    @POST
    @Path("/enrollment-tokens")
    @Operation(summary = "Issue a one-time enrollment token for the device (first enrollment, re-enrollment, re-key);"
            + " the device's open tokens are voided. The token is shown only in this response.")
    public Uni<RestResponse<IssuedToken>> issue(@PathParam("tenant") String tenant, @PathParam("deviceId") String deviceId) {
        return service.issueToken(tenant, deviceId).map(token -> RestResponse.status(RestResponse.Status.CREATED, token));
    }

    @GET
    @Path("/certificates")
    @Operation(summary = "The certificates issued to the device, newest first, with revocation times")
    public Uni<List<CertificateView>> certificates(@PathParam("tenant") String tenant, @PathParam("deviceId") String deviceId) {
        return service.certificates(tenant, deviceId);
    }
}
