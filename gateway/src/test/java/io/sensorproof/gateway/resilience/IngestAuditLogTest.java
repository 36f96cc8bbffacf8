package io.sensorproof.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.gateway.core.AcceptedMessage;
import io.sensorproof.gateway.core.ContentDigest;
import io.sensorproof.gateway.core.DeviceStatus;
import io.sensorproof.gateway.core.InMemoryMessageStore;
import io.sensorproof.gateway.core.InMemoryQuarantine;
import io.sensorproof.gateway.core.InboundMessage;
import io.sensorproof.gateway.core.IngestPipeline;
import io.sensorproof.gateway.core.MessageKey;
import io.sensorproof.gateway.core.MessageStore;
import io.sensorproof.gateway.core.Outcome;
import io.sensorproof.gateway.core.RegisteredDevice;
import io.sensorproof.gateway.core.Reply;
import io.sensorproof.gateway.core.StoredOutcome;
import io.sensorproof.gateway.ingest.IngestAuditLog;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The opt-in ingest audit log: COMMITTED after the store returned, ACKED after the reply went out. */
class IngestAuditLogTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    private final SigningKey device = Keys.generate(SignatureAlgorithm.ES256, RANDOM);
    private final SigningKey gateway = Keys.generate(SignatureAlgorithm.ES256, RANDOM);
    private final RegisteredDevice registered = new RegisteredDevice("acme", "dev-1", device.verificationKey(), DeviceStatus.ACTIVE);

    @Test
    void committedLinesPrecedeAckedLinesAndDuplicatesAreRecorded() throws Exception {
        Path file = dir.resolve(IngestAuditLog.FILE_NAME);
        List<String> linesAtSend = new ArrayList<>();
        List<Reply> sent = new ArrayList<>();
        try (IngestAuditLog audit = IngestAuditLog.open(file)) {
            IngestPipeline pipeline = pipeline(audit, audit.wrap(new InMemoryMessageStore()), reply -> {
                sent.add(reply);
                linesAtSend.addAll(read(file));
            });
            InboundMessage second = inbound(1, 1);
            List<Outcome> first = pipeline.process(List.of(inbound(1, 0), second));
            assertThat(first).allMatch(o -> o instanceof Outcome.Stored);
            List<Outcome> again = pipeline.process(List.of(second));
            assertThat(again).allMatch(o -> o instanceof Outcome.Duplicate);
        }
        assertThat(sent).as("one grouped acknowledgement per batch and device").hasSize(2);
        List<String> lines = read(file);
        assertThat(lines.get(0)).startsWith("START " + ProcessHandle.current().pid() + " ");
        assertThat(lines.subList(1, lines.size())).containsExactly(
                "COMMITTED dev-1 1 0 INSERTED",
                "COMMITTED dev-1 1 1 INSERTED",
                "ACKED dev-1 1 0",
                "ACKED dev-1 1 1",
                "COMMITTED dev-1 1 1 DUPLICATE",
                "ACKED dev-1 1 1");
        // the commit lines were in the file before the first reply was handed to the transport
        assertThat(linesAtSend).contains("COMMITTED dev-1 1 0 INSERTED", "COMMITTED dev-1 1 1 INSERTED");
    }

    @Test
    void aFailedStoreWritesNothingAndNothingIsAcknowledged() throws Exception {
        Path file = dir.resolve(IngestAuditLog.FILE_NAME);
        List<Reply> sent = new ArrayList<>();
        MessageStore failing = new MessageStore() {
            @Override
            public StoredOutcome store(List<AcceptedMessage> batch) {
                throw new IllegalStateException("database down");
            }

            @Override
            public Map<MessageKey, ContentDigest> storedDigests(Collection<MessageKey> keys) {
                throw new IllegalStateException("database down");
            }
        };
        try (IngestAuditLog audit = IngestAuditLog.open(file)) {
            List<Outcome> outcomes = pipeline(audit, audit.wrap(failing), sent::add).process(List.of(inbound(2, 0)));
            assertThat(outcomes).allMatch(o -> o instanceof Outcome.Deferred);
        }
        assertThat(sent).isEmpty();
        assertThat(read(file)).hasSize(1).allMatch(l -> l.startsWith("START "));
    }

    @Test
    void aFailingTransportIsNotRecordedAsAcked() throws Exception {
        Path file = dir.resolve(IngestAuditLog.FILE_NAME);
        try (IngestAuditLog audit = IngestAuditLog.open(file)) {
            pipeline(audit, audit.wrap(new InMemoryMessageStore()), reply -> {
                throw new IllegalStateException("broker gone");
            }).process(List.of(inbound(3, 7)));
        }
        assertThat(read(file).subList(1, 2)).containsExactly("COMMITTED dev-1 3 7 INSERTED");
        assertThat(read(file)).noneMatch(l -> l.startsWith("ACKED"));
        // a second run appends
        try (IngestAuditLog audit = IngestAuditLog.open(file)) {
            assertThat(audit).isNotNull();
        }
        assertThat(read(file).stream().filter(l -> l.startsWith("START "))).hasSize(2);
    }

    private IngestPipeline pipeline(IngestAuditLog audit, MessageStore store, io.sensorproof.gateway.core.Acknowledger transport) {
        return IngestPipeline.builder()
                .directory(kid -> Arrays.equals(kid, device.verificationKey().kid()) ? Optional.of(registered) : Optional.empty())
                .store(store).quarantine(new InMemoryQuarantine()).alerts(alert -> { })
                .acknowledger(audit.wrap(transport, gateway.verificationKey())).ackKey(gateway).build();
    }

    private final long readingBase = System.currentTimeMillis();

    private InboundMessage inbound(long boot, long seq) {
        long now = System.currentTimeMillis();
        // one reading time per (boot, seq) from a fixed base: the store keeps one reading per device,
        // quantity and time
        long readingTime = readingBase - 10_000 + boot * 1_000 + seq;
        byte[] bytes = ReadingMessages.sign(new ReadingPack("dev-1", List.of(new Reading(Quantity.TEMPERATURE, 4.5, readingTime))),
                boot, seq, now, device);
        return new InboundMessage(Topics.up("acme", "dev-1"), bytes, "mqtt:acme/dev-1", Instant.now());
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
