package io.sensorproof.oracle.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.oracle.bundle.BundleException.Code;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.zk.claims.EmissionsClaim;
import io.sensorproof.zk.claims.EmissionsClaimWitness;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Assembles the verification bundle of one carbon facility and period (docs/bundles.md) for an
 * exchange: the period's terms, its emissions claims in submission order (statement, proof,
 * inputs, claim id, anchor transaction), the figures of the close as the contract computes them
 * ({@link CarbonClose}) and the close and mint transactions. The gateway fills it from its claim
 * jobs (each job's public inputs and {@code proof.json}) and its transactions table.
 */
public final class VerificationBundleBuilder {
    /** The {@code format} of verification bundles. */
    public static final String FORMAT = "sensorproof/verification-bundle";
    /** The version this code writes and reads. */
    public static final int VERSION = 1;

    private final ObjectMapper mapper = new ObjectMapper();
    private final ObjectNode root = mapper.createObjectNode();
    private final ArrayNode claims;
    private final CarbonPeriod period;
    private final List<Map.Entry<String, EmissionsClaim>> submitted = new ArrayList<>();
    private ChainRef close;
    private ChainRef mint;

    /** Starts the bundle of period {@code periodId} of carbon facility {@code facilityId}. */
    public VerificationBundleBuilder(ContractAddresses chain, long facilityId, long periodId, CarbonPeriod period) {
        Objects.requireNonNull(chain);
        this.period = Objects.requireNonNull(period);
        root.put("format", FORMAT);
        root.put("version", VERSION);
        ObjectNode chainNode = root.putObject("chain");
        chainNode.put("chainId", chain.chainId());
        chainNode.put("anchorRegistry", chain.anchorRegistry());
        chainNode.put("carbonCredit", chain.carbonCredit());
        root.putObject("facility").put("id", facilityId);
        ObjectNode p = root.putObject("period");
        p.put("id", periodId);
        p.put("tokenId", Json.hex256(CarbonPeriod.tokenId(facilityId, periodId)));
        p.put("start", period.start());
        p.put("end", period.end());
        p.put("baselineKg", period.baselineKg());
        p.put("maxGap", period.maxGap());
        p.put("substituteRateKgPerHour", period.substituteRateKgPerHour());
        ArrayNode devices = p.putArray("devices");
        period.devices().forEach(d -> devices.add(Identifiers.requireValid(d, "period device")));
        claims = root.putArray("claims");
    }

    /**
     * Adds an emissions claim, in the order it was submitted to {@code CarbonCredit}.
     *
     * @param claim the claim's public statement (the job's public inputs)
     * @param proofJson the prover's {@code proof.json}, which must carry the claim's inputs
     * @param anchor the transaction that anchored it
     * @return the claim id
     */
    public String emissionsClaim(EmissionsClaim claim, String proofJson, ChainRef anchor) {
        JsonNode proof = EvidenceBundleBuilder.proof(proofJson, claim.publicInputs());
        String device = Identifiers.deviceIdOfField(claim.device());
        String claimId = ClaimIds.of(EmissionsClaimWitness.CIRCUIT, claim.publicInputs());
        ObjectNode node = claims.addObject();
        node.put("claimId", claimId);
        node.put("circuit", EmissionsClaimWitness.CIRCUIT);
        node.put("device", device);
        ObjectNode s = node.putObject("statement");
        s.put("root", Json.hex256(claim.root()));
        s.put("firstTime", claim.firstTime());
        s.put("firstTotal", claim.firstTotal());
        s.put("lastTime", claim.lastTime());
        s.put("lastTotal", claim.lastTotal());
        s.put("count", claim.count());
        s.put("maxGap", claim.maxGap());
        s.put("gapTime", claim.gapTime());
        node.set("proof", proof.get("proof"));
        ArrayNode inputs = node.putArray("inputs");
        claim.publicInputs().forEach(v -> inputs.add(Json.hex256(v)));
        node.set("anchor", EvidenceBundleBuilder.chainRef(anchor));
        submitted.add(new AbstractMap.SimpleImmutableEntry<>(device, claim));
        return claimId;
    }

    /** The {@code closePeriod} transaction. */
    public VerificationBundleBuilder closed(ChainRef transaction) {
        this.close = Objects.requireNonNull(transaction);
        return this;
    }

    /** The {@code mint} transaction. */
    public VerificationBundleBuilder minted(ChainRef transaction) {
        this.mint = Objects.requireNonNull(transaction);
        return this;
    }

    /** The bundle as a JSON tree, with the close's figures computed as the contract does. */
    public ObjectNode build() {
        if (close == null || mint == null) {
            throw new BundleException(Code.INCONSISTENT_INPUT, "close", "a verification bundle needs its close and mint");
        }
        ObjectNode out = root.deepCopy();
        CarbonClose result = CarbonClose.of(period, submitted);
        ObjectNode r = out.putObject("result");
        r.put("massGrams", result.massGrams());
        r.put("claimGapMs", result.claimGapMs());
        r.put("chargedGapMs", result.chargedGapMs());
        r.put("substituteGrams", result.substituteGrams());
        r.put("emissionsGrams", result.emissionsGrams());
        r.put("credits", result.credits());
        out.set("close", EvidenceBundleBuilder.chainRef(close));
        out.set("mint", EvidenceBundleBuilder.chainRef(mint));
        return out;
    }

    /** The bundle as indented JSON text. */
    public String toJson() {
        return EvidenceBundleBuilder.write(build());
    }
}
