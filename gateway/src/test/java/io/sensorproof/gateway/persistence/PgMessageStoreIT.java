package io.sensorproof.gateway.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.core.AcceptedMessage;
import io.sensorproof.gateway.core.AcceptedReading;
import io.sensorproof.gateway.core.InMemoryMessageStore;
import io.sensorproof.gateway.core.MessageKey;
import io.sensorproof.gateway.core.MessageStore;
import io.sensorproof.gateway.core.StoredOutcome;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link PgMessageStore} as the application injects it (one unnest statement per batch), and what
 * only concurrent transactions on the real database show: the fast path for batches without
 * register readings and its fallback, both with the in-memory store's results; careful writers of
 * one device serialised by the advisory lock; the unique index deciding between fast writers and as
 * the backstop for a writer without the lock; and migration V8 refusing a database that already
 * holds repeated reading times.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class PgMessageStoreIT extends PgMessageStoreContract {
    @Inject
    PgMessageStore store;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    MeterRegistry meters;

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
            // the other transaction holds no device lock: ours waits on its uncommitted key
            await().atMost(Duration.ofSeconds(20)).until(this::transactionsWaitingForALock, n -> n >= 1);
            assertThat(outcome).as("waits on the other transaction's key").isNotDone();
            c.commit();

            // the insert skipped the key once the other transaction committed it; the digest read
            // after the insert classifies ours against it
            StoredOutcome result = outcome.get(10, TimeUnit.SECONDS);
            assertThat(result.results().get(0).status()).isEqualTo(StoredOutcome.Status.CONFLICT);
            assertThat(result.results().get(0).storedDigest()).contains(theirs.contentDigest());
        }
        assertThat(readingCount(d)).isZero();
    }

    @Test
    void cleanBatchTakesTheFastPathAndATakenReadingTimeFallsBackBothWithTheReferenceResults() {
        SigningDevice d = newDevice();
        SigningDevice e = newDevice();
        PgMessageStore pg = new PgMessageStore(pool, Duration.ofSeconds(30), PgMessageStore.InsertShape.UNNEST);
        InMemoryMessageStore reference = new InMemoryMessageStore();
        AcceptedMessage stored = d.accepted(1, 1, NOW, temperature(4.0, 60), humidity(50.0, 60));
        AcceptedMessage other = d.accepted(1, 2, NOW, temperature(4.2, 50));
        List<List<AcceptedMessage>> fast = List.of(
                // clean: fresh keys, fresh reading times, two devices
                List.of(stored, e.accepted(1, 1, NOW, temperature(7.0, 60))),
                // a retransmission, a conflicting key and a clean message: keys are decided without the careful path
                List.of(d.accept(stored.raw(), NOW.plusSeconds(1)), d.accepted(1, 1, NOW, temperature(9.9, 70)), other),
                // a key repeated in the batch: only its first occurrence goes to the insert
                List.of(d.accepted(1, 3, NOW, temperature(4.4, 40)), d.accepted(1, 3, NOW, temperature(4.4, 40))));
        List<List<AcceptedMessage>> fallback = List.of(
                // a reading time stored from another message
                List.of(d.accepted(1, 4, NOW, temperature(4.5, 30)), d.accepted(1, 5, NOW, humidity(51.0, 60))),
                // two messages of the batch at one reading time
                List.of(e.accepted(1, 2, NOW, temperature(7.1, 20)), e.accepted(1, 3, NOW, temperature(7.2, 20))));

        for (List<AcceptedMessage> batch : fast) {
            assertThat(pg.store(batch)).isEqualTo(reference.store(batch));
        }
        assertThat(pg.fastBatches()).isEqualTo(fast.size());
        assertThat(pg.fallbackBatches()).isZero();
        for (List<AcceptedMessage> batch : fallback) {
            assertThat(pg.store(batch)).isEqualTo(reference.store(batch));
        }
        assertThat(pg.fastBatches()).isEqualTo(fast.size());
        assertThat(pg.fallbackBatches()).isEqualTo(fallback.size());
        assertThat(pg.carefulBatches()).isZero();
        assertThat(stored(d)).containsOnlyKeys(stored.key(), other.key(), new MessageKey(d.id, 1, 3), new MessageKey(d.id, 1, 4));
        assertThat(readingCount(d)).isEqualTo(5);
        assertThat(readingCount(e)).isEqualTo(2);

        List<AcceptedMessage> registers = List.of(d.accepted(1, 6, NOW, register(1_000, 10)));
        assertThat(pg.store(registers)).isEqualTo(reference.store(registers));
        assertThat(pg.carefulBatches()).isEqualTo(1);
        assertThat(pg.fastBatches() + pg.fallbackBatches()).isEqualTo(fast.size() + fallback.size());
    }

    @Test
    void theApplicationsStoreCountsItsPathsAsMeters() {
        SigningDevice d = newDevice();
        double before = meters.get("sensorproof.store.fallback").functionCounter().count();
        store.store(List.of(d.accepted(1, 1, NOW, temperature(4.0, 60))));
        store.store(List.of(d.accepted(1, 2, NOW, temperature(4.1, 60))));

        assertThat(meters.get("sensorproof.store.fallback").functionCounter().count()).isEqualTo(before + 1);
        assertThat(meters.get("sensorproof.store.fast").functionCounter().count()).isPositive();
        assertThat(meters.find("sensorproof.store.careful").functionCounter()).isNotNull();
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
        await().atMost(Duration.ofSeconds(10)).until(() -> !stored(d).isEmpty());
        assertThat(store.store(List.of(m)).results().get(0).status()).isEqualTo(StoredOutcome.Status.DUPLICATE);
        assertThat(readingCount(d)).isEqualTo(1);
    }

    @Test
    void twoReplicasStoringConflictingReadingsOfOneDeviceAtOnceLetExactlyOneWin() throws Exception {
        for (int round = 0; round < 5; round++) {
            SigningDevice d = newDevice();
            // each fits an empty store; together the register would go down (3000 at -60 s, 2000 at -30 s)
            AcceptedMessage later = d.accepted(1, 1, NOW, register(2_000, 30));
            AcceptedMessage earlierButHigher = d.accepted(2, 1, NOW, register(3_000, 60));
            // and the same reading time under two keys
            AcceptedMessage sameTimeA = d.accepted(1, 2, NOW, temperature(4.0, 10));
            AcceptedMessage sameTimeB = d.accepted(2, 2, NOW, temperature(5.0, 10));

            List<StoredOutcome.Status> registers = atOnce(d, later, earlierButHigher);
            List<StoredOutcome.Status> times = unlocked(sameTimeA, sameTimeB);

            assertThat(registers).as("round %d", round)
                    .containsExactlyInAnyOrder(StoredOutcome.Status.INSERTED, StoredOutcome.Status.REGISTER_DECREASED);
            assertThat(times).as("round %d", round)
                    .containsExactlyInAnyOrder(StoredOutcome.Status.INSERTED, StoredOutcome.Status.DUPLICATE_READING_TIME);
            assertThat(readingCount(d)).isEqualTo(2);
        }
    }

    /**
     * Holds the device's lock from a third connection until both stores wait for it, then releases
     * it, so that the two transactions start together; returns their statuses.
     */
    private List<StoredOutcome.Status> atOnce(SigningDevice d, AcceptedMessage a, AcceptedMessage b) throws Exception {
        PgMessageStore replicaA = new PgMessageStore(pool, Duration.ofSeconds(30), PgMessageStore.InsertShape.UNNEST);
        PgMessageStore replicaB = new PgMessageStore(pool, Duration.ofSeconds(30), PgMessageStore.InsertShape.UNNEST);
        try (Connection gate = dataSource.getConnection()) {
            gate.setAutoCommit(false);
            try (PreparedStatement s = gate.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
                s.setInt(1, PgMessageStore.DEVICE_LOCK_CLASS);
                s.setInt(2, PgMessageStore.deviceLockKey(d.id));
                s.execute();
            }
            CompletableFuture<StoredOutcome> first = CompletableFuture.supplyAsync(() -> replicaA.store(List.of(a)));
            CompletableFuture<StoredOutcome> second = CompletableFuture.supplyAsync(() -> replicaB.store(List.of(b)));
            await().atMost(Duration.ofSeconds(20)).until(this::waitingForDeviceLocks, n -> n == 2);
            gate.commit();
            return List.of(first.get(30, TimeUnit.SECONDS).results().get(0).status(),
                    second.get(30, TimeUnit.SECONDS).results().get(0).status());
        }
    }

    /**
     * Starts two stores at once on messages without register readings, which take the fast path
     * (no device lock: the unique index and the fallback decide); returns their statuses.
     */
    private List<StoredOutcome.Status> unlocked(AcceptedMessage a, AcceptedMessage b) throws Exception {
        PgMessageStore replicaA = new PgMessageStore(pool, Duration.ofSeconds(30), PgMessageStore.InsertShape.UNNEST);
        PgMessageStore replicaB = new PgMessageStore(pool, Duration.ofSeconds(30), PgMessageStore.InsertShape.UNNEST);
        CountDownLatch start = new CountDownLatch(1);
        CompletableFuture<StoredOutcome> first = CompletableFuture.supplyAsync(() -> afterLatch(start, replicaA, a));
        CompletableFuture<StoredOutcome> second = CompletableFuture.supplyAsync(() -> afterLatch(start, replicaB, b));
        start.countDown();
        List<StoredOutcome.Status> statuses = List.of(first.get(30, TimeUnit.SECONDS).results().get(0).status(),
                second.get(30, TimeUnit.SECONDS).results().get(0).status());
        assertThat(replicaA.fallbackBatches() + replicaB.fallbackBatches())
                .as("the loser met the winner's reading time on the index and fell back").isEqualTo(1);
        return statuses;
    }

    private static StoredOutcome afterLatch(CountDownLatch start, PgMessageStore store, AcceptedMessage m) {
        try {
            start.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return store.store(List.of(m));
    }

    private long waitingForDeviceLocks() throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = ?::bigint::oid")) {
            s.setLong(1, PgMessageStore.DEVICE_LOCK_CLASS);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void readingCommittedByAWriterWithoutTheLockIsFoundByTheIndexAndTheRetry() throws Exception {
        SigningDevice d = newDevice();
        AcceptedMessage theirs = d.accepted(1, 1, NOW, temperature(4.0, 60));
        AcceptedMessage ours = d.accepted(1, 2, NOW, temperature(5.0, 60));
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            insertUncommitted(c, theirs);
            insertReadingsUncommitted(c, theirs);
            CompletableFuture<StoredOutcome> outcome = CompletableFuture.supplyAsync(() -> store.store(List.of(ours)));
            // our insert waits on the unique index entry of the uncommitted reading
            await().atMost(Duration.ofSeconds(20)).until(this::transactionsWaitingForALock, n -> n >= 1);
            c.commit();

            StoredOutcome result = outcome.get(30, TimeUnit.SECONDS);
            assertThat(result.results().get(0).status()).isEqualTo(StoredOutcome.Status.DUPLICATE_READING_TIME);
            assertThat(result.results().get(0).refusal()).hasValueSatisfying(detail -> assertThat(detail).contains("(boot 1, seq 1)"));
        }
        assertThat(stored(d)).containsOnlyKeys(theirs.key());
        assertThat(readingCount(d)).isEqualTo(1);
    }

    private long transactionsWaitingForALock() throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM pg_locks WHERE NOT granted"); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void migrationV8RefusesADatabaseThatAlreadyHoldsRepeatedReadingTimes() throws Exception {
        SigningDevice d = newDevice();
        AcceptedMessage a = d.accepted(1, 1, NOW, temperature(4.0, 60));
        AcceptedMessage b = d.accepted(1, 2, NOW, temperature(5.0, 60));
        String v8;
        try (var in = getClass().getClassLoader().getResourceAsStream("db/migration/V8__one_reading_per_device_quantity_time.sql")) {
            v8 = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                // the state before V8 (in this transaction only): the non-unique index, two readings at one time
                s.execute("DROP INDEX readings_device_quantity_time_key");
                s.execute("CREATE INDEX readings_device_quantity_time ON readings (device_id, quantity, reading_time)");
                insertUncommitted(c, a);
                insertReadingsUncommitted(c, a);
                insertUncommitted(c, b);
                insertReadingsUncommitted(c, b);

                assertThatThrownBy(() -> s.execute(v8)).isInstanceOf(SQLException.class)
                        .hasMessageContaining("V8: 1 (device, quantity, reading time) triples hold more than one reading");
            } finally {
                c.rollback();
            }
        }
        assertThat(count("SELECT count(*) FROM pg_indexes WHERE indexname = 'readings_device_quantity_time_key'"
                + " AND indexdef LIKE 'CREATE UNIQUE INDEX%'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM pg_indexes WHERE indexname = 'readings_device_quantity_time'")).isZero();
    }

    private long count(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void insertReadingsUncommitted(Connection c, AcceptedMessage m) throws Exception {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO readings (device_id, boot, seq, record_index, quantity, value,"
                + " reading_time, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, now())")) {
            for (AcceptedReading r : m.readings()) {
                s.setString(1, m.deviceId());
                s.setLong(2, m.boot());
                s.setLong(3, m.seq());
                s.setShort(4, (short) r.recordIndex());
                s.setShort(5, (short) r.quantity().code());
                s.setLong(6, r.fixedValue());
                s.setObject(7, utc(r.time()));
                s.executeUpdate();
            }
        }
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
