package io.sensorproof.oracle.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.oracle.bundle.BundleException.Code;
import io.sensorproof.protocol.ids.Identifiers;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The audit bundle of one anchored commitment batch (docs/bundles.md, ADR 027): everything a
 * regulator needs to audit the batch without trusting the gateway's verdict: the batch as the
 * gateway recorded it (root, reading count, times, anchor transaction and registry), every member
 * in slot order with the leaf the gateway recorded and the reading as stored now, the raw signed
 * messages (COSE, exactly as received) that carry the members, and every key each device has had.
 * {@link io.sensorproof.oracle.audit.BatchAudit} re-derives and compares; this type only writes and
 * strictly reads the JSON, refusing a missing or mistyped field with {@link BundleException}
 * {@code MALFORMED} naming its JSON path.
 *
 * @param chainId the chain the batch was anchored on, empty when the exporting gateway had no chain configured
 * @param anchorRegistry the AnchorRegistry address the gateway recorded for the batch (0x + 40 lowercase hex)
 * @param batch the batch as recorded
 * @param members the members in slot order (slot i is element i)
 * @param messages the retained raw messages of the members (a message absent here is not retained)
 * @param devices the keys of every member's device
 */
public record AuditBundle(Optional<Long> chainId, String anchorRegistry, Batch batch, List<Member> members,
        List<Message> messages, List<DeviceKeys> devices) {
    /** The {@code format} of audit bundles. */
    public static final String FORMAT = "sensorproof/audit-bundle";
    /** The version this code writes when no device is hybrid (and reads). */
    public static final int VERSION = 1;
    /**
     * The version written when a device has an ML-DSA partner key (ADR 029): every {@code devices[]} entry
     * then carries {@code postQuantumSpkis}. Read too; a version-1 reader refuses it as unsupported.
     */
    public static final int VERSION_HYBRID = 2;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * The batch as the gateway recorded it.
     *
     * @param id the batch id (also on chain)
     * @param root the recorded root
     * @param readingCount readings in it
     * @param firstTime earliest reading time (ms)
     * @param lastTime latest reading time (ms)
     * @param sealedAt when it was sealed (ms)
     * @param anchorTransaction the {@code anchorBatch} transaction hash
     * @param anchorBlock its block
     */
    public record Batch(long id, BigInteger root, int readingCount, long firstTime, long lastTime, long sealedAt,
            String anchorTransaction, long anchorBlock) {
        public Batch {
            Objects.requireNonNull(root, "root");
            Objects.requireNonNull(anchorTransaction, "anchorTransaction");
        }
    }

    /**
     * A member reading as stored now: quantity code, time (ms), fixed-point value.
     */
    public record Stored(int quantity, long time, long value) {
    }

    /**
     * One slot of the batch.
     *
     * @param key the reading's key
     * @param leaf the leaf the gateway recorded for the slot
     * @param stored the reading as stored now, empty when it is no longer stored
     */
    public record Member(ReadingKey key, BigInteger leaf, Optional<Stored> stored) {
        public Member {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(leaf, "leaf");
            Objects.requireNonNull(stored, "stored");
        }
    }

    /** A retained raw signed message of a member's device with its (boot, seq). */
    public record Message(String deviceId, long boot, long seq, byte[] cose) {
        public Message {
            Objects.requireNonNull(deviceId, "deviceId");
            cose = cose.clone();
        }

        @Override
        public byte[] cose() {
            return cose.clone();
        }
    }

    /**
     * Every key (SubjectPublicKeyInfo DER) the device has had, renewals included, and per key its ML-DSA
     * partner when the device was hybrid under it (ADR 029; empty for a single key).
     */
    public record DeviceKeys(String deviceId, List<byte[]> spkis, List<Optional<byte[]>> postQuantumSpkis) {
        public DeviceKeys {
            Objects.requireNonNull(deviceId, "deviceId");
            spkis = spkis.stream().map(byte[]::clone).toList();
            postQuantumSpkis = postQuantumSpkis.stream().map(o -> o.map(byte[]::clone)).toList();
            if (postQuantumSpkis.size() != spkis.size()) {
                throw new IllegalArgumentException("one ML-DSA partner (or none) per key");
            }
        }

        /** A device of single keys. */
        public DeviceKeys(String deviceId, List<byte[]> spkis) {
            this(deviceId, spkis, spkis.stream().map(k -> Optional.<byte[]>empty()).toList());
        }

        /** The keys as groups. */
        public List<KeyGroup> keyGroups() {
            List<KeyGroup> groups = new ArrayList<>();
            for (int i = 0; i < spkis.size(); i++) {
                groups.add(new KeyGroup(spkis.get(i), postQuantumSpkis.get(i)));
            }
            return groups;
        }

        boolean hybrid() {
            return postQuantumSpkis.stream().anyMatch(Optional::isPresent);
        }
    }

    public AuditBundle {
        Objects.requireNonNull(chainId, "chainId");
        Objects.requireNonNull(anchorRegistry, "anchorRegistry");
        Objects.requireNonNull(batch, "batch");
        members = List.copyOf(members);
        messages = List.copyOf(messages);
        devices = List.copyOf(devices);
    }

    /** The bundle as indented JSON text (the format of docs/bundles.md). */
    public String toJson() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", anyHybrid(devices) ? VERSION_HYBRID : VERSION);
        ObjectNode chain = root.putObject("chain");
        if (chainId.isPresent()) {
            chain.put("chainId", chainId.get());
        } else {
            chain.putNull("chainId");
        }
        chain.put("anchorRegistry", anchorRegistry);
        ObjectNode b = root.putObject("batch");
        b.put("id", batch.id());
        b.put("root", Json.hex256(batch.root()));
        b.put("readingCount", batch.readingCount());
        b.put("firstTime", batch.firstTime());
        b.put("lastTime", batch.lastTime());
        b.put("sealedAt", batch.sealedAt());
        ObjectNode anchor = b.putObject("anchor");
        anchor.put("transaction", batch.anchorTransaction());
        anchor.put("block", batch.anchorBlock());
        ArrayNode m = root.putArray("members");
        for (int slot = 0; slot < members.size(); slot++) {
            Member member = members.get(slot);
            ObjectNode node = m.addObject();
            node.put("slot", slot);
            node.put("device", member.key().deviceId());
            node.put("boot", member.key().boot());
            node.put("seq", member.key().seq());
            node.put("record", member.key().recordIndex());
            node.put("leaf", Json.hex256(member.leaf()));
            if (member.stored().isPresent()) {
                Stored s = member.stored().get();
                ObjectNode stored = node.putObject("stored");
                stored.put("quantity", s.quantity());
                stored.put("time", s.time());
                stored.put("value", s.value());
            } else {
                node.putNull("stored");
            }
        }
        writeMessagesAndDevices(root, messages, devices);
        return EvidenceBundleBuilder.write(root);
    }

    /** Writes {@code messages} and {@code devices} as this format does (shared with {@link ClaimAuditBundle}). */
    static void writeMessagesAndDevices(ObjectNode root, List<Message> messages, List<DeviceKeys> devices) {
        ArrayNode msgs = root.putArray("messages");
        for (Message message : messages) {
            ObjectNode node = msgs.addObject();
            node.put("device", message.deviceId());
            node.put("boot", message.boot());
            node.put("seq", message.seq());
            node.put("cose", Base64.getEncoder().encodeToString(message.cose()));
        }
        ArrayNode devs = root.putArray("devices");
        boolean hybrid = anyHybrid(devices);
        for (DeviceKeys d : devices) {
            ObjectNode node = devs.addObject();
            node.put("device", d.deviceId());
            ArrayNode keys = node.putArray("spkis");
            d.spkis().forEach(k -> keys.add(Base64.getEncoder().encodeToString(k)));
            if (hybrid) {
                ArrayNode pq = node.putArray("postQuantumSpkis");
                d.postQuantumSpkis().forEach(k -> {
                    if (k.isPresent()) {
                        pq.add(Base64.getEncoder().encodeToString(k.get()));
                    } else {
                        pq.addNull();
                    }
                });
            }
        }
    }

    /** Whether a device of {@code devices} has an ML-DSA partner key (the bundle is then version 2). */
    static boolean anyHybrid(List<DeviceKeys> devices) {
        return devices.stream().anyMatch(DeviceKeys::hybrid);
    }

    /** Refuses another format or a version this code does not read; returns the version. */
    static int version(JsonNode root, String expectedFormat) {
        String format = Json.text(root, "format", "format");
        long version = Json.integer(root, "version", "version");
        if (!format.equals(expectedFormat) || (version != VERSION && version != VERSION_HYBRID)) {
            throw new BundleException(Code.UNSUPPORTED_VERSION, "format", "this tool reads " + expectedFormat + " versions "
                    + VERSION + " and " + VERSION_HYBRID + ", not " + format + " version " + version);
        }
        return (int) version;
    }

    /**
     * Reads an audit bundle strictly: every field of docs/bundles.md present and of its type, slots
     * 0..n-1 in order, as many members as the batch's reading count, no member, message or device
     * listed twice.
     *
     * @throws BundleException {@code MALFORMED} naming the JSON path of the first bad field, or
     *         {@code UNSUPPORTED_VERSION}
     */
    public static AuditBundle parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw Json.malformed("$", "not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw Json.malformed("$", "expected a JSON object");
        }
        int version = version(root, FORMAT);
        JsonNode chain = Json.object(root, "chain", "chain");
        JsonNode chainIdNode = chain.get("chainId");
        if (chainIdNode == null) {
            throw Json.malformed("chain.chainId", "missing (null when the gateway had no chain configured)");
        }
        Optional<Long> chainId = chainIdNode.isNull() ? Optional.empty()
                : Optional.of(Json.integer(chainIdNode, "chain.chainId"));
        String registry = address(Json.text(chain, "anchorRegistry", "chain.anchorRegistry"), "chain.anchorRegistry");

        JsonNode b = Json.object(root, "batch", "batch");
        long id = nonNegative(Json.integer(b, "id", "batch.id"), "batch.id");
        BigInteger batchRoot = Json.hex(b, "root", "batch.root");
        long count = Json.integer(b, "readingCount", "batch.readingCount");
        if (count < 1 || count > 65536) {
            throw Json.malformed("batch.readingCount", "a batch holds 1 to 65536 readings, not " + count);
        }
        long firstTime = Json.integer(b, "firstTime", "batch.firstTime");
        long lastTime = Json.integer(b, "lastTime", "batch.lastTime");
        long sealedAt = Json.integer(b, "sealedAt", "batch.sealedAt");
        JsonNode anchor = Json.object(b, "anchor", "batch.anchor");
        String tx = Json.text(anchor, "transaction", "batch.anchor.transaction");
        if (!tx.matches("0x[0-9a-f]{64}")) {
            throw Json.malformed("batch.anchor.transaction", "expected 0x + 64 lowercase hex digits");
        }
        long block = nonNegative(Json.integer(anchor, "block", "batch.anchor.block"), "batch.anchor.block");
        Batch batch = new Batch(id, batchRoot, (int) count, firstTime, lastTime, sealedAt, tx, block);

        JsonNode memberArray = Json.array(root, "members", "members");
        if (memberArray.size() != count) {
            throw Json.malformed("members", memberArray.size() + " members for a batch of " + count + " readings");
        }
        List<Member> members = new ArrayList<>();
        Set<ReadingKey> seenKeys = new HashSet<>();
        for (int i = 0; i < memberArray.size(); i++) {
            String p = "members[" + i + "]";
            JsonNode node = memberArray.get(i);
            if (!node.isObject()) {
                throw Json.malformed(p, "expected an object");
            }
            if (Json.integer(node, "slot", p + ".slot") != i) {
                throw Json.malformed(p + ".slot", "members are listed in slot order from 0: expected slot " + i);
            }
            ReadingKey key = key(node, p);
            if (!seenKeys.add(key)) {
                throw Json.malformed(p, "reading " + key + " is listed twice");
            }
            BigInteger leaf = Json.hex(node, "leaf", p + ".leaf");
            JsonNode storedNode = node.get("stored");
            if (storedNode == null) {
                throw Json.malformed(p + ".stored", "missing (null when the reading is no longer stored)");
            }
            Optional<Stored> stored = Optional.empty();
            if (!storedNode.isNull()) {
                if (!storedNode.isObject()) {
                    throw Json.malformed(p + ".stored", "expected an object or null");
                }
                long quantity = Json.integer(storedNode, "quantity", p + ".stored.quantity");
                if (quantity < 1 || quantity > 255) {
                    throw Json.malformed(p + ".stored.quantity", "a quantity code is 1 to 255");
                }
                stored = Optional.of(new Stored((int) quantity, Json.integer(storedNode, "time", p + ".stored.time"),
                        Json.integer(storedNode, "value", p + ".stored.value")));
            }
            members.add(new Member(key, leaf, stored));
        }

        return new AuditBundle(chainId, registry, batch, members, messages(root), devices(root, version));
    }

    /** Reads the {@code messages} array strictly (shared with {@link ClaimAuditBundle}). */
    static List<Message> messages(JsonNode root) {
        JsonNode messageArray = Json.array(root, "messages", "messages");
        List<Message> messages = new ArrayList<>();
        Set<String> seenMessages = new HashSet<>();
        for (int i = 0; i < messageArray.size(); i++) {
            String p = "messages[" + i + "]";
            JsonNode node = messageArray.get(i);
            if (!node.isObject()) {
                throw Json.malformed(p, "expected an object");
            }
            String device = device(node, p);
            long boot = nonNegative(Json.integer(node, "boot", p + ".boot"), p + ".boot");
            long seq = nonNegative(Json.integer(node, "seq", p + ".seq"), p + ".seq");
            if (!seenMessages.add(device + "/" + boot + "/" + seq)) {
                throw Json.malformed(p, "message " + device + "/" + boot + "/" + seq + " is listed twice");
            }
            messages.add(new Message(device, boot, seq, Json.base64(node, "cose", p + ".cose")));
        }

        return messages;
    }

    /** Reads the {@code devices} array strictly (shared with {@link ClaimAuditBundle}). */
    static List<DeviceKeys> devices(JsonNode root, int version) {
        JsonNode deviceArray = Json.array(root, "devices", "devices");
        List<DeviceKeys> devices = new ArrayList<>();
        Set<String> seenDevices = new HashSet<>();
        for (int i = 0; i < deviceArray.size(); i++) {
            String p = "devices[" + i + "]";
            JsonNode node = deviceArray.get(i);
            if (!node.isObject()) {
                throw Json.malformed(p, "expected an object");
            }
            String device = device(node, p);
            if (!seenDevices.add(device)) {
                throw Json.malformed(p + ".device", "device " + device + " is listed twice");
            }
            JsonNode keys = Json.array(node, "spkis", p + ".spkis");
            List<byte[]> spkis = new ArrayList<>();
            for (int k = 0; k < keys.size(); k++) {
                String kp = p + ".spkis[" + k + "]";
                try {
                    spkis.add(Base64.getDecoder().decode(Json.text(keys.get(k), kp)));
                } catch (IllegalArgumentException e) {
                    throw Json.malformed(kp, "expected standard base64");
                }
            }
            List<Optional<byte[]>> partners = new ArrayList<>();
            if (version >= VERSION_HYBRID) {
                JsonNode pq = Json.array(node, "postQuantumSpkis", p + ".postQuantumSpkis");
                if (pq.size() != spkis.size()) {
                    throw Json.malformed(p + ".postQuantumSpkis", "one entry (an ML-DSA key or null) per key of spkis: "
                            + spkis.size());
                }
                for (int k = 0; k < pq.size(); k++) {
                    String kp = p + ".postQuantumSpkis[" + k + "]";
                    if (pq.get(k).isNull()) {
                        partners.add(Optional.empty());
                        continue;
                    }
                    try {
                        partners.add(Optional.of(Base64.getDecoder().decode(Json.text(pq.get(k), kp))));
                    } catch (IllegalArgumentException e) {
                        throw Json.malformed(kp, "expected standard base64 or null");
                    }
                }
            } else {
                spkis.forEach(k -> partners.add(Optional.empty()));
            }
            devices.add(new DeviceKeys(device, spkis, partners));
        }
        return devices;
    }

    /** The raw message of {@code deviceId} with this (boot, seq), if the bundle carries it. */
    public Optional<byte[]> message(String deviceId, long boot, long seq) {
        return messages.stream().filter(m -> m.deviceId().equals(deviceId) && m.boot() == boot && m.seq() == seq)
                .findFirst().map(Message::cose);
    }

    /** Every key the bundle lists for {@code deviceId} (empty when none). */
    public List<byte[]> spkis(String deviceId) {
        return devices.stream().filter(d -> d.deviceId().equals(deviceId)).findFirst().map(DeviceKeys::spkis)
                .orElse(List.of());
    }

    /** Every key group the bundle lists for {@code deviceId} (empty when none). */
    public List<KeyGroup> keyGroups(String deviceId) {
        return devices.stream().filter(d -> d.deviceId().equals(deviceId)).findFirst().map(DeviceKeys::keyGroups)
                .orElse(List.of());
    }

    static ReadingKey key(JsonNode node, String p) {
        String device = device(node, p);
        long boot = nonNegative(Json.integer(node, "boot", p + ".boot"), p + ".boot");
        long seq = nonNegative(Json.integer(node, "seq", p + ".seq"), p + ".seq");
        long record = Json.integer(node, "record", p + ".record");
        if (record < 0 || record > 255) {
            throw Json.malformed(p + ".record", "a record index is 0 to 255");
        }
        return new ReadingKey(device, boot, seq, (int) record);
    }

    static String device(JsonNode node, String p) {
        String device = Json.text(node, "device", p + ".device");
        if (!Identifiers.isValid(device)) {
            throw Json.malformed(p + ".device", "not a device id of the protocol's grammar");
        }
        return device;
    }

    static long nonNegative(long value, String path) {
        if (value < 0) {
            throw Json.malformed(path, "must not be negative");
        }
        return value;
    }

    static String address(String text, String path) {
        if (!text.matches("0x[0-9a-fA-F]{40}")) {
            throw Json.malformed(path, "expected an address, 0x + 40 hex digits");
        }
        return text.toLowerCase(Locale.ROOT);
    }
}
