package io.sensorproof.gateway.core;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.ack.Acknowledgement;
import io.sensorproof.protocol.ack.AcknowledgementCodec;
import io.sensorproof.protocol.ack.BootAck;
import io.sensorproof.protocol.ack.SeqRange;
import io.sensorproof.protocol.cbor.CborLimits;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.message.MessageHeader;
import io.sensorproof.protocol.message.ReadingMessage;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gateway's ingest pipeline, framework-free: checks a batch of inbound reading messages, stores
 * the accepted ones in one transaction, quarantines the refused ones and answers the devices.
 *
 * <p>Per message, in this order, the first failing step decides the code:
 * <ol>
 *   <li>size ≤ 16 KiB → {@code OVERSIZED}</li>
 *   <li>decode ({@link ReadingMessages#decode}) → the protocol's CBOR, COSE and SenML codes</li>
 *   <li>device by kid ({@link DeviceDirectory}) → {@code UNKNOWN_KEY}</li>
 *   <li>topic: parsable ({@code INVALID_IDENTIFIER}); naming the device the transport authenticated,
 *       when it did ({@code PEER_MISMATCH}); an uplink topic naming the registered device's
 *       tenant and id ({@code TOPIC_MISMATCH}); the pack's bn is the device id ({@code BN_MISMATCH})</li>
 *   <li>key revoked → {@code REVOKED_KEY} with a {@link TamperReport} when the alg is the key's, the
 *       signature verifies and the message was signed after the revocation (tamper evidence, see
 *       {@link GatewayReason#REVOKED_KEY}); otherwise {@code DEVICE_INACTIVE}</li>
 *   <li>device active → {@code DEVICE_INACTIVE}</li>
 *   <li>a hybrid device's message is hybrid → {@code HYBRID_REQUIRED}; a hybrid message's device is
 *       hybrid → {@code UNKNOWN_KEY} (ADR 029)</li>
 *   <li>alg is the key's → {@code ALG_MISMATCH}</li>
 *   <li>signature → {@code BAD_SIGNATURE}; for a hybrid device both signatures, each under its own
 *       registered key: a second kid that is not the device's ML-DSA key → {@code UNKNOWN_KEY}, its alg
 *       not that key's → {@code ALG_MISMATCH}, either signature failing → {@code BAD_SIGNATURE} naming it</li>
 *   <li>replay on (device, boot, seq): same content digest stored → duplicate (acknowledged again,
 *       nothing stored); another digest stored → {@code CONFLICTING_DUPLICATE} and an operator alert</li>
 *   <li>values → {@code INVALID_VALUE}; reading times more than {@code futureSkew} ahead of the
 *       receive time → {@code FUTURE_TIMESTAMP}; older than {@code lateAfter} → accepted, flagged late</li>
 *   <li>readings against the stored ones (key free only): a record's (device, quantity, time in ms)
 *       already stored from another message → {@code DUPLICATE_READING_TIME}; an emissions register
 *       below its stored predecessor or above its stored successor → {@code REGISTER_DECREASED}</li>
 * </ol>
 * Steps 1 to 8 and 10 are pure (apart from the registry lookup); steps 9 and 11 are the store's
 * (insert-if-absent, then {@link StoredReadings}' rules, decided by {@link BatchDecision}), so a
 * batch makes one {@link MessageStore#store} call for all its accepted messages. The outcome of a
 * batch equals processing its messages one after the other in batch order; in particular a
 * (device, boot, seq) that occurs twice in one batch is stored once and the second copy is a
 * duplicate or a conflict, and a reading time taken by an earlier message of the batch refuses a
 * later one. A retransmission (key taken, same digest) stays a duplicate that is acknowledged again:
 * the key decides before the reading rules.
 *
 * <p>Side effects, in this order: the store transaction; quarantine entries and operator alerts;
 * then the signed replies through the {@link Acknowledger}. So an acknowledgement is never sent
 * before the message is committed, and a signed rejection never before the message is kept in
 * quarantine. Only messages whose signature verified get a signed rejection, and only for codes
 * whose {@link ReasonCode#signedRejection()} says so; a refusal before the signature check names
 * nothing to the device, because anyone can copy a device's kid.
 *
 * <p>{@link #process(List)} never throws for any message content. A port that throws (registry,
 * store, quarantine) makes the affected messages {@link Outcome.Deferred}: nothing sent, the device
 * resends. Thread-safe if the ports are; batches may run concurrently (the store's unique key
 * arbitrates).
 */
public final class IngestPipeline {
    /** Largest accepted message in bytes (protocol, section 4, step 1). */
    public static final int MAX_MESSAGE_BYTES = CborLimits.MESSAGE.maxBytes();

    private static final Logger LOG = Logger.getLogger(IngestPipeline.class.getName());

    private final DeviceDirectory directory;
    private final MessageStore store;
    private final Quarantine quarantine;
    private final Acknowledger acknowledger;
    private final OperatorAlerts alerts;
    private final QuarantineQuota quota;
    private final IngestMetrics metrics;
    private final SigningKey ackKey;
    private final IngestSettings settings;
    private final Clock clock;
    private final IngestObserver observer;

    private IngestPipeline(Builder b) {
        this.directory = Objects.requireNonNull(b.directory, "directory");
        this.store = Objects.requireNonNull(b.store, "store");
        this.quarantine = Objects.requireNonNull(b.quarantine, "quarantine");
        this.acknowledger = Objects.requireNonNull(b.acknowledger, "acknowledger");
        this.alerts = Objects.requireNonNull(b.alerts, "alerts");
        this.ackKey = Objects.requireNonNull(b.ackKey, "ackKey");
        this.settings = Objects.requireNonNull(b.settings, "settings");
        this.clock = Objects.requireNonNull(b.clock, "clock");
        this.metrics = Objects.requireNonNull(b.metrics, "metrics");
        this.observer = Objects.requireNonNull(b.observer, "observer");
        this.quota = b.quota != null ? b.quota : new QuarantineQuota(QuarantineQuota.Settings.defaults(), clock);
    }

    /** A builder; the ports and the acknowledgement key are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The pipeline's counters. */
    public IngestMetrics metrics() {
        return metrics;
    }

    /** The quarantine quota (per-connection over-quota counts). */
    public QuarantineQuota quota() {
        return quota;
    }

    /**
     * Processes a batch.
     *
     * @param batch inbound messages, in arrival order
     * @return one outcome per message, in batch order; every reply in it has been handed to the
     *     {@link Acknowledger}
     */
    public List<Outcome> process(List<InboundMessage> batch) {
        Objects.requireNonNull(batch, "batch");
        for (InboundMessage m : batch) {
            Objects.requireNonNull(m, "batch must not contain null");
        }
        if (batch.isEmpty()) {
            return List.of();
        }
        long started = System.nanoTime();
        List<Checked> checked = checkAll(batch);
        Replay replay = replay(checked);
        List<Outcome> outcomes = new ArrayList<>(batch.size());
        for (int i = 0; i < checked.size(); i++) {
            outcomes.add(decide(i, batch.get(i), checked.get(i), replay));
        }
        signGroupedAcknowledgements(outcomes);
        java.util.Set<Reply> sent = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Outcome o : outcomes) {
            o.reply().filter(sent::add).ifPresent(this::send);
        }
        List<Outcome> result = List.copyOf(outcomes);
        try {
            observer.processed(batch, result, System.nanoTime() - started);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "ingest observer failed; outcomes unaffected", e);
        }
        return result;
    }

    // ---- steps 1-8 and 10: per message, pure apart from the registry lookup ----

    /**
     * Checks a batch: decodes every message, lets the directory load the kids of all that decoded
     * at once ({@link DeviceDirectory#prefetch}: one registry round trip for the batch instead of one
     * per message), then runs the checks from the registry lookup on, message by message.
     */
    private List<Checked> checkAll(List<InboundMessage> batch) {
        int n = batch.size();
        Checked[] result = new Checked[n];
        Trace[] traces = new Trace[n];
        Decoded[] decoded = new Decoded[n];
        List<byte[]> kids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            traces[i] = new Trace();
            try {
                Object step = decodeStep(batch.get(i), traces[i]);
                if (step instanceof Decoded d) {
                    decoded[i] = d;
                    kids.add(d.message().header().kid());
                } else {
                    result[i] = (Checked) step;
                }
            } catch (RuntimeException e) {
                result[i] = internalError(batch.get(i), traces[i], e);
            }
        }
        if (!kids.isEmpty()) {
            try {
                directory.prefetch(kids);
            } catch (RuntimeException e) {
                // its contract is not to throw; the lookups below report the directory's state
                LOG.log(Level.FINE, "device directory prefetch failed", e);
            }
        }
        for (int i = 0; i < n; i++) {
            if (decoded[i] != null) {
                try {
                    result[i] = checkDevice(batch.get(i), decoded[i], traces[i]);
                } catch (RuntimeException e) {
                    result[i] = internalError(batch.get(i), traces[i], e);
                }
            }
        }
        return java.util.Arrays.asList(result);
    }

    private Checked internalError(InboundMessage in, Trace trace, RuntimeException e) {
        metrics.internalFailures.increment();
        LOG.log(Level.WARNING, "unexpected failure while checking " + in + "; quarantined as INTERNAL_ERROR", e);
        trace.device = null;
        return new Refused(ReasonCode.of(GatewayReason.INTERNAL_ERROR), "gateway error while checking the message: " + e, trace);
    }

    /** A message that passed the steps before the registry lookup: its topic (or why not) and its decoded content. */
    private record Decoded(Topics.Address address, String topicProblem, ReadingMessage message) {
    }

    /** Steps before the registry lookup: the topic, the size, the decoding. A {@link Decoded} or a {@link Refused}. */
    private Object decodeStep(InboundMessage in, Trace trace) {
        Topics.Address address = null;
        String topicProblem = null;
        try {
            address = Topics.parse(in.topic());
            trace.topicDevice = address.device();
        } catch (ProtocolException e) {
            topicProblem = e.getMessage();
        }
        if (in.size() > MAX_MESSAGE_BYTES) {
            return refused(ErrorCode.OVERSIZED, "message has " + in.size() + " bytes; at most " + MAX_MESSAGE_BYTES + " are accepted", trace);
        }
        ReadingMessage message;
        try {
            message = ReadingMessages.decode(in.payloadUnsafe());
        } catch (ProtocolException e) {
            return refused(e.code(), e.getMessage(), trace);
        }
        MessageHeader header = message.header();
        trace.kidHex = header.kidHex();
        trace.boot = header.boot();
        trace.seq = header.seq();
        trace.bn = message.pack().deviceId();
        return new Decoded(address, topicProblem, message);
    }

    /** The steps from the registry lookup on. */
    private Checked checkDevice(InboundMessage in, Decoded decoded, Trace trace) {
        Topics.Address address = decoded.address();
        String topicProblem = decoded.topicProblem();
        ReadingMessage message = decoded.message();
        MessageHeader header = message.header();
        ReadingPack pack = message.pack();
        Optional<RegisteredDevice> found;
        try {
            found = directory.byKid(header.kid());
        } catch (RuntimeException e) {
            metrics.directoryFailures.increment();
            LOG.log(Level.WARNING, "device directory failed; message deferred", e);
            return new Unavailable("device directory unavailable: " + e);
        }
        if (found == null || found.isEmpty()) {
            return refused(ErrorCode.UNKNOWN_KEY, "no device is registered under kid " + header.kidHex(), trace);
        }
        RegisteredDevice device = found.get();
        if (address == null) {
            return refused(ErrorCode.INVALID_IDENTIFIER, topicProblem, trace);
        }
        if (in.transportPeer().isPresent()
                && !(in.transportPeer().get().tenant().equals(address.tenant()) && in.transportPeer().get().deviceId().equals(address.device()))) {
            return refused(GatewayReason.PEER_MISMATCH, "the transport authenticated device '" + in.transportPeer().get()
                    + "' but the message arrived on '" + in.topic() + "'", trace);
        }
        if (address.channel() != Topics.Channel.UP) {
            return refused(GatewayReason.TOPIC_MISMATCH, "topic '" + in.topic() + "' is not an uplink topic (t/{tenant}/d/{device}/up)", trace);
        }
        if (!address.tenant().equals(device.tenant()) || !address.device().equals(device.deviceId())) {
            return refused(GatewayReason.TOPIC_MISMATCH, "topic names tenant '" + address.tenant() + "', device '" + address.device()
                    + "' but kid " + header.kidHex() + " belongs to tenant '" + device.tenant() + "', device '" + device.deviceId() + "'", trace);
        }
        if (!pack.deviceId().equals(device.deviceId())) {
            return refused(GatewayReason.BN_MISMATCH, "pack base name '" + pack.deviceId() + "' is not device '" + device.deviceId()
                    + "' registered under kid " + header.kidHex(), trace);
        }
        if (device.keyRevokedAt().isPresent()) {
            return checkRevokedKey(message, device, trace);
        }
        if (device.status() != DeviceStatus.ACTIVE) {
            return refused(GatewayReason.DEVICE_INACTIVE, "device '" + device.deviceId() + "' is " + device.status(), trace);
        }
        if (device.isHybrid() && !message.isHybrid()) {
            return refused(GatewayReason.HYBRID_REQUIRED, "device '" + device.deviceId() + "' is registered with " + device.key().algorithm().label()
                    + " key " + device.key().kidHex() + " and " + device.postQuantumKey().orElseThrow().algorithm().label() + " key "
                    + device.postQuantumKey().orElseThrow().kidHex() + " and must sign with both; this message has one signature", trace);
        }
        if (message.isHybrid() && !device.isHybrid()) {
            return refused(ErrorCode.UNKNOWN_KEY, "message is also signed by kid " + message.postQuantumSigner().orElseThrow().kidHex()
                    + ", but device '" + device.deviceId() + "' has no ML-DSA key registered with key " + header.kidHex(), trace);
        }
        if (header.algorithm() != device.key().algorithm()) {
            return refused(ErrorCode.ALG_MISMATCH, "message says alg " + header.algorithm().label() + " but the key of device '"
                    + device.deviceId() + "' is " + device.key().algorithm().label(), trace);
        }
        try {
            verifyWithRegisteredKeys(message, device);
        } catch (ProtocolException e) {
            return refused(e.code(), e.getMessage(), trace);
        }
        // from here on the message is the device's own signed content
        trace.device = device;
        MessageKey key = new MessageKey(device.deviceId(), header.boot(), header.seq());
        ContentDigest digest = ContentDigest.of(message.contentDigest());
        return validate(in, message, device, key, digest, trace);
    }

    /**
     * A message under a revoked key of {@code device} is tamper evidence ({@code REVOKED_KEY}) only if its
     * alg is the key's, its signature verifies (anyone can copy a kid onto a forgery) and it was signed
     * after the revocation (signed device time later than the revocation plus the future-skew allowance:
     * a message signed while the key was good, captured and replayed by anyone, proves nothing about who
     * holds the key now). Anything else is refused {@code DEVICE_INACTIVE} as before, unauthenticated.
     */
    private Checked checkRevokedKey(ReadingMessage message, RegisteredDevice device, Trace trace) {
        MessageHeader header = message.header();
        Instant revokedAt = device.keyRevokedAt().orElseThrow();
        Instant signedAt = Instant.ofEpochMilli(header.deviceTimeMillis());
        String inactive = "key " + header.kidHex() + " of device '" + device.deviceId() + "' was revoked at " + revokedAt;
        if (header.algorithm() != device.key().algorithm() || !signedAt.isAfter(revokedAt.plus(settings.futureSkew()))) {
            return refused(GatewayReason.DEVICE_INACTIVE, inactive, trace);
        }
        try {
            verifyWithRegisteredKeys(message, device);
        } catch (ProtocolException e) {
            return refused(GatewayReason.DEVICE_INACTIVE, inactive + "; the message's signature does not verify under it ("
                    + e.code() + ")", trace);
        }
        trace.device = device;
        return new Revoked(device, new MessageKey(device.deviceId(), header.boot(), header.seq()),
                ContentDigest.of(message.contentDigest()), trace, inactive + " and it signed this message at device time "
                        + signedAt + ", after the revocation: tamper evidence");
    }

    /**
     * Verifies with the device's registered keys: a hybrid device's two keys (both signatures must
     * verify, each naming its own key, ADR 029), otherwise its one key.
     *
     * @throws ProtocolException {@code UNKNOWN_KEY} when a signer kid is not the device's,
     *     {@code ALG_MISMATCH}, {@code BAD_SIGNATURE} naming the signature that failed, or
     *     {@code HYBRID_SIGNATURE_COUNT} when the signature count does not fit the device
     */
    private static void verifyWithRegisteredKeys(ReadingMessage message, RegisteredDevice device) {
        if (device.isHybrid()) {
            message.verify(device.key(), device.postQuantumKey().orElseThrow());
        } else {
            message.verify(device.key());
        }
    }

    private Authentic validate(InboundMessage in, ReadingMessage message, RegisteredDevice device, MessageKey key,
            ContentDigest digest, Trace trace) {
        ReadingPack pack = message.pack();
        try {
            pack.checkValues();
        } catch (ProtocolException e) {
            return new Authentic(device, key, digest, trace, null, ReasonCode.of(e.code()), e.getMessage());
        }
        Instant received = in.receivedAt();
        Instant newestAllowed = received.plus(settings.futureSkew());
        List<AcceptedReading> readings = new ArrayList<>(pack.readings().size());
        for (int i = 0; i < pack.readings().size(); i++) {
            Reading r = pack.readings().get(i);
            Instant time = Instant.ofEpochMilli(r.timeMillis());
            if (time.isAfter(newestAllowed)) {
                return new Authentic(device, key, digest, trace, null, ReasonCode.of(GatewayReason.FUTURE_TIMESTAMP),
                        "record " + i + ": reading time " + time + " is " + Duration.between(received, time)
                                + " ahead of the gateway's receive time " + received + "; at most " + settings.futureSkew() + " is allowed");
            }
            boolean late = Duration.between(time, received).compareTo(settings.lateAfter()) > 0;
            readings.add(new AcceptedReading(i, r.quantity(), r.fixedValue(), time, late));
        }
        AcceptedMessage accepted = new AcceptedMessage(device.tenant(), device.deviceId(), key.boot(), key.seq(), digest,
                in.payloadUnsafe(), in.topic(), in.sourceConnectionId(), received,
                Instant.ofEpochMilli(message.header().deviceTimeMillis()), readings);
        return new Authentic(device, key, digest, trace, accepted, null, null);
    }

    private static Refused refused(ErrorCode code, String detail, Trace trace) {
        return new Refused(ReasonCode.of(code), detail, trace);
    }

    private static Refused refused(GatewayReason reason, String detail, Trace trace) {
        return new Refused(ReasonCode.of(reason), detail, trace);
    }

    // ---- steps 9 and 11: replay and reading rules, one store transaction for the batch ----

    /**
     * What the store said. {@code stored}: the store's result for each valid message, by batch
     * index (missing when the store failed). {@code storedBefore}: for each key of an authenticated
     * message that failed validation, the digest stored before this batch (empty when the key was
     * free; missing when the store could not tell). {@code inserted}: for each key inserted by this
     * batch, the inserting message.
     */
    private record Replay(Map<Integer, StoredOutcome.Result> stored, Map<MessageKey, Optional<ContentDigest>> storedBefore,
            Map<MessageKey, Inserted> inserted) {
    }

    /** The message of the batch that the store inserted under a key. */
    private record Inserted(int index, ContentDigest digest) {
    }

    private Replay replay(List<Checked> checked) {
        // every valid message goes to the store, in batch order: it applies key and reading rules
        // as if they came one by one (a repeated key is compared with its earlier occurrence)
        List<Integer> indexes = new ArrayList<>();
        List<AcceptedMessage> toStore = new ArrayList<>();
        Map<MessageKey, List<Integer>> validByKey = new HashMap<>();
        for (int i = 0; i < checked.size(); i++) {
            if (checked.get(i) instanceof Authentic a && a.accepted() != null) {
                indexes.add(i);
                toStore.add(a.accepted());
                validByKey.computeIfAbsent(a.key(), k -> new ArrayList<>()).add(i);
            }
        }
        Map<Integer, StoredOutcome.Result> stored = new HashMap<>();
        Map<MessageKey, Inserted> inserted = new HashMap<>();
        if (!toStore.isEmpty()) {
            try {
                StoredOutcome result = store.store(List.copyOf(toStore));
                List<StoredOutcome.Result> results = result == null ? List.of() : result.results();
                if (results.size() != toStore.size()) {
                    throw new IllegalStateException("store returned " + results.size() + " results for " + toStore.size() + " messages");
                }
                Map<Integer, StoredOutcome.Result> byIndex = new HashMap<>();
                for (int j = 0; j < results.size(); j++) {
                    StoredOutcome.Result r = results.get(j);
                    if (!r.key().equals(toStore.get(j).key())) {
                        throw new IllegalStateException("store result " + j + " is for " + r.key() + ", not " + toStore.get(j).key());
                    }
                    byIndex.put(indexes.get(j), r);
                }
                stored.putAll(byIndex);
                for (Map.Entry<Integer, StoredOutcome.Result> e : byIndex.entrySet()) {
                    if (e.getValue().status() == StoredOutcome.Status.INSERTED) {
                        inserted.put(e.getValue().key(), new Inserted(e.getKey(), e.getValue().storedDigest().orElseThrow()));
                    }
                }
            } catch (RuntimeException e) {
                metrics.storeFailures.increment();
                LOG.log(Level.WARNING, "message store failed; " + toStore.size() + " messages deferred", e);
            }
        }
        // authenticated messages that failed validation: what was stored under their key before
        Map<MessageKey, Optional<ContentDigest>> storedBefore = new HashMap<>();
        Set<MessageKey> lookup = new LinkedHashSet<>();
        for (Checked c : checked) {
            if (!(c instanceof Authentic a) || a.accepted() != null || storedBefore.containsKey(a.key())) {
                continue;
            }
            List<Integer> valid = validByKey.get(a.key());
            if (valid == null) {
                lookup.add(a.key());
            } else if (!stored.isEmpty()) {
                // the store saw this key in the batch: inserted means it was free before; a duplicate
                // or conflict without an insert names the digest from before; refusals leave it free
                Optional<ContentDigest> before = Optional.empty();
                for (int i : valid) {
                    StoredOutcome.Result r = stored.get(i);
                    if (r.status() == StoredOutcome.Status.INSERTED) {
                        before = Optional.empty();
                        break;
                    }
                    if (r.storedDigest().isPresent()) {
                        before = r.storedDigest();
                    }
                }
                storedBefore.put(a.key(), before);
            }
        }
        if (!lookup.isEmpty()) {
            try {
                Map<MessageKey, ContentDigest> found = store.storedDigests(List.copyOf(lookup));
                for (MessageKey k : lookup) {
                    storedBefore.put(k, Optional.ofNullable(found.get(k)));
                }
            } catch (RuntimeException e) {
                metrics.storeFailures.increment();
                LOG.log(Level.WARNING, "message store lookup failed; " + lookup.size() + " messages deferred", e);
            }
        }
        return new Replay(stored, storedBefore, inserted);
    }

    // ---- decisions, quarantine, alerts, replies ----

    private Outcome decide(int index, InboundMessage in, Checked checked, Replay replay) {
        try {
            Outcome outcome = decideUnguarded(index, in, checked, replay);
            if (outcome instanceof Outcome.Deferred) {
                metrics.deferred.increment();
            }
            return outcome;
        } catch (RuntimeException e) {
            metrics.internalFailures.increment();
            metrics.deferred.increment();
            LOG.log(Level.SEVERE, "unexpected failure while deciding " + in + "; deferred", e);
            return new Outcome.Deferred("gateway error: " + e);
        }
    }

    private Outcome decideUnguarded(int index, InboundMessage in, Checked checked, Replay replay) {
        if (checked instanceof Unavailable u) {
            return new Outcome.Deferred(u.cause());
        }
        if (checked instanceof Refused r) {
            return rejectUnauthenticated(in, r);
        }
        if (checked instanceof Revoked rv) {
            return rejectRevoked(in, rv);
        }
        Authentic a = (Authentic) checked;
        if (a.accepted() != null) {
            StoredOutcome.Result r = replay.stored().get(index);
            if (r == null) {
                return new Outcome.Deferred("message store unavailable");
            }
            return switch (r.status()) {
                case INSERTED -> {
                    metrics.storedMessages.increment();
                    metrics.storedReadings.add(a.accepted().readings().size());
                    metrics.lateReadings.add(a.accepted().lateReadings());
                    yield new Outcome.Stored(a.key(), storedAck(a));
                }
                case DUPLICATE -> {
                    metrics.duplicates.increment();
                    yield new Outcome.Duplicate(a.key(), storedAck(a));
                }
                case CONFLICT -> conflict(in, a, r.storedDigest().orElseThrow());
                case DUPLICATE_READING_TIME, REGISTER_DECREASED ->
                        rejectAuthenticated(in, a, ReasonCode.of(r.status().refusalCode().orElseThrow()), r.refusal().orElseThrow());
            };
        }
        Optional<ContentDigest> before = replay.storedBefore().get(a.key());
        if (before == null) {
            return new Outcome.Deferred("message store unavailable");
        }
        // what a one-by-one run would find stored: the store's digest from before the batch, else
        // the digest of the message of the batch that inserted this key, if that came earlier
        Inserted first = replay.inserted().get(a.key());
        Optional<ContentDigest> prior = before;
        if (prior.isEmpty() && first != null && first.index() < index) {
            prior = Optional.of(first.digest());
        }
        if (prior.isPresent()) {
            if (prior.get().equals(a.digest())) {
                metrics.duplicates.increment();
                return new Outcome.Duplicate(a.key(), storedAck(a));
            }
            return conflict(in, a, prior.get());
        }
        return rejectAuthenticated(in, a, a.invalidReason(), a.invalidDetail());
    }

    /**
     * The alert goes out whatever happens next (a missed alert is worse than a repeated one); the
     * counter counts only conflicts that ended in a kept rejection, like {@code rejected.*}.
     */
    private Outcome conflict(InboundMessage in, Authentic a, ContentDigest stored) {
        String detail = "(boot " + a.key().boot() + ", seq " + a.key().seq() + ") of device '" + a.key().deviceId()
                + "' is already stored with content digest " + stored.hex() + "; this message's digest is " + a.digest().hex();
        LOG.warning(() -> "conflicting duplicate: " + detail);
        try {
            alerts.conflictingDuplicate(new ConflictAlert(a.device().tenant(), a.key(), stored, a.digest(),
                    in.sourceConnectionId(), in.receivedAt()));
        } catch (RuntimeException e) {
            metrics.alertFailures.increment();
            LOG.log(Level.WARNING, "operator alert for a conflicting duplicate failed", e);
        }
        TamperReport evidence = new TamperReport(a.device().deviceId(), GatewayReason.CONFLICTING_DUPLICATE,
                a.device().key().kidHex(), a.key().boot(), a.key().seq(), a.digest(), in.receivedAt());
        Outcome outcome = rejectAuthenticated(in, a, ReasonCode.of(GatewayReason.CONFLICTING_DUPLICATE), detail,
                Optional.of(evidence));
        if (outcome instanceof Outcome.Rejected) {
            metrics.conflicts.increment();
        }
        return outcome;
    }

    /** Authenticated refusals skip the quota and are kept before any signed rejection goes out. */
    private Outcome rejectAuthenticated(InboundMessage in, Authentic a, ReasonCode reason, String detail) {
        return rejectAuthenticated(in, a, reason, detail, Optional.empty());
    }

    private Outcome rejectAuthenticated(InboundMessage in, Authentic a, ReasonCode reason, String detail,
            Optional<TamperReport> evidence) {
        try {
            quarantine.put(entry(in, reason, detail, a.trace(), evidence));
        } catch (RuntimeException e) {
            metrics.quarantineFailures.increment();
            LOG.log(Level.WARNING, "quarantine failed; authenticated message deferred", e);
            return new Outcome.Deferred("quarantine unavailable: " + e);
        }
        metrics.quarantineKept.increment();
        metrics.rejected(reason.name());
        Optional<Reply> reply = Optional.empty();
        if (reason.signedRejection()) {
            Acknowledgement rejection = Acknowledgement.rejected(a.key().deviceId(), clock.millis(), a.key().boot(), a.key().seq(),
                    reason.name(), detail);
            reply = Optional.of(reply(a.device(), rejection));
        }
        return new Outcome.Rejected(reason, detail, true, true, reply, a.trace().claim());
    }

    /**
     * A message signed with a revoked key after its revocation: tamper evidence, kept with its
     * {@link TamperReport} outside the quota and deferred when it cannot be kept (evidence must not be
     * lost), like other authenticated refusals. Never a reply: the key is no longer trusted.
     */
    private Outcome rejectRevoked(InboundMessage in, Revoked rv) {
        ReasonCode reason = ReasonCode.of(GatewayReason.REVOKED_KEY);
        TamperReport evidence = new TamperReport(rv.device().deviceId(), GatewayReason.REVOKED_KEY, rv.device().key().kidHex(),
                rv.key().boot(), rv.key().seq(), rv.digest(), in.receivedAt());
        try {
            quarantine.put(entry(in, reason, rv.detail(), rv.trace(), Optional.of(evidence)));
        } catch (RuntimeException e) {
            metrics.quarantineFailures.increment();
            LOG.log(Level.WARNING, "quarantine failed; message signed with a revoked key deferred", e);
            return new Outcome.Deferred("quarantine unavailable: " + e);
        }
        LOG.warning(() -> "REVOKED_KEY: " + rv.detail());
        metrics.quarantineKept.increment();
        metrics.rejected(reason.name());
        return new Outcome.Rejected(reason, rv.detail(), true, true, Optional.empty(), rv.trace().claim());
    }

    private Outcome rejectUnauthenticated(InboundMessage in, Refused r) {
        if (!quota.tryAcquire(in.sourceConnectionId())) {
            metrics.quarantineOverQuota.increment();
            metrics.rejected(r.reason().name());
            return new Outcome.Rejected(r.reason(), r.detail(), false, false, Optional.empty(), r.trace().claim());
        }
        try {
            quarantine.put(entry(in, r.reason(), r.detail(), r.trace(), Optional.empty()));
        } catch (RuntimeException e) {
            metrics.quarantineFailures.increment();
            LOG.log(Level.WARNING, "quarantine failed; message deferred", e);
            return new Outcome.Deferred("quarantine unavailable: " + e);
        }
        metrics.quarantineKept.increment();
        metrics.rejected(r.reason().name());
        return new Outcome.Rejected(r.reason(), r.detail(), false, true, Optional.empty(), r.trace().claim());
    }

    private static QuarantineEntry entry(InboundMessage in, ReasonCode reason, String detail, Trace t,
            Optional<TamperReport> evidence) {
        return new QuarantineEntry(reason, in.payloadUnsafe(), t.claimedDevice(), t.device != null, Optional.ofNullable(t.kidHex),
                t.boot, t.seq, in.topic(), in.sourceConnectionId(), in.receivedAt(), detail == null ? reason.summary() : detail,
                evidence);
    }

    /**
     * The unsigned acknowledgement of a stored or duplicate message: {@link
     * #signGroupedAcknowledgements(List)} replaces it with one signed per device and boot of the batch.
     */
    private Reply storedAck(Authentic a) {
        return new Reply(a.device().deviceId(), Topics.ack(a.device().tenant(), a.device().deviceId()), PENDING_SIGNATURE);
    }

    /** The messages of one device and boot that a grouped acknowledgement names. */
    private record AckGroup(String deviceId, String topic, long boot) {
    }

    /**
     * Signs one acknowledgement per (device, boot) naming all of the batch's stored and duplicate
     * messages of that boot as ranges, and puts it in their outcomes: one signature instead of one
     * per message (an ES256 signature costs more than the verification of the message).
     */
    private void signGroupedAcknowledgements(List<Outcome> outcomes) {
        Map<AckGroup, java.util.TreeSet<Long>> seqsByGroup = new java.util.LinkedHashMap<>();
        for (Outcome o : outcomes) {
            ackGroup(o).ifPresent(g -> seqsByGroup.computeIfAbsent(g, x -> new java.util.TreeSet<>()).add(keyOf(o).seq()));
        }
        Map<AckGroup, Reply> signed = new HashMap<>();
        seqsByGroup.forEach((group, seqs) -> {
            Acknowledgement ack = new Acknowledgement(group.deviceId(), clock.millis(),
                    List.of(new BootAck(group.boot(), ranges(seqs), List.of())));
            signed.put(group, new Reply(group.deviceId(), group.topic(), AcknowledgementCodec.sign(ack, ackKey)));
        });
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            Optional<AckGroup> group = ackGroup(o);
            if (group.isPresent()) {
                Reply reply = signed.get(group.get());
                outcomes.set(i, o instanceof Outcome.Stored st ? new Outcome.Stored(st.key(), reply)
                        : new Outcome.Duplicate(((Outcome.Duplicate) o).key(), reply));
            }
        }
    }

    private static Optional<AckGroup> ackGroup(Outcome o) {
        MessageKey key = keyOf(o);
        return key == null ? Optional.empty()
                : Optional.of(new AckGroup(key.deviceId(), o.reply().orElseThrow().topic(), key.boot()));
    }

    private static MessageKey keyOf(Outcome o) {
        return o instanceof Outcome.Stored st ? st.key() : o instanceof Outcome.Duplicate d ? d.key() : null;
    }

    /** Ascending sequence numbers as inclusive ranges of consecutive numbers. */
    private static List<SeqRange> ranges(java.util.SortedSet<Long> seqs) {
        List<SeqRange> ranges = new ArrayList<>();
        long first = -1;
        long last = -1;
        for (long seq : seqs) {
            if (first >= 0 && seq == last + 1) {
                last = seq;
                continue;
            }
            if (first >= 0) {
                ranges.add(new SeqRange(first, last));
            }
            first = seq;
            last = seq;
        }
        ranges.add(new SeqRange(first, last));
        return ranges;
    }

    private static final byte[] PENDING_SIGNATURE = new byte[0];

    private Reply reply(RegisteredDevice device, Acknowledgement ack) {
        return new Reply(device.deviceId(), Topics.ack(device.tenant(), device.deviceId()), AcknowledgementCodec.sign(ack, ackKey));
    }

    private void send(Reply reply) {
        try {
            acknowledger.send(reply);
        } catch (RuntimeException e) {
            metrics.acknowledgerFailures.increment();
            LOG.log(Level.WARNING, "sending " + reply + " failed; the device will resend and be answered again", e);
        }
    }

    // ---- internal types ----

    /** What the checks learned about a message, for its quarantine entry. */
    private static final class Trace {
        String topicDevice;
        String bn;
        String kidHex;
        long boot = -1;
        long seq = -1;
        /** Set once the signature verified. */
        RegisteredDevice device;

        Optional<String> claimedDevice() {
            if (device != null) {
                return Optional.of(device.deviceId());
            }
            return Optional.ofNullable(topicDevice != null ? topicDevice : bn);
        }

        MessageClaim claim() {
            return new MessageClaim(claimedDevice(), boot, seq);
        }
    }

    private sealed interface Checked permits Refused, Authentic, Revoked, Unavailable {
    }

    /** Signed after the revocation of {@code device}'s key, signature verified: refused {@code REVOKED_KEY}, evidence. */
    private record Revoked(RegisteredDevice device, MessageKey key, ContentDigest digest, Trace trace, String detail)
            implements Checked {
    }

    /** Refused at or before the signature check: nothing about it is proven. */
    private record Refused(ReasonCode reason, String detail, Trace trace) implements Checked {
    }

    /**
     * Signature verified. {@code accepted} is null when validation failed with
     * {@code invalidReason}.
     */
    private record Authentic(RegisteredDevice device, MessageKey key, ContentDigest digest, Trace trace, AcceptedMessage accepted,
            ReasonCode invalidReason, String invalidDetail) implements Checked {
    }

    /** A port failed; nothing decided. */
    private record Unavailable(String cause) implements Checked {
    }

    /** Builds an {@link IngestPipeline}. */
    public static final class Builder {
        private DeviceDirectory directory;
        private MessageStore store;
        private Quarantine quarantine;
        private Acknowledger acknowledger;
        private OperatorAlerts alerts;
        private SigningKey ackKey;
        private QuarantineQuota quota;
        private IngestSettings settings = IngestSettings.defaults();
        private IngestMetrics metrics = new IngestMetrics();
        private Clock clock = Clock.systemUTC();
        private IngestObserver observer = IngestObserver.NONE;

        private Builder() {
        }

        /** Required: the device registry. */
        public Builder directory(DeviceDirectory directory) {
            this.directory = directory;
            return this;
        }

        /** Required: durable message storage. */
        public Builder store(MessageStore store) {
            this.store = store;
            return this;
        }

        /** Required: where refused messages are kept. */
        public Builder quarantine(Quarantine quarantine) {
            this.quarantine = quarantine;
            return this;
        }

        /** Required: publishes signed replies. */
        public Builder acknowledger(Acknowledger acknowledger) {
            this.acknowledger = acknowledger;
            return this;
        }

        /** Required: operator alerts for conflicting duplicates. */
        public Builder alerts(OperatorAlerts alerts) {
            this.alerts = alerts;
            return this;
        }

        /** Required: the gateway's acknowledgement key. */
        public Builder ackKey(SigningKey ackKey) {
            this.ackKey = ackKey;
            return this;
        }

        /** Optional: quarantine quota; default {@link QuarantineQuota.Settings#defaults()} on the pipeline's clock. */
        public Builder quota(QuarantineQuota quota) {
            this.quota = quota;
            return this;
        }

        /** Optional: time checks; default {@link IngestSettings#defaults()}. */
        public Builder settings(IngestSettings settings) {
            this.settings = settings;
            return this;
        }

        /** Optional: counters, e.g. shared with a metrics bridge; default a fresh set. */
        public Builder metrics(IngestMetrics metrics) {
            this.metrics = metrics;
            return this;
        }

        /** Optional: the gateway clock (acknowledgement issue times, default quota); default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Optional: told about every processed batch (metrics, logs); default {@link IngestObserver#NONE}. */
        public Builder observer(IngestObserver observer) {
            this.observer = observer;
            return this;
        }

        public IngestPipeline build() {
            return new IngestPipeline(this);
        }
    }
}
