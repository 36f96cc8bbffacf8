package io.sensorproof.oracle.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.oracle.bundle.BundleException.Code;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.message.ReadingMessage;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.zk.claims.ClaimException;
import io.sensorproof.zk.claims.ClaimTree;
import io.sensorproof.zk.claims.CommittedReading;
import io.sensorproof.zk.claims.RunClaimWitness;
import io.sensorproof.zk.groth16.Groth16Proof;
import io.sensorproof.zk.groth16.VerificationException;
import io.sensorproof.zk.groth16.ZokratesJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Assembles the evidence bundle of one freeze (docs/bundles.md) from what the gateway keeps: the
 * facility's terms, per device its key and the raw signed messages ({@code messages.raw}), per run
 * claim the keys of its readings in slot order, its range and maxGap, the prover's
 * {@code proof.json} and the anchor transaction, and the freeze transaction. Everything a reader
 * re-checks is derived here from those inputs with zk-circuits' claim model (readings from the
 * decoded messages, leaves, the claim tree and its paths, the statement, the claim id), and the
 * builder refuses ({@link BundleException} {@code INCONSISTENT_INPUT}) input that would make a
 * bundle its own verifier rejects: a message that does not verify, a claim reading without its
 * message, a proof of other inputs.
 */
public final class EvidenceBundleBuilder {
    /** The {@code format} of evidence bundles. */
    public static final String FORMAT = "sensorproof/evidence-bundle";
    /** The version this code writes for bundles of single-key devices only (and reads). */
    public static final int VERSION = 1;
    /**
     * The version written when a device is hybrid (ADR 029): its entry carries {@code postQuantumSpki} and
     * its key hash covers both keys. A version-1 reader refuses it as unsupported instead of misreading it.
     */
    public static final int VERSION_HYBRID = 2;

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ObjectNode root = MAPPER.createObjectNode();
    private final ArrayNode devices;
    private final ArrayNode claims;
    private final Map<ReadingKey, SignedReading> signed = new LinkedHashMap<>();
    private final Map<String, String> claimDevices = new LinkedHashMap<>();
    private boolean frozen;

    /**
     * Starts a bundle.
     *
     * @param chain the chain and contract addresses
     * @param facilityId the facility's id in {@code CollateralFinancing}
     * @param facilityDevices the device ids of the facility's terms
     * @param watch the watch of the frozen quantity
     */
    public EvidenceBundleBuilder(ContractAddresses chain, long facilityId, List<String> facilityDevices, Watch watch) {
        Objects.requireNonNull(chain);
        Objects.requireNonNull(watch);
        root.put("format", FORMAT);
        root.put("version", VERSION);
        ObjectNode chainNode = root.putObject("chain");
        chainNode.put("chainId", chain.chainId());
        chainNode.put("anchorRegistry", chain.anchorRegistry());
        chainNode.put("collateralFinancing", chain.collateralFinancing());
        ObjectNode facility = root.putObject("facility");
        facility.put("id", facilityId);
        ArrayNode ids = facility.putArray("devices");
        facilityDevices.forEach(id -> ids.add(Identifiers.requireValid(id, "facility device")));
        ObjectNode w = facility.putObject("watch");
        w.put("quantity", watch.quantity());
        w.put("lo", watch.lo());
        w.put("hi", watch.hi());
        w.put("minDuration", watch.minDuration());
        w.put("maxGap", watch.maxGap());
        w.put("samplingInterval", watch.samplingInterval());
        w.put("maxAge", watch.maxAge());
        w.put("k", watch.k());
        devices = root.putArray("devices");
        claims = root.putArray("claims");
    }

    /**
     * Adds a device: its key as registered on chain and the raw signed messages that carry the
     * claims' readings (each verified here with the key).
     *
     * @param spki the device key's SubjectPublicKeyInfo DER
     * @param keyHash the key hash registered on chain (SHA-256 of the SPKI)
     * @param rawMessages the messages exactly as received and stored
     */
    public EvidenceBundleBuilder device(String deviceId, byte[] spki, byte[] keyHash, List<byte[]> rawMessages) {
        return device(deviceId, KeyGroup.single(spki), keyHash, rawMessages);
    }

