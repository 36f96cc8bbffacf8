package io.sensorproof.gateway.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.core.AcceptedMessage;
import io.sensorproof.gateway.core.MessageStore;
import io.sensorproof.gateway.core.StoredOutcome;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link PgMessageStore} as the application injects it (one unnest statement per batch). */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class PgMessageStoreIT extends PgMessageStoreContract {
    @Inject
    PgMessageStore store;
    @Inject
    AgroalDataSource dataSource;

    @Override
    MessageStore store() {
        return store;
    }

    @Test
    void keyCommittedByAConcurrentTransactionWhileWaitingIsClassifiedAgainstIt() throws Exception {
        SigningDevice d = newDevice();
        AcceptedMessage theirs = d.temperature(1, 1, 4.5, NOW);
        AcceptedMessage ours = d.temperature(1, 1, 9.9, NOW);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            insertUncommitted(c, theirs);
            CompletableFuture<StoredOutcome> outcome = CompletableFuture.supplyAsync(() -> store.store(List.of(ours)));
            // deliberate observation window: for 300 ms the store must keep waiting on the other transaction's key
            await("waits on the other transaction's key").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                    .until(() -> !outcome.isDone());
            c.commit();

            StoredOutcome result = outcome.get(10, TimeUnit.SECONDS);
            assertThat(result.results().get(0).status()).isEqualTo(StoredOutcome.Status.CONFLICT);
            assertThat(result.results().get(0).storedDigest()).isEqualTo(theirs.contentDigest());
        }
        assertThat(readingCount(d)).isZero();
    }

    @Test
    void timeoutThrowsAndTheTransactionMayStillCommitLater() throws Exception {
        SigningDevice d = newDevice();
        AcceptedMessage m = d.temperature(1, 1, 4.5, NOW);
        PgMessageStore impatient = new PgMessageStore(pool, Duration.ofMillis(200), PgMessageStore.InsertShape.UNNEST);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            insertUncommitted(c, d.temperature(1, 1, 4.5, NOW));

            assertThatThrownBy(() -> impatient.store(List.of(m))).isInstanceOf(PersistenceException.class);
            c.rollback();
        }
        // the port promises nothing after a failure: here the abandoned transaction went on and
        // committed, and the device's resend is a duplicate
        await("the abandoned transaction committed").atMost(Duration.ofSeconds(10)).until(() -> !stored(d).isEmpty());
        assertThat(store.store(List.of(m)).results().get(0).status()).isEqualTo(StoredOutcome.Status.DUPLICATE);
        assertThat(readingCount(d)).isEqualTo(1);
    }

    private static void insertUncommitted(Connection c, AcceptedMessage m) throws Exception {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO messages (device_id, boot, seq, content_digest, raw,"
                + " received_at, record_count) VALUES (?, ?, ?, ?, ?, now(), 1)")) {
            s.setString(1, m.deviceId());
            s.setLong(2, m.boot());
            s.setLong(3, m.seq());
            s.setBytes(4, m.contentDigest().bytes());
            s.setBytes(5, m.raw());
            s.executeUpdate();
        }
    }
}
