package io.sensorproof.oracle.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.zk.claims.EmissionsClaim;
import io.sensorproof.zk.claims.EmissionsClaimWitness;
import io.sensorproof.zk.groth16.Groth16Verifier;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The checks of a verification bundle: every emissions claim's proof against the pinned key, its
 * statement and claim id; the submission rules of {@code CarbonCredit.submitClaim} (device of the
 * period, maxGap, inside the period, exact continuity per device); and the close's figures
 * recomputed from the period's terms and the proven claims ({@link CarbonClose}).
 */
final class VerificationChecks extends Checks {
    private static final List<String> STATEMENT = List.of("root", "device", "firstTime", "firstTotal", "lastTime",
            "lastTotal", "count", "maxGap", "gapTime");
    private static final List<String> RESULT = List.of("massGrams", "claimGapMs", "chargedGapMs", "substituteGrams",
            "emissionsGrams", "credits");

    private final PinnedKeys keys;

    VerificationChecks(PinnedKeys keys) {
        this.keys = keys;
    }

    Verdict check(JsonNode root) {
        JsonNode chain = Json.object(root, "chain", "chain");
        long chainId = Json.integer(chain, "chainId", "chain.chainId");
        Json.text(chain, "anchorRegistry", "chain.anchorRegistry");
        String carbonCredit = Json.text(chain, "carbonCredit", "chain.carbonCredit");
        long facilityId = Json.integer(Json.object(root, "facility", "facility"), "id", "facility.id");
        JsonNode p = Json.object(root, "period", "period");
        long periodId = Json.integer(p, "id", "period.id");
        BigInteger tokenId = Json.hex(p, "tokenId", "period.tokenId");
        if (!tokenId.equals(CarbonPeriod.tokenId(facilityId, periodId))) {
            fail("TOKEN_ID_MISMATCH", "the token id of facility " + facilityId + " and period " + periodId + " is "
                    + CarbonPeriod.tokenId(facilityId, periodId).toString(16), "period.tokenId", "facility.id", "period.id");
        }
        List<String> devices = new ArrayList<>();
        JsonNode pd = Json.array(p, "devices", "period.devices");
        for (int i = 0; i < pd.size(); i++) {
            String id = Json.text(pd.get(i), "period.devices[" + i + "]");
            if (!Identifiers.isValid(id)) {
                throw Json.malformed("period.devices[" + i + "]", "not a device id");
            }
            if (devices.contains(id)) {
                fail("DUPLICATE_DEVICE", "listed twice", "period.devices[" + i + "]");
            }
            devices.add(id);
        }
        CarbonPeriod period = new CarbonPeriod(Json.integer(p, "start", "period.start"), Json.integer(p, "end", "period.end"),
                Json.integer(p, "baselineKg", "period.baselineKg"), Json.integer(p, "maxGap", "period.maxGap"),
                Json.integer(p, "substituteRateKgPerHour", "period.substituteRateKgPerHour"), devices);
        if (period.start() >= period.end()) {
            fail("INVALID_PERIOD", "start must be before end", "period.start", "period.end");
        }
        if (period.maxGap() <= 0 || period.substituteRateKgPerHour() <= 0) {
            fail("INVALID_PERIOD", "maxGap and the substitute rate must be positive", "period.maxGap",
                    "period.substituteRateKgPerHour");
        }
        JsonNode claims = Json.array(root, "claims", "claims");
        List<Map.Entry<String, EmissionsClaim>> proven = new ArrayList<>();
        Map<String, EmissionsClaim> lastOfDevice = new HashMap<>();
        Set<String> ids = new HashSet<>();
        boolean allProven = true;
        for (int i = 0; i < claims.size(); i++) {
            String path = "claims[" + i + "]";
            Optional<EmissionsClaim> claim = claim(claims.get(i), path);
            if (claim.isEmpty()) {
                allProven = false;
                continue;
            }
            EmissionsClaim c = claim.get();
            String device = Identifiers.deviceIdOfField(c.device());
            if (!ids.add(ClaimIds.of(EmissionsClaimWitness.CIRCUIT, c.publicInputs()))) {
                fail("CLAIM_USED_TWICE", "the same claim is counted twice", path);
            }
            submit(c, device, path, period, lastOfDevice);
            proven.add(new AbstractMap.SimpleImmutableEntry<>(device, c));
            description.add("emissions claim " + path + ": device " + device + ", register " + c.firstTotal() + " g at "
                    + Instant.ofEpochMilli(c.firstTime()) + " to " + c.lastTotal() + " g at "
                    + Instant.ofEpochMilli(c.lastTime()) + " (" + (c.lastTotal() - c.firstTotal()) + " g), " + c.count()
                    + " readings, " + c.gapTime() + " ms in gaps over " + c.maxGap() + " ms");
        }
        JsonNode r = Json.object(root, "result", "result");
        long[] stated = new long[RESULT.size()];
        for (int j = 0; j < RESULT.size(); j++) {
            stated[j] = Json.integer(r, RESULT.get(j), "result." + RESULT.get(j));
        }
        JsonNode close = Json.object(root, "close", "close");
        String closeTx = Json.text(close, "transaction", "close.transaction");
        Json.integer(close, "block", "close.block");
        Json.integer(close, "blockTime", "close.blockTime");
        JsonNode mint = Json.object(root, "mint", "mint");
        String mintTx = Json.text(mint, "transaction", "mint.transaction");
        Json.integer(mint, "block", "mint.block");
        Json.integer(mint, "blockTime", "mint.blockTime");
        if (allProven) {
            result(CarbonClose.of(period, proven), stated);
        }
        description.add(0, "carbon period " + periodId + " of facility " + facilityId + " (CarbonCredit " + carbonCredit
                + ", chain " + chainId + ", token " + Json.hex256(tokenId) + "): " + Instant.ofEpochSecond(period.start())
                + " to " + Instant.ofEpochSecond(period.end()) + ", baseline " + period.baselineKg()
                + " kg, substitute rate " + period.substituteRateKgPerHour() + " kg/h beyond gaps of "
                + Duration.ofMillis(period.maxGap()) + ", devices " + devices);
        description.add(1, "  emissions " + stated[4] + " g = measured " + stated[0] + " g + substitutes " + stated[3]
                + " g (" + stated[2] + " ms charged); credits " + stated[5] + " (1 credit = 1 kg below the baseline); "
                + "closed in " + closeTx + ", minted in " + mintTx);
        return verdict();
    }

