package io.sensorproof.gateway.dashboard;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The dashboard's HTTP edge (ADR 033): the static front end under {@value #BASE} (served by Quarkus from
 * {@code META-INF/resources/dashboard}) gets a Content-Security-Policy that allows nothing but the gateway's
 * own origin, so the pages can make no request elsewhere and run no inline or injected script; {@code /} and
 * {@code /dashboard} redirect to it. The dashboard holds no logic of its own on the server: it reads the
 * REST API with the signed-in key.
 */
@ApplicationScoped
public class DashboardRoutes {
    /** Where the dashboard is served. */
    public static final String BASE = "/dashboard/";

    /**
     * Only this origin: scripts and styles from files (no inline code, no eval), API calls and the alert stream
     * to the gateway itself, images from this origin or data URLs (the charts' canvases need none), no framing.
     */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self';"
            + " frame-ancestors 'none'";

    void routes(@Observes Router router) {
        router.route(BASE + "*").order(-100).handler(DashboardRoutes::securityHeaders);
        // exact paths: Vert.x's route("/dashboard") would also match "/dashboard/" and loop
        router.routeWithRegex("^/(dashboard)?$").order(-100).handler(DashboardRoutes::redirectToDashboard);
    }

    private static void securityHeaders(RoutingContext context) {
        context.response().putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        context.next();
    }

    private static void redirectToDashboard(RoutingContext context) {
        context.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, BASE).end();
    }
}
