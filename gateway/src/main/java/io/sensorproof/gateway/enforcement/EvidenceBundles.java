package io.sensorproof.gateway.enforcement;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.chain.BlockTimes;
import io.sensorproof.gateway.core.lots.ChainFacilityMatch.ChainWatch;
import io.sensorproof.gateway.enforcement.FacilityStatusReader.FacilityStatus;
import io.sensorproof.gateway.enforcement.PgEvidenceBundles.RawMessage;
import io.sensorproof.gateway.enforcement.PgEvidenceBundles.StoredRunClaim;
import io.sensorproof.gateway.enforcement.PgFreezes.Freeze;
import io.sensorproof.gateway.lots.LotViews;
import io.sensorproof.gateway.oracle.ChainConnection;
import io.sensorproof.gateway.oracle.OracleSetupException;
import io.sensorproof.oracle.bundle.BundleException;
import io.sensorproof.oracle.bundle.ContractAddresses;
import io.sensorproof.oracle.bundle.EvidenceBundleBuilder;
import io.sensorproof.oracle.bundle.KeyGroup;
import io.sensorproof.oracle.bundle.ReadingKey;
import io.sensorproof.oracle.bundle.Watch;
import io.sensorproof.oracle.enforcement.FreezeLoopRules.FreezeState;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.senml.Quantity;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.web3j.protocol.Web3j;

/**
 * The evidence bundle of one confirmed freeze (issue 15 "What users get", ADR 031, docs/bundles.md), which a
 * bank or borrower downloads and checks offline with {@code verify-claim}: the facility's terms and the
 * frozen quantity's watch, per device its key and the raw signed messages its run claims cite, per run
 * claim its readings, tree, paths, proof, public inputs and anchor transaction, and the freeze transaction,
 * assembled by the oracle's framework-free {@link EvidenceBundleBuilder} (which re-derives and re-checks
 * everything it writes). Chain reads: the facility's terms ({@code facility(id)}, as the freeze loop reads
 * them: nothing else stores the watch as the chain holds it) and each transaction's block time
 * ({@code eth_getBlockByNumber}).
 *
 * <p>Only a FROZEN freeze has a bundle (409 {@value #FREEZE_NOT_CONFIRMED}): before the transaction is
 * confirmed there is no freeze to prove. Metric:
 * {@code sensorproof_bundles_evidence_total{outcome=built|refused|failed}}.
 */
@ApplicationScoped
public class EvidenceBundles {
    /** 404: the lot has no freeze with this id. */
    public static final String FREEZE_NOT_FOUND = "FREEZE_NOT_FOUND";
    /** 409: the freeze is not FROZEN (its transaction is not confirmed yet, or the freeze failed). */
    public static final String FREEZE_NOT_CONFIRMED = "FREEZE_NOT_CONFIRMED";
    /** 409: a proof, transaction, key or message the bundle needs is not in the gateway's store. */
    public static final String BUNDLE_EVIDENCE_MISSING = "BUNDLE_EVIDENCE_MISSING";
    /** 500: the stored claims, messages and terms contradict each other (the builder refused them). */
    public static final String BUNDLE_INCONSISTENT = "BUNDLE_INCONSISTENT";
    /** 503: no chain configured, or its node did not answer the terms or block-time reads. */
    public static final String CHAIN_UNAVAILABLE = "CHAIN_UNAVAILABLE";

    private final PgFreezes freezes;
    private final PgEvidenceBundles store;
    private final ChainConnection chain;
    private final Counter built;
    private final Counter refused;
    private final Counter failed;

    EvidenceBundles(AgroalDataSource dataSource, ChainConnection chain, MeterRegistry meters) {
        this.freezes = new PgFreezes(dataSource);
        this.store = new PgEvidenceBundles(dataSource);
        this.chain = chain;
        this.built = counter(meters, "built");
        this.refused = counter(meters, "refused");
        this.failed = counter(meters, "failed");
    }

    private static Counter counter(MeterRegistry meters, String outcome) {
        return Counter.builder("sensorproof.bundles.evidence").description("evidence bundle requests, by outcome")
                .tag("outcome", outcome).register(meters);
    }