    private Optional<EmissionsClaim> claim(JsonNode node, String path) {
        String circuit = Json.text(node, "circuit", path + ".circuit");
        String device = Json.text(node, "device", path + ".device");
        if (!Identifiers.isValid(device)) {
            throw Json.malformed(path + ".device", "not a device id");
        }
        JsonNode s = Json.object(node, "statement", path + ".statement");
        List<BigInteger> stated = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        for (String name : STATEMENT) {
            if (name.equals("device")) {
                stated.add(Identifiers.deviceField(device));
                fields.add(path + ".device");
            } else if (name.equals("root")) {
                stated.add(Json.hex(s, "root", path + ".statement.root"));
                fields.add(path + ".statement.root");
            } else {
                stated.add(BigInteger.valueOf(Json.integer(s, name, path + ".statement." + name)));
                fields.add(path + ".statement." + name);
            }
        }
        if (!circuit.equals(EmissionsClaimWitness.CIRCUIT)) {
            fail("UNKNOWN_CIRCUIT", "a verification bundle holds emissions claims, not " + circuit, path + ".circuit");
            return Optional.empty();
        }
        Optional<Groth16Verifier> verifier = keys.verifier(circuit);
        if (verifier.isEmpty()) {
            fail("NO_PINNED_KEY", "no verification key is pinned for " + circuit, path + ".circuit");
            return Optional.empty();
        }
        Optional<List<BigInteger>> provenInputs = provenInputs(node, path, verifier.get(), stated);
        if (provenInputs.isEmpty()) {
            return Optional.empty();
        }
        List<BigInteger> in = provenInputs.get();
        compare(in, stated, fields);
        claimId(node, path, circuit, in);
        try {
            Identifiers.deviceIdOfField(in.get(1));
            return Optional.of(new EmissionsClaim(in.get(0), in.get(1), in.get(2).longValueExact(),
                    in.get(3).longValueExact(), in.get(4).longValueExact(), in.get(5).longValueExact(),
                    in.get(6).intValueExact(), in.get(7).longValueExact(), in.get(8).longValueExact()));
        } catch (RuntimeException e) {
            fail("STATEMENT_NOT_PROVEN", "the proven inputs are not an emissions claim of a device", path + ".inputs");
            return Optional.empty();
        }
    }

