package io.sensorproof.gateway.webhooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sensorproof.gateway.GatewaySettings;
import io.sensorproof.gateway.core.webhooks.DeliveryPolicy;
import io.sensorproof.gateway.core.webhooks.JdkHttpSender;
import io.sensorproof.gateway.core.webhooks.WebhookDispatcher;
import io.sensorproof.gateway.persistence.PersistenceSettings;
import io.sensorproof.gateway.persistence.PgWebhookOutbox;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Runs webhook delivery in the gateway: on start (when {@code sensorproof.webhooks.enabled}) the
 * {@link AlertWebhookRelay} on a thread of its own every poll interval, and the
 * {@link WebhookDispatcher} on {@link PgWebhookOutbox}, woken after every relay that enqueued
 * something; both stopped on shutdown. Every replica runs both: the relay's cursor lock and the
 * outbox's leases make that safe. A relay failure (database down) is logged and counted, and the next
 * poll tries again; nothing is lost because the cursor only advances with the enqueues.
 *
 * <p>Metrics: {@code sensorproof_webhooks_delivered_total}, {@code _retried_total},
 * {@code _dead_total}, {@code _relay_failures_total} and the gauge {@code sensorproof_webhooks_in_flight}.
 */
@ApplicationScoped
public class WebhookRuntime {
    private static final Logger LOG = Logger.getLogger(WebhookRuntime.class);
    /** Events relayed per transaction. */
    static final int RELAY_BATCH = 100;

    private final GatewaySettings.Webhooks settings;
    private final PgWebhookOutbox outbox;
    private final AlertWebhookRelay relay;
    private final MeterRegistry meters;
    private final AtomicLong relayFailures = new AtomicLong();
    private volatile WebhookDispatcher dispatcher;
    private ScheduledExecutorService relayThread;

    WebhookRuntime(Pool pool, ObjectMapper json, GatewaySettings settings, PersistenceSettings persistence, MeterRegistry meters) {
        this.settings = settings.webhooks();
        this.outbox = new PgWebhookOutbox(pool, persistence.storeTimeout());
        this.relay = new AlertWebhookRelay(pool, outbox, json, persistence.storeTimeout(), RELAY_BATCH);
        this.meters = meters;
    }

    /** The outbox (also the endpoint store) the API and the dispatcher share. */
    public PgWebhookOutbox outbox() {
        return outbox;
    }

    /** The running dispatcher, if delivery is enabled and started. */
    public Optional<WebhookDispatcher> dispatcher() {
        return Optional.ofNullable(dispatcher);
    }

    void start(@Observes StartupEvent event) {
        if (!settings.enabled()) {
            LOG.info("webhook delivery is off (sensorproof.webhooks.enabled=false)");
            return;
        }
        DeliveryPolicy defaults = DeliveryPolicy.defaults();
        DeliveryPolicy policy = new DeliveryPolicy(defaults.initialBackoff(), defaults.maxBackoff(), defaults.jitter(),
                defaults.maxAttempts(), defaults.maxAge(), settings.requestTimeout());
        WebhookDispatcher d = WebhookDispatcher.create(outbox, new JdkHttpSender(settings.connectTimeout()), policy,
                settings.maxInFlight());
        FunctionCounter.builder("sensorproof.webhooks.delivered", d, x -> x.stats().delivered())
                .description("webhook attempts answered 2xx").register(meters);
        FunctionCounter.builder("sensorproof.webhooks.retried", d, x -> x.stats().retried())
                .description("failed webhook attempts scheduled again").register(meters);
        FunctionCounter.builder("sensorproof.webhooks.dead", d, x -> x.stats().dead())
                .description("webhook deliveries given up").register(meters);
        FunctionCounter.builder("sensorproof.webhooks.relay.failures", relayFailures, AtomicLong::get)
                .description("relay passes (alert events to webhook outbox) that failed and will be retried").register(meters);
        Gauge.builder("sensorproof.webhooks.in.flight", d, x -> x.stats().inFlight())
                .description("webhook attempts running now on this replica").register(meters);
        dispatcher = d;
        d.start(settings.pollInterval());
        relayThread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "webhook-relay");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, settings.pollInterval().toMillis());
        relayThread.scheduleWithFixedDelay(this::relayPass, 0, every, TimeUnit.MILLISECONDS);
        LOG.infof("webhook delivery started: poll %s, %d in flight, request timeout %s", settings.pollInterval(),
                settings.maxInFlight(), settings.requestTimeout());
    }

    /** Relays until caught up; wakes the dispatcher when something was enqueued. */
    void relayPass() {
        try {
            AlertWebhookRelay.Relayed pass;
            int total = 0;
            do {
                pass = relay.relayOnce();
                total += pass.deliveries();
            } while (pass.events() == relay.batch());
            if (total > 0 && dispatcher != null) {
                dispatcher.wakeUp();
            }
        } catch (RuntimeException e) {
            relayFailures.incrementAndGet();
            LOG.warnf("relaying alert events to webhooks failed (next try in %s): %s", settings.pollInterval(), e.toString());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (relayThread != null) {
            relayThread.shutdownNow();
            try {
                relayThread.awaitTermination(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        WebhookDispatcher d = dispatcher;
        if (d != null) {
            d.close();
        }
    }
}
