package io.sensorproof.gateway.batches;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.oracle.ChainConnection;
import io.sensorproof.oracle.audit.AnchoredBatches;
import io.sensorproof.oracle.audit.AuditException;
import io.sensorproof.oracle.audit.AuditFinding;
import io.sensorproof.oracle.audit.BatchAudit;
import io.sensorproof.oracle.audit.BatchAuditReport;
import io.sensorproof.oracle.audit.Web3jAnchoredBatches;
import io.sensorproof.oracle.bundle.AuditBundle;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The regulator's audit of anchored commitment batches in the gateway (issue 15, ADR 027): exports a
 * batch's {@link AuditBundle} from the database ({@link PgAuditBundles}) and audits exactly that
 * bundle with the oracle's {@link BatchAudit} against the chain's {@code AnchorRegistry} (the one of
 * {@code chain.json}, not the address recorded on the batch), so the endpoint and the offline
 * {@code audit-batch} run the same code on the same data and can only differ by the chain they read.
 * Without a configured chain the audit compares with the recorded root and says so.
 *
 * <p>Metrics: {@code sensorproof_audits_batches_total{outcome=clean|findings|failed}} and
 * {@code sensorproof_audits_findings_total{kind=…}}.
 */
@ApplicationScoped
public class BatchAudits {
    /** 404: no batch with this id. */
    public static final String BATCH_NOT_FOUND = "BATCH_NOT_FOUND";
    /** 409: the batch is sealed but its anchor is not confirmed yet. */
    public static final String BATCH_NOT_ANCHORED = "BATCH_NOT_ANCHORED";
    /** 503: the chain's node did not answer or answered with an error. */
    public static final String CHAIN_UNAVAILABLE = "CHAIN_UNAVAILABLE";

    private final PgAuditBundles bundles;
    private final ChainConnection chainConnection;
    private final MeterRegistry meters;
    private final Counter clean;
    private final Counter withFindings;
    private final Counter failed;
    private final Map<AuditFinding.Kind, Counter> findings = new ConcurrentHashMap<>();
    private volatile AnchoredBatches chainOverride;

    BatchAudits(AgroalDataSource dataSource, ChainConnection chainConnection, MeterRegistry meters) {
        this.bundles = new PgAuditBundles(dataSource);
        this.chainConnection = chainConnection;
        this.meters = meters;
        this.clean = audits(meters, "clean");
        this.withFindings = audits(meters, "findings");
        this.failed = audits(meters, "failed");
    }

    private static Counter audits(MeterRegistry meters, String outcome) {
        return Counter.builder("sensorproof.audits.batches").description("batch audits run, by outcome").tag("outcome", outcome)
                .register(meters);
    }

    /** For the in-process tests only: the chain to compare with instead of the configured one. */
    void useChain(AnchoredBatches chain) {
        this.chainOverride = chain;
    }

    /** The chain the audits read: the configured chain's AnchorRegistry, if any. */
    Optional<AnchoredBatches> chain() {
        AnchoredBatches override = chainOverride;
        if (override != null) {
            return Optional.of(override);
        }
        if (!chainConnection.configured()) {
            return Optional.empty();
        }
        return Optional.of(new Web3jAnchoredBatches(chainConnection.web3j(), chainConnection.address("AnchorRegistry")));
    }

    private Optional<Long> chainId() {
        AnchoredBatches override = chainOverride;
        if (override != null) {
            return Optional.of(override.chainId());
        }
        return chainConnection.configured() ? Optional.of(chainConnection.chainId()) : Optional.empty();
    }

    /**
     * The audit bundle of anchored batch {@code batchId}.
     *
     * @throws ApiException 404 {@value #BATCH_NOT_FOUND}, 409 {@value #BATCH_NOT_ANCHORED}
     */
    public AuditBundle bundle(long batchId) {
        return bundles.bundle(batchId, chainId()).orElseThrow(() -> notAnchored(batchId));
    }

    /**
     * Audits anchored batch {@code batchId} from its bundle, against the chain when one is configured.
     *
     * @throws ApiException 404 {@value #BATCH_NOT_FOUND}, 409 {@value #BATCH_NOT_ANCHORED}, 503 {@value #CHAIN_UNAVAILABLE}
     */
    public BatchAuditReport audit(long batchId) {
        AuditBundle bundle = bundle(batchId);
        BatchAuditReport report;
        try {
            report = BatchAudit.audit(bundle, chain());
        } catch (AuditException e) {
            failed.increment();
            throw new ApiException(503, CHAIN_UNAVAILABLE, "the chain could not be read for the audit: " + e.getMessage(),
                    Map.of("reason", e.code().name()));
        }
        (report.clean() ? clean : withFindings).increment();
        for (AuditFinding f : report.report().findings()) {
            findings.computeIfAbsent(f.kind(), k -> Counter.builder("sensorproof.audits.findings")
                    .description("differences found by batch audits, by kind").tag("kind", k.name()).register(meters)).increment();
        }
        return report;
    }

    private ApiException notAnchored(long batchId) {
        Optional<PgAuditBundles.State> state = bundles.state(batchId);
        if (state.isEmpty()) {
            return ApiException.notFound(BATCH_NOT_FOUND, "no commitment batch " + batchId, Map.of("batchId", batchId));
        }
        return ApiException.conflict(BATCH_NOT_ANCHORED, "commitment batch " + batchId + " is " + state.get()
                + ": only an anchored batch is audited", Map.of("batchId", batchId, "state", state.get().name()));
    }
}
