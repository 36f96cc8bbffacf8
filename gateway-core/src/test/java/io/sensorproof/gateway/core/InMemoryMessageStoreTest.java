package io.sensorproof.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.senml.Quantity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The semantics every MessageStore must have; the PostgreSQL implementation gets the same cases. */
class InMemoryMessageStoreTest {
    private static final Instant NOW = Instant.parse("2025-11-24T16:00:00Z");
    private final InMemoryMessageStore store = new InMemoryMessageStore();

    private static ContentDigest digest(int fill) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) fill);
        return ContentDigest.of(b);
    }

    private static AcceptedMessage message(long seq, int digestFill, int readings) {
        List<AcceptedReading> list = new ArrayList<>();
        for (int i = 0; i < readings; i++) {
            // one reading time per (message, record): the store refuses a time stored from another message
            list.add(new AcceptedReading(i, Quantity.TEMPERATURE, 27_315 + i, NOW.minusSeconds(60).plusSeconds(seq).plusMillis(i), false));
        }
        return new AcceptedMessage("acme", "cold-room-7", 1, seq, digest(digestFill), new byte[] {(byte) digestFill},
                "t/acme/d/cold-room-7/up", "conn", NOW, NOW, list);
    }

    private static StoredOutcome.Status status(StoredOutcome outcome, int i) {
        return outcome.results().get(i).status();
    }

    @Test
    void insertsFreeKeysWithTheirReadings() {
        StoredOutcome outcome = store.store(List.of(message(1, 1, 2), message(2, 2, 3)));

        assertThat(outcome.results()).extracting(StoredOutcome.Result::status)
                .containsExactly(StoredOutcome.Status.INSERTED, StoredOutcome.Status.INSERTED);
        assertThat(outcome.results().get(0).storedDigest()).contains(digest(1));
        assertThat(store.messages()).hasSize(2);
        assertThat(store.readingCount()).isEqualTo(5);
        assertThat(store.transactions()).isEqualTo(1);
    }

    @Test
    void sameDigestUnderATakenKeyIsADuplicateAndWritesNothing() {
        store.store(List.of(message(1, 1, 1)));

        StoredOutcome outcome = store.store(List.of(message(1, 1, 4)));

        assertThat(status(outcome, 0)).isEqualTo(StoredOutcome.Status.DUPLICATE);
        assertThat(store.readingCount()).isEqualTo(1);
    }

    @Test
    void otherDigestUnderATakenKeyIsAConflictReportingTheStoredDigest() {
        store.store(List.of(message(1, 1, 1)));

        StoredOutcome outcome = store.store(List.of(message(1, 9, 1)));

        assertThat(status(outcome, 0)).isEqualTo(StoredOutcome.Status.CONFLICT);
        assertThat(outcome.results().get(0).storedDigest()).contains(digest(1));
        assertThat(store.get(new MessageKey("cold-room-7", 1, 1))).hasValueSatisfying(m -> assertThat(m.contentDigest()).isEqualTo(digest(1)));
    }

    @Test
    void sameKeyTwiceInOneBatchComparesTheLaterWithTheEarlier() {
        StoredOutcome outcome = store.store(List.of(message(1, 1, 1), message(1, 1, 1), message(1, 2, 1)));

        assertThat(outcome.results()).extracting(StoredOutcome.Result::status).containsExactly(StoredOutcome.Status.INSERTED,
                StoredOutcome.Status.DUPLICATE, StoredOutcome.Status.CONFLICT);
        assertThat(outcome.results().get(2).storedDigest()).contains(digest(1));
        assertThat(store.messages()).hasSize(1);
    }

    @Test
    void storedDigestsReportsOnlyTakenKeys() {
        store.store(List.of(message(1, 1, 1)));

        assertThat(store.storedDigests(List.of(new MessageKey("cold-room-7", 1, 1), new MessageKey("cold-room-7", 1, 2))))
                .containsOnlyKeys(new MessageKey("cold-room-7", 1, 1));
    }

    private static AcceptedMessage withReadings(long seq, AcceptedReading... readings) {
        return new AcceptedMessage("acme", "cold-room-7", 1, seq, digest((int) seq), new byte[] {(byte) seq},
                "t/acme/d/cold-room-7/up", "conn", NOW, NOW, List.of(readings));
    }

    @Test
    void messageRepeatingAReadingTimeWithinItselfIsRefusedAndWritesNothing() {
        // the decoder refuses such packs too; the store must not fail its transaction on one
        Instant t = NOW.minusSeconds(10);
        StoredOutcome outcome = store.store(List.of(withReadings(1, new AcceptedReading(0, Quantity.TEMPERATURE, 27_315, t, false),
                new AcceptedReading(1, Quantity.TEMPERATURE, 27_316, t, false))));

        assertThat(status(outcome, 0)).isEqualTo(StoredOutcome.Status.DUPLICATE_READING_TIME);
        assertThat(outcome.results().get(0).storedDigest()).isEmpty();
        assertThat(outcome.results().get(0).refusal()).hasValueSatisfying(d -> assertThat(d).contains("record 1")
                .contains("an earlier record of this message"));
        assertThat(store.messages()).isEmpty();
    }

    @Test
    void registerDecreasingWithinOneMessageIsRefusedAndLeavesNoReadingBehind() {
        StoredOutcome outcome = store.store(List.of(
                withReadings(1, new AcceptedReading(0, Quantity.CO2E_REGISTER, 500, NOW.minusSeconds(20), false),
                        new AcceptedReading(1, Quantity.CO2E_REGISTER, 499, NOW.minusSeconds(10), false)),
                // would be refused if the refused message's first reading had been kept
                withReadings(2, new AcceptedReading(0, Quantity.CO2E_REGISTER, 100, NOW.minusSeconds(15), false))));

        assertThat(outcome.results()).extracting(StoredOutcome.Result::status)
                .containsExactly(StoredOutcome.Status.REGISTER_DECREASED, StoredOutcome.Status.INSERTED);
    }
}