    /** CarbonCredit.submitClaim's rules 4–7 for a claim submitted in bundle order. */
    private void submit(EmissionsClaim c, String device, String path, CarbonPeriod period,
            Map<String, EmissionsClaim> lastOfDevice) {
        long startMs = period.start() * 1000;
        long endMs = period.end() * 1000;
        if (!period.devices().contains(device)) {
            fail("DEVICE_NOT_IN_PERIOD", device + " is not a device of the period", path + ".device", "period.devices");
        }
        if (c.maxGap() > period.maxGap()) {
            fail("CLAIM_MAX_GAP_TOO_LARGE", "the claim's maxGap " + c.maxGap() + " exceeds the period's " + period.maxGap(),
                    path + ".statement.maxGap", "period.maxGap");
        }
        EmissionsClaim previous = lastOfDevice.put(device, c);
        if (previous == null) {
            if (c.firstTime() < startMs) {
                fail("CLAIM_BEFORE_PERIOD", "the device's first claim starts before the period", path + ".statement.firstTime",
                        "period.start");
            }
        } else if (c.firstTime() != previous.lastTime() || c.firstTotal() != previous.lastTotal()) {
            fail("CONTINUITY_BROKEN", "the claim does not start at the device's previous claim's last reading ("
                    + previous.lastTime() + ", " + previous.lastTotal() + ")", path + ".statement.firstTime",
                    path + ".statement.firstTotal");
        }
        if (c.firstTime() >= endMs || c.lastTime() > endMs + period.maxGap()) {
            fail("CLAIM_BEYOND_PERIOD", "the claim must start before the end and end by end + maxGap",
                    path + ".statement.lastTime", "period.end", "period.maxGap");
        }
    }

    private void result(CarbonClose close, long[] stated) {
        long[] computed = {close.massGrams(), close.claimGapMs(), close.chargedGapMs(), close.substituteGrams(),
            close.emissionsGrams(), close.credits()};
        List<List<String>> dependsOn = List.of(List.of("claims"), List.of("claims"),
                List.of("period.start", "period.end", "period.maxGap", "period.devices"),
                List.of("period.substituteRateKgPerHour", "period.start", "period.end", "period.maxGap", "period.devices"),
                List.of("period.substituteRateKgPerHour", "period.start", "period.end", "period.maxGap", "period.devices"),
                List.of("period.baselineKg", "period.substituteRateKgPerHour", "period.start", "period.end",
                        "period.maxGap", "period.devices"));
        for (int j = 0; j < computed.length; j++) {
            if (computed[j] != stated[j]) {
                List<String> fields = new ArrayList<>();
                fields.add("result." + RESULT.get(j));
                fields.addAll(dependsOn.get(j));
                fail("RESULT_MISMATCH", "the period's terms and the proven claims give " + RESULT.get(j) + " = "
                        + computed[j] + ", the bundle states " + stated[j], fields.toArray(String[]::new));
            }
        }
    }
}
