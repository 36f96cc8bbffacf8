package io.sensorproof.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.senml.Quantity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Only messages the delegate inserted reach the listener, after the store returned; a failing listener changes nothing. */
class CommittedReadingsStoreTest {
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private final InMemoryMessageStore delegate = new InMemoryMessageStore();

    private static AcceptedMessage message(long seq, int digestFill) {
        byte[] d = new byte[32];
        Arrays.fill(d, (byte) digestFill);
        return new AcceptedMessage("acme", "cold-room-7", 1, seq, ContentDigest.of(d), new byte[] {(byte) digestFill},
                "t/acme/d/cold-room-7/up", "conn", NOW, NOW,
                List.of(new AcceptedReading(0, Quantity.TEMPERATURE, 27_315, NOW.minusSeconds(100 - seq), false)));
    }

    @Test
    void listenerHearsOnlyInsertedMessagesNotDuplicatesOrConflicts() {
        List<List<AcceptedMessage>> heard = new ArrayList<>();
        CommittedReadingsStore store = new CommittedReadingsStore(delegate, heard::add);
        store.store(List.of(message(1, 1)));

        StoredOutcome outcome = store.store(List.of(message(1, 1), message(1, 9), message(2, 2)));

        assertThat(outcome.results()).extracting(StoredOutcome.Result::status).containsExactly(StoredOutcome.Status.DUPLICATE,
                StoredOutcome.Status.CONFLICT, StoredOutcome.Status.INSERTED);
        assertThat(heard).hasSize(2);
        assertThat(heard.get(0)).extracting(AcceptedMessage::seq).containsExactly(1L);
        assertThat(heard.get(1)).extracting(AcceptedMessage::seq).containsExactly(2L);
    }

    @Test
    void aFailingListenerDoesNotChangeTheCommittedOutcome() {
        CommittedReadingsStore store = new CommittedReadingsStore(delegate, inserted -> {
            throw new IllegalStateException("queue broke");
        });

        StoredOutcome outcome = store.store(List.of(message(3, 3)));

        assertThat(outcome.results()).extracting(StoredOutcome.Result::status).containsExactly(StoredOutcome.Status.INSERTED);
        assertThat(delegate.messages()).hasSize(1);
    }
}
