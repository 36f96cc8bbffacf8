package io.sensorproof.gateway.enforcement;

import io.agroal.api.AgroalDataSource;
import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.enforcement.PgFreezes.Freeze;
import io.sensorproof.gateway.lots.LotPolicy;
import io.sensorproof.gateway.lots.LotViews;
import io.sensorproof.gateway.security.Access;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The freezes the gateway sent for a lot (issue 15, ADR 030): state, transaction, block and the runs'
 * claim ids, so the bank and the borrower see what froze their facility and with which evidence. Readers
 * as for lots ({@link LotPolicy#visibleTo}: operator and regulator keys every lot, the lot's factory and
 * bank keys their own); anyone else gets the 404 of a missing lot. A class of its own path, like
 * {@code ChainEventResource}.
 */
@Path("/api/v1/lots/{lotId}/freezes")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "chain")
public class FreezeResource {
    private final Access access;
    private final PgFreezes freezes;

    FreezeResource(Access access, AgroalDataSource dataSource) {
        this.access = access;
        this.freezes = new PgFreezes(dataSource);
    }

    /**
     * One freeze.
     *
     * @param id the gateway's id
     * @param chainFacilityId the CollateralFinancing facility (decimal uint256)
     * @param quantity the watched quantity's name
     * @param state SUBMITTED (enqueued), FROZEN (transaction confirmed) or FAILED
     * @param transaction the freeze transaction's hash, once signed
     * @param block the block that mined it, once confirmed
     * @param failureCode the job's failure code when FAILED (e.g. {@code REVERTED:FacilityFrozen})
     * @param runs per device, the run claims' ids in chain order (the registry's claim ids)
     * @param createdAt recorded at
     * @param updatedAt last change
     */
    public record FreezeView(long id, String chainFacilityId, String quantity, String state, String transaction, Long block,
            String failureCode, List<List<String>> runs, Instant createdAt, Instant updatedAt) {
        static FreezeView of(Freeze f) {
            return new FreezeView(f.id(), f.chainFacilityId().toString(), f.quantity(), f.state().name(), f.transaction().orElse(null),
                    f.block().isPresent() ? f.block().getAsLong() : null, f.failureCode().orElse(null), f.runs(), f.createdAt(),
                    f.updatedAt());
        }
    }

    /**
     * A lot's freezes.
     *
     * @param lotId the lot
     * @param items oldest first
     */
    public record LotFreezes(long lotId, List<FreezeView> items) {
    }

    @GET
    @Operation(summary = "The freezes the oracle sent for the lot's CollateralFinancing facility, oldest first: state"
            + " (SUBMITTED, FROZEN, FAILED), transaction, block, failure code and each device's run claim ids."
            + " Empty until an excursion froze it. 404 LOT_NOT_FOUND also for a lot of other tenants")
    public LotFreezes list(@Context SecurityContext security, @PathParam("lotId") String lotId) {
        Optional<String> visible = LotPolicy.visibleTo(access.caller(security));
        long id = QueryParameters.longValue("lotId", lotId, 1, Long.MAX_VALUE);
        if (!freezes.lotVisible(id, visible)) {
            throw LotViews.lotNotFound(id);
        }
        return new LotFreezes(id, freezes.ofLot(id).stream().map(FreezeView::of).toList());
    }
}
