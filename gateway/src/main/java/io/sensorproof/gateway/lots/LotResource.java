package io.sensorproof.gateway.lots;

import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.api.BodyIdentifiers;
import io.sensorproof.gateway.api.Page;
import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.core.lots.LotDevices;
import io.sensorproof.gateway.core.lots.LotRefusal;
import io.sensorproof.gateway.core.lots.LotTerms;
import io.sensorproof.gateway.lots.LotViews.CreateLotRequest;
import io.sensorproof.gateway.lots.LotViews.LotView;
import io.sensorproof.gateway.lots.LotViews.TermsRequest;
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
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Lots: pledged inventory of a factory at one of its sites, watched by its devices and financed by a
 * bank. Who may do what is {@link LotPolicy}; the resource parses, authorises and calls {@link PgLots}.
 */
@Path("/api/v1/lots")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "lots")
public class LotResource {
    static final int MAX_NAME_LENGTH = 200;
    private static final String LOT_BODY = "{tenant, siteId, bank, name, deviceIds}";
    private static final String CURSOR_KIND = "lots";

    private final Access access;
    private final PgLots lots;

    LotResource(Access access, PgLots lots) {
        this.access = access;
        this.lots = lots;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a lot of a factory tenant (operator or the tenant's factory key) at one of its sites, with"
            + " its devices and its bank; gives the bank read grants on the devices. No terms: the bank sets them."
            + " 400 INVALID_DEVICES; 404 SITE_NOT_FOUND, DEVICE_NOT_FOUND (also for another tenant's device),"
            + " TENANT_NOT_FOUND; 409 LOT_DEVICE_IN_OPEN_LOT, LOT_BANK_NOT_A_BANK, TENANT_NOT_A_FACTORY")
    public Uni<RestResponse<LotView>> create(@Context SecurityContext security, CreateLotRequest request) {
        ApiKeyPrincipal caller = LotPolicy.requireLotCreator(access.caller(security));
        if (request == null) {
            throw ApiException.badRequest("INVALID_REQUEST", "body " + LOT_BODY + " is required", Map.of());
        }
        String tenant = BodyIdentifiers.require(request.tenant(), "tenant", "tenant id", LOT_BODY);
        LotPolicy.requireLotCreator(caller, tenant);
        String site = BodyIdentifiers.require(request.siteId(), "siteId", "site id", LOT_BODY);
        String bank = BodyIdentifiers.require(request.bank(), "bank", "bank tenant id", LOT_BODY);
        String name = LotViews.requireText("name", request.name(), MAX_NAME_LENGTH);
        List<String> devices;
        try {
            devices = LotDevices.require(request.deviceIds(), LotDevices.MAX_LOT_DEVICES);
        } catch (LotRefusal refusal) {
            throw LotViews.badRequest(refusal);
        }
        devices.forEach(d -> Identifiers.requireValid(d, "device id"));
        return lots.create(caller, tenant, site, bank, name, devices)
                .map(lot -> RestResponse.ResponseBuilder.<LotView>created(URI.create("/api/v1/lots/" + lot.id()))
                        .entity(lot).build());
    }

    @GET
    @Operation(summary = "Lots the key may see (operator, regulator: all; factory and bank keys: their tenant's), by id,"
            + " paged")
    public Uni<Page<LotView>> list(@Context SecurityContext security,
            @Parameter(description = "only lots of this factory or bank tenant") @QueryParam("tenant") String tenant,
            @Parameter(description = "true: only open lots; false: only closed ones") @QueryParam("open") String open,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        Optional<String> visible = LotPolicy.visibleTo(access.caller(security));
        Optional<String> tenantFilter = Optional.ofNullable(tenant).filter(t -> !t.isEmpty())
                .map(t -> Identifiers.requireValid(t, "tenant id"));
        Optional<Boolean> openOnly = QueryParameters.bool("open", open);
        int max = QueryParameters.limit(limit);
        long after = afterId(cursor, CURSOR_KIND);
        return lots.list(visible, tenantFilter, openOnly, after, max + 1)
                .map(items -> Page.of(items, max, last -> QueryParameters.encodeCursor(CURSOR_KIND, last.id())));
    }

    @GET
    @Path("/{lotId}")
    @Operation(summary = "Read a lot; 404 LOT_NOT_FOUND also for a lot of other tenants")
    public Uni<LotView> get(@Context SecurityContext security, @PathParam("lotId") String lotId) {
        Optional<String> visible = LotPolicy.visibleTo(access.caller(security));
        return lots.get(id(lotId), visible);
    }

    @PUT
    @Path("/{lotId}/terms")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the lot's freeze terms, replacing the previous ones (the lot's bank keys only); 400"
            + " TERMS_NO_WATCHES, TERMS_UNKNOWN_QUANTITY, TERMS_DUPLICATE_WATCH, TERMS_INVALID_RANGE, TERMS_INVALID_DURATION,"
            + " TERMS_INVALID_MAX_GAP, TERMS_INVALID_K; 409 LOT_CLOSED")
    public Uni<LotView> setTerms(@Context SecurityContext security, @PathParam("lotId") String lotId, TermsRequest request) {
        ApiKeyPrincipal caller = LotPolicy.requireTermsSetter(access.caller(security));
        long id = id(lotId);
        if (request == null) {
            throw ApiException.badRequest("INVALID_REQUEST", "body {watches} is required", Map.of());
        }
        LotTerms terms;
        try {
            terms = request.toTerms();
        } catch (LotRefusal refusal) {
            throw LotViews.badRequest(refusal);
        }
        return lots.setTerms(caller, id, terms);
    }

    @POST
    @Path("/{lotId}/close")
    @Operation(summary = "Close the lot (its bank's keys or an operator key; idempotent): monitoring ends and the read"
            + " grants the lot gave its bank are revoked")
    public Uni<LotView> close(@Context SecurityContext security, @PathParam("lotId") String lotId) {
        ApiKeyPrincipal caller = LotPolicy.requireCloser(access.caller(security));
        long id = id(lotId);
        return lots.close(caller, id, LotPolicy.visibleTo(caller));
    }

    static long id(String value) {
        return QueryParameters.longValue("lotId", value, 1, Long.MAX_VALUE);
    }

    static long afterId(String cursor, String kind) {
        return QueryParameters.decodeCursor(cursor, kind, 1).map(key -> {
            try {
                return Long.parseLong(key.get(0));
            } catch (NumberFormatException e) {
                throw QueryParameters.badCursor(cursor);
            }
        }).orElse(0L);
    }
}
