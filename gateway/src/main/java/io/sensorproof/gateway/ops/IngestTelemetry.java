package io.sensorproof.gateway.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sensorproof.gateway.core.InboundMessage;
import io.sensorproof.gateway.core.IngestObserver;
import io.sensorproof.gateway.core.MessageKey;
import io.sensorproof.gateway.core.Outcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Metrics and structured logs of ingestion, fed by the pipeline's {@link IngestObserver} hook:
 * messages in, ingest latency (arrival at the adapter → decision, replies handed to the transport)
 * by outcome, batch sizes, and one log record per refused message carrying {@code device},
 * {@code boot}, {@code seq}, {@code reason} and {@code topic} in the MDC (rate-limited at INFO so a
 * hostile sender cannot flood the log; the overflow goes to DEBUG and is counted). Accepted
 * messages are logged at DEBUG with the same fields. No meter has a per-device label.
 */
@ApplicationScoped
public class IngestTelemetry implements IngestObserver {
    /** Category of the per-message log records. */
    public static final String LOG_CATEGORY = "io.sensorproof.gateway.ingest.outcome";
    static final Logger LOG = Logger.getLogger(LOG_CATEGORY);

    /** Outcome tag values of the latency timer. */
    enum Kind {
        STORED, DUPLICATE, REJECTED, DEFERRED;

        static Kind of(Outcome o) {
            if (o instanceof Outcome.Stored) {
                return STORED;
            }
            if (o instanceof Outcome.Duplicate) {
                return DUPLICATE;
            }
            return o instanceof Outcome.Rejected ? REJECTED : DEFERRED;
        }

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Clock clock;
    private final Counter received;
    private final Counter suppressedLogs;
    private final DistributionSummary batchSize;
    private final Timer batchProcessing;
    private final Map<Kind, Timer> latency = new EnumMap<>(Kind.class);
    private final LogRateLimiter infoBudget;

    @Inject
    IngestTelemetry(MeterRegistry meters) {
        this(meters, Clock.systemUTC(), new LogRateLimiter(20, System::nanoTime));
    }

    IngestTelemetry(MeterRegistry meters, Clock clock, LogRateLimiter infoBudget) {
        this.clock = clock;
        this.infoBudget = infoBudget;
        received = Counter.builder("sensorproof.ingest.received")
                .description("signed reading messages handed to the ingest pipeline (all transports)").register(meters);
        suppressedLogs = Counter.builder("sensorproof.ingest.log.suppressed")
                .description("refusal log records demoted to DEBUG by the INFO rate limit").register(meters);
        batchSize = DistributionSummary.builder("sensorproof.ingest.batch.size")
                .description("messages per pipeline batch (one database transaction)")
                .serviceLevelObjectives(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000).register(meters);
        batchProcessing = Timer.builder("sensorproof.ingest.batch.processing")
                .description("time the pipeline spent on one batch: checks, signature verification, store, quarantine, replies")
                .serviceLevelObjectives(millis(1), millis(5), millis(10), millis(25), millis(50), millis(100), millis(250),
                        millis(500), millis(1000), millis(2500))
                .register(meters);
        for (Kind kind : Kind.values()) {
            latency.put(kind, Timer.builder("sensorproof.ingest.latency")
                    .description("arrival at the gateway's transport adapter until the decision and its reply were handed back"
                            + " (queueing included), by outcome")
                    .tag("outcome", kind.tag())
                    .serviceLevelObjectives(millis(5), millis(10), millis(25), millis(50), millis(100), millis(250), millis(500),
                            millis(1000), millis(2500), millis(5000), millis(10000))
                    .register(meters));
        }
    }

    private static Duration millis(long ms) {
        return Duration.ofMillis(ms);
    }

    @Override
    public void processed(List<InboundMessage> batch, List<Outcome> outcomes, long processingNanos) {
        received.increment(batch.size());
        batchSize.record(batch.size());
        batchProcessing.record(processingNanos, TimeUnit.NANOSECONDS);
        long now = clock.millis();
        for (int i = 0; i < batch.size() && i < outcomes.size(); i++) {
            InboundMessage in = batch.get(i);
            Outcome outcome = outcomes.get(i);
            latency.get(Kind.of(outcome)).record(Math.max(0, now - in.receivedAt().toEpochMilli()), TimeUnit.MILLISECONDS);
            log(in, outcome);
        }
    }

    private void log(InboundMessage in, Outcome outcome) {
        boolean refusal = outcome instanceof Outcome.Rejected || outcome instanceof Outcome.Deferred;
        if (!refusal && !LOG.isDebugEnabled()) {
            return;
        }
        try {
            MDC.put("topic", in.topic());
            if (outcome instanceof Outcome.Stored s) {
                putKey(s.key());
                LOG.debug("message stored");
            } else if (outcome instanceof Outcome.Duplicate d) {
                putKey(d.key());
                LOG.debug("retransmission of a stored message; acknowledged again");
            } else if (outcome instanceof Outcome.Rejected r) {
                r.claim().deviceId().ifPresent(device -> MDC.put("device", device));
                if (r.claim().boot() >= 0) {
                    MDC.put("boot", Long.toString(r.claim().boot()));
                }
                if (r.claim().seq() >= 0) {
                    MDC.put("seq", Long.toString(r.claim().seq()));
                }
                MDC.put("reason", r.reason().name());
                MDC.put("authenticated", Boolean.toString(r.authenticated()));
                logLimited(Logger.Level.INFO, "message refused (" + r.reason().name() + "): " + r.detail()
                        + (r.kept() ? "" : " [over the quarantine quota: not kept]"));
            } else if (outcome instanceof Outcome.Deferred d) {
                logLimited(Logger.Level.WARN, "message deferred, the device will resend: " + d.cause());
            }
        } finally {
            MDC.remove("topic");
            MDC.remove("device");
            MDC.remove("boot");
            MDC.remove("seq");
            MDC.remove("reason");
            MDC.remove("authenticated");
        }
    }

    private void logLimited(Logger.Level level, String message) {
        if (infoBudget.tryAcquire()) {
            LOG.log(level, message);
        } else {
            suppressedLogs.increment();
            LOG.debug(message);
        }
    }

    private static void putKey(MessageKey key) {
        MDC.put("device", key.deviceId());
        MDC.put("boot", Long.toString(key.boot()));
        MDC.put("seq", Long.toString(key.seq()));
    }
}
