package io.sensorproof.gateway.collateral;

import io.sensorproof.gateway.api.Page;
import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.core.collateral.AlertState;
import io.sensorproof.gateway.lots.LotPolicy;
import io.sensorproof.gateway.security.Access;
import io.sensorproof.gateway.security.ApiKeyPrincipal;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * Collateral alerts of lots (not the operator alerts of {@code /api/v1/alerts}): list, read,
 * acknowledge, and a server-sent event stream per tenant with resumption by {@code Last-Event-ID}.
 * Operator and regulator keys see every lot's alerts; factory and bank keys those of their lots.
 */
@Path("/api/v1/collateral-alerts")
@Tag(name = "lots")
public class CollateralAlertResource {
    /** Events fetched per query of a stream. */
    static final int PAGE = 500;
    private static final String CURSOR_KIND = "collateral-alerts";

    private final Access access;
    private final PgCollateralAlerts alerts;
    private final AlertEventTicker ticker;

    CollateralAlertResource(Access access, PgCollateralAlerts alerts, AlertEventTicker ticker) {
        this.access = access;
        this.alerts = alerts;
        this.ticker = ticker;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Collateral alerts of the lots the key may see, newest first, paged")
    public Uni<Page<AlertView>> list(@Context SecurityContext security,
            @Parameter(description = "only alerts of this lot") @QueryParam("lot") String lot,
            @Parameter(description = "OPEN, ACKNOWLEDGED or RESOLVED") @QueryParam("state") String state,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        Optional<String> visible = LotPolicy.visibleTo(access.caller(security));
        Optional<Long> lotFilter = Optional.ofNullable(lot).filter(l -> !l.isEmpty())
                .map(l -> QueryParameters.longValue("lot", l, 1, Long.MAX_VALUE));
        Optional<String> stateFilter = Optional.ofNullable(state).filter(s -> !s.isEmpty()).map(s -> {
            try {
                return AlertState.valueOf(s).name();
            } catch (IllegalArgumentException e) {
                throw QueryParameters.invalid("state", s, "OPEN, ACKNOWLEDGED or RESOLVED");
            }
        });
        int max = QueryParameters.limit(limit);
        long before = QueryParameters.decodeCursor(cursor, CURSOR_KIND, 1).map(key -> {
            try {
                return Long.parseLong(key.get(0));
            } catch (NumberFormatException e) {
                throw QueryParameters.badCursor(cursor);
            }
        }).orElse(Long.MAX_VALUE);
        return alerts.list(visible, lotFilter, stateFilter, before, max + 1)
                .map(items -> Page.of(items, max, last -> QueryParameters.encodeCursor(CURSOR_KIND, last.id())));
    }

    @GET
    @Path("/{alertId}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Read a collateral alert; 404 COLLATERAL_ALERT_NOT_FOUND also for other tenants' alerts")
    public Uni<AlertView> get(@Context SecurityContext security, @PathParam("alertId") String alertId) {
        Optional<String> visible = LotPolicy.visibleTo(access.caller(security));
        return alerts.get(QueryParameters.longValue("alertId", alertId, 1, Long.MAX_VALUE), visible);
    }

    @POST
    @Path("/{alertId}/acknowledge")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Acknowledge a collateral alert (factory or bank keys of the lot; audited); idempotent; 409"
            + " COLLATERAL_ALERT_RESOLVED")
    public Uni<AlertView> acknowledge(@Context SecurityContext security, @PathParam("alertId") String alertId) {
        ApiKeyPrincipal caller = LotPolicy.requireAcknowledger(access.caller(security));
        long id = QueryParameters.longValue("alertId", alertId, 1, Long.MAX_VALUE);
        return alerts.acknowledge(caller, id, caller.tenantId());
    }

    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Server-sent events of the collateral alerts the key may see (id = event id, event = OPENED,"
            + " UPDATED, ACKNOWLEDGED or RESOLVED, data = {eventId, type, occurredAt, alert}); resume with the Last-Event-ID"
            + " header (events after it are replayed, then live ones follow). follow=false ends the stream once caught up")
    public Multi<OutboundSseEvent> stream(@Context SecurityContext security, @Context Sse sse,
            @Parameter(description = "the id of the last event received; replay starts after it")
            @HeaderParam("Last-Event-ID") String lastEventId,
            @Parameter(description = "false: send the events after Last-Event-ID, then end (default true: stay open)")
            @QueryParam("follow") String follow) {
        Optional<String> visible = LotPolicy.visibleTo(access.caller(security));
        long after = lastEventId == null || lastEventId.isBlank() ? 0
                : QueryParameters.longValue("Last-Event-ID", lastEventId.strip(), 0, Long.MAX_VALUE);
        boolean live = QueryParameters.bool("follow", follow).orElse(true);
        AtomicLong cursor = new AtomicLong(after);
        Multi<AlertEventView> replay = Multi.createBy().repeating()
                .uni(() -> alerts.eventsAfter(cursor.get(), visible, PAGE).invoke(page -> advance(cursor, page)))
                .until(List::isEmpty)
                .onItem().disjoint();
        Multi<AlertEventView> events = replay;
        if (live) {
            Multi<AlertEventView> following = ticker.lastIds()
                    .onOverflow().drop()
                    .filter(last -> last > cursor.get())
                    .onItem().transformToUniAndConcatenate(last -> alerts.eventsAfter(cursor.get(), visible, PAGE)
                            .invoke(page -> {
                                advance(cursor, page);
                                if (page.size() < PAGE) {
                                    // events commit in id order (PgCollateralAlerts.EVENT_LOCK): every id up to
                                    // `last` is committed, so the ones not returned are not this caller's
                                    cursor.accumulateAndGet(last, Math::max);
                                }
                            }))
                    .onItem().disjoint();
            events = Multi.createBy().concatenating().streams(replay, following);
        }
        return events.map(event -> sse.newEventBuilder()
                .id(String.valueOf(event.eventId()))
                .name(event.type())
                .mediaType(MediaType.APPLICATION_JSON_TYPE)
                .data(AlertEventView.class, event)
                .build());
    }

    private static void advance(AtomicLong cursor, List<AlertEventView> page) {
        if (!page.isEmpty()) {
            cursor.accumulateAndGet(page.get(page.size() - 1).eventId(), Math::max);
        }
    }
}
