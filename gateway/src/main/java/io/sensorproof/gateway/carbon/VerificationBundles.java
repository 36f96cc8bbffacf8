package io.sensorproof.gateway.carbon;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.carbon.PgVerificationBundles.MinedTx;
import io.sensorproof.gateway.carbon.PgVerificationBundles.StoredClaim;
import io.sensorproof.gateway.carbon.PgVerificationBundles.StoredPeriod;
import io.sensorproof.gateway.chain.BlockTimes;
import io.sensorproof.gateway.lots.LotViews;
import io.sensorproof.gateway.oracle.ChainConnection;
import io.sensorproof.gateway.oracle.OracleSetupException;
import io.sensorproof.oracle.bundle.BundleException;
import io.sensorproof.oracle.bundle.ContractAddresses;
import io.sensorproof.oracle.bundle.VerificationBundleBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.web3j.protocol.Web3j;

/**
 * The exchange's verification bundle of a minted carbon period (issue 15 "What users get", ADR 031,
 * docs/bundles.md): the period's terms, its submitted emissions claims in submission order with their
 * proofs, public inputs and anchor transactions, and the close and mint transactions, assembled by the
 * oracle's framework-free {@link VerificationBundleBuilder} (which also computes the close's figures as
 * the contract does) from what the carbon loop stored. The only chain read is each transaction's block
 * time ({@code eth_getBlockByNumber}), which the jobs table does not keep; the contract addresses are
 * those of the gateway's {@code chain.json}.
 *
 * <p>Only a period the gateway saw minted has a bundle (409 {@value #CARBON_PERIOD_NOT_MINTED} before):
 * the bundle states the credits, and before the mint there are none. Metric:
 * {@code sensorproof_bundles_verification_total{outcome=built|refused|failed}}.
 */
@ApplicationScoped
public class VerificationBundles {
    /** 404: the facility tracks no such CarbonCredit period. */
    public static final String CARBON_PERIOD_NOT_FOUND = "CARBON_PERIOD_NOT_FOUND";
    /** 409: the period is not minted (yet, or it was voided). */
    public static final String CARBON_PERIOD_NOT_MINTED = "CARBON_PERIOD_NOT_MINTED";
    /** 409: a transaction or proof the bundle needs is not among the gateway's confirmed jobs (e.g. another oracle sent it). */
    public static final String BUNDLE_EVIDENCE_MISSING = "BUNDLE_EVIDENCE_MISSING";
    /** 500: the stored claims, proofs and terms contradict each other (the builder refused them). */
    public static final String BUNDLE_INCONSISTENT = "BUNDLE_INCONSISTENT";
    /** 503: no chain configured, or its node did not answer the block-time reads. */
    public static final String CHAIN_UNAVAILABLE = "CHAIN_UNAVAILABLE";

    private final PgVerificationBundles store;
    private final ChainConnection chain;
    private final Counter built;
    private final Counter refused;
    private final Counter failed;

    VerificationBundles(AgroalDataSource dataSource, ChainConnection chain, MeterRegistry meters) {
        this.store = new PgVerificationBundles(dataSource);
        this.chain = chain;
        this.built = counter(meters, "built");
        this.refused = counter(meters, "refused");
        this.failed = counter(meters, "failed");
    }

    private static Counter counter(MeterRegistry meters, String outcome) {
        return Counter.builder("sensorproof.bundles.verification").description("verification bundle requests, by outcome")
                .tag("outcome", outcome).register(meters);
    }

