package io.sensorproof.gateway.lots;

import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.audit.AuditAction;
import io.sensorproof.gateway.audit.AuditEvent;
import io.sensorproof.gateway.audit.AuditLog;
import io.sensorproof.gateway.core.lots.ChainFacilityMatch;
import io.sensorproof.gateway.core.lots.ChainFacilityMatch.ChainFacility;
import io.sensorproof.gateway.core.lots.Watch;
import io.sensorproof.gateway.lots.LotViews.LotView;
import io.sensorproof.gateway.lots.LotViews.WatchView;
import io.sensorproof.gateway.oracle.ChainConnection;
import io.sensorproof.gateway.security.Access;
import io.sensorproof.gateway.security.ApiKeyPrincipal;
import io.smallrye.common.annotation.Blocking;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Links a lot to its on-chain {@code CollateralFinancing} facility (ADR 024, "link"): the lot's bank (or
 * an operator) names the facility id; the gateway reads the facility from the chain and accepts it only
 * if it is Proposed or Active, watches exactly the lot's devices and carries exactly the lot's terms
 * ({@link ChainFacilityMatch}), so that freezes proven from the lot's readings serve the facility the bank
 * agreed. 404 {@code CHAIN_FACILITY_NOT_FOUND}; 409 {@code CHAIN_NOT_CONFIGURED}, the match codes naming
 * the field, {@code LOT_ALREADY_LINKED}, {@code CHAIN_FACILITY_ALREADY_LINKED}. Relinking the same
 * facility changes nothing. Audited ({@code LOT_CHAIN_FACILITY_LINKED}).
 */
@Path("/api/v1/lots/{lotId}/chain-facility")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "lots")
public class LotChainLinkResource {
    private final Access access;
    private final PgLots lots;
    private final ChainConnection chain;
    private final Pool pool;
    private final AuditLog audit;

    LotChainLinkResource(Access access, PgLots lots, ChainConnection chain, Pool pool, AuditLog audit) {
        this.access = access;
        this.lots = lots;
        this.chain = chain;
        this.pool = pool;
        this.audit = audit;
    }

    /** Body of a link: the facility id, a uint256 in decimal. */
    public record LinkRequest(String facilityId) {}

    @PUT
    @Blocking
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Link the lot to its CollateralFinancing facility (the lot's bank or an operator); 400 INVALID_REQUEST;"
            + " 404 LOT_NOT_FOUND, CHAIN_FACILITY_NOT_FOUND; 409 CHAIN_NOT_CONFIGURED, CHAIN_FACILITY_STATE,"
            + " CHAIN_FACILITY_DEVICES_MISMATCH, CHAIN_FACILITY_TERMS_MISMATCH, LOT_ALREADY_LINKED, CHAIN_FACILITY_ALREADY_LINKED")
    public LotView link(@Context SecurityContext security, @PathParam("lotId") String lotId, LinkRequest request) {
        ApiKeyPrincipal caller = LotPolicy.requireCloser(access.caller(security));
        long id = QueryParameters.longValue("lotId", lotId, 1, Long.MAX_VALUE);
        // authorise before reading the body: another tenant learns nothing from a 400 (403 before 404, ADR 011)
        LotView lot = lots.get(id, LotPolicy.visibleTo(caller)).await().indefinitely();
        if (caller.tenantId() != null && !caller.tenantId().equals(lot.bank())) {
            throw Access.forbidden(caller, "a lot is linked by its bank's keys or an operator key");
        }
        BigInteger facilityId = facilityId(request);
        if (lot.chainFacilityId() != null) {
            if (new BigInteger(lot.chainFacilityId()).equals(facilityId)) {
                return lot;
            }
            throw ApiException.conflict("LOT_ALREADY_LINKED", "lot " + id + " is linked to chain facility "
                    + lot.chainFacilityId(), Map.of("field", "facilityId", "linked", lot.chainFacilityId()));
        }
        if (!chain.configured()) {
            throw ApiException.conflict("CHAIN_NOT_CONFIGURED", "no chain is configured (sensorproof.chain.*)", Map.of());
        }
        ChainFacility facility = new CollateralFacilityReader(chain.web3j(), chain.address("CollateralFinancing"))
                .facility(facilityId)
                .orElseThrow(() -> ApiException.notFound("CHAIN_FACILITY_NOT_FOUND", "CollateralFinancing has no facility "
                        + facilityId, Map.of("field", "facilityId")));
        List<Watch> terms = lot.terms().stream().map(WatchView::toWatch).toList();
        ChainFacilityMatch.firstMismatch(facility, lot.deviceIds(), terms).ifPresent(m -> {
            throw ApiException.conflict(m.code(), "chain facility " + facilityId + " does not fit lot " + id + ": "
                    + m.message(), m.details());
        });
        return pool.withTransaction(c -> c.preparedQuery("UPDATE lots SET chain_facility_id = $2::text::numeric WHERE id = $1"
                        + " AND chain_facility_id IS NULL AND NOT EXISTS (SELECT 1 FROM lots o"
                        + " WHERE o.chain_facility_id = $2::text::numeric) RETURNING factory_tenant_id")
                .execute(Tuple.of(id, facilityId.toString()))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.conflict("CHAIN_FACILITY_ALREADY_LINKED", "chain facility " + facilityId
                                + " is linked to another lot, or lot " + id + " was linked meanwhile",
                                Map.of("field", "facilityId"));
                    }
                    return audit.append(c, AuditEvent.by(caller, AuditAction.LOT_CHAIN_FACILITY_LINKED,
                            rows.iterator().next().getString("factory_tenant_id"), String.valueOf(id),
                            Map.of("chainFacilityId", facilityId.toString(), "bank", lot.bank())));
                }))
                .chain(() -> lots.get(id, LotPolicy.visibleTo(caller)))
                .await().indefinitely();
    }

    private static BigInteger facilityId(LinkRequest request) {
        if (request == null || request.facilityId() == null || !request.facilityId().matches("[0-9]{1,78}")) {
            throw ApiException.badRequest("INVALID_REQUEST", "facilityId (a uint256 in decimal) is required",
                    Map.of("field", "facilityId"));
        }
        BigInteger id = new BigInteger(request.facilityId());
        if (id.signum() <= 0 || id.bitLength() > 256) {
            throw ApiException.badRequest("INVALID_REQUEST", "facilityId must be a uint256 above 0",
                    Map.of("field", "facilityId"));
        }
        return id;
    }
}
