package io.sensorproof.gateway.persistence;

import static io.sensorproof.gateway.core.StoredOutcome.Status.CONFLICT;
import static io.sensorproof.gateway.core.StoredOutcome.Status.DUPLICATE;
import static io.sensorproof.gateway.core.StoredOutcome.Status.DUPLICATE_READING_TIME;
import static io.sensorproof.gateway.core.StoredOutcome.Status.INSERTED;
import static io.sensorproof.gateway.core.StoredOutcome.Status.REGISTER_DECREASED;
import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.gateway.core.AcceptedMessage;
import io.sensorproof.gateway.core.AcceptedReading;
import io.sensorproof.gateway.core.ContentDigest;
import io.sensorproof.gateway.core.MessageKey;
import io.sensorproof.gateway.core.MessageStore;
import io.sensorproof.gateway.core.StoredOutcome;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.encoding.FixedPoint;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The semantics every {@link MessageStore} must have, run against {@code InMemoryMessageStore} (the
 * reference) and {@link PgMessageStore}: insert-if-absent in batch order, duplicates and conflicts
 * by content digest, repeated keys in one batch compared with the earlier occurrence, and for free
 * keys the reading rules (one reading per device, quantity and time; an emissions register that
 * never decreases), with earlier inserted messages of a batch counting as stored for later ones.
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
                .containsExactly(Optional.of(m1.contentDigest()), Optional.of(m2.contentDigest()));
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
        assertThat(outcome.results().get(0).storedDigest()).contains(m.contentDigest());
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
        assertThat(outcome.results().get(0).storedDigest()).contains(original.contentDigest());
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
        assertThat(outcome.results()).extracting(StoredOutcome.Result::storedDigest).containsOnly(Optional.of(first.contentDigest()));
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
        assertThat(outcome.results()).extracting(StoredOutcome.Result::storedDigest).containsOnly(Optional.of(stored.contentDigest()));
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
        assertThat(outcome.results().get(3).storedDigest()).contains(conflicted.contentDigest());
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

    // ---- reading rules ----

    @Test
    void readingTimeStoredFromAnotherMessageRefusesTheWholeMessage() {
        SigningDevice d = newDevice();
        AcceptedMessage first = d.accepted(1, 1, NOW, temperature(4.5, 60));
        store().store(List.of(first));
        AcceptedMessage other = d.accepted(1, 2, NOW, humidity(40, 61), temperature(5.5, 60));

        StoredOutcome outcome = store().store(List.of(other));

        assertThat(statuses(outcome)).containsExactly(DUPLICATE_READING_TIME);
        assertThat(outcome.results().get(0).storedDigest()).isEmpty();
        assertThat(outcome.results().get(0).refusal()).hasValueSatisfying(detail ->
                assertThat(detail).contains("record 1").contains("(boot 1, seq 1)"));
        assertThat(stored(d)).containsOnlyKeys(first.key());
        assertThat(readingCount(d)).isEqualTo(1);
    }

    @Test
    void sameValueAtAStoredTimeUnderAnotherKeyIsRefusedToo() {
        SigningDevice d = newDevice();
        store().store(List.of(d.accepted(1, 1, NOW, temperature(4.5, 60))));

        StoredOutcome outcome = store().store(List.of(d.accepted(2, 1, NOW, temperature(4.5, 60))));

        assertThat(statuses(outcome)).containsExactly(DUPLICATE_READING_TIME);
        assertThat(readingCount(d)).isEqualTo(1);
    }

    @Test
    void otherQuantityOrOtherDeviceAtAStoredTimeIsInserted() {
        SigningDevice d = newDevice();
        SigningDevice e = newDevice();
        store().store(List.of(d.accepted(1, 1, NOW, temperature(4.5, 60))));

        StoredOutcome outcome = store().store(List.of(d.accepted(1, 2, NOW, humidity(40, 60)), e.accepted(1, 1, NOW, temperature(4.5, 60))));

        assertThat(statuses(outcome)).containsExactly(INSERTED, INSERTED);
    }

    @Test
    void twoMessagesOfOneBatchWithTheSameReadingTimeInsertTheFirstOnly() {
        SigningDevice d = newDevice();
        AcceptedMessage first = d.accepted(1, 1, NOW, temperature(4.5, 60));
        AcceptedMessage second = d.accepted(1, 2, NOW, temperature(4.6, 60));

        StoredOutcome outcome = store().store(List.of(first, second));

        assertThat(statuses(outcome)).containsExactly(INSERTED, DUPLICATE_READING_TIME);
        assertThat(stored(d)).containsOnlyKeys(first.key());
        assertThat(readingCount(d)).isEqualTo(1);
    }

    @Test
    void messageRepeatingATimeWithinItselfIsRefusedWithoutFailingTheBatch() {
        SigningDevice d = newDevice();
        AcceptedMessage good = d.accepted(1, 1, NOW, temperature(4.5, 30));
        // the decoder refuses such packs (so they are built here without one); a store must still
        // not fail the whole transaction on one
        AcceptedMessage signed = d.accepted(1, 2, NOW, temperature(4.5, 60));
        AcceptedReading r = signed.readings().get(0);
        AcceptedMessage twice = new AcceptedMessage(signed.tenant(), signed.deviceId(), 1, 2, signed.contentDigest(), signed.raw(),
                signed.topic(), signed.sourceConnectionId(), NOW, signed.deviceTime(),
                List.of(r, new AcceptedReading(1, r.quantity(), r.fixedValue() + 10, r.time(), false)));

        StoredOutcome outcome = store().store(List.of(good, twice));

        assertThat(statuses(outcome)).containsExactly(INSERTED, DUPLICATE_READING_TIME);
        assertThat(readingCount(d)).isEqualTo(1);
    }

    @Test
    void retransmissionOfAStoredMessageStaysADuplicate() {
        SigningDevice d = newDevice();
        AcceptedMessage m = d.accepted(1, 1, NOW, temperature(4.5, 60), register(1_000, 60));
        store().store(List.of(m));

        StoredOutcome outcome = store().store(List.of(d.accept(m.raw(), NOW.plusSeconds(30)), d.accept(m.raw(), NOW.plusSeconds(31))));

        assertThat(statuses(outcome)).containsExactly(DUPLICATE, DUPLICATE);
        assertThat(outcome.results()).extracting(StoredOutcome.Result::storedDigest).containsOnly(Optional.of(m.contentDigest()));
    }

    @Test
    void conflictingKeyIsAConflictEvenWhenItsReadingsBreakTheRules() {
        SigningDevice d = newDevice();
        AcceptedMessage original = d.accepted(1, 1, NOW, register(1_000, 60));
        store().store(List.of(original, d.accepted(1, 2, NOW, register(2_000, 30))));

        // same key, other content: a reading time taken by seq 2 and a register below it
        StoredOutcome outcome = store().store(List.of(d.accepted(1, 1, NOW, register(5, 30))));

        assertThat(statuses(outcome)).containsExactly(CONFLICT);
        assertThat(outcome.results().get(0).storedDigest()).contains(original.contentDigest());
    }

    @Test
    void registerGoingDownAcrossTwoBatchesIsRefused() {
        SigningDevice d = newDevice();
        store().store(List.of(d.accepted(1, 1, NOW, register(1_000, 60))));

        StoredOutcome outcome = store().store(List.of(d.accepted(1, 2, NOW, register(999, 30))));

        assertThat(statuses(outcome)).containsExactly(REGISTER_DECREASED);
        assertThat(outcome.results().get(0).refusal()).hasValueSatisfying(detail ->
                assertThat(detail).contains("999 g").contains("lower than 1000 g"));
        assertThat(readingCount(d)).isEqualTo(1);
    }

    @Test
    void registerGoingDownWithinOneBatchRefusesTheLaterMessage() {
        SigningDevice d = newDevice();

        StoredOutcome outcome = store().store(List.of(d.accepted(1, 1, NOW, register(1_000, 60)),
                d.accepted(1, 2, NOW, register(999, 30)), d.accepted(1, 3, NOW, register(1_000, 20))));

        assertThat(statuses(outcome)).containsExactly(INSERTED, REGISTER_DECREASED, INSERTED);
    }

    @Test
    void lateRegisterReadingBetweenTwoStoredOnesIsCheckedAgainstBothNeighbours() {
        SigningDevice d = newDevice();
        store().store(List.of(d.accepted(1, 1, NOW, register(1_000, 60), register(2_000, 20))));

        StoredOutcome tooHigh = store().store(List.of(d.accepted(1, 2, NOW, register(2_001, 40))));
        StoredOutcome tooLow = store().store(List.of(d.accepted(1, 3, NOW, register(999, 40))));
        StoredOutcome fitting = store().store(List.of(d.accepted(1, 4, NOW, register(1_500, 40))));
        // once stored, the late reading is a neighbour too
        StoredOutcome belowTheLateOne = store().store(List.of(d.accepted(1, 5, NOW, register(1_499, 30))));

        assertThat(statuses(tooHigh)).containsExactly(REGISTER_DECREASED);
        assertThat(tooHigh.results().get(0).refusal()).hasValueSatisfying(detail -> assertThat(detail).contains("higher than 2000 g"));
        assertThat(statuses(tooLow)).containsExactly(REGISTER_DECREASED);
        assertThat(statuses(fitting)).containsExactly(INSERTED);
        assertThat(statuses(belowTheLateOne)).containsExactly(REGISTER_DECREASED);
        assertThat(readingCount(d)).isEqualTo(3);
    }

    @Test
    void refusedMessageOfABatchDoesNotCountAsStoredForLaterOnes() {
        SigningDevice d = newDevice();
        store().store(List.of(d.accepted(1, 1, NOW, register(1_000, 60))));

        StoredOutcome outcome = store().store(List.of(d.accepted(1, 2, NOW, temperature(4.5, 40), register(999, 30)),
                d.accepted(1, 3, NOW, temperature(4.5, 40))));

        assertThat(statuses(outcome)).containsExactly(REGISTER_DECREASED, INSERTED);
    }

    @Test
    void registersOfTwoDevicesAreIndependentAndTheLargestValueIsKept() {
        SigningDevice d = newDevice();
        SigningDevice e = newDevice();
        long largest = FixedPoint.encode(Quantity.CO2E_REGISTER, 9_007_199_254_740_991d);
        assertThat(largest).isEqualTo(9_007_199_254_740_991L);

        StoredOutcome outcome = store().store(List.of(d.accepted(1, 1, NOW, register(9_007_199_254_740_991L, 60)),
                e.accepted(1, 1, NOW, register(5, 30))));

        assertThat(statuses(outcome)).containsExactly(INSERTED, INSERTED);
        assertThat(statuses(store().store(List.of(d.accepted(1, 2, NOW, register(9_007_199_254_740_990L, 30))))))
                .containsExactly(REGISTER_DECREASED);
    }

    static Reading register(long grams, long secondsAgo) {
        return new Reading(Quantity.CO2E_REGISTER, grams, NOW.minusSeconds(secondsAgo).toEpochMilli());
    }

    static Reading temperature(double celsius, long secondsAgo) {
        return new Reading(Quantity.TEMPERATURE, celsius, NOW.minusSeconds(secondsAgo).toEpochMilli());
    }

    static Reading humidity(double percent, long secondsAgo) {
        return new Reading(Quantity.HUMIDITY, percent, NOW.minusSeconds(secondsAgo).toEpochMilli());
    }
}