    /**
     * Adds a device with its key group: for a hybrid device (ADR 029) both keys, every message verified
     * with both, and the bundle becomes version {@value #VERSION_HYBRID}.
     *
     * @param keys the device key (and its ML-DSA partner)
     * @param keyHash the key hash registered on chain ({@link KeyGroup#keyHash()})
     * @param rawMessages the messages exactly as received and stored
     */
    public EvidenceBundleBuilder device(String deviceId, KeyGroup keys, byte[] keyHash, List<byte[]> rawMessages) {
        Identifiers.requireValid(deviceId, "device id");
        byte[] spki = keys.spki();
        try {
            keys.classicalKey();
            if (keys.isHybrid()) {
                keys.postQuantumKey();
            }
        } catch (ProtocolException e) {
            throw new BundleException(Code.INCONSISTENT_INPUT, "devices", deviceId + ": " + e.getMessage());
        }
        ObjectNode node = devices.addObject();
        node.put("device", deviceId);
        node.put("field", Json.hex256(Identifiers.deviceField(deviceId)));
        node.put("spki", Base64.getEncoder().encodeToString(spki));
        keys.postQuantumSpki().ifPresent(pq -> {
            node.put("postQuantumSpki", Base64.getEncoder().encodeToString(pq));
            root.put("version", VERSION_HYBRID);
        });
        node.put("keyHash", "0x" + HexFormat.of().formatHex(keyHash));
        ArrayNode messages = node.putArray("messages");
        for (byte[] raw : rawMessages) {
            ReadingMessage message;
            try {
                message = keys.verify(ReadingMessages.decode(raw));
            } catch (ProtocolException e) {
                throw new BundleException(Code.INCONSISTENT_INPUT, "devices", deviceId + ": a message does not verify: "
                        + e.getMessage());
            }
            if (!message.pack().deviceId().equals(deviceId)) {
                throw new BundleException(Code.INCONSISTENT_INPUT, "devices", "a message of " + message.pack().deviceId()
                        + " among those of " + deviceId);
            }
            ObjectNode m = messages.addObject();
            m.put("boot", message.header().boot());
            m.put("seq", message.header().seq());
            m.put("cose", Base64.getEncoder().encodeToString(raw));
            ArrayNode readings = m.putArray("readings");
            for (SignedReading r : SignedReading.of(message)) {
                ObjectNode reading = readings.addObject();
                reading.put("record", r.key().recordIndex());
                reading.put("quantity", r.quantity().senmlName());
                reading.put("time", r.timeMillis());
                reading.put("value", r.value());
                signed.put(r.key(), r);
            }
        }
        if (!Arrays.equals(keys.keyHash(), keyHash)) {
            throw new BundleException(Code.INCONSISTENT_INPUT, "devices", deviceId
                    + ": the registered key hash is not the SHA-256 of the key");
        }
        return this;
    }

    /**
     * Adds a run claim ({@code excursion} circuit) of readings already added with their device.
     *
     * @param readings the claim's readings in slot order
     * @param lo the claim's lo (fixed point)
     * @param hi the claim's hi
     * @param maxGap the claim's maxGap (ms)
     * @param proofJson the prover's {@code proof.json}
     * @param anchor the transaction that anchored the claim
     * @return the claim id
     */
    public String runClaim(List<ReadingKey> readings, long lo, long hi, long maxGap, String proofJson, ChainRef anchor) {
        List<CommittedReading> committed = new ArrayList<>();
        for (ReadingKey key : readings) {
            SignedReading r = signed.get(key);
            if (r == null) {
                throw new BundleException(Code.INCONSISTENT_INPUT, "claims", "no signed message holds reading " + key);
            }
            committed.add(r.committed());
        }
        RunClaimWitness witness;
        try {
            witness = RunClaimWitness.of(committed, lo, hi, maxGap);
        } catch (ClaimException e) {
            throw new BundleException(Code.INCONSISTENT_INPUT, "claims", e.getMessage());
        }
        JsonNode proofTree = proof(proofJson, witness.claim().publicInputs());
        String claimId = ClaimIds.of(RunClaimWitness.CIRCUIT, witness.claim().publicInputs());
        String device = readings.get(0).deviceId();
        ObjectNode node = claims.addObject();
        node.put("claimId", claimId);
        node.put("circuit", RunClaimWitness.CIRCUIT);
        node.put("device", device);
        ObjectNode statement = node.putObject("statement");
        statement.put("root", Json.hex256(witness.claim().root()));
        statement.put("quantity", witness.claim().quantity());
        statement.put("lo", witness.claim().lo());
        statement.put("hi", witness.claim().hi());
        statement.put("firstTime", witness.claim().firstTime());
        statement.put("lastTime", witness.claim().lastTime());
        statement.put("count", witness.claim().count());
        statement.put("maxGap", witness.claim().maxGap());
        ArrayNode keys = node.putArray("readings");
        for (ReadingKey key : readings) {
            ObjectNode k = keys.addObject();
            k.put("boot", key.boot());
            k.put("seq", key.seq());
            k.put("record", key.recordIndex());
        }
        writeTree(node, witness.tree(), readings.size());
        node.set("proof", proofTree.get("proof"));
        ArrayNode inputs = node.putArray("inputs");
        witness.claim().publicInputs().forEach(v -> inputs.add(Json.hex256(v)));
        node.set("anchor", chainRef(anchor));
        claimDevices.put(claimId, device);
        return claimId;
    }