    /**
     * The evidence bundle (JSON text) of freeze {@code freezeId} of lot {@code lotId}.
     *
     * @param visibleTo the caller's tenant, which must be the lot's factory or bank; empty for keys that read
     *     every lot (operator, regulator)
     * @throws ApiException 404 {@code LOT_NOT_FOUND} (also for a lot the caller may not read), 404
     *     {@value #FREEZE_NOT_FOUND}, 409 {@value #FREEZE_NOT_CONFIRMED}, 409 {@value #BUNDLE_EVIDENCE_MISSING},
     *     500 {@value #BUNDLE_INCONSISTENT}, 503 {@value #CHAIN_UNAVAILABLE}
     */
    public String bundle(long lotId, long freezeId, Optional<String> visibleTo) {
        try {
            String json = build(lotId, freezeId, visibleTo);
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

    private String build(long lotId, long freezeId, Optional<String> visibleTo) {
        if (!freezes.lotVisible(lotId, visibleTo)) {
            throw LotViews.lotNotFound(lotId);
        }
        Freeze freeze = freezes.ofLot(lotId).stream().filter(f -> f.id() == freezeId).findFirst()
                .orElseThrow(() -> ApiException.notFound(FREEZE_NOT_FOUND, "lot " + lotId + " has no freeze " + freezeId,
                        Map.of("lot", lotId, "freeze", freezeId)));
        if (freeze.state() != FreezeState.FROZEN) {
            throw ApiException.conflict(FREEZE_NOT_CONFIRMED, "freeze " + freezeId + " of lot " + lotId + " is "
                    + freeze.state() + ": only a confirmed (FROZEN) freeze has an evidence bundle",
                    Map.of("lot", lotId, "freeze", freezeId, "state", freeze.state().name()));
        }
        String freezeTx = freeze.transaction().orElseThrow(() -> missing(lotId, freezeId, "freeze.transaction",
                "the freeze transaction"));
        if (freeze.block().isEmpty()) {
            throw missing(lotId, freezeId, "freeze.transaction", "the freeze transaction's block");
        }
        Quantity quantity = Quantity.bySenmlName(freeze.quantity());
        if (quantity == null) {
            throw inconsistent(lotId, freezeId, "the freeze's quantity " + freeze.quantity() + " is not a known quantity");
        }
        Set<String> ids = new LinkedHashSet<>();
        freeze.runs().forEach(ids::addAll);
        Map<String, StoredRunClaim> claims = store.runClaims(ids);
        // each device's cited readings, in run order, to fetch its messages once
        Map<String, List<ReadingKey>> cited = new LinkedHashMap<>();
        for (int r = 0; r < freeze.runs().size(); r++) {
            List<String> run = freeze.runs().get(r);
            for (int i = 0; i < run.size(); i++) {
                StoredRunClaim c = claims.get(run.get(i));
                if (c == null) {
                    throw missing(lotId, freezeId, "freeze.runs[" + r + "].claims[" + i + "]", "run claim " + run.get(i));
                }
                cited.computeIfAbsent(c.deviceId(), d -> new ArrayList<>()).addAll(c.readings());
            }
        }
        // the devices' keys and cited messages, read before the chain so what is missing is named without one
        Map<String, KeyGroup> keys = new LinkedHashMap<>();
        Map<String, List<RawMessage>> messages = new LinkedHashMap<>();
        int d = 0;
        for (Map.Entry<String, List<ReadingKey>> e : cited.entrySet()) {
            String field = "devices[" + d++ + "]";
            keys.put(e.getKey(), store.keyGroup(e.getKey()).orElseThrow(() -> missing(lotId, freezeId, field + ".spki",
                    "the key of device " + e.getKey())));
            List<RawMessage> kept = store.messages(e.getKey(), e.getValue());
            for (ReadingKey k : e.getValue()) {
                if (kept.stream().noneMatch(m -> m.boot() == k.boot() && m.seq() == k.seq())) {
                    throw missing(lotId, freezeId, field + ".messages", "the signed message " + k.deviceId() + "/" + k.boot()
                            + "/" + k.seq() + " of a cited reading");
                }
            }
            messages.put(e.getKey(), kept);
        }
        ContractAddresses addresses;
        Web3j web3j;
        String financing;
        try {
            financing = chain.address("CollateralFinancing");
            addresses = new ContractAddresses(chain.chainId(), chain.address("AnchorRegistry"), financing,
                    chain.address("CarbonCredit"));
            web3j = chain.web3j();
        } catch (OracleSetupException e) {
            throw new ApiException(503, CHAIN_UNAVAILABLE, e.getMessage(), Map.of());
        }
        FacilityStatus status;
        try {
            status = new FacilityStatusReader(web3j, financing).status(freeze.chainFacilityId())
                    .orElseThrow(() -> missing(lotId, freezeId, "facility", "chain facility " + freeze.chainFacilityId()));
        } catch (IllegalStateException e) {
            throw new ApiException(503, CHAIN_UNAVAILABLE, "the chain did not answer for facility " + freeze.chainFacilityId()
                    + ": " + e.getMessage(), Map.of("facility", freeze.chainFacilityId().toString()));
        }
        ChainWatch w = status.facility().watches().stream().filter(x -> x.quantity() == quantity.code()).findFirst()
                .orElseThrow(() -> inconsistent(lotId, freezeId, "chain facility " + freeze.chainFacilityId()
                        + " has no watch of " + freeze.quantity()));
        Watch watch = new Watch(w.quantity(), w.lo().longValueExact(), w.hi().longValueExact(), w.minDuration().longValueExact(),
                w.maxGap().longValueExact(), w.samplingInterval().longValueExact(), w.maxAge().longValueExact(), w.k());
        List<String> facilityDevices = new ArrayList<>();
        for (BigInteger field : status.facility().devices()) {
            facilityDevices.add(Identifiers.deviceIdOfField(field));
        }
        BlockTimes times = new BlockTimes(web3j);
        try {
            EvidenceBundleBuilder builder = new EvidenceBundleBuilder(addresses, freeze.chainFacilityId().longValueExact(),
                    facilityDevices, watch);
            for (Map.Entry<String, List<RawMessage>> e : messages.entrySet()) {
                // a hybrid device's key hash covers both keys, as registered on chain (KeyGroup.keyHash, ADR 029)
                KeyGroup group = keys.get(e.getKey());
                builder.device(e.getKey(), group, group.keyHash(), e.getValue().stream().map(RawMessage::raw).toList());
            }
            int k = 0;
            for (List<String> run : freeze.runs()) {
                for (String id : run) {
                    StoredRunClaim c = claims.get(id);
                    String field = "claims[" + k++ + "]";
                    String proof = c.proofJson().orElseThrow(() -> missing(lotId, freezeId, field + ".proof",
                            "the proof of run claim " + id));
                    String tx = c.anchorTx().orElseThrow(() -> missing(lotId, freezeId, field + ".anchor",
                            "the anchor transaction of run claim " + id));
                    long block = c.anchorBlock().orElseThrow(() -> missing(lotId, freezeId, field + ".anchor",
                            "the anchor block of run claim " + id));
                    builder.runClaim(c.readings(), c.lo(), c.hi(), c.maxGap(), proof, times.ref(tx, block));
                }
            }
            return builder.freeze(quantity.code(), freeze.runs(), times.ref(freezeTx, freeze.block().getAsLong())).toJson();
        } catch (BundleException | IllegalArgumentException | ArithmeticException e) {
            throw inconsistent(lotId, freezeId, e.getMessage());
        }
    }

    private static ApiException missing(long lotId, long freezeId, String field, String what) {
        return ApiException.conflict(BUNDLE_EVIDENCE_MISSING, what + " of freeze " + freezeId + " of lot " + lotId
                + " is not in the gateway's store", Map.of("lot", lotId, "freeze", freezeId, "field", field));
    }

    private static ApiException inconsistent(long lotId, long freezeId, String why) {
        return new ApiException(500, BUNDLE_INCONSISTENT, "the stored evidence of freeze " + freezeId + " of lot " + lotId
                + " does not make a bundle: " + why, Map.of("lot", lotId, "freeze", freezeId));
    }
}
