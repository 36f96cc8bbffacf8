package io.sensorproof.gateway.core;

import io.sensorproof.protocol.ack.Acknowledgement;
import io.sensorproof.protocol.ack.AcknowledgementCodec;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A pipeline with in-memory ports that record what happened, in order, in {@link #events}.
 * Ports can be switched to fail.
 */
final class Harness {
    static final Instant NOW = Instant.parse("2025-11-24T16:00:00Z");
    static final SigningKey GATEWAY_KEY = TestDevice.freshKey(SignatureAlgorithm.ES256);
    /** Held strongly so the level sticks: tests inject port failures, whose WARNINGs are expected. */
    private static final Logger PIPELINE_LOG = Logger.getLogger(IngestPipeline.class.getName());

    static {
        PIPELINE_LOG.setLevel(Level.SEVERE);
    }

    final MutableClock clock = new MutableClock(NOW);
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final Directory directory = new Directory();
    final RecordingStore store = new RecordingStore();
    final RecordingQuarantine quarantine = new RecordingQuarantine();
    final List<Reply> sent = Collections.synchronizedList(new ArrayList<>());
    final List<ConflictAlert> alerts = Collections.synchronizedList(new ArrayList<>());
    final IngestPipeline pipeline;
    /** Every batch the pipeline reported to its observer: (batch, outcomes). */
    final List<Map.Entry<List<InboundMessage>, List<Outcome>>> observed = Collections.synchronizedList(new ArrayList<>());
    volatile boolean failObserver;
    volatile boolean failAcknowledger;
    volatile boolean failAlerts;

    Harness() {
        this(QuarantineQuota.Settings.defaults(), IngestSettings.defaults());
    }

    Harness(QuarantineQuota.Settings quotaSettings, IngestSettings settings) {
        pipeline = IngestPipeline.builder()
                .directory(directory)
                .store(store)
                .quarantine(quarantine)
                .acknowledger(reply -> {
                    events.add("send " + reply.topic());
                    if (failAcknowledger) {
                        throw new IllegalStateException("broker connection lost");
                    }
                    sent.add(reply);
                })
                .alerts(alert -> {
                    events.add("alert " + alert.key());
                    if (failAlerts) {
                        throw new IllegalStateException("alert table unavailable");
                    }
                    alerts.add(alert);
                })
                .ackKey(GATEWAY_KEY)
                .clock(clock)
                .quota(new QuarantineQuota(quotaSettings, clock))
                .settings(settings)
                .observer((batch, outcomes, nanos) -> {
                    events.add("observed " + batch.size());
                    if (failObserver) {
                        throw new IllegalStateException("metrics registry broken");
                    }
                    if (nanos < 0) {
                        throw new AssertionError("negative processing time");
                    }
                    observed.add(Map.entry(batch, outcomes));
                })
                .build();
    }

    TestDevice register(TestDevice device) {
        directory.put(device.registered(DeviceStatus.ACTIVE));
        return device;
    }

    InboundMessage inbound(String topic, byte[] payload, String connection) {
        return new InboundMessage(topic, payload, connection, clock.instant());
    }

    InboundMessage inbound(TestDevice device, byte[] payload) {
        return inbound(device.up(), payload, "mqtt:" + device.id);
    }

    Outcome processOne(InboundMessage message) {
        List<Outcome> outcomes = pipeline.process(List.of(message));
        return outcomes.get(0);
    }

    List<Outcome> process(InboundMessage... messages) {
        return pipeline.process(List.of(messages));
    }

    long count(String counter) {
        return pipeline.metrics().count(counter);
    }

    static Acknowledgement verifiedAck(Reply reply) {
        return AcknowledgementCodec.verify(reply.payload(), GATEWAY_KEY.verificationKey());
    }

    static Instant minutesAgo(long minutes) {
        return NOW.minus(Duration.ofMinutes(minutes));
    }

    /** A registry in memory. */
    static final class Directory implements DeviceDirectory {
        private final Map<String, RegisteredDevice> byKid = new ConcurrentHashMap<>();
        volatile boolean fail;

        void put(RegisteredDevice device) {
            byKid.put(device.key().kidHex(), device);
        }

        void setStatus(TestDevice device, DeviceStatus status) {
            put(device.registered(status));
        }

        /** Every prefetch ("prefetch kid,kid,…") and lookup ("byKid kid") in order, kids in hex. */
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        volatile boolean failPrefetch;

        @Override
        public Optional<RegisteredDevice> byKid(byte[] kid) {
            calls.add("byKid " + HexFormat.of().formatHex(kid));
            if (fail) {
                throw new IllegalStateException("registry unavailable");
            }
            return Optional.ofNullable(byKid.get(HexFormat.of().formatHex(kid)));
        }

        @Override
        public void prefetch(Collection<byte[]> kids) {
            calls.add("prefetch " + String.join(",", kids.stream().map(HexFormat.of()::formatHex).toList()));
            if (failPrefetch) {
                throw new IllegalStateException("registry unavailable while prefetching");
            }
        }
    }

    /** The in-memory store, recording each transaction in {@link #events}. */
    final class RecordingStore implements MessageStore {
        final InMemoryMessageStore delegate = new InMemoryMessageStore();
        final List<List<AcceptedMessage>> batches = Collections.synchronizedList(new ArrayList<>());
        volatile boolean fail;

        @Override
        public StoredOutcome store(List<AcceptedMessage> batch) {
            events.add("store begin " + batch.size());
            if (fail) {
                events.add("store failed");
                throw new IllegalStateException("database unavailable");
            }
            batches.add(batch);
            StoredOutcome outcome = delegate.store(batch);
            events.add("store committed");
            return outcome;
        }

        @Override
        public Map<MessageKey, ContentDigest> storedDigests(Collection<MessageKey> keys) {
            events.add("store lookup " + keys.size());
            if (fail) {
                throw new IllegalStateException("database unavailable");
            }
            return delegate.storedDigests(keys);
        }

        List<AcceptedMessage> messages() {
            return delegate.messages();
        }
    }

    /** The in-memory quarantine, recording each entry in {@link #events}. */
    final class RecordingQuarantine implements Quarantine {
        final InMemoryQuarantine delegate = new InMemoryQuarantine();
        volatile boolean fail;

        @Override
        public void put(QuarantineEntry entry) {
            events.add("quarantine " + entry.reason());
            if (fail) {
                throw new IllegalStateException("quarantine table unavailable");
            }
            delegate.put(entry);
        }

        List<QuarantineEntry> entries() {
            return delegate.entries();
        }
    }
}
