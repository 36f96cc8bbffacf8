package io.sensorproof.gateway.chain;

import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.chain.ChainViews.FacilityCredits;
import io.sensorproof.gateway.lots.LotPolicy;
import io.sensorproof.gateway.security.Access;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * An emissions facility's credits per period as the chain says (issue 15, ADR 026): what the exchange
 * lists. Readers as for facilities ({@link LotPolicy#visibleTo}: operator and regulator keys everything, the
 * facility's factory and exchange keys).
 */
@Path("/api/v1/emission-facilities/{facilityId}/credits")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "chain")
public class CreditsResource {
    private final Access access;
    private final ChainReads reads;

    CreditsResource(Access access, ChainReads reads) {
        this.access = access;
        this.reads = reads;
    }

    @GET
    @Operation(summary = "The facility's credits per period as the chain says: state (OPEN, CLOSED, VOIDED, MINTED), units"
            + " minted, held and retired, with the close, void reason, mint transaction, holders and retirements. 404"
            + " EMISSION_FACILITY_NOT_FOUND also for a facility of other tenants")
    public FacilityCredits credits(@Context SecurityContext security, @PathParam("facilityId") String facilityId) {
        Optional<String> visible = LotPolicy.visibleTo(access.caller(security));
        return reads.credits(QueryParameters.longValue("facilityId", facilityId, 1, Long.MAX_VALUE), visible);
    }
}