    /**
     * Records the freeze: the frozen quantity, the runs (each one device's claim ids in time order,
     * claims added before) and the freeze transaction.
     */
    public EvidenceBundleBuilder freeze(int quantity, List<List<String>> runs, ChainRef transaction) {
        if (frozen) {
            throw new BundleException(Code.INCONSISTENT_INPUT, "freeze", "a bundle records one freeze");
        }
        ObjectNode freeze = root.putObject("freeze");
        freeze.put("quantity", quantity);
        ArrayNode runArray = freeze.putArray("runs");
        for (List<String> run : runs) {
            if (run.isEmpty() || !claimDevices.containsKey(run.get(0))) {
                throw new BundleException(Code.INCONSISTENT_INPUT, "freeze", "a run is empty or cites a claim not added");
            }
            ObjectNode r = runArray.addObject();
            r.put("device", claimDevices.get(run.get(0)));
            ArrayNode ids = r.putArray("claims");
            for (String id : run) {
                if (!claimDevices.containsKey(id)) {
                    throw new BundleException(Code.INCONSISTENT_INPUT, "freeze", "claim " + id + " was not added");
                }
                ids.add(id);
            }
        }
        freeze.set("transaction", chainRef(transaction));
        frozen = true;
        return this;
    }

    /** The bundle as a JSON tree. */
    public ObjectNode build() {
        if (!frozen) {
            throw new BundleException(Code.INCONSISTENT_INPUT, "freeze", "an evidence bundle needs its freeze");
        }
        return root.deepCopy();
    }

    /** The bundle as indented JSON text. */
    public String toJson() {
        return write(build());
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The claim tree's leaves and the paths of its present slots. */
    static void writeTree(ObjectNode node, ClaimTree tree, int count) {
        ArrayNode leaves = node.putArray("leaves");
        for (int s = 0; s < tree.size(); s++) {
            leaves.add(Json.hex256(tree.leaf(s)));
        }
        ArrayNode paths = node.putArray("paths");
        for (int s = 0; s < count; s++) {
            ObjectNode path = paths.addObject();
            path.put("slot", s);
            ArrayNode siblings = path.putArray("siblings");
            tree.proof(s).siblings().forEach(v -> siblings.add(Json.hex256(v)));
        }
    }

    /** The proof.json tree, checked to carry {@code inputs}. */
    static JsonNode proof(String proofJson, List<BigInteger> inputs) {
        Groth16Proof proof;
        try {
            proof = ZokratesJson.parseProof(proofJson);
            if (!proof.inputs().equals(inputs)) {
                throw new BundleException(Code.INCONSISTENT_INPUT, "claims", "the proof's public inputs " + proof.inputs()
                        + " are not the claim's " + inputs);
            }
            return MAPPER.readTree(proofJson);
        } catch (VerificationException | IOException e) {
            throw new BundleException(Code.INCONSISTENT_INPUT, "claims", "unreadable proof.json: " + e.getMessage());
        }
    }

    static ObjectNode chainRef(ChainRef ref) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("transaction", ref.transaction());
        node.put("block", ref.block());
        node.put("blockTime", ref.blockTime());
        return node;
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
