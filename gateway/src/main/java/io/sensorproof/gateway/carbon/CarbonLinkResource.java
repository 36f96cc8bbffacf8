package io.sensorproof.gateway.carbon;

import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.audit.AuditAction;
import io.sensorproof.gateway.audit.AuditEvent;
import io.sensorproof.gateway.audit.AuditLog;
import io.sensorproof.gateway.lots.LotPolicy;
import io.sensorproof.gateway.lots.LotViews.FacilityView;
import io.sensorproof.gateway.lots.PgEmissionFacilities;
import io.sensorproof.gateway.oracle.ChainConnection;
import io.sensorproof.gateway.security.Access;
import io.sensorproof.gateway.security.ApiKeyPrincipal;
import io.sensorproof.protocol.ProtocolException;
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
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Links a gateway emissions facility to its CarbonCredit facility (ADR 025), after which the carbon loop
 * proves, submits, closes and mints its periods. Operator keys only (acting as verifier, like the
 * facility's terms): the verifier created the chain facility and sets its periods, and the link decides
 * whose readings back its credits, so the owning factory may not choose it. The chain facility's periods
 * (read from the chain) may list only the facility's devices: otherwise 409
 * {@code CHAIN_FACILITY_DEVICES_MISMATCH} naming the field {@code deviceIds}. Audited
 * ({@code EMISSION_FACILITY_LINKED}); linking again to the same chain facility changes nothing.
 */
@Path("/api/v1/emission-facilities/{facilityId}/chain-link")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "lots")
public class CarbonLinkResource {
    private final Access access;
    private final PgEmissionFacilities facilities;
    private final ChainConnection chain;
    private final Pool pool;
    private final AuditLog audit;

    CarbonLinkResource(Access access, PgEmissionFacilities facilities, ChainConnection chain, Pool pool, AuditLog audit) {
        this.access = access;
        this.facilities = facilities;
        this.chain = chain;
        this.pool = pool;
        this.audit = audit;
    }

    /** Body of a link: the CarbonCredit facility id. */
    public record LinkRequest(Long chainFacilityId) {}

    @PUT
    @Blocking
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Link the emissions facility to its CarbonCredit facility (operator keys, as verifier); 400"
            + " INVALID_REQUEST; 404 EMISSION_FACILITY_NOT_FOUND, CHAIN_FACILITY_NOT_FOUND; 409 CARBON_CHAIN_NOT_CONFIGURED,"
            + " CHAIN_FACILITY_DEVICES_MISMATCH, EMISSION_FACILITY_ALREADY_LINKED, CHAIN_FACILITY_ALREADY_LINKED")
    public FacilityView link(@Context SecurityContext security, @PathParam("facilityId") String facilityId, LinkRequest request) {
        ApiKeyPrincipal caller = LotPolicy.requireVerifier(access.caller(security));
        long id = QueryParameters.longValue("facilityId", facilityId, 1, Long.MAX_VALUE);
        if (request == null || request.chainFacilityId() == null || request.chainFacilityId() <= 0) {
            throw ApiException.badRequest("INVALID_REQUEST", "chainFacilityId (a positive integer) is required",
                    Map.of("field", "chainFacilityId"));
        }
        long chainId = request.chainFacilityId();
        FacilityView facility = facilities.get(id, Optional.empty()).await().indefinitely();
        if (facility.chainFacilityId() != null) {
            if (facility.chainFacilityId().equals(Long.toString(chainId))) {
                return facility;
            }
            throw ApiException.conflict("EMISSION_FACILITY_ALREADY_LINKED", "facility " + id + " is linked to chain facility "
                    + facility.chainFacilityId(), Map.of("field", "chainFacilityId", "linked", facility.chainFacilityId()));
        }
        if (!chain.configured()) {
            throw ApiException.conflict("CARBON_CHAIN_NOT_CONFIGURED", "no chain is configured (sensorproof.chain.*)", Map.of());
        }
        CarbonChain carbon = new CarbonChain(chain.web3j(), chain.address("CarbonCredit"));
        List<List<String>> periods = new ArrayList<>();
        try {
            long count = carbon.periodCount(chainId);
            for (long p = 1; p <= count; p++) {
                periods.add(CarbonLinks.deviceIds(carbon.periodDevices(chainId, p)));
            }
        } catch (CarbonException e) {
            if (e.code() == CarbonException.Code.CHAIN_FACILITY_NOT_FOUND) {
                throw ApiException.notFound("CHAIN_FACILITY_NOT_FOUND", "CarbonCredit has no facility " + chainId,
                        Map.of("field", "chainFacilityId"));
            }
            throw e;
        } catch (ProtocolException e) {
            throw ApiException.conflict("CHAIN_FACILITY_DEVICES_MISMATCH", "a device of chain facility " + chainId
                    + " is not a device id: " + e.getMessage(), Map.of("field", "deviceIds"));
        }
        CarbonLinks.firstForeign(periods, new HashSet<>(facility.deviceIds())).ifPresent(f -> {
            throw ApiException.conflict("CHAIN_FACILITY_DEVICES_MISMATCH", "period " + f.periodId() + " of chain facility "
                    + chainId + " lists device " + f.deviceId() + ", which is not a device of facility " + id,
                    Map.of("field", "deviceIds", "device", f.deviceId(), "periodId", f.periodId()));
        });
        return pool.withTransaction(c -> c.preparedQuery("UPDATE emission_facilities SET chain_facility_id = $2 WHERE id = $1"
                        + " AND chain_facility_id IS NULL AND NOT EXISTS (SELECT 1 FROM emission_facilities o"
                        + " WHERE o.chain_facility_id = $2) RETURNING factory_tenant_id")
                .execute(Tuple.of(id, new BigDecimal(chainId)))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.conflict("CHAIN_FACILITY_ALREADY_LINKED", "chain facility " + chainId
                                + " is linked to another facility, or facility " + id + " was linked meanwhile",
                                Map.of("field", "chainFacilityId"));
                    }
                    return audit.append(c, AuditEvent.by(caller, AuditAction.EMISSION_FACILITY_LINKED,
                            rows.iterator().next().getString("factory_tenant_id"), String.valueOf(id),
                            Map.of("chainFacilityId", chainId, "periods", periods.size())));
                }))
                .chain(() -> facilities.get(id, Optional.empty()))
                .await().indefinitely();
    }
}
