package io.sensorproof.gateway.persistence;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.sensorproof.gateway.core.AcceptedMessage;
import io.sensorproof.gateway.core.AcceptedReading;
import io.sensorproof.gateway.core.BatchDecision;
import io.sensorproof.gateway.core.ContentDigest;
import io.sensorproof.gateway.core.MessageKey;
import io.sensorproof.gateway.core.MessageStore;
import io.sensorproof.gateway.core.StoredOutcome;
import io.sensorproof.gateway.core.StoredReadings;
import io.sensorproof.protocol.senml.Quantity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@link MessageStore} on PostgreSQL ({@code messages} and {@code readings}), with exactly the
 * semantics of {@code InMemoryMessageStore}: a batch is one transaction, keys are insert-if-absent
 * in batch order, a key repeated in the batch is compared with its earlier occurrence, a message
 * with a free key is refused when a reading breaks a rule of {@link StoredReadings} (a reading time
 * already stored, an emissions register going down), and {@link #store(List)} returns only after
 * COMMIT succeeded (any failure throws). The decisions themselves are {@link BatchDecision}'s, shared
 * with the in-memory store.
 *
 * <p>It runs on the reactive Vert.x pool that Hibernate Reactive also uses, but with plain SQL
 * rather than entity sessions: the hot path needs a set-based insert with
 * {@code ON CONFLICT DO NOTHING RETURNING} (no entity API has it), one statement for a whole batch
 * of messages and their readings instead of one INSERT per entity, and no persistence context,
 * dirty checking or entity instances for rows that are written once and never read back here.
 *
 * <p>Two paths, each one READ COMMITTED transaction (ADR 018):
 * <ul>
 *   <li><b>Fast path</b>, for a batch without a {@code co2e-register} reading (temperature and
 *       humidity, the common case): no lock and no read, only {@link #INSERT_UNNEST} of the first
 *       occurrence of each key. Without registers the only reading rule is the time rule, and the
 *       unique index {@code readings_device_quantity_time_key} (V8) decides it for every writer at
 *       once: an insert that succeeds stored no reading at a taken time. If a key was taken (the
 *       {@code ON CONFLICT} skipped it and its readings), one more statement, {@link #SELECT_DIGESTS}
 *       for those keys, lets {@link BatchDecision} classify it as a duplicate or a conflict (keys
 *       decide before readings). The decision, made over those digests and no stored readings, must
 *       admit exactly the inserted messages; it is the result. A unique violation on the readings
 *       index (a time stored by another message, or shared by two messages of the batch), a
 *       deadlock (two writers inserting the same times in another order) or a disagreement with the
 *       decision rolls the transaction back, counts a fallback and decides the batch on the careful
 *       path. The fallback runs in a new transaction rather than after a {@code ROLLBACK TO
 *       SAVEPOINT}: the same number of round trips when it happens, none added to the fast path, and
 *       no subtransaction on every batch;</li>
 *   <li><b>Careful path</b>, for a batch with a register reading and for the fallback, three
 *       statements:
 *       <ol>
 *         <li>{@link #LOCK_DEVICES}: a transaction-scoped advisory lock per device of the batch
 *             ({@code pg_advisory_xact_lock(class, key)}, key = the first four bytes of SHA-256 of
 *             the device id), taken in ascending key order, so two careful writers of overlapping
 *             devices always lock in the same order and cannot deadlock; equal keys of two devices
 *             only serialise them. Register readings are written only under this lock, so the
 *             register rule's check and insert are one critical section per device across all
 *             replicas;</li>
 *         <li>{@link #SELECT_STATE}: the digests stored under the batch's keys, the stored readings
 *             at the batch's (device, quantity, time) triples and, for each register reading, the
 *             device's stored register readings nearest before and after it. It is a statement of
 *             its own on purpose: under READ COMMITTED it takes its snapshot after the locks were
 *             granted, so it sees everything a previous holder committed;</li>
 *         <li>{@link #INSERT_UNNEST}: the messages {@link BatchDecision} admitted, in key order.</li>
 *       </ol></li>
 * </ul>
 * Fast-path writers take no lock, so a careful writer can meet their rows: a reading time the
 * unique index refuses, or a key that {@link #INSERT_UNNEST} finds taken although
 * {@link #SELECT_STATE} saw it free (the same holds for a manual insert or an older gateway). Either
 * way the careful transaction runs again (at most {@value #ATTEMPTS} times), and the next attempt
 * sees the other writer's rows and decides against them. The meters {@code sensorproof.store.fast},
 * {@code .fallback} and {@code .careful} count the batches of each path.
 *
 * <p>Measured with {@code MessageStoreThroughput} (fsync on, 10 temperature readings per message,
 * so every batch takes the fast path; ADR 018 has the table), two alternating runs of the code
 * before and after the fast path on a loaded shared 2-core machine: with 4 writers 4,600 and 8,500
 * against 2,720 and 1,420 messages/s (batch 100) and 4,710 and 3,533 against 1,638 and 1,178
 * (batch 256); with one writer 3,482 and 2,611 against 2,099 and 2,611 (batch 256), and batch 100
 * within the noise (3,060 and 540 against 2,300 and 2,100).
 */
@ApplicationScoped
public class PgMessageStore implements MessageStore {

    /**
     * How the batch reaches the server. {@link #UNNEST} is the production shape: measured with
     * {@code MessageStoreThroughput} (fsync on, 10 readings per message, one worker) it stores
     * 1.9x (batch of 1) to 2.1x (batch of 100) as many messages per second as
     * {@link #EXECUTE_BATCH}, which is kept only as the benchmark's and the contract test's
     * baseline.
     */
    enum InsertShape {
        /** One statement with array parameters for messages and readings. */
        UNNEST,
        /** {@code executeBatch}: one pipelined INSERT per message, then one per reading. */
        EXECUTE_BATCH
    }

    static final String INSERT_UNNEST = """
            WITH m AS (
                INSERT INTO messages (device_id, boot, seq, content_digest, raw, topic, received_at, device_time,
                                      skew_ms, record_count)
                SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bytea[], $5::bytea[], $6::text[],
                                     $7::timestamptz[], $8::timestamptz[], $9::bigint[], $10::int[])
                ON CONFLICT (device_id, boot, seq) DO NOTHING
                RETURNING device_id, boot, seq
            ), r AS (
                INSERT INTO readings (device_id, boot, seq, record_index, quantity, value, reading_time, received_at, late)
                SELECT r.device_id, r.boot, r.seq, r.record_index, r.quantity, r.value, r.reading_time, r.received_at, r.late
                FROM unnest($11::text[], $12::bigint[], $13::bigint[], $14::smallint[], $15::smallint[], $16::bigint[],
                            $17::timestamptz[], $18::timestamptz[], $19::boolean[])
                     AS r (device_id, boot, seq, record_index, quantity, value, reading_time, received_at, late)
                JOIN m ON m.device_id = r.device_id AND m.boot = r.boot AND m.seq = r.seq
            )
            SELECT device_id, boot, seq FROM m""";

    static final String INSERT_MESSAGE = """
            INSERT INTO messages (device_id, boot, seq, content_digest, raw, topic, received_at, device_time, skew_ms,
                                  record_count)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (device_id, boot, seq) DO NOTHING
            RETURNING device_id, boot, seq""";

    static final String INSERT_READING = """
            INSERT INTO readings (device_id, boot, seq, record_index, quantity, value, reading_time, received_at, late)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""";

    /** Advisory lock class of the per-device reading locks (the two-key form has its own key space). */
    static final int DEVICE_LOCK_CLASS = 0x5350_5244;

    /** How many times a transaction runs when a writer without the device lock got in between. */
    static final int ATTEMPTS = 3;

    static final String LOCK_DEVICES = """
            SELECT pg_advisory_xact_lock($1, t.k) FROM unnest($2::int[]) WITH ORDINALITY AS t (k, n) ORDER BY t.n""";

    /**
     * kind 0: a stored message under a batch key (device, boot, seq, digest); kind 1: a stored
     * reading at a batch (device, quantity, time); kinds 2 and 3: the stored register reading
     * nearest before and after a batch register reading (device, boot, seq, quantity, time, value).
     */
    static final String SELECT_STATE = """
            SELECT 0 AS kind, m.device_id, m.boot, m.seq, m.content_digest,
                   NULL::smallint AS quantity, NULL::timestamptz AS reading_time, NULL::bigint AS value
            FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS k (device_id, boot, seq)
            JOIN messages m ON m.device_id = k.device_id AND m.boot = k.boot AND m.seq = k.seq
            UNION ALL
            SELECT 1, r.device_id, r.boot, r.seq, NULL, r.quantity, r.reading_time, r.value
            FROM unnest($4::text[], $5::smallint[], $6::timestamptz[]) AS c (device_id, quantity, reading_time)
            JOIN readings r ON r.device_id = c.device_id AND r.quantity = c.quantity AND r.reading_time = c.reading_time
            UNION ALL
            SELECT 2, p.device_id, p.boot, p.seq, NULL, p.quantity, p.reading_time, p.value
            FROM unnest($7::text[], $8::timestamptz[]) AS c (device_id, reading_time)
            CROSS JOIN LATERAL (SELECT * FROM readings r
                                WHERE r.device_id = c.device_id AND r.quantity = $9 AND r.reading_time < c.reading_time
                                ORDER BY r.reading_time DESC LIMIT 1) p
            UNION ALL
            SELECT 3, f.device_id, f.boot, f.seq, NULL, f.quantity, f.reading_time, f.value
            FROM unnest($7::text[], $8::timestamptz[]) AS c (device_id, reading_time)
            CROSS JOIN LATERAL (SELECT * FROM readings r
                                WHERE r.device_id = c.device_id AND r.quantity = $9 AND r.reading_time > c.reading_time
                                ORDER BY r.reading_time ASC LIMIT 1) f""";

    static final String SELECT_DIGESTS = """
            SELECT m.device_id, m.boot, m.seq, m.content_digest
            FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS k (device_id, boot, seq)
            JOIN messages m ON m.device_id = k.device_id AND m.boot = k.boot AND m.seq = k.seq""";

    /**
     * Messages in key order (device, boot, seq), read from the message's fields: comparing {@code AcceptedMessage::key}
     * built and validated a new {@link MessageKey} twice at every comparison (issue 18).
     */
    private static final Comparator<AcceptedMessage> KEY_ORDER = Comparator.comparing(AcceptedMessage::deviceId)
            .thenComparingLong(AcceptedMessage::boot).thenComparingLong(AcceptedMessage::seq);

    private final Pool pool;
    private final Duration timeout;
    private final InsertShape shape;
    private final LongAdder fastBatches = new LongAdder();
    private final LongAdder fallbackBatches = new LongAdder();
    private final LongAdder carefulBatches = new LongAdder();

    @Inject
    PgMessageStore(Pool pool, PersistenceSettings settings, MeterRegistry meters) {
        this(pool, settings.storeTimeout(), InsertShape.UNNEST);
        FunctionCounter.builder("sensorproof.store.fast", fastBatches, LongAdder::doubleValue)
                .description("Batches stored by the fast path (no register reading: insert only, the unique index decides)")
                .register(meters);
        FunctionCounter.builder("sensorproof.store.fallback", fallbackBatches, LongAdder::doubleValue)
                .description("Batches whose fast path failed on a taken reading time (or a deadlock) and were decided again under device locks")
                .register(meters);
        FunctionCounter.builder("sensorproof.store.careful", carefulBatches, LongAdder::doubleValue)
                .description("Batches with a register reading, decided under device locks from the start")
                .register(meters);
    }

    PgMessageStore(Pool pool, Duration timeout, InsertShape shape) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.shape = Objects.requireNonNull(shape, "shape");
    }

    @Override
    public StoredOutcome store(List<AcceptedMessage> batch) {
        Objects.requireNonNull(batch, "batch");
        if (batch.isEmpty()) {
            return new StoredOutcome(List.of());
        }
        List<AcceptedMessage> messages = List.copyOf(batch);
        Uni<BatchDecision> transaction;
        if (holdsRegisterReading(messages)) {
            carefulBatches.increment();
            transaction = careful(messages);
        } else {
            transaction = fast(messages).invoke(ignored -> fastBatches.increment())
                    .onFailure(PgMessageStore::fastPathCannotDecide).recoverWithUni(failure -> {
                        fallbackBatches.increment();
                        return careful(messages);
                    });
        }
        BatchDecision decided = Blocking.await(transaction, timeout, "store " + batch.size() + " messages");
        return new StoredOutcome(decided.results());
    }

    private static boolean holdsRegisterReading(List<AcceptedMessage> messages) {
        for (AcceptedMessage m : messages) {
            for (AcceptedReading r : m.readings()) {
                if (r.quantity() == Quantity.CO2E_REGISTER) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The fast path: one transaction that only inserts (the first occurrence of each key of the
     * batch), then, only if a key was taken, reads the digests stored under the taken keys. Without
     * register readings the only reading rule is the time rule, which the unique index decides: an
     * insert that succeeds stored no reading at a taken time, so {@link BatchDecision} over the
     * stored digests and no stored readings must admit exactly the inserted messages; if it does
     * not, or the insert fails on the readings index, the transaction rolls back and the caller
     * falls back to the careful path.
     */
    private Uni<BatchDecision> fast(List<AcceptedMessage> messages) {
        Map<MessageKey, AcceptedMessage> firsts = new LinkedHashMap<>();
        for (AcceptedMessage m : messages) {
            firsts.putIfAbsent(m.key(), m);
        }
        List<AcceptedMessage> toInsert = new ArrayList<>(firsts.values());
        toInsert.sort(KEY_ORDER);
        return pool.withTransaction(conn -> insert(conn, toInsert).chain(inserted -> {
            List<MessageKey> taken = firsts.keySet().stream().filter(k -> !inserted.contains(k)).toList();
            Uni<Map<MessageKey, ContentDigest>> digests = taken.isEmpty()
                    ? Uni.createFrom().item(Map.of()) : selectDigests(conn, taken);
            return digests.map(stored -> {
                BatchDecision decision = BatchDecision.decide(messages, stored, new StoredReadings());
                Set<MessageKey> admitted = new HashSet<>();
                decision.inserts().forEach(m -> admitted.add(m.key()));
                if (!admitted.equals(inserted)) {
                    throw new FastPathDisagrees("the insert stored " + inserted.size() + " messages, the decision over the "
                            + stored.size() + " digests read after it admits " + admitted.size());
                }
                return decision;
            });
        }));
    }

    /** The careful path: device locks, a read of the stored state, the decision, the insert. */
    private Uni<BatchDecision> careful(List<AcceptedMessage> messages) {
        Integer[] lockKeys = messages.stream().map(AcceptedMessage::deviceId).distinct().map(PgMessageStore::deviceLockKey)
                .distinct().sorted().toArray(Integer[]::new);
        return pool.withTransaction(conn -> conn.preparedQuery(LOCK_DEVICES)
                        .execute(Tuple.of(DEVICE_LOCK_CLASS, lockKeys))
                        .chain(() -> selectState(conn, messages))
                        .chain(state -> {
                            BatchDecision decision = BatchDecision.decide(messages, state.digests(), state.readings());
                            List<AcceptedMessage> toInsert = new ArrayList<>(decision.inserts());
                            if (toInsert.isEmpty()) {
                                return Uni.createFrom().item(decision);
                            }
                            toInsert.sort(KEY_ORDER);
                            return insert(conn, toInsert).map(inserted -> {
                                if (inserted.size() != toInsert.size()) {
                                    throw new WriterWithoutLock("of " + toInsert.size() + " keys seen free, " + inserted.size()
                                            + " were inserted: another transaction took one without the device lock");
                                }
                                return decision;
                            });
                        }))
                .onFailure(PgMessageStore::anotherWriterGotIn).retry().atMost(ATTEMPTS - 1);
    }

    /**
     * Batches stored by the fast path, by the fast path's fallback to the careful path, and by the
     * careful path directly (they hold a register reading), since this store was created.
     */
    long fastBatches() {
        return fastBatches.sum();
    }

    long fallbackBatches() {
        return fallbackBatches.sum();
    }

    long carefulBatches() {
        return carefulBatches.sum();
    }

    /** The fast path's insert and the shared decision did not agree (a stored row vanished in between). */
    private static final class FastPathDisagrees extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        FastPathDisagrees(String message) {
            super(message);
        }
    }

    /**
     * Whether a failure of the fast path's transaction means "decide this batch carefully": a
     * reading time taken (the readings index, also for two messages of the batch sharing a time),
     * a deadlock between two writers inserting the same reading times in another order (the
     * careful path's device locks order them), or a disagreement with the decision.
     */
    private static boolean fastPathCannotDecide(Throwable failure) {
        return failure instanceof FastPathDisagrees || failure instanceof PgException pg
                && ("23505".equals(pg.getSqlState()) && READINGS_UNIQUE_INDEX.equals(pg.getConstraint())
                        || "40P01".equals(pg.getSqlState()));
    }

    /** A key or reading time taken by a transaction that did not hold the device lock. */
    private static final class WriterWithoutLock extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        WriterWithoutLock(String message) {
            super(message);
        }
    }

    private static boolean anotherWriterGotIn(Throwable failure) {
        return failure instanceof WriterWithoutLock || failure instanceof PgException pg && "23505".equals(pg.getSqlState())
                && READINGS_UNIQUE_INDEX.equals(pg.getConstraint());
    }

    /** The unique index on readings (device_id, quantity, reading_time), migration V8. */
    static final String READINGS_UNIQUE_INDEX = "readings_device_quantity_time_key";

    /** The advisory lock key of a device: the first four bytes of SHA-256 of its UTF-8 id, big-endian. */
    static int deviceLockKey(String deviceId) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(deviceId.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(h, 0, 4).getInt();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** What the transaction read under its locks. */
    private record State(Map<MessageKey, ContentDigest> digests, StoredReadings readings) {
    }

    private static Uni<State> selectState(SqlConnection conn, List<AcceptedMessage> messages) {
        Set<MessageKey> keys = new LinkedHashSet<>();
        Set<ReadingAt> exact = new LinkedHashSet<>();
        Set<ReadingAt> registers = new LinkedHashSet<>();
        for (AcceptedMessage m : messages) {
            keys.add(m.key());
            for (AcceptedReading r : m.readings()) {
                ReadingAt at = new ReadingAt(m.deviceId(), r.quantity(), r.time());
                exact.add(at);
                if (r.quantity() == Quantity.CO2E_REGISTER) {
                    registers.add(at);
                }
            }
        }
        String[] kDevices = keys.stream().map(MessageKey::deviceId).toArray(String[]::new);
        Long[] kBoots = keys.stream().map(MessageKey::boot).toArray(Long[]::new);
        Long[] kSeqs = keys.stream().map(MessageKey::seq).toArray(Long[]::new);
        String[] eDevices = exact.stream().map(ReadingAt::deviceId).toArray(String[]::new);
        Short[] eQuantities = exact.stream().map(a -> (short) a.quantity().code()).toArray(Short[]::new);
        OffsetDateTime[] eTimes = exact.stream().map(a -> utc(a.time())).toArray(OffsetDateTime[]::new);
        String[] rDevices = registers.stream().map(ReadingAt::deviceId).toArray(String[]::new);
        OffsetDateTime[] rTimes = registers.stream().map(a -> utc(a.time())).toArray(OffsetDateTime[]::new);
        Tuple params = Tuple.tuple().addValue(kDevices).addValue(kBoots).addValue(kSeqs)
                .addValue(eDevices).addValue(eQuantities).addValue(eTimes)
                .addValue(rDevices).addValue(rTimes).addValue((short) Quantity.CO2E_REGISTER.code());
        return conn.preparedQuery(SELECT_STATE).execute(params).map(rows -> {
            Map<MessageKey, ContentDigest> digests = new HashMap<>();
            StoredReadings readings = new StoredReadings();
            for (Row row : rows) {
                MessageKey key = new MessageKey(row.getString(1), row.getLong(2), row.getLong(3));
                if (row.getInteger(0) == 0) {
                    digests.put(key, ContentDigest.of(row.getBuffer(4).getBytes()));
                    continue;
                }
                Quantity quantity = Quantity.byCode(row.getInteger(5));
                if (quantity == null) {
                    throw new IllegalStateException("stored reading of " + key + " has unknown quantity code " + row.getInteger(5));
                }
                readings.add(key.deviceId(), quantity, row.getOffsetDateTime(6).toInstant().toEpochMilli(), row.getLong(7), key);
            }
            return new State(digests, readings);
        });
    }

    /** A (device, quantity, reading time) of the batch. */
    private record ReadingAt(String deviceId, Quantity quantity, Instant time) {
    }

    @Override
    public Map<MessageKey, ContentDigest> storedDigests(Collection<MessageKey> keys) {
        Objects.requireNonNull(keys, "keys");
        if (keys.isEmpty()) {
            return Map.of();
        }
        List<MessageKey> distinct = List.copyOf(new HashSet<>(keys));
        Uni<Map<MessageKey, ContentDigest>> query = pool.withConnection(conn -> selectDigests(conn, distinct));
        return Blocking.await(query, timeout, "look up " + distinct.size() + " stored digests");
    }

    private Uni<Set<MessageKey>> insert(SqlConnection conn, List<AcceptedMessage> messages) {
        return switch (shape) {
            case UNNEST -> insertUnnest(conn, messages);
            case EXECUTE_BATCH -> insertBatch(conn, messages);
        };
    }

    private static Uni<Set<MessageKey>> insertUnnest(SqlConnection conn, List<AcceptedMessage> messages) {
        int n = messages.size();
        String[] devices = new String[n];
        Long[] boots = new Long[n];
        Long[] seqs = new Long[n];
        Buffer[] digests = new Buffer[n];
        Buffer[] raws = new Buffer[n];
        String[] topics = new String[n];
        OffsetDateTime[] received = new OffsetDateTime[n];
        OffsetDateTime[] deviceTimes = new OffsetDateTime[n];
        Long[] skews = new Long[n];
        Integer[] counts = new Integer[n];
        int readingCount = 0;
        for (int i = 0; i < n; i++) {
            AcceptedMessage m = messages.get(i);
            devices[i] = m.deviceId();
            boots[i] = m.boot();
            seqs[i] = m.seq();
            digests[i] = Buffer.buffer(m.contentDigest().bytes());
            raws[i] = Buffer.buffer(m.raw());
            topics[i] = m.topic();
            received[i] = utc(m.receivedAt());
            deviceTimes[i] = utc(m.deviceTime());
            skews[i] = m.clockSkew().toMillis();
            counts[i] = m.readings().size();
            readingCount += m.readings().size();
        }
        String[] rDevices = new String[readingCount];
        Long[] rBoots = new Long[readingCount];
        Long[] rSeqs = new Long[readingCount];
        Short[] rIndexes = new Short[readingCount];
        Short[] rQuantities = new Short[readingCount];
        Long[] rValues = new Long[readingCount];
        OffsetDateTime[] rTimes = new OffsetDateTime[readingCount];
        OffsetDateTime[] rReceived = new OffsetDateTime[readingCount];
        Boolean[] rLate = new Boolean[readingCount];
        int j = 0;
        for (int i = 0; i < n; i++) {
            AcceptedMessage m = messages.get(i);
            for (AcceptedReading r : m.readings()) {
                rDevices[j] = m.deviceId();
                rBoots[j] = m.boot();
                rSeqs[j] = m.seq();
                rIndexes[j] = (short) r.recordIndex();
                rQuantities[j] = (short) r.quantity().code();
                rValues[j] = r.fixedValue();
                rTimes[j] = utc(r.time());
                rReceived[j] = received[i];
                rLate[j] = r.late();
                j++;
            }
        }
        Tuple params = Tuple.tuple()
                .addValue(devices).addValue(boots).addValue(seqs).addValue(digests).addValue(raws).addValue(topics)
                .addValue(received).addValue(deviceTimes).addValue(skews).addValue(counts)
                .addValue(rDevices).addValue(rBoots).addValue(rSeqs).addValue(rIndexes).addValue(rQuantities)
                .addValue(rValues).addValue(rTimes).addValue(rReceived).addValue(rLate);
        return conn.preparedQuery(INSERT_UNNEST).execute(params).map(rows -> {
            Set<MessageKey> inserted = new HashSet<>();
            for (Row row : rows) {
                inserted.add(key(row));
            }
            return inserted;
        });
    }

    private static Uni<Set<MessageKey>> insertBatch(SqlConnection conn, List<AcceptedMessage> messages) {
        List<Tuple> tuples = new ArrayList<>(messages.size());
        for (AcceptedMessage m : messages) {
            tuples.add(Tuple.tuple().addValue(m.deviceId()).addValue(m.boot()).addValue(m.seq())
                    .addValue(Buffer.buffer(m.contentDigest().bytes())).addValue(Buffer.buffer(m.raw())).addValue(m.topic())
                    .addValue(utc(m.receivedAt())).addValue(utc(m.deviceTime())).addValue(m.clockSkew().toMillis())
                    .addValue(m.readings().size()));
        }
        return conn.preparedQuery(INSERT_MESSAGE).executeBatch(tuples).flatMap(first -> {
            Set<MessageKey> inserted = new HashSet<>();
            for (RowSet<Row> rows = first; rows != null; rows = rows.next()) {
                for (Row row : rows) {
                    inserted.add(key(row));
                }
            }
            List<Tuple> readings = new ArrayList<>();
            for (AcceptedMessage m : messages) {
                if (!inserted.contains(m.key())) {
                    continue;
                }
                OffsetDateTime received = utc(m.receivedAt());
                for (AcceptedReading r : m.readings()) {
                    readings.add(Tuple.tuple().addValue(m.deviceId()).addValue(m.boot()).addValue(m.seq())
                            .addValue((short) r.recordIndex()).addValue((short) r.quantity().code()).addValue(r.fixedValue())
                            .addValue(utc(r.time())).addValue(received).addValue(r.late()));
                }
            }
            if (readings.isEmpty()) {
                return Uni.createFrom().item(inserted);
            }
            return conn.preparedQuery(INSERT_READING).executeBatch(readings).replaceWith(inserted);
        });
    }

    private static Uni<Map<MessageKey, ContentDigest>> selectDigests(SqlConnection conn, List<MessageKey> keys) {
        int n = keys.size();
        String[] devices = new String[n];
        Long[] boots = new Long[n];
        Long[] seqs = new Long[n];
        for (int i = 0; i < n; i++) {
            MessageKey k = keys.get(i);
            devices[i] = k.deviceId();
            boots[i] = k.boot();
            seqs[i] = k.seq();
        }
        return conn.preparedQuery(SELECT_DIGESTS).execute(Tuple.of(devices, boots, seqs)).map(rows -> {
            Map<MessageKey, ContentDigest> found = new HashMap<>();
            for (Row row : rows) {
                found.put(key(row), ContentDigest.of(row.getBuffer(3).getBytes()));
            }
            return found;
        });
    }

    private static MessageKey key(Row row) {
        return new MessageKey(row.getString(0), row.getLong(1), row.getLong(2));
    }

    /**
     * The instant as a UTC timestamp for the client. Not {@code OffsetDateTime.ofInstant}, whose {@code ZoneOffset.getRules()}
     * builds a new {@code ZoneRules} on every call in Java 17: two per message and one per reading, the event loop's largest allocation
     * in the CoAP pack-10 profile (issue 18).
     */
    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.of(LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC), ZoneOffset.UTC);
    }
}
