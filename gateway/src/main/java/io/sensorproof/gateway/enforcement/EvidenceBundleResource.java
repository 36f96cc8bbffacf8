package io.sensorproof.gateway.enforcement;

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
 * The evidence bundle a bank or borrower downloads per confirmed freeze (issue 15 "What users get", ADR 031)
 * and checks offline with {@code verify-claim BUNDLE --vk-pin …} (docs/bundles.md). Readers as for the lot's
 * freezes ({@link FreezeResource}, {@link LotPolicy#visibleTo}): operator and regulator keys, the lot's factory
 * and bank keys; anyone else gets the 404 of a missing lot. The resource parses and authorises;
 * {@link EvidenceBundles} assembles.
 */
@Path("/api/v1/lots/{lotId}/freezes/{freezeId}/evidence-bundle")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "chain")
public class EvidenceBundleResource {
    private final Access access;
    private final EvidenceBundles bundles;

    EvidenceBundleResource(Access access, EvidenceBundles bundles) {
        this.access = access;
        this.bundles = bundles;
    }

    @GET
    @Blocking
    @Operation(summary = "The evidence bundle of a confirmed freeze for the offline verify-claim: the facility's terms,"
            + " devices' keys and raw signed messages, run claims with readings, trees, paths, proofs, public inputs and"
            + " anchor transactions, and the freeze transaction. 404 LOT_NOT_FOUND (also for a lot of other tenants),"
            + " 404 FREEZE_NOT_FOUND, 409 FREEZE_NOT_CONFIRMED, 409 BUNDLE_EVIDENCE_MISSING, 503 CHAIN_UNAVAILABLE")
    public Response bundle(@Context SecurityContext security, @PathParam("lotId") String lotId,
            @PathParam("freezeId") String freezeId) {
        Optional<String> visible = LotPolicy.visibleTo(access.caller(security));
        long lot = QueryParameters.longValue("lotId", lotId, 1, Long.MAX_VALUE);
        long freeze = QueryParameters.longValue("freezeId", freezeId, 1, Long.MAX_VALUE);
        return Response.ok(bundles.bundle(lot, freeze, visible), MediaType.APPLICATION_JSON)
                .header("Content-Disposition", "attachment; filename=\"evidence-bundle-" + lot + "-" + freeze + ".json\"")
                .build();
    }
}
