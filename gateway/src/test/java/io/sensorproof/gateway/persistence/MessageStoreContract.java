package io.sensorproof.gateway.persistence;

import static io.sensorproof.gateway.core.StoredOutcome.Status.CONFLICT;
import static io.sensorproof.gateway.core.StoredOutcome.Status.DUPLICATE;
import static io.sensorproof.gateway.core.StoredOutcome.Status.INSERTED;
import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.gateway.core.AcceptedMessage;
import io.sensorproof.gateway.core.ContentDigest;
import io.sensorproof.gateway.core.MessageKey;
import io.sensorproof.gateway.core.MessageStore;
import io.sensorproof.gateway.core.StoredOutcome;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The semantics every {@link MessageStore} must have, run against {@code InMemoryMessageStore} (the
 * reference) and {@link PgMessageStore}: insert-if-absent in batch order, duplicates and conflicts
 * by content digest, repeated keys in one batch compared with the earlier occurrence.
 */
abstract class MessageStoreContract {
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    /** The store under test. */
    abstract MessageStore store();

    /** A device the store accepts messages for (registered where the store needs that). */
    abstract SigningDevice newDevice(SignatureAlgorithm alg);

    SigningDevice newDevice() {
        return newDevice(SignatureAlgorithm.ES256);
    }

    /** Every key stored for {@code device}, with its digest. */
    abstract Map<MessageKey, ContentDigest> stored(SigningDevice device);

    /** Number of stored readings of {@code device}. */
    abstract long readingCount(SigningDevice device);

    private static List<StoredOutcome.Status> statuses(StoredOutcome outcome) {
        return outcome.results().stream().map(StoredOutcome.Result::status).toList();
    }

    @Test
    void insertsFreeKeysWithTheirReadings() {
        SigningDevice d = newDevice();
        AcceptedMessage m1 = d.accepted(1, 1, NOW, temperature(4.5, 60), humidity(40, 60));
        AcceptedMessage m2 = d.accepted(1, 2, NOW, temperature(4.6, 30), humidity(41, 30), temperature(4.7, 10));

        StoredOutcome outcome = store().store(List.of(m1, m2));

        assertThat(statuses(outcome)).containsExactly(INSERTED, INSERTED);
        assertThat(outcome.results()).extracting(StoredOutcome.Result::key).containsExactly(m1.key(), m2.key());
        assertThat(outcome.results()).extracting(StoredOutcome.Result::storedDigest)
                .containsExactly(m1.contentDigest(), m2.contentDigest());
        assertThat(stored(d)).containsOnly(Map.entry(m1.key(), m1.contentDigest()), Map.entry(m2.key(), m2.contentDigest()));
        assertThat(readingCount(d)).isEqualTo(5);
    }

    @Test
    void sameDigestUnderATakenKeyIsADuplicateAndWritesNothing() {
        SigningDevice d = newDevice();
        AcceptedMessage m = d.temperature(1, 1, 4.5, NOW);
        store().store(List.of(m));

        StoredOutcome outcome = store().store(List.of(d.accept(m.raw(), NOW.plusSeconds(5))));

        assertThat(statuses(outcome)).containsExactly(DUPLICATE);
        assertThat(outcome.results().get(0).storedDigest()).isEqualTo(m.contentDigest());
        assertThat(readingCount(d)).isEqualTo(1);
    }

    @Test
    void resignedCopyOfTheSameContentIsADuplicate() {
        SigningDevice d = newDevice(SignatureAlgorithm.SM2_SM3);
        AcceptedMessage m = d.temperature(1, 1, 4.5, NOW);
        store().store(List.of(m));
        // SM2 signatures are randomised: same content, other bytes
        var decoded = ReadingMessages.decode(m.raw());
        byte[] resigned = ReadingMessages.sign(decoded.pack(), 1, 1, decoded.header().deviceTimeMillis(), d.key);
        assertThat(resigned).isNotEqualTo(m.raw());

        StoredOutcome outcome = store().store(List.of(d.accept(resigned, NOW)));

        assertThat(statuses(outcome)).containsExactly(DUPLICATE);
        assertThat(readingCount(d)).isEqualTo(1);
    }

