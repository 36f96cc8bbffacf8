package io.sensorproof.gateway.chain;

import io.sensorproof.gateway.api.Page;
import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.chain.ChainViews.ChainEventView;
import io.sensorproof.gateway.chain.ChainViews.FacilityCredits;
import io.sensorproof.gateway.lots.LotPolicy;
import io.sensorproof.gateway.security.Access;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * What the chain says about lots and emissions facilities (issue 15, ADR 026): a lot's contract events and
 * an emissions facility's credits per period, as the chain-event follower read them. Readers as for lots
 * and facilities ({@link LotPolicy#visibleTo}: operator and regulator keys everything, factory, bank and
 * exchange keys their own tenant's).
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "chain")
public class ChainEventResource {
    private static final String CURSOR_KIND = "chain-events";

    private final Access access;
    private final ChainReads reads;

    ChainEventResource(Access access, ChainReads reads) {
        this.access = access;
        this.reads = reads;
    }

    @GET
    @Path("/lots/{lotId}/chain-events")
    @Operation(summary = "The events of the lot's on-chain CollateralFinancing facility as read from the chain (created,"
            + " accepted, terms, drawdowns, repayments, frozen, unfrozen), oldest first, paged; removed = the chain no longer"
            + " has its block. Empty until the lot is linked. 404 LOT_NOT_FOUND also for a lot of other tenants")
    public Page<ChainEventView> lotEvents(@Context SecurityContext security, @PathParam("lotId") String lotId,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        Optional<String> visible = LotPolicy.visibleTo(access.caller(security));
        long id = QueryParameters.longValue("lotId", lotId, 1, Long.MAX_VALUE);
        int max = QueryParameters.limit(limit);
        long after = QueryParameters.decodeCursor(cursor, CURSOR_KIND, 1).map(key -> {
            try {
                return Long.parseLong(key.get(0));
            } catch (NumberFormatException e) {
                throw QueryParameters.badCursor(cursor);
            }
        }).orElse(0L);
        return Page.of(reads.lotEvents(id, visible, after, max + 1), max,
                last -> QueryParameters.encodeCursor(CURSOR_KIND, last.id()));
    }

    @GET
    @Path("/emission-facilities/{facilityId}/credits")
    @Operation(summary = "The facility's credits per period as the chain says: state (OPEN, CLOSED, VOIDED, MINTED), units"
            + " minted, held and retired, with the close, void reason, mint transaction, holders and retirements. 404"
            + " EMISSION_FACILITY_NOT_FOUND also for a facility of other tenants")
    public FacilityCredits credits(@Context SecurityContext security, @PathParam("facilityId") String facilityId) {
        Optional<String> visible = LotPolicy.visibleTo(access.caller(security));
        return reads.credits(QueryParameters.longValue("facilityId", facilityId, 1, Long.MAX_VALUE), visible);
    }
}
