package io.sensorproof.gateway.batches;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sensorproof.gateway.GatewaySettings;
import io.sensorproof.oracle.batches.BatchAnchoring;
import io.sensorproof.oracle.batches.BatchPolicy;
import io.sensorproof.oracle.batches.CommitmentBatcher;
import io.sensorproof.oracle.batches.SealedBatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs the {@link CommitmentBatcher} in the gateway: when {@code sensorproof.batches.enabled}, on a
 * daemon thread of its own (minimum priority), every poll interval, over {@link PgBatchLedger} on the
 * JDBC pool, off the ingest path. Every replica runs it; the ledger's advisory lock lets one seal at a
 * time. A failed round (database down, a stored reading outside the leaf bounds) is logged and
 * counted and the next round tries again; nothing is lost because nothing is committed half-way.
 *
 * <p>Anchoring: sealed batches are handed to the {@link BatchAnchoring} bean when the application has
 * one (the oracle's "anchor batch" jobs); without one they stay SEALED and are handed over once it
 * exists. Metrics: {@code sensorproof_batches_sealed_total}, {@code sensorproof_batches_readings_total},
 * {@code sensorproof_batches_failures_total}.
 */
@ApplicationScoped
public class CommitmentBatchRuntime {
    private static final Logger LOG = Logger.getLogger(CommitmentBatchRuntime.class);

    private final GatewaySettings.Batches settings;
    private final PgBatchLedger ledger;
    private final CommitmentBatcher batcher;
    private final Optional<BatchAnchoring> anchoring;
    private final Counter sealedBatches;
    private final Counter sealedReadings;
    private final Counter failures;
    private ScheduledExecutorService thread;

    CommitmentBatchRuntime(AgroalDataSource dataSource, GatewaySettings settings, Instance<BatchAnchoring> anchoring,
            MeterRegistry meters) {
        this.settings = settings.batches();
        this.ledger = new PgBatchLedger(dataSource);
        this.anchoring = anchoring.isResolvable() ? Optional.of(anchoring.get()) : Optional.empty();
        this.batcher = new CommitmentBatcher(ledger, new BatchPolicy(this.settings.size(), this.settings.window()),
                this.anchoring.orElse(batch -> {
                    throw new IllegalStateException("no anchoring is wired");
                }), Clock.systemUTC());
        this.sealedBatches = Counter.builder("sensorproof.batches.sealed").description("commitment batches sealed").register(meters);
        this.sealedReadings = Counter.builder("sensorproof.batches.readings").description("readings sealed into commitment batches")
                .register(meters);
        this.failures = Counter.builder("sensorproof.batches.failures").description("batcher rounds that failed").register(meters);
    }

    void start(@Observes StartupEvent event) {
        if (!settings.enabled()) {
            LOG.info("commitment batching is off on this replica (sensorproof.batches.enabled=false)");
            return;
        }
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "commitment-batcher");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        });
        long period = Math.max(10, settings.pollInterval().toMillis());
        thread.scheduleWithFixedDelay(this::round, period, period, TimeUnit.MILLISECONDS);
        LOG.infof("commitment batches: at most %d readings, window %s", settings.size(), settings.window());
    }

    void stop(@Observes ShutdownEvent event) {
        if (thread != null) {
            thread.shutdownNow();
        }
    }

    /**
     * One round: seals every due batch, then hands sealed batches to the anchoring when one is wired.
     * Runs on the batcher's thread; tests call it directly.
     *
     * @return the batches sealed
     */
    public List<SealedBatch> round() {
        try {
            List<SealedBatch> sealed = batcher.sealDue();
            sealedBatches.increment(sealed.size());
            sealedReadings.increment(sealed.stream().mapToInt(SealedBatch::size).sum());
            if (anchoring.isPresent()) {
                batcher.requestAnchors();
            }
            return sealed;
        } catch (RuntimeException e) {
            failures.increment();
            LOG.warnf("commitment batcher round failed, retried next round: %s", e.getMessage());
            return List.of();
        }
    }

    /** The ledger (the anchoring side records receipts with {@link PgBatchLedger#anchored}). */
    public PgBatchLedger ledger() {
        return ledger;
    }

    /** The policy in force. */
    public BatchPolicy policy() {
        return batcher.policy();
    }
}
