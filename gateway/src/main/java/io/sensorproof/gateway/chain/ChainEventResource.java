package io.sensorproof.gateway.chain;

import io.sensorproof.gateway.api.Page;
import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.chain.ChainViews.ChainEventView;
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
 * A lot's contract events as the chain-event follower read them (issue 15, ADR 026). Readers as for lots
 * ({@link LotPolicy#visibleTo}: operator and regulator keys everything, the lot's factory and bank keys).
 * A class of its own path: JAX-RS picks the resource class by its longest matching path and never falls
 * back to another class, so under {@code /api/v1} the lots resource would answer 404.
 */
@Path("/api/v1/lots/{lotId}/chain-events")
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
}
