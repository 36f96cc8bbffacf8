package io.sensorproof.oracle.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.encoding.FixedPoint;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.message.ReadingMessage;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.zk.claims.ClaimException;
import io.sensorproof.zk.claims.ClaimTree;
import io.sensorproof.zk.claims.CommittedReading;
import io.sensorproof.zk.claims.RunClaim;
import io.sensorproof.zk.claims.RunClaimWitness;
import io.sensorproof.zk.groth16.Groth16Verifier;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The checks of an evidence bundle (docs/bundles.md, "What verify-claim checks"), in order:
 * devices (key, key hash, every message's signature, every listed reading against its signed
 * record), claims (proof against the pinned key, statement = proven inputs, claim id, leaves
 * re-derived from the signed readings, root, paths, the claim rebuilt with zk-circuits' builder),
 * then the freeze against the terms as {@code CollateralFinancing.freeze} checks it.
 */
final class EvidenceChecks extends Checks {
    /** CollateralFinancing.MAX_CLOCK_SKEW (ms). */
    static final long MAX_CLOCK_SKEW = 60_000;
    private static final List<String> STATEMENT = List.of("root", "device", "quantity", "lo", "hi", "firstTime",
            "lastTime", "count", "maxGap");

    private final PinnedKeys keys;
    private final Map<String, Map<ReadingKey, SignedReading>> signedByDevice = new HashMap<>();
    private final Map<String, ProvenRun> claimsById = new LinkedHashMap<>();

    /** A claim whose proof verified: its statement as proven and where it sits. */
    private record ProvenRun(int index, String device, RunClaim claim) {
    }

    private final int version;
    private boolean anyHybrid;

    EvidenceChecks(PinnedKeys keys, int version) {
        this.keys = keys;
        this.version = version;
    }

    Verdict check(JsonNode root) {
        JsonNode chain = Json.object(root, "chain", "chain");
        long chainId = Json.integer(chain, "chainId", "chain.chainId");
        String financing = Json.text(chain, "collateralFinancing", "chain.collateralFinancing");
        Json.text(chain, "anchorRegistry", "chain.anchorRegistry");
        JsonNode facility = Json.object(root, "facility", "facility");
        long facilityId = Json.integer(facility, "id", "facility.id");
        List<String> facilityDevices = new ArrayList<>();
        JsonNode fd = Json.array(facility, "devices", "facility.devices");
        for (int i = 0; i < fd.size(); i++) {
            facilityDevices.add(deviceId(Json.text(fd.get(i), "facility.devices[" + i + "]"), "facility.devices[" + i + "]"));
        }
        JsonNode w = Json.object(facility, "watch", "facility.watch");
        Watch watch = new Watch((int) Json.integer(w, "quantity", "facility.watch.quantity"),
                Json.integer(w, "lo", "facility.watch.lo"), Json.integer(w, "hi", "facility.watch.hi"),
                Json.integer(w, "minDuration", "facility.watch.minDuration"),
                Json.integer(w, "maxGap", "facility.watch.maxGap"),
                Json.integer(w, "samplingInterval", "facility.watch.samplingInterval"),
                Json.integer(w, "maxAge", "facility.watch.maxAge"), (int) Json.integer(w, "k", "facility.watch.k"));
        JsonNode devices = Json.array(root, "devices", "devices");
        Set<String> seen = new HashSet<>();
        for (int d = 0; d < devices.size(); d++) {
            String id = device(devices.get(d), "devices[" + d + "]");
            if (!seen.add(id)) {
                fail("DUPLICATE_DEVICE", "device " + id + " is listed twice", "devices[" + d + "].device");
            }
        }
        // one encoding per content: version 2 exactly when a device is hybrid (a single-key bundle relabelled is refused)
        if (version >= EvidenceBundleBuilder.VERSION_HYBRID && !anyHybrid) {
            fail("VERSION_MISMATCH", "a version-" + version + " bundle has a hybrid device (postQuantumSpki); this one has none",
                    "version");
        }
        JsonNode claims = Json.array(root, "claims", "claims");
        for (int i = 0; i < claims.size(); i++) {
            claim(claims.get(i), "claims[" + i + "]", i);
        }
        freeze(Json.object(root, "freeze", "freeze"), watch, facilityDevices, facilityId, chainId, financing);
        return verdict();
    }

    private static String deviceId(String id, String path) {
        if (!Identifiers.isValid(id)) {
            throw Json.malformed(path, "not a device id");
        }
        return id;
    }

    /** Key, key hash, messages and their readings of one device. */
    private String device(JsonNode node, String path) {
        String id = deviceId(Json.text(node, "device", path + ".device"), path + ".device");
        BigInteger field = Json.hex(node, "field", path + ".field");
        if (!field.equals(Identifiers.deviceField(id))) {
            fail("DEVICE_FIELD_MISMATCH", "the device field of " + id + " is " + Identifiers.deviceField(id).toString(16),
                    path + ".field");
        }
        byte[] spki = Json.base64(node, "spki", path + ".spki");
        // version 2 (ADR 029): a hybrid device's ML-DSA key; version 1 knows no such field (ignored, as every unlisted one)
        String pqPath = path + ".postQuantumSpki";
        Optional<byte[]> postQuantumSpki = version >= EvidenceBundleBuilder.VERSION_HYBRID && node.has("postQuantumSpki")
                ? Optional.of(Json.base64(node, "postQuantumSpki", pqPath)) : Optional.empty();
        KeyGroup group = new KeyGroup(spki, postQuantumSpki);
        anyHybrid |= group.isHybrid();
        BigInteger keyHash = Json.hex(node, "keyHash", path + ".keyHash");
        if (!keyHash.equals(new BigInteger(1, group.keyHash()))) {
            if (group.isHybrid()) {
                fail("KEY_HASH_MISMATCH", "the registered key hash is not the SHA-256 of the key followed by the ML-DSA key",
                        path + ".keyHash", path + ".spki", pqPath);
            } else {
                fail("KEY_HASH_MISMATCH", "the registered key hash is not the SHA-256 of the key", path + ".keyHash",
                        path + ".spki");
            }
        }
        Map<ReadingKey, SignedReading> signed = signedByDevice.computeIfAbsent(id, k -> new HashMap<>());
        JsonNode messages = Json.array(node, "messages", path + ".messages");
        try {
            group.classicalKey();
        } catch (ProtocolException e) {
            fail("INVALID_KEY", "the device key is not a usable " + (group.isHybrid() ? "classical (ES256, EdDSA) " : "")
                    + "SubjectPublicKeyInfo: " + e.getMessage(), path + ".spki");
            return id;
        }
        if (group.isHybrid()) {
            try {
                group.postQuantumKey();
            } catch (ProtocolException e) {
                fail("INVALID_KEY", "the device's ML-DSA key is not a usable ML-DSA SubjectPublicKeyInfo: " + e.getMessage(),
                        pqPath);
                return id;
            }
        }
        List<String> badSignatures = new ArrayList<>();
        List<String> badPostQuantum = new ArrayList<>();
        List<String> singleSigned = new ArrayList<>();
        List<String> hybridWithoutKey = new ArrayList<>();
        Set<String> messageKeys = new HashSet<>();
        for (int m = 0; m < messages.size(); m++) {
            String mp = path + ".messages[" + m + "]";
            JsonNode message = messages.get(m);
            byte[] raw = Json.base64(message, "cose", mp + ".cose");
            long boot = Json.integer(message, "boot", mp + ".boot");
            long seq = Json.integer(message, "seq", mp + ".seq");
            JsonNode readings = Json.array(message, "readings", mp + ".readings");
            ReadingMessage decoded;
            try {
                decoded = ReadingMessages.decode(raw);
            } catch (ProtocolException e) {
                fail("MESSAGE_UNREADABLE", "not a reading message: " + e.getMessage(), mp + ".cose");
                continue;
            }
            if (group.isHybrid() && !decoded.isHybrid()) {
                // a classical-only message of a hybrid device: what a forger of the classical scheme alone could make
                singleSigned.add(mp + ".cose");
                continue;
            }
            if (!group.isHybrid() && decoded.isHybrid()) {
                hybridWithoutKey.add(mp + ".cose");
                continue;
            }
            try {
                group.verify(decoded);
            } catch (ProtocolException e) {
                // the classical signature is checked first: a failure naming ML-DSA means the classical one verified
                if (group.isHybrid() && decoded.postQuantumSigner().isPresent() && mentionsPostQuantum(e)) {
                    badPostQuantum.add(mp + ".cose");
                } else {
                    badSignatures.add(mp + ".cose");
                }
                continue;
            }
            try {
                decoded.pack().checkValues();
            } catch (ProtocolException e) {
                fail("INVALID_MESSAGE", "the signed pack breaks a protocol rule: " + e.getMessage(), mp + ".cose");
            }
            if (!decoded.pack().deviceId().equals(id)) {
                fail("DEVICE_MISMATCH", "the message was signed for device " + decoded.pack().deviceId(), path + ".device");
            }
            if (decoded.header().boot() != boot) {
                fail("HEADER_MISMATCH", "the signed boot is " + decoded.header().boot(), mp + ".boot");
            }
            if (decoded.header().seq() != seq) {
                fail("HEADER_MISMATCH", "the signed seq is " + decoded.header().seq(), mp + ".seq");
            }
            if (!messageKeys.add(decoded.header().boot() + "/" + decoded.header().seq())) {
                fail("DUPLICATE_MESSAGE", "a second message with the same (boot, seq)", mp + ".cose");
            }
            List<SignedReading> records = SignedReading.of(decoded);
            if (readings.size() != records.size()) {
                fail("READINGS_MISMATCH", "the message holds " + records.size() + " readings, the bundle lists "
                        + readings.size(), mp + ".readings");
            }
            for (int r = 0; r < Math.min(readings.size(), records.size()); r++) {
                reading(readings.get(r), mp + ".readings[" + r + "]", records.get(r));
            }
            if (decoded.pack().deviceId().equals(id)) {
                records.forEach(s -> signed.put(s.key(), s));
            }
        }
        if (!badSignatures.isEmpty()) {
            List<String> fields = new ArrayList<>(badSignatures);
            if (badSignatures.size() == messages.size()) {
                fields.add(0, path + ".spki");
            }
            fail("BAD_SIGNATURE", group.isHybrid() ? "the classical signature does not verify with the device key"
                    : "the signature does not verify with the device key", fields.toArray(String[]::new));
        }
        if (!badPostQuantum.isEmpty()) {
            List<String> fields = new ArrayList<>(badPostQuantum);
            if (badPostQuantum.size() == messages.size()) {
                fields.add(0, pqPath);
            }
            fail("BAD_SIGNATURE", "the ML-DSA signature does not verify with the device's ML-DSA key",
                    fields.toArray(String[]::new));
        }
        if (!singleSigned.isEmpty()) {
            List<String> fields = new ArrayList<>(singleSigned);
            fields.add(0, pqPath);
            fail(KeyGroup.HYBRID_REQUIRED, "the device is hybrid (two keys): a message with one signature is not its",
                    fields.toArray(String[]::new));
        }
        if (!hybridWithoutKey.isEmpty()) {
            List<String> fields = new ArrayList<>(hybridWithoutKey);
            fields.add(0, pqPath);
            fail("HYBRID_KEY_MISSING", "a message signed with two keys (hybrid), but the device lists no ML-DSA key"
                    + (version < EvidenceBundleBuilder.VERSION_HYBRID ? " (a version-1 bundle cannot carry one)" : ""),
                    fields.toArray(String[]::new));
        }
        return id;
    }

    private static boolean mentionsPostQuantum(ProtocolException e) {
        return e.getMessage() != null && e.getMessage().contains("ML-DSA");
    }

    private void reading(JsonNode node, String path, SignedReading signed) {
        if (Json.integer(node, "record", path + ".record") != signed.key().recordIndex()) {
            fail("READING_MISMATCH", "this is record " + signed.key().recordIndex() + " of the message", path + ".record");
        }
        if (!Json.text(node, "quantity", path + ".quantity").equals(signed.quantity().senmlName())) {
            fail("READING_MISMATCH", "the signed quantity is " + signed.quantity().senmlName(), path + ".quantity");
        }
        if (Json.integer(node, "time", path + ".time") != signed.timeMillis()) {
            fail("READING_MISMATCH", "the signed time is " + signed.timeMillis(), path + ".time");
        }
        if (Json.integer(node, "value", path + ".value") != signed.value()) {
            fail("READING_MISMATCH", "the signed value is " + signed.value(), path + ".value");
        }
    }

    private void claim(JsonNode node, String path, int index) {
        String circuit = Json.text(node, "circuit", path + ".circuit");
        String device = deviceId(Json.text(node, "device", path + ".device"), path + ".device");
        JsonNode s = Json.object(node, "statement", path + ".statement");
        List<BigInteger> stated = List.of(Json.hex(s, "root", path + ".statement.root"), Identifiers.deviceField(device),
                BigInteger.valueOf(Json.integer(s, "quantity", path + ".statement.quantity")),
                BigInteger.valueOf(Json.integer(s, "lo", path + ".statement.lo")),
                BigInteger.valueOf(Json.integer(s, "hi", path + ".statement.hi")),
                BigInteger.valueOf(Json.integer(s, "firstTime", path + ".statement.firstTime")),
                BigInteger.valueOf(Json.integer(s, "lastTime", path + ".statement.lastTime")),
                BigInteger.valueOf(Json.integer(s, "count", path + ".statement.count")),
                BigInteger.valueOf(Json.integer(s, "maxGap", path + ".statement.maxGap")));
        if (!circuit.equals(RunClaimWitness.CIRCUIT)) {
            fail("UNKNOWN_CIRCUIT", "an evidence bundle holds run claims (" + RunClaimWitness.CIRCUIT + "), not "
                    + circuit, path + ".circuit");
            return;
        }
        Optional<Groth16Verifier> verifier = keys.verifier(circuit);
        if (verifier.isEmpty()) {
            fail("NO_PINNED_KEY", "no verification key is pinned for " + circuit, path + ".circuit");
            return;
        }
        Optional<List<BigInteger>> provenInputs = provenInputs(node, path, verifier.get(), stated);
        if (provenInputs.isEmpty()) {
            return;
        }
        List<BigInteger> proven = provenInputs.get();
        List<String> fields = STATEMENT.stream()
                .map(f -> f.equals("device") ? path + ".device" : path + ".statement." + f).toList();
        compare(proven, stated, fields);
        claimId(node, path, circuit, proven);
        RunClaim claim;
        String provenDevice;
        try {
            claim = new RunClaim(proven.get(0), proven.get(1), proven.get(2).intValueExact(),
                    proven.get(3).longValueExact(), proven.get(4).longValueExact(), proven.get(5).longValueExact(),
                    proven.get(6).longValueExact(), proven.get(7).intValueExact(), proven.get(8).longValueExact());
            provenDevice = Identifiers.deviceIdOfField(claim.device());
        } catch (ArithmeticException | ProtocolException e) {
            fail("STATEMENT_NOT_PROVEN", "the proven inputs are not a run claim of a device: " + e.getMessage(),
                    path + ".inputs");
            return;
        }
        tree(node, path, claim, provenDevice);
        // keyed by the id of what the proof proves, so a freeze names claims by their true ids
        claimsById.put(ClaimIds.of(circuit, proven), new ProvenRun(index, provenDevice, claim));
        Quantity quantity = Quantity.byCode(claim.quantity());
        String q = quantity == null ? "quantity " + claim.quantity() : quantity.senmlName();
        description.add("run claim " + path + " " + ClaimIds.of(circuit, proven) + ": device " + provenDevice + ", " + q
                + " outside [" + value(quantity, claim.lo()) + ", " + value(quantity, claim.hi()) + "] from "
                + Instant.ofEpochMilli(claim.firstTime()) + " to " + Instant.ofEpochMilli(claim.lastTime()) + " ("
                + Duration.ofMillis(claim.lastTime() - claim.firstTime()) + "), " + claim.count()
                + " readings, neighbours at most " + claim.maxGap() + " ms apart");
    }

    /** Leaves from the signed readings, the root, the paths, and the claim rebuilt from the readings. */
    private void tree(JsonNode node, String path, RunClaim claim, String device) {
        Map<ReadingKey, SignedReading> signed = signedByDevice.getOrDefault(device, Map.of());
        JsonNode keysNode = Json.array(node, "readings", path + ".readings");
        List<ReadingKey> keyList = new ArrayList<>();
        for (int k = 0; k < keysNode.size(); k++) {
            String kp = path + ".readings[" + k + "]";
            JsonNode key = keysNode.get(k);
            keyList.add(new ReadingKey(device, nonNegative(key, "boot", kp), nonNegative(key, "seq", kp),
                    (int) nonNegative(key, "record", kp)));
        }
        JsonNode leavesNode = Json.array(node, "leaves", path + ".leaves");
        if (leavesNode.size() != RunClaimWitness.SLOTS) {
            fail("TREE_SIZE", "a run claim tree has " + RunClaimWitness.SLOTS + " leaves", path + ".leaves");
            return;
        }
        List<BigInteger> stated = new ArrayList<>();
        for (int s = 0; s < leavesNode.size(); s++) {
            stated.add(Json.hex(leavesNode.get(s), path + ".leaves[" + s + "]"));
        }
        if (keyList.size() != claim.count()) {
            fail("READING_COUNT", "the claim proves " + claim.count() + " readings, the bundle cites " + keyList.size(),
                    path + ".readings");
            return;
        }
        // the claim rebuilt from the cited signed readings with zk-circuits' builder: its leaves and tree
        // are the re-derived ones (each Poseidon hash computed once)
        List<CommittedReading> committed = new ArrayList<>();
        for (ReadingKey key : keyList) {
            SignedReading r = signed.get(key);
            if (r != null) {
                committed.add(r.committed());
            }
        }
        ClaimTree derivedTree = null;
        if (committed.size() == keyList.size()) {
            try {
                RunClaimWitness rebuilt = RunClaimWitness.of(committed, claim.lo(), claim.hi(), claim.maxGap());
                derivedTree = rebuilt.tree();
                if (rebuilt.claim().root().equals(claim.root()) && !rebuilt.claim().equals(claim)) {
                    fail("CLAIM_NOT_REBUILT", "the cited signed readings make the claim " + rebuilt.claim(),
                            path + ".readings");
                }
            } catch (ClaimException e) {
                derivedTree = ClaimTree.of(RunClaimWitness.SLOTS,
                        committed.stream().map(c -> c.fields().hash()).toList());
                if (derivedTree.root().equals(claim.root())) {
                    fail("CLAIM_NOT_REBUILT", "the cited signed readings do not make the claim: " + e.getMessage(),
                            path + ".readings");
                }
            }
        }
        ClaimTree authentic;
        if (derivedTree != null && derivedTree.root().equals(claim.root())) {
            authentic = derivedTree;
            for (int s = 0; s < stated.size(); s++) {
                if (!stated.get(s).equals(authentic.leaf(s))) {
                    fail("LEAF_MISMATCH", "not the leaf of the signed reading in slot " + s, path + ".leaves[" + s + "]");
                }
            }
        } else if (ClaimTree.of(RunClaimWitness.SLOTS, stated).root().equals(claim.root())) {
            authentic = ClaimTree.of(RunClaimWitness.SLOTS, stated);
            Map<BigInteger, ReadingKey> byLeaf = new HashMap<>();
            signed.values().forEach(r -> byLeaf.put(r.leaf(), r.key()));
            for (int k = 0; k < keyList.size(); k++) {
                SignedReading cited = signed.get(keyList.get(k));
                if (cited != null && derivedTree != null && derivedTree.leaf(k).equals(stated.get(k))) {
                    continue;
                }
                String kp = path + ".readings[" + k + "]";
                ReadingKey actual = byLeaf.get(stated.get(k));
                ReadingKey citedKey = keyList.get(k);
                List<String> differing = new ArrayList<>();
                if (actual != null) {
                    if (actual.boot() != citedKey.boot()) {
                        differing.add(kp + ".boot");
                    }
                    if (actual.seq() != citedKey.seq()) {
                        differing.add(kp + ".seq");
                    }
                    if (actual.recordIndex() != citedKey.recordIndex()) {
                        differing.add(kp + ".record");
                    }
                }
                if (differing.isEmpty()) {
                    differing.add(kp);
                }
                fail("READING_NOT_IN_TREE", "the cited reading " + citedKey + " is not the signed reading in slot " + k
                        + (actual == null ? " (no signed reading of the bundle has that slot's leaf)" : " (" + actual + " is)"),
                        differing.toArray(String[]::new));
            }
        } else {
            fail("ROOT_MISMATCH", "neither the cited signed readings nor the listed leaves give the proven root",
                    path + ".readings", path + ".leaves");
            return;
        }
        JsonNode paths = Json.array(node, "paths", path + ".paths");
        if (paths.size() != claim.count()) {
            fail("PATH_COUNT", "one path per present slot: " + claim.count(), path + ".paths");
        }
        for (int p = 0; p < Math.min(paths.size(), claim.count()); p++) {
            String pp = path + ".paths[" + p + "]";
            if (Json.integer(paths.get(p), "slot", pp + ".slot") != p) {
                fail("PATH_MISMATCH", "path " + p + " is the path of slot " + p, pp + ".slot");
            }
            List<BigInteger> expected = authentic.proof(p).siblings();
            JsonNode siblings = Json.array(paths.get(p), "siblings", pp + ".siblings");
            if (siblings.size() != expected.size()) {
                fail("PATH_MISMATCH", "a path has " + expected.size() + " siblings", pp + ".siblings");
                continue;
            }
            for (int j = 0; j < expected.size(); j++) {
                if (!Json.hex(siblings.get(j), pp + ".siblings[" + j + "]").equals(expected.get(j))) {
                    fail("PATH_MISMATCH", "not the sibling at height " + j + " of slot " + p, pp + ".siblings[" + j + "]");
                }
            }
        }
    }

    private static long nonNegative(JsonNode key, String name, String path) {
        long v = Json.integer(key, name, path + "." + name);
        if (v < 0 || (name.equals("record") && v > 255)) {
            throw Json.malformed(path + "." + name, "out of range");
        }
        return v;
    }

    /** The freeze as CollateralFinancing.freeze checks it, against the watch and the freeze's block time. */
    private void freeze(JsonNode freeze, Watch watch, List<String> facilityDevices, long facilityId, long chainId,
            String financing) {
        int quantity = (int) Json.integer(freeze, "quantity", "freeze.quantity");
        JsonNode tx = Json.object(freeze, "transaction", "freeze.transaction");
        String txHash = Json.text(tx, "transaction", "freeze.transaction.transaction");
        long block = Json.integer(tx, "block", "freeze.transaction.block");
        long blockTimeMs = Json.integer(tx, "blockTime", "freeze.transaction.blockTime") * 1000;
        if (watch.lo() > watch.hi()) {
            fail("INVALID_TERMS", "lo is above hi", "facility.watch.lo", "facility.watch.hi");
        }
        if (watch.maxGap() <= 0 || watch.maxGap() >= 2 * watch.samplingInterval()) {
            fail("INVALID_TERMS", "0 < maxGap < 2 x samplingInterval does not hold (an in-range reading could hide in a gap)",
                    "facility.watch.maxGap", "facility.watch.samplingInterval");
        }
        if (watch.minDuration() <= 0) {
            fail("INVALID_TERMS", "minDuration must be positive", "facility.watch.minDuration");
        }
        if (watch.maxAge() <= 0) {
            fail("INVALID_TERMS", "maxAge must be positive", "facility.watch.maxAge");
        }
        if (watch.k() < 1 || watch.k() > facilityDevices.size()) {
            fail("INVALID_TERMS", "1 <= k <= number of devices does not hold", "facility.watch.k", "facility.devices");
        }
        if (quantity != watch.quantity()) {
            fail("QUANTITY_NOT_WATCHED", "the watch is of quantity " + watch.quantity(), "freeze.quantity",
                    "facility.watch.quantity");
        }
        JsonNode runs = Json.array(freeze, "runs", "freeze.runs");
        if (runs.size() < watch.k()) {
            fail("NOT_ENOUGH_DEVICES", watch.k() + " devices needed, " + runs.size() + " runs given", "freeze.runs",
                    "facility.watch.k");
        }
        Set<String> used = new HashSet<>();
        Set<String> runDevices = new HashSet<>();
        long latestFirst = Long.MIN_VALUE;
        long earliestLast = Long.MAX_VALUE;
        List<String> lines = new ArrayList<>();
        for (int r = 0; r < runs.size(); r++) {
            String rp = "freeze.runs[" + r + "]";
            String device = deviceId(Json.text(runs.get(r), "device", rp + ".device"), rp + ".device");
            JsonNode ids = Json.array(runs.get(r), "claims", rp + ".claims");
            if (ids.isEmpty()) {
                fail("EMPTY_RUN", "a run has at least one claim", rp + ".claims");
                continue;
            }
            if (!facilityDevices.contains(device)) {
                fail("DEVICE_NOT_IN_FACILITY", device + " is not a device of the facility", rp + ".device",
                        "facility.devices");
            }
            if (!runDevices.add(device)) {
                fail("DUPLICATE_DEVICE", "another run has device " + device, rp + ".device");
            }
            ProvenRun previous = null;
            ProvenRun first = null;
            boolean complete = true;
            for (int j = 0; j < ids.size(); j++) {
                String cp = rp + ".claims[" + j + "]";
                String id = Json.text(ids.get(j), cp);
                ProvenRun run = claimsById.get(id);
                if (run == null) {
                    fail("UNKNOWN_CLAIM", "no claim of the bundle with this id has a verified proof", cp);
                    complete = false;
                    continue;
                }
                if (!used.add(id)) {
                    fail("CLAIM_USED_TWICE", "the claim appears twice in the freeze", cp);
                }
                RunClaim c = run.claim();
                if (!run.device().equals(device)) {
                    fail("RUN_MIXES_DEVICES", "the claim is of device " + run.device(), rp + ".device");
                }
                if (c.quantity() != quantity) {
                    fail("CLAIM_QUANTITY_MISMATCH", "the claim is of quantity " + c.quantity(), "freeze.quantity");
                }
                if (c.lo() > watch.lo()) {
                    fail("RANGE_NARROWER_THAN_TERMS", "claims[" + run.index() + "] proves readings below " + c.lo()
                            + ", the terms' lo is " + watch.lo(), "facility.watch.lo");
                }
                if (c.hi() < watch.hi()) {
                    fail("RANGE_NARROWER_THAN_TERMS", "claims[" + run.index() + "] proves readings above " + c.hi()
                            + ", the terms' hi is " + watch.hi(), "facility.watch.hi");
                }
                if (c.maxGap() > watch.maxGap()) {
                    fail("CLAIM_MAX_GAP_TOO_LARGE", "claims[" + run.index() + "] allows gaps of " + c.maxGap()
                            + " ms, the terms " + watch.maxGap(), "facility.watch.maxGap");
                }
                if (previous != null) {
                    if (c.firstTime() <= previous.claim().lastTime()) {
                        fail("RUN_OUT_OF_ORDER", "the claim does not start after the previous one ends", cp);
                    } else if (c.firstTime() - previous.claim().lastTime() > watch.maxGap()) {
                        fail("RUN_GAP", "a gap of " + (c.firstTime() - previous.claim().lastTime())
                                + " ms to the previous claim exceeds maxGap", cp, "facility.watch.maxGap");
                    }
                } else {
                    first = run;
                }
                previous = run;
            }
            if (!complete || first == null) {
                continue;
            }
            long firstTime = first.claim().firstTime();
            long lastTime = previous.claim().lastTime();
            if (lastTime - firstTime < watch.minDuration()) {
                fail("RUN_TOO_SHORT", "the run lasted " + (lastTime - firstTime) + " ms, the terms need "
                        + watch.minDuration(), "facility.watch.minDuration", rp + ".claims");
            }
            if (lastTime > blockTimeMs + MAX_CLOCK_SKEW) {
                fail("EVIDENCE_FROM_FUTURE", "the run ends after the freeze's block time", "freeze.transaction.blockTime");
            }
            if (blockTimeMs - lastTime > watch.maxAge()) {
                fail("EVIDENCE_STALE", "the run ended " + (blockTimeMs - lastTime) + " ms before the freeze, more than maxAge",
                        "freeze.transaction.blockTime", "facility.watch.maxAge");
            }
            latestFirst = Math.max(latestFirst, firstTime);
            earliestLast = Math.min(earliestLast, lastTime);
            lines.add("  run of " + device + ": " + ids.size() + " claim(s), " + Instant.ofEpochMilli(firstTime) + " to "
                    + Instant.ofEpochMilli(lastTime) + " (" + Duration.ofMillis(lastTime - firstTime) + ")");
        }
        if (latestFirst > earliestLast) {
            fail("RUNS_DO_NOT_OVERLAP", "the runs do not overlap in time", "freeze.runs");
        }
        Quantity q = Quantity.byCode(watch.quantity());
        description.add("freeze of facility " + facilityId + " (CollateralFinancing " + financing + ", chain " + chainId
                + ") in transaction " + txHash + ", block " + block + " at " + Instant.ofEpochMilli(blockTimeMs) + ": "
                + runs.size() + " run(s) of " + (q == null ? "quantity " + watch.quantity() : q.senmlName()) + " outside ["
                + value(q, watch.lo()) + ", " + value(q, watch.hi()) + "] for at least "
                + Duration.ofMillis(watch.minDuration()) + ", k = " + watch.k());
        description.addAll(lines);
    }

    static String value(Quantity quantity, long fixed) {
        if (quantity == null) {
            return Long.toString(fixed);
        }
        return FixedPoint.decode(quantity, fixed).toPlainString() + " " + quantity.unit();
    }
}
