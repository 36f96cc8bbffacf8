package io.sensorproof.gateway.carbon;

import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.lots.LotPolicy;
import io.sensorproof.gateway.security.Access;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The verification bundle an exchange downloads per emissions facility and minted period (issue 15, ADR
 * 031) and checks offline with {@code verify-claim BUNDLE --vk-pin …} (docs/bundles.md). Readers as for the
 * facility and its credits ({@link LotPolicy#visibleTo}): operator and regulator keys, and keys of the
 * facility's factory and exchange; anyone else gets the 404 of a missing facility. The resource parses and
 * authorises; {@link VerificationBundles} assembles.
 */
@Path("/api/v1/emission-facilities/{facilityId}/periods/{periodId}/verification-bundle")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "chain")
public class VerificationBundleResource {
    private final Access access;
    private final VerificationBundles bundles;

    VerificationBundleResource(Access access, VerificationBundles bundles) {
        this.access = access;
        this.bundles = bundles;
    }

    @GET
    @Blocking
    @Operation(summary = "The verification bundle of a minted carbon period (the CarbonCredit period id) for the offline"
            + " verify-claim: terms, emissions claims with proofs, public inputs and anchor transactions, the close's figures,"
            + " close and mint transactions, contract addresses. 404 EMISSION_FACILITY_NOT_FOUND (also for a facility of other"
            + " tenants), 404 CARBON_PERIOD_NOT_FOUND, 409 CARBON_PERIOD_NOT_MINTED, 409 BUNDLE_EVIDENCE_MISSING,"
            + " 503 CHAIN_UNAVAILABLE")
    public Response bundle(@Context SecurityContext security, @PathParam("facilityId") String facilityId,
            @PathParam("periodId") String periodId) {
        Optional<String> visible = LotPolicy.visibleTo(access.caller(security));
        long facility = QueryParameters.longValue("facilityId", facilityId, 1, Long.MAX_VALUE);
        long period = QueryParameters.longValue("periodId", periodId, 1, Long.MAX_VALUE);
        return Response.ok(bundles.bundle(facility, period, visible), MediaType.APPLICATION_JSON)
                .header("Content-Disposition", "attachment; filename=\"verification-bundle-" + facility + "-" + period + ".json\"")
                .build();
    }
}
