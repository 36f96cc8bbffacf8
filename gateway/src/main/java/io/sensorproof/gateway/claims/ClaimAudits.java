package io.sensorproof.gateway.claims;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.oracle.ChainConnection;
import io.sensorproof.oracle.audit.AnchoredClaims;
import io.sensorproof.oracle.audit.AuditException;
import io.sensorproof.oracle.audit.AuditFinding;
import io.sensorproof.oracle.audit.ClaimAudit;
import io.sensorproof.oracle.audit.ClaimAuditReport;
import io.sensorproof.oracle.audit.Web3jAnchoredBatches;
import io.sensorproof.oracle.bundle.ClaimAuditBundle;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The regulator's audit of anchored run and emissions claims in the gateway (issue 15, ADR 027 "Claims"): exports
 * a claim's {@link ClaimAuditBundle} from the database ({@link PgClaimAuditBundles}) and audits exactly that
 * bundle with the oracle's {@link ClaimAudit} against the configured chain's {@code AnchorRegistry}, so the
 * endpoint and the offline {@code audit-claim} run the same code on the same data and can only differ by the
 * chain they read. Without a configured chain the audit compares with the recorded root and says so. Mirrors
 * the batch audit ({@code batches.BatchAudits}).
 *
 * <p>Metrics: {@code sensorproof_audits_claims_total{outcome=clean|findings|failed}} and
 * {@code sensorproof_audits_claim_findings_total{kind=…}}.
 */
@ApplicationScoped
public class ClaimAudits {
    /** 404: no claim with this id. */
    public static final String CLAIM_NOT_FOUND = "CLAIM_NOT_FOUND";
    /** 409: the claim is stored but not anchored (planned, proving, or its anchoring failed). */
    public static final String CLAIM_NOT_ANCHORED = "CLAIM_NOT_ANCHORED";
    /** 503: the chain's node did not answer or answered with an error. */
    public static final String CHAIN_UNAVAILABLE = "CHAIN_UNAVAILABLE";

    private final PgClaimAuditBundles bundles;
    private final ChainConnection chainConnection;
    private final MeterRegistry meters;
    private final Counter clean;
    private final Counter withFindings;
    private final Counter failed;
    private final Map<AuditFinding.Kind, Counter> findings = new ConcurrentHashMap<>();
    private volatile AnchoredClaims chainOverride;

    ClaimAudits(AgroalDataSource dataSource, ChainConnection chainConnection, MeterRegistry meters) {
        this.bundles = new PgClaimAuditBundles(dataSource);
        this.chainConnection = chainConnection;
        this.meters = meters;
        this.clean = audits(meters, "clean");
        this.withFindings = audits(meters, "findings");
        this.failed = audits(meters, "failed");
    }

    private static Counter audits(MeterRegistry meters, String outcome) {
        return Counter.builder("sensorproof.audits.claims").description("claim audits run, by outcome").tag("outcome", outcome)
                .register(meters);
    }

    /** For the in-process tests only: the chain to compare with instead of the configured one. */
    void useChain(AnchoredClaims chain) {
        this.chainOverride = chain;
    }

    private Optional<AnchoredClaims> chain() {
        AnchoredClaims override = chainOverride;
        if (override != null) {
            return Optional.of(override);
        }
        if (!chainConnection.configured()) {
            return Optional.empty();
        }
        return Optional.of(new Web3jAnchoredBatches(chainConnection.web3j(), chainConnection.address("AnchorRegistry")));
    }

    /**
     * Claims for a regulator to find, newest first.
     *
     * @param deviceId only this device's
     * @param lotId only this lot's run claims
     * @param facilityId only this emissions facility's claims
     */
    public List<PgClaimAuditBundles.ClaimRow> list(Optional<String> deviceId, Optional<Long> lotId, Optional<Long> facilityId,
            int limit) {
        return bundles.list(deviceId, lotId, facilityId, limit);
    }

    /**
     * Claims for a regulator to find, newest first, after a page's last claim.
     *
     * @param after where the previous page ended, empty for the first page
     */
    public List<PgClaimAuditBundles.ClaimRow> list(Optional<String> deviceId, Optional<Long> lotId, Optional<Long> facilityId,
            Optional<PgClaimAuditBundles.ListPosition> after, int limit) {
        return bundles.list(deviceId, lotId, facilityId, after, limit);
    }

    /**
     * The audit bundle of anchored claim {@code claimId}.
     *
     * @throws ApiException 404 {@value #CLAIM_NOT_FOUND}, 409 {@value #CLAIM_NOT_ANCHORED}
     */
    public ClaimAuditBundle bundle(String claimId) {
        String id = claimId.toLowerCase(Locale.ROOT);
        Optional<Long> chainId;
        Optional<String> registry;
        AnchoredClaims override = chainOverride;
        if (override != null) {
            chainId = Optional.of(override.chainId());
            registry = Optional.of(override.registry());
        } else if (chainConnection.configured()) {
            chainId = Optional.of(chainConnection.chainId());
            registry = Optional.of(chainConnection.address("AnchorRegistry").toLowerCase(Locale.ROOT));
        } else {
            chainId = Optional.empty();
            registry = Optional.empty();
        }
        return bundles.bundle(id, chainId, registry).orElseThrow(() -> notAnchored(id));
    }

    /**
     * Audits anchored claim {@code claimId} from its bundle, against the chain when one is configured.
     *
     * @throws ApiException 404 {@value #CLAIM_NOT_FOUND}, 409 {@value #CLAIM_NOT_ANCHORED}, 503 {@value #CHAIN_UNAVAILABLE}
     */
    public ClaimAuditReport audit(String claimId) {
        ClaimAuditBundle bundle = bundle(claimId);
        ClaimAuditReport report;
        try {
            report = ClaimAudit.audit(bundle, chain());
        } catch (AuditException e) {
            failed.increment();
            throw new ApiException(503, CHAIN_UNAVAILABLE, "the chain could not be read for the audit: " + e.getMessage(),
                    Map.of("reason", e.code().name()));
        }
        (report.clean() ? clean : withFindings).increment();
        for (AuditFinding f : report.report().findings()) {
            findings.computeIfAbsent(f.kind(), k -> Counter.builder("sensorproof.audits.claim.findings")
                    .description("differences found by claim audits, by kind").tag("kind", k.name()).register(meters)).increment();
        }
        return report;
    }

    private ApiException notAnchored(String claimId) {
        Optional<PgClaimAuditBundles.State> state = bundles.state(claimId);
        if (state.isEmpty()) {
            return ApiException.notFound(CLAIM_NOT_FOUND, "no claim " + claimId, Map.of("claimId", claimId));
        }
        return ApiException.conflict(CLAIM_NOT_ANCHORED, "claim " + claimId + " is not anchored: only an anchored claim is"
                + " audited", Map.of("claimId", claimId));
    }
}