    @Test
    void otherDigestUnderATakenKeyIsAConflictReportingTheStoredDigest() {
        SigningDevice d = newDevice();
        AcceptedMessage original = d.temperature(1, 1, 4.5, NOW);
        store().store(List.of(original));

        StoredOutcome outcome = store().store(List.of(d.temperature(1, 1, 9.9, NOW)));

        assertThat(statuses(outcome)).containsExactly(CONFLICT);
        assertThat(outcome.results().get(0).storedDigest()).isEqualTo(original.contentDigest());
        assertThat(stored(d)).containsOnly(Map.entry(original.key(), original.contentDigest()));
        assertThat(readingCount(d)).isEqualTo(1);
    }

    @Test
    void sameKeyTwiceInOneBatchComparesTheLaterWithTheEarlier() {
        SigningDevice d = newDevice();
        AcceptedMessage first = d.temperature(1, 1, 4.5, NOW);
        AcceptedMessage conflicting = d.temperature(1, 1, 9.9, NOW);

        StoredOutcome outcome = store().store(List.of(first, d.accept(first.raw(), NOW), conflicting));

        assertThat(statuses(outcome)).containsExactly(INSERTED, DUPLICATE, CONFLICT);
        assertThat(outcome.results()).extracting(StoredOutcome.Result::storedDigest).containsOnly(first.contentDigest());
        assertThat(stored(d)).containsOnly(Map.entry(first.key(), first.contentDigest()));
        assertThat(readingCount(d)).isEqualTo(1);
    }

    @Test
    void takenKeyRepeatedInOneBatchIsComparedWithTheStoredContentEachTime() {
        SigningDevice d = newDevice();
        AcceptedMessage stored = d.temperature(1, 1, 4.5, NOW);
        store().store(List.of(stored));
        AcceptedMessage other = d.temperature(1, 1, 9.9, NOW);

        StoredOutcome outcome = store().store(List.of(other, d.accept(stored.raw(), NOW), other));

        assertThat(statuses(outcome)).containsExactly(CONFLICT, DUPLICATE, CONFLICT);
        assertThat(outcome.results()).extracting(StoredOutcome.Result::storedDigest).containsOnly(stored.contentDigest());
        assertThat(readingCount(d)).isEqualTo(1);
    }

    @Test
    void mixedBatchReportsEachMessageInBatchOrder() {
        SigningDevice d = newDevice();
        SigningDevice e = newDevice();
        AcceptedMessage taken = d.temperature(1, 3, 4.5, NOW);
        AcceptedMessage conflicted = d.temperature(2, 0, 4.5, NOW);
        store().store(List.of(taken, conflicted));
        List<AcceptedMessage> batch = List.of(d.temperature(1, 9, 5.0, NOW), d.accept(taken.raw(), NOW),
                e.temperature(1, 1, 6.0, NOW), d.temperature(2, 0, 7.0, NOW), d.temperature(0, 4, 8.0, NOW));

        StoredOutcome outcome = store().store(batch);

        assertThat(statuses(outcome)).containsExactly(INSERTED, DUPLICATE, INSERTED, CONFLICT, INSERTED);
        assertThat(outcome.results()).extracting(StoredOutcome.Result::key)
                .containsExactlyElementsOf(batch.stream().map(AcceptedMessage::key).toList());
        assertThat(outcome.results().get(3).storedDigest()).isEqualTo(conflicted.contentDigest());
        assertThat(stored(d)).hasSize(4);
        assertThat(stored(e)).hasSize(1);
        assertThat(readingCount(d) + readingCount(e)).isEqualTo(5);
    }

    @Test
    void emptyBatchStoresNothing() {
        assertThat(store().store(List.of()).results()).isEmpty();
    }

    @Test
    void storedDigestsReportsOnlyTakenKeys() {
        SigningDevice d = newDevice();
        AcceptedMessage m = d.temperature(1, 1, 4.5, NOW);
        store().store(List.of(m));
        MessageKey free = new MessageKey(d.id, 1, 2);

        assertThat(store().storedDigests(List.of(m.key(), free, m.key()))).containsOnly(Map.entry(m.key(), m.contentDigest()));
        assertThat(store().storedDigests(List.of())).isEmpty();
    }

    static Reading temperature(double celsius, long secondsAgo) {
        return new Reading(Quantity.TEMPERATURE, celsius, NOW.minusSeconds(secondsAgo).toEpochMilli());
    }

    static Reading humidity(double percent, long secondsAgo) {
        return new Reading(Quantity.HUMIDITY, percent, NOW.minusSeconds(secondsAgo).toEpochMilli());
    }
}
