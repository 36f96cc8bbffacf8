package io.sensorproof.oracle.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.zk.claims.EmissionsClaimWitness;
import io.sensorproof.zk.claims.RunClaimWitness;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The audit bundle of one anchored claim (docs/bundles.md, ADR 027 "Claims"): what a regulator needs to
 * audit a run claim or an emissions claim without trusting the gateway's verdict: the claim as the gateway
 * recorded it (id, circuit, device, quantity, the nine public inputs it proved, the settlement its window was
 * built with, the anchor transaction), its readings in slot order as stored now, every stored reading of the
 * claim's device and quantity inside the claim's window with the time the gateway stored it (completeness,
 * judged against the settlement), the raw signed messages (COSE, exactly as received) of the claim's readings
 * and every key the device has had. {@link io.sensorproof.oracle.audit.ClaimAudit} re-derives and compares;
 * this type only writes and strictly reads the JSON, refusing a missing or mistyped field with
 * {@link BundleException} {@code MALFORMED} naming its JSON path. Messages and device keys have the shape of
 * the batch's {@link AuditBundle}.
 *
 * @param chainId the chain the gateway anchors on, empty when it had no chain configured
 * @param anchorRegistry the AnchorRegistry the gateway anchors at, empty when it had no chain configured
 * @param claim the claim as recorded
 * @param members the claim's readings in slot order (slot i is element i)
 * @param windowReadings every stored reading of the claim's device and quantity with time in the claim's
 *        window ({@link #windowFrom()}…{@link #windowTo()}), members included
 * @param messages the retained raw messages of the members (a message absent here is not retained)
 * @param devices the keys of the claim's device
 */
public record ClaimAuditBundle(Optional<Long> chainId, Optional<String> anchorRegistry, Claim claim, List<Member> members,
        List<WindowReading> windowReadings, List<AuditBundle.Message> messages, List<AuditBundle.DeviceKeys> devices) {
    /** The {@code format} of claim audit bundles. */
    public static final String FORMAT = "sensorproof/claim-audit-bundle";
    /** The version this code writes and reads. */
    public static final int VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * The claim as the gateway recorded it.
     *
     * @param id the claim id (AnchorRegistry's keccak256 of circuit and inputs)
     * @param circuit {@code excursion} (run claim) or {@code emissions}
     * @param deviceId the claim's device
     * @param quantity the claimed quantity's code
     * @param publicInputs the nine public inputs in circuit order
     * @param settledBy how the window was settled ({@code SEQUENCE} or {@code WAIT}, ADR 023)
     * @param settledArrival the arrival time (ms, gateway clock) the window was settled with
     * @param anchorTransaction the anchoring transaction, when this gateway sent it
     * @param anchorBlock its block, when recorded
     */
    public record Claim(String id, String circuit, String deviceId, int quantity, List<BigInteger> publicInputs,
            String settledBy, long settledArrival, Optional<String> anchorTransaction, Optional<Long> anchorBlock) {
        public Claim {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(circuit, "circuit");
            Objects.requireNonNull(deviceId, "deviceId");
            publicInputs = List.copyOf(publicInputs);
            Objects.requireNonNull(settledBy, "settledBy");
            Objects.requireNonNull(anchorTransaction, "anchorTransaction");
            Objects.requireNonNull(anchorBlock, "anchorBlock");
            if (!circuit.equals(RunClaimWitness.CIRCUIT) && !circuit.equals(EmissionsClaimWitness.CIRCUIT)) {
                throw new IllegalArgumentException("unknown circuit " + circuit);
            }
            if (publicInputs.size() != 9) {
                throw new IllegalArgumentException("a claim has nine public inputs, not " + publicInputs.size());
            }
        }

        /** The claim tree's size: 16 slots for a run claim, 32 for an emissions claim. */
        public int treeSize() {
            return circuit.equals(RunClaimWitness.CIRCUIT) ? RunClaimWitness.SLOTS : EmissionsClaimWitness.SLOTS;
        }

        /** The names of the public inputs in circuit order (AnchorRegistry's). */
        public List<String> inputNames() {
            return inputNames(circuit);
        }

        /** The input named {@code name}. */
        public BigInteger input(String name) {
            int i = inputNames().indexOf(name);
            if (i < 0) {
                throw new IllegalArgumentException("no input " + name + " in a " + circuit + " claim");
            }
            return publicInputs.get(i);
        }

        /** The names of the public inputs of {@code circuit} in circuit order. */
        public static List<String> inputNames(String circuit) {
            return circuit.equals(RunClaimWitness.CIRCUIT)
                    ? List.of("root", "device", "quantity", "lo", "hi", "firstTime", "lastTime", "count", "maxGap")
                    : List.of("root", "device", "firstTime", "firstTotal", "lastTime", "lastTotal", "count", "maxGap", "gapTime");
        }
    }

    /** One slot of the claim: the reading's key and the reading as stored now (empty when no longer stored). */
    public record Member(ReadingKey key, Optional<AuditBundle.Stored> stored) {
        public Member {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(stored, "stored");
        }
    }

    /**
     * A stored reading of the claim's device and quantity inside its window.
     *
     * @param key its key
     * @param time reading time (ms)
     * @param value fixed-point value
     * @param storedAt when the gateway stored it (ms, gateway clock)
     */
    public record WindowReading(ReadingKey key, long time, long value, long storedAt) {
        public WindowReading {
            Objects.requireNonNull(key, "key");
        }
    }

    public ClaimAuditBundle {
        Objects.requireNonNull(chainId, "chainId");
        Objects.requireNonNull(anchorRegistry, "anchorRegistry");
        Objects.requireNonNull(claim, "claim");
        members = List.copyOf(members);
        windowReadings = List.copyOf(windowReadings);
        messages = List.copyOf(messages);
        devices = List.copyOf(devices);
    }

    /** The first time of the claim's window (ms): its {@code firstTime} input. */
    public long windowFrom() {
        return claim.input("firstTime").longValueExact();
    }

    /** The last time of the claim's window (ms): its {@code lastTime} input. */
    public long windowTo() {
        return claim.input("lastTime").longValueExact();
    }

    /** Every key the bundle lists for {@code deviceId} (empty when none). */
    public List<byte[]> spkis(String deviceId) {
        return devices.stream().filter(d -> d.deviceId().equals(deviceId)).findFirst().map(AuditBundle.DeviceKeys::spkis)
                .orElse(List.of());
    }

    /** Every key group the bundle lists for {@code deviceId} (empty when none). */
    public List<KeyGroup> keyGroups(String deviceId) {
        return devices.stream().filter(d -> d.deviceId().equals(deviceId)).findFirst().map(AuditBundle.DeviceKeys::keyGroups)
                .orElse(List.of());
    }

    /** The bundle as indented JSON text (the format of docs/bundles.md). */
    public String toJson() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", AuditBundle.anyHybrid(devices) ? AuditBundle.VERSION_HYBRID : VERSION);
        ObjectNode chain = root.putObject("chain");
        if (chainId.isPresent()) {
            chain.put("chainId", chainId.get());
        } else {
            chain.putNull("chainId");
        }
        if (anchorRegistry.isPresent()) {
            chain.put("anchorRegistry", anchorRegistry.get());
        } else {
            chain.putNull("anchorRegistry");
        }
        ObjectNode c = root.putObject("claim");
        c.put("id", claim.id());
        c.put("circuit", claim.circuit());
        c.put("device", claim.deviceId());
        c.put("quantity", claim.quantity());
        ArrayNode inputs = c.putArray("publicInputs");
        claim.publicInputs().forEach(i -> inputs.add(Json.hex256(i)));
        ObjectNode settlement = c.putObject("settlement");
        settlement.put("basis", claim.settledBy());
        settlement.put("lastArrival", claim.settledArrival());
        ObjectNode anchor = c.putObject("anchor");
        if (claim.anchorTransaction().isPresent()) {
            anchor.put("transaction", claim.anchorTransaction().get());
        } else {
            anchor.putNull("transaction");
        }
        if (claim.anchorBlock().isPresent()) {
            anchor.put("block", claim.anchorBlock().get());
        } else {
            anchor.putNull("block");
        }
        ArrayNode m = root.putArray("members");
        for (int slot = 0; slot < members.size(); slot++) {
            Member member = members.get(slot);
            ObjectNode node = m.addObject();
            node.put("slot", slot);
            putKey(node, member.key());
            if (member.stored().isPresent()) {
                AuditBundle.Stored s = member.stored().get();
                ObjectNode stored = node.putObject("stored");
                stored.put("quantity", s.quantity());
                stored.put("time", s.time());
                stored.put("value", s.value());
            } else {
                node.putNull("stored");
            }
        }
        ArrayNode w = root.putArray("windowReadings");
        for (WindowReading r : windowReadings) {
            ObjectNode node = w.addObject();
            putKey(node, r.key());
            node.put("time", r.time());
            node.put("value", r.value());
            node.put("storedAt", r.storedAt());
        }
        AuditBundle.writeMessagesAndDevices(root, messages, devices);
        return EvidenceBundleBuilder.write(root);
    }

    /**
     * Reads a claim audit bundle strictly: every field of docs/bundles.md present and of its type, nine public
     * inputs, slots 0..n-1 in order, 1 to the tree's size members, every member and window reading of the
     * claim's device, nothing listed twice.
     *
     * @throws BundleException {@code MALFORMED} naming the JSON path of the first bad field, or
     *         {@code UNSUPPORTED_VERSION}
     */
    public static ClaimAuditBundle parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw Json.malformed("$", "not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw Json.malformed("$", "expected a JSON object");
        }
        int version = AuditBundle.version(root, FORMAT);
        JsonNode chain = Json.object(root, "chain", "chain");
        JsonNode chainIdNode = nullable(chain, "chainId", "chain.chainId");
        Optional<Long> chainId = chainIdNode.isNull() ? Optional.empty()
                : Optional.of(Json.integer(chainIdNode, "chain.chainId"));
        JsonNode registryNode = nullable(chain, "anchorRegistry", "chain.anchorRegistry");
        Optional<String> registry = registryNode.isNull() ? Optional.empty()
                : Optional.of(AuditBundle.address(Json.text(registryNode, "chain.anchorRegistry"), "chain.anchorRegistry"));

        Claim claim = claim(Json.object(root, "claim", "claim"));

        JsonNode memberArray = Json.array(root, "members", "members");
        if (memberArray.size() < 1 || memberArray.size() > claim.treeSize()) {
            throw Json.malformed("members", memberArray.size() + " members: a " + claim.circuit() + " claim holds 1 to "
                    + claim.treeSize() + " readings");
        }
        List<Member> members = new ArrayList<>();
        Set<ReadingKey> seen = new HashSet<>();
        for (int i = 0; i < memberArray.size(); i++) {
            String p = "members[" + i + "]";
            JsonNode node = object(memberArray.get(i), p);
            if (Json.integer(node, "slot", p + ".slot") != i) {
                throw Json.malformed(p + ".slot", "members are listed in slot order from 0: expected slot " + i);
            }
            ReadingKey key = claimKey(node, p, claim);
            if (!seen.add(key)) {
                throw Json.malformed(p, "reading " + key + " is listed twice");
            }
            JsonNode storedNode = nullable(node, "stored", p + ".stored");
            Optional<AuditBundle.Stored> stored = Optional.empty();
            if (!storedNode.isNull()) {
                object(storedNode, p + ".stored");
                long quantity = Json.integer(storedNode, "quantity", p + ".stored.quantity");
                if (quantity < 1 || quantity > 255) {
                    throw Json.malformed(p + ".stored.quantity", "a quantity code is 1 to 255");
                }
                stored = Optional.of(new AuditBundle.Stored((int) quantity, Json.integer(storedNode, "time", p + ".stored.time"),
                        Json.integer(storedNode, "value", p + ".stored.value")));
            }
            members.add(new Member(key, stored));
        }

        JsonNode windowArray = Json.array(root, "windowReadings", "windowReadings");
        List<WindowReading> window = new ArrayList<>();
        Set<ReadingKey> seenWindow = new HashSet<>();
        for (int i = 0; i < windowArray.size(); i++) {
            String p = "windowReadings[" + i + "]";
            JsonNode node = object(windowArray.get(i), p);
            ReadingKey key = claimKey(node, p, claim);
            if (!seenWindow.add(key)) {
                throw Json.malformed(p, "reading " + key + " is listed twice");
            }
            window.add(new WindowReading(key, Json.integer(node, "time", p + ".time"), Json.integer(node, "value", p + ".value"),
                    Json.integer(node, "storedAt", p + ".storedAt")));
        }
        return new ClaimAuditBundle(chainId, registry, claim, members, window, AuditBundle.messages(root),
                AuditBundle.devices(root, version));
    }

    private static Claim claim(JsonNode c) {
        String id = Json.text(c, "id", "claim.id");
        if (!id.matches("0x[0-9a-f]{64}")) {
            throw Json.malformed("claim.id", "expected 0x + 64 lowercase hex digits");
        }
        String circuit = Json.text(c, "circuit", "claim.circuit");
        if (!circuit.equals(RunClaimWitness.CIRCUIT) && !circuit.equals(EmissionsClaimWitness.CIRCUIT)) {
            throw Json.malformed("claim.circuit", "expected " + RunClaimWitness.CIRCUIT + " or " + EmissionsClaimWitness.CIRCUIT);
        }
        String device = AuditBundle.device(c, "claim");
        long quantity = Json.integer(c, "quantity", "claim.quantity");
        if (quantity < 1 || quantity > 255 || Quantity.byCode((int) quantity) == null) {
            throw Json.malformed("claim.quantity", "not a quantity code of the protocol: " + quantity);
        }
        if (circuit.equals(EmissionsClaimWitness.CIRCUIT) && quantity != Quantity.CO2E_REGISTER.code()) {
            throw Json.malformed("claim.quantity", "an emissions claim is over the co2e register (code "
                    + Quantity.CO2E_REGISTER.code() + ")");
        }
        JsonNode inputArray = Json.array(c, "publicInputs", "claim.publicInputs");
        if (inputArray.size() != 9) {
            throw Json.malformed("claim.publicInputs", "a claim has nine public inputs, not " + inputArray.size());
        }
        List<BigInteger> inputs = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            inputs.add(Json.hex(inputArray.get(i), "claim.publicInputs[" + i + "]"));
        }
        JsonNode settlement = Json.object(c, "settlement", "claim.settlement");
        String basis = Json.text(settlement, "basis", "claim.settlement.basis");
        if (!basis.equals("SEQUENCE") && !basis.equals("WAIT")) {
            throw Json.malformed("claim.settlement.basis", "expected SEQUENCE or WAIT");
        }
        long lastArrival = Json.integer(settlement, "lastArrival", "claim.settlement.lastArrival");
        JsonNode anchor = Json.object(c, "anchor", "claim.anchor");
        JsonNode txNode = nullable(anchor, "transaction", "claim.anchor.transaction");
        Optional<String> tx = Optional.empty();
        if (!txNode.isNull()) {
            String text = Json.text(txNode, "claim.anchor.transaction");
            if (!text.matches("0x[0-9a-f]{64}")) {
                throw Json.malformed("claim.anchor.transaction", "expected 0x + 64 lowercase hex digits or null");
            }
            tx = Optional.of(text);
        }
        JsonNode blockNode = nullable(anchor, "block", "claim.anchor.block");
        Optional<Long> block = blockNode.isNull() ? Optional.empty()
                : Optional.of(AuditBundle.nonNegative(Json.integer(blockNode, "claim.anchor.block"), "claim.anchor.block"));
        Claim claim = new Claim(id, circuit, device, (int) quantity, inputs, basis, lastArrival, tx, block);
        for (String name : List.of("firstTime", "lastTime")) {
            if (claim.input(name).bitLength() > 62) {
                throw Json.malformed("claim.publicInputs[" + claim.inputNames().indexOf(name) + "]", name + " is not a time");
            }
        }
        return claim;
    }

    private static ReadingKey claimKey(JsonNode node, String p, Claim claim) {
        ReadingKey key = AuditBundle.key(node, p);
        if (!key.deviceId().equals(claim.deviceId())) {
            throw Json.malformed(p + ".device", "a reading of " + key.deviceId() + " in a claim of " + claim.deviceId());
        }
        return key;
    }

    private static JsonNode nullable(JsonNode parent, String name, String path) {
        JsonNode node = parent.get(name);
        if (node == null) {
            throw Json.malformed(path, "missing (null when absent)");
        }
        return node;
    }

    private static JsonNode object(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw Json.malformed(path, "expected an object");
        }
        return node;
    }

    private static void putKey(ObjectNode node, ReadingKey key) {
        node.put("device", key.deviceId());
        node.put("boot", key.boot());
        node.put("seq", key.seq());
        node.put("record", key.recordIndex());
    }
}
