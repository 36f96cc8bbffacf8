package io.sensorproof.gateway.lots;

import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.api.BodyIdentifiers;
import io.sensorproof.gateway.api.Page;
import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.core.lots.EmissionsTerms;
import io.sensorproof.gateway.core.lots.LotDevices;
import io.sensorproof.gateway.core.lots.LotRefusal;
import io.sensorproof.gateway.core.lots.PeriodCalendar;
import io.sensorproof.gateway.lots.LotViews.CreateFacilityRequest;
import io.sensorproof.gateway.lots.LotViews.FacilityTermsRequest;
import io.sensorproof.gateway.lots.LotViews.FacilityView;
import io.sensorproof.gateway.security.Access;
import io.sensorproof.gateway.security.ApiKeyPrincipal;
import io.sensorproof.protocol.ids.Identifiers;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Emissions facilities: a factory's register devices with the verifier's terms (mirroring
 * {@code CarbonCredit.setPeriod}). Written by operator keys acting as verifier ({@link LotPolicy}), never
 * by the owning factory; read by operator and regulator keys and the facility's factory and exchange.
 */
@Path("/api/v1/emission-facilities")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "lots")
public class EmissionFacilityResource {
    private static final String FACILITY_BODY = "{tenant, exchange, name, deviceIds, baselineKg, calendar, maxGapMs,"
            + " substituteRateKgPerHour}";
    private static final String CURSOR_KIND = "emission-facilities";

    private final Access access;
    private final PgEmissionFacilities facilities;

    EmissionFacilityResource(Access access, PgEmissionFacilities facilities) {
        this.access = access;
        this.facilities = facilities;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an emissions facility (operator keys, as verifier): 400 INVALID_DEVICES,"
            + " EMISSIONS_INVALID_TERMS, EMISSIONS_UNKNOWN_CALENDAR; 404 DEVICE_NOT_FOUND, TENANT_NOT_FOUND; 409"
            + " TENANT_NOT_A_FACTORY, FACILITY_EXCHANGE_NOT_AN_EXCHANGE")
    public Uni<RestResponse<FacilityView>> create(@Context SecurityContext security, CreateFacilityRequest request) {
        ApiKeyPrincipal caller = LotPolicy.requireVerifier(access.caller(security));
        if (request == null) {
            throw ApiException.badRequest("INVALID_REQUEST", "body is required", Map.of());
        }
        String tenant = BodyIdentifiers.require(request.tenant(), "tenant", "tenant id", FACILITY_BODY);
        String exchange = BodyIdentifiers.require(request.exchange(), "exchange", "exchange tenant id", FACILITY_BODY);
        String name = LotViews.requireText("name", request.name(), LotResource.MAX_NAME_LENGTH);
        List<String> devices;
        EmissionsTerms terms;
        try {
            devices = LotDevices.require(request.deviceIds(), LotDevices.MAX_FACILITY_DEVICES);
            terms = terms(request.baselineKg(), request.calendar(), request.maxGapMs(), request.substituteRateKgPerHour());
        } catch (LotRefusal refusal) {
            throw LotViews.badRequest(refusal);
        }
        devices.forEach(d -> Identifiers.requireValid(d, "device id"));
        return facilities.create(caller, tenant, exchange, name, devices, terms)
                .map(f -> RestResponse.ResponseBuilder.<FacilityView>created(URI.create("/api/v1/emission-facilities/" + f.id()))
                        .entity(f).build());
    }

    @GET
    @Operation(summary = "Emissions facilities the key may see, by id, paged")
    public Uni<Page<FacilityView>> list(@Context SecurityContext security, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        Optional<String> visible = LotPolicy.visibleTo(access.caller(security));
        int max = QueryParameters.limit(limit);
        long after = LotResource.afterId(cursor, CURSOR_KIND);
        return facilities.list(visible, after, max + 1)
                .map(items -> Page.of(items, max, last -> QueryParameters.encodeCursor(CURSOR_KIND, last.id())));
    }

    @GET
    @Path("/{facilityId}")
    @Operation(summary = "Read an emissions facility; 404 EMISSION_FACILITY_NOT_FOUND also for one of other tenants")
    public Uni<FacilityView> get(@Context SecurityContext security, @PathParam("facilityId") String facilityId) {
        Optional<String> visible = LotPolicy.visibleTo(access.caller(security));
        return facilities.get(QueryParameters.longValue("facilityId", facilityId, 1, Long.MAX_VALUE), visible);
    }

    @PUT
    @Path("/{facilityId}/terms")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace the facility's terms (operator keys, as verifier); 400 EMISSIONS_INVALID_TERMS,"
            + " EMISSIONS_UNKNOWN_CALENDAR")
    public Uni<FacilityView> setTerms(@Context SecurityContext security, @PathParam("facilityId") String facilityId,
            FacilityTermsRequest request) {
        ApiKeyPrincipal caller = LotPolicy.requireVerifier(access.caller(security));
        long id = QueryParameters.longValue("facilityId", facilityId, 1, Long.MAX_VALUE);
        if (request == null) {
            throw ApiException.badRequest("INVALID_REQUEST", "body is required", Map.of());
        }
        EmissionsTerms terms;
        try {
            terms = terms(request.baselineKg(), request.calendar(), request.maxGapMs(), request.substituteRateKgPerHour());
        } catch (LotRefusal refusal) {
            throw LotViews.badRequest(refusal);
        }
        return facilities.setTerms(caller, id, terms);
    }

    private static EmissionsTerms terms(Long baselineKg, String calendar, Long maxGapMs, Long rate) {
        return new EmissionsTerms(LotViews.requireLong("baselineKg", baselineKg), PeriodCalendar.named(calendar),
                LotViews.requireLong("maxGapMs", maxGapMs), LotViews.requireLong("substituteRateKgPerHour", rate)).validate();
    }
}