    /**
     * The verification bundle (JSON text) of CarbonCredit period {@code periodId} of emissions facility
     * {@code facilityId}.
     *
     * @param visibleTo the caller's tenant, which must be the facility's factory or exchange; empty for
     *     keys that read every facility (operator, regulator)
     * @throws ApiException 404 {@code EMISSION_FACILITY_NOT_FOUND} (also for a facility the caller may not
     *     read), 404 {@value #CARBON_PERIOD_NOT_FOUND}, 409 {@value #CARBON_PERIOD_NOT_MINTED}, 409
     *     {@value #BUNDLE_EVIDENCE_MISSING}, 500 {@value #BUNDLE_INCONSISTENT}, 503 {@value #CHAIN_UNAVAILABLE}
     */
    public String bundle(long facilityId, long periodId, Optional<String> visibleTo) {
        try {
            String json = build(facilityId, periodId, visibleTo);
            built.increment();
            return json;
        } catch (ApiException e) {
            (e.status() >= 500 ? failed : refused).increment();
            throw e;
        } catch (RuntimeException e) {
            failed.increment();
            throw e;
        }
    }

    private String build(long facilityId, long periodId, Optional<String> visibleTo) {
        if (!store.facilityVisible(facilityId, visibleTo)) {
            throw LotViews.facilityNotFound(facilityId);
        }
        StoredPeriod period = store.period(facilityId, periodId).orElseThrow(() -> ApiException.notFound(CARBON_PERIOD_NOT_FOUND,
                "emissions facility " + facilityId + " has no carbon period " + periodId + " (the chain period id, once linked"
                        + " and seen by the carbon loop)", Map.of("facility", facilityId, "period", periodId)));
        if (!"MINTED".equals(period.state())) {
            throw ApiException.conflict(CARBON_PERIOD_NOT_MINTED, "carbon period " + periodId + " of facility " + facilityId
                    + " is " + period.state() + ": only a minted period has a verification bundle",
                    Map.of("facility", facilityId, "period", periodId, "state", period.state()));
        }
        List<StoredClaim> claims = store.submittedClaims(facilityId, periodId);
        MinedTx close = period.close().orElseThrow(() -> missing(facilityId, periodId, "close", "the close transaction"));
        MinedTx mint = period.mint().orElseThrow(() -> missing(facilityId, periodId, "mint", "the mint transaction"));
        ContractAddresses addresses;
        Web3j web3j;
        try {
            addresses = new ContractAddresses(chain.chainId(), chain.address("AnchorRegistry"), chain.address("CollateralFinancing"),
                    chain.address("CarbonCredit"));
            web3j = chain.web3j();
        } catch (OracleSetupException e) {
            throw new ApiException(503, CHAIN_UNAVAILABLE, e.getMessage(), Map.of());
        }
        BlockTimes times = new BlockTimes(web3j);
        try {
            VerificationBundleBuilder builder = new VerificationBundleBuilder(addresses, period.chainFacilityId(), periodId,
                    period.terms());
            for (int i = 0; i < claims.size(); i++) {
                StoredClaim c = claims.get(i);
                String field = "claims[" + i + "]";
                String proof = c.proofJson().orElseThrow(() -> missing(facilityId, periodId, field + ".proof",
                        "the proof of claim " + c.claimId()));
                MinedTx anchor = c.anchor().orElseThrow(() -> missing(facilityId, periodId, field + ".anchor",
                        "the anchor transaction of claim " + c.claimId()));
                builder.emissionsClaim(c.claim(), proof, times.ref(anchor.hash(), anchor.block()));
            }
            return builder.closed(times.ref(close.hash(), close.block())).minted(times.ref(mint.hash(), mint.block())).toJson();
        } catch (BundleException | IllegalArgumentException e) {
            throw new ApiException(500, BUNDLE_INCONSISTENT, "the stored claims of carbon period " + periodId + " of facility "
                    + facilityId + " do not make a bundle: " + e.getMessage(), Map.of("facility", facilityId, "period", periodId));
        }
    }

    private static ApiException missing(long facilityId, long periodId, String field, String what) {
        return ApiException.conflict(BUNDLE_EVIDENCE_MISSING, what + " of carbon period " + periodId + " of facility " + facilityId
                + " is not among the gateway's confirmed jobs", Map.of("facility", facilityId, "period", periodId, "field", field));
    }
}
