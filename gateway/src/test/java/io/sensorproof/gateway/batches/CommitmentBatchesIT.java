package io.sensorproof.gateway.batches;

import static io.sensorproof.gateway.security.TenancyWorld.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.core.InboundMessage;
import io.sensorproof.gateway.core.IngestPipeline;
import io.sensorproof.gateway.ingest.IngestService;
import io.sensorproof.gateway.security.OperatorKey;
import io.sensorproof.gateway.security.TenancyTestSupport;
import io.sensorproof.oracle.batches.AnchorReceipt;
import io.sensorproof.oracle.batches.BatchPolicy;
import io.sensorproof.oracle.batches.CommitmentBatcher;
import io.sensorproof.oracle.batches.InMemoryBatchAnchoring;
import io.sensorproof.oracle.batches.SealedBatch;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.encoding.LeafEncoding;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import io.sensorproof.zk.merkle.BatchTree;
import io.sensorproof.zk.merkle.InclusionProof;
import io.sensorproof.zk.poseidon.Poseidon;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Commitment batches on the real PostgreSQL with readings ingested through the pipeline: sealed into
 * batches whose roots the REST inclusion proofs recompute to, nothing half-written when the sealing
 * transaction's connection dies before its commit, a reading refused in a second batch by the
 * database, and the proofs hidden from other tenants' keys.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class CommitmentBatchesIT extends TenancyTestSupport {
    private static final AtomicInteger DEVICES = new AtomicInteger();

    @Inject
    IngestService ingest;
    @Inject
    CommitmentBatchRuntime runtime;

    CommitmentBatchesIT() {
        super("cb-");
    }

    /** A batcher on the application's ledger whose clock is past every window, so whatever is pending is due. */
    private CommitmentBatcher batcher(InMemoryBatchAnchoring anchoring) {
        return new CommitmentBatcher(runtime.ledger(), new BatchPolicy(4096, Duration.ofMinutes(1)), anchoring,
                Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2)));
    }

    @Test
    void ingestedReadingsAreSealedAndEachProofRecomputesToItsBatchRoot() throws Exception {
        String device = device();
        ingestMessages(device, 5, 3);
        JsonPath pending = proof(OperatorKey.bootstrap(), device, 1, 2, 1);
        assertThat(pending.getString("state")).isEqualTo("PENDING");
        assertThat(pending.getList("siblings")).isEmpty();

        InMemoryBatchAnchoring anchoring = new InMemoryBatchAnchoring();
        CommitmentBatcher batcher = batcher(anchoring);
        await("every reading of " + device + " sealed").atMost(Duration.ofSeconds(180)).until(() -> {
            batcher.sealDue();
            return count("SELECT count(*) FROM batch_members WHERE device_id = '" + device + "'") == 15;
        });
        assertThat(count("SELECT count(*) FROM readings r WHERE device_id = '" + device + "' AND NOT EXISTS"
                + " (SELECT 1 FROM batch_members m WHERE (m.device_id, m.boot, m.seq, m.record_index)"
                + " = (r.device_id, r.boot, r.seq, r.record_index))")).isZero();

        for (int seq = 0; seq < 5; seq++) {
            for (int index = 0; index < 3; index++) {
                JsonPath p = proof(world.victimFactoryKey, device, 1, seq, index);
                assertThat(p.getString("state")).isEqualTo("SEALED");
                List<BigInteger> inputs = p.getList("leafInputs", String.class).stream().map(CommitmentBatchesIT::field).toList();
                assertThat(inputs.get(1)).isEqualTo(Identifiers.deviceField(device));
                assertThat(inputs.get(2)).isEqualTo(BigInteger.valueOf((1L << 32) + seq));
                BigInteger leaf = Poseidon.hash(inputs);
                assertThat(field(p.getString("leaf"))).isEqualTo(leaf);
                InclusionProof path = new InclusionProof(p.getInt("leafIndex"),
                        p.getList("siblings", String.class).stream().map(CommitmentBatchesIT::field).toList());
                BigInteger root = field(p.getString("root"));
                assertThat(path.rootOf(leaf)).isEqualTo(root);
                assertThat(root).isEqualTo(storedRoot(p.getLong("batch.id")));
                assertThat(p.getString("anchor")).isNull();
            }
        }

        // the root is the batch tree over the batch's readings as stored, in protocol §7.5 order
        long batchId = proof(OperatorKey.bootstrap(), device, 1, 0, 0).getLong("batch.id");
        assertThat(BatchTree.of(leavesFromReadings(batchId)).root()).isEqualTo(storedRoot(batchId));

        // anchoring: every sealed batch handed over once; the receipt shows up in the proof
        batcher.requestAnchors();
        assertThat(anchoring.requested()).extracting(SealedBatch::batchId).contains(batchId);
        runtime.ledger().anchored(batchId, new AnchorReceipt("0x" + "ab".repeat(32), 42, "0x" + "12".repeat(20)));
        JsonPath anchored = proof(world.victimFactoryKey, device, 1, 0, 0);
        assertThat(anchored.getString("state")).isEqualTo("ANCHORED");
        assertThat(anchored.getString("anchor.transactionHash")).isEqualTo("0x" + "ab".repeat(32));
        assertThat(anchored.getLong("anchor.blockNumber")).isEqualTo(42);
        assertThat(anchored.getString("anchor.contract")).isEqualTo("0x" + "12".repeat(20));
    }

    @Test
    void aSealWhoseConnectionDiesBeforeItsCommitLeavesNothingAndIsRedone() throws Exception {
        String device = device();
        long batchesBefore = count("SELECT count(*) FROM commitment_batches");
        ingestMessages(device, 4, 2);
        PgBatchLedger dying = new PgBatchLedger(db);
        AtomicInteger killed = new AtomicInteger();
        dying.beforeCommit(c -> {
            // everything is inserted: kill this transaction's backend from another connection, for real
            if (count("SELECT count(*) FROM batch_members WHERE device_id = '" + device + "'") != 0) {
                throw new AssertionError("uncommitted memberships are visible to another connection");
            }
            int pid;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            try (Connection other = db.getConnection(); Statement s = other.createStatement()) {
                s.execute("SELECT pg_terminate_backend(" + pid + ")");
            }
            killed.incrementAndGet();
        });
        CommitmentBatcher doomed = new CommitmentBatcher(dying, new BatchPolicy(4096, Duration.ofMinutes(1)),
                new InMemoryBatchAnchoring(), Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2)));
        await("a seal that reaches its commit").atMost(Duration.ofSeconds(180)).until(() -> {
            try {
                doomed.sealDue();
            } catch (BatchStoreException expected) {
                // the commit failed on the dead connection
            }
            return killed.get() > 0;
        });
        assertThat(count("SELECT count(*) FROM commitment_batches")).as("no batch row").isEqualTo(batchesBefore);
        assertThat(count("SELECT count(*) FROM batch_members WHERE device_id = '" + device + "'")).as("no membership").isZero();

        CommitmentBatcher batcher = batcher(new InMemoryBatchAnchoring());
        await("the same readings sealed by the next round").atMost(Duration.ofSeconds(180)).until(() -> {
            batcher.sealDue();
            return count("SELECT count(*) FROM batch_members WHERE device_id = '" + device + "'") == 8;
        });
        assertThat(count("SELECT count(DISTINCT batch_id) FROM batch_members WHERE device_id = '" + device + "'")).isEqualTo(1);
    }

    @Test
    void theDatabaseRefusesAReadingInASecondBatch() throws Exception {
        CommitmentBatcher batcher = batcher(new InMemoryBatchAnchoring());
        String first = device();
        ingestMessages(first, 1, 1);
        await().atMost(Duration.ofSeconds(180)).until(() -> {
            batcher.sealDue();
            return count("SELECT count(*) FROM batch_members WHERE device_id = '" + first + "'") == 1;
        });
        String second = device();
        ingestMessages(second, 1, 1);
        await().atMost(Duration.ofSeconds(180)).until(() -> {
            batcher.sealDue();
            return count("SELECT count(*) FROM batch_members WHERE device_id = '" + second + "'") == 1;
        });
        long firstBatch = count("SELECT batch_id FROM batch_members WHERE device_id = '" + first + "'");
        long secondBatch = count("SELECT batch_id FROM batch_members WHERE device_id = '" + second + "'");
        assertThat(secondBatch).isGreaterThan(firstBatch);
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("INSERT INTO batch_members (device_id, boot, seq, record_index, batch_id, leaf_index)"
                    + " VALUES ('" + first + "', 1, 0, 0, " + secondBatch + ", 65535)"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("batch_members_pkey");
        }
    }

    /**
     * The sealer's pending query once ordered by its own output column {@code ingest_xid::text} (PostgreSQL resolves a
     * bare ORDER BY name to the output column first): readings whose transaction ids straddle a power of ten (9,999 and
     * 10,000) came in text order, the batch's cursor was not its last reading in commit order, and the next round
     * selected batched readings again and failed on {@code batch_members_pkey} for ever (found by OracleBenchmark).
     */
    @Test
    void readingsWhoseTransactionIdsCrossAPowerOfTenAreSealedOnceInCommitOrder() throws Exception {
        long boundary = 10;
        while (boundary <= currentXid() + 50) {
            boundary *= 10;
        }
        burnTransactionIds(boundary - 30 - currentXid());
        List<String> devices = new ArrayList<>();
        while (count("SELECT count(*) FROM readings WHERE ingest_xid >= '" + boundary + "'::xid8 AND device_id IN ('"
                + String.join("','", devices) + "')") < 2) {
            String device = device();
            ingestMessages(device, 1, 1);
            devices.add(device);
        }
        String mine = "device_id IN ('" + String.join("','", devices) + "')";
        assertThat(count("SELECT count(*) FROM readings WHERE ingest_xid < '" + boundary + "'::xid8 AND " + mine))
                .as("readings on both sides of transaction id " + boundary).isPositive();

        CommitmentBatcher batcher = batcher(new InMemoryBatchAnchoring());
        await("every reading sealed").atMost(Duration.ofSeconds(180)).until(() -> {
            batcher.sealDue();
            return count("SELECT count(*) FROM batch_members WHERE " + mine) == devices.size();
        });
        // the next rounds find nothing of these readings pending: no reading is selected a second time
        batcher.sealDue();
        batcher.sealDue();
        assertThat(count("SELECT count(*) FROM batch_members WHERE " + mine)).isEqualTo(devices.size());
        assertThat(count("SELECT last_xid::text::bigint FROM commitment_batches ORDER BY id DESC LIMIT 1"))
                .as("the cursor is at or after the last of these readings in commit order")
                .isGreaterThanOrEqualTo(count("SELECT max(ingest_xid::text::bigint) FROM readings WHERE " + mine));
    }

    @Test
    void otherTenantsKeysGetNotFoundAndMissingReadingsAreNotFound() throws Exception {
        String device = device();
        ingestMessages(device, 1, 1);
        String path = "/api/v1/devices/" + device + "/readings/1/0/0/inclusion-proof";
        for (String key : List.of(world.otherFactoryKey, world.bankKey, world.exchangeKey)) {
            JsonPath refused = as(key).get(path).then().statusCode(404).extract().jsonPath();
            assertThat(refused.getString("code")).isEqualTo("DEVICE_NOT_FOUND");
        }
        as(world.victimFactoryKey).get(path).then().statusCode(200);
        as(world.regulatorKey).get(path).then().statusCode(200);
        JsonPath missing = as(world.victimFactoryKey).get("/api/v1/devices/" + device + "/readings/1/0/1/inclusion-proof")
                .then().statusCode(404).extract().jsonPath();
        assertThat(missing.getString("code")).isEqualTo(InclusionProofResource.READING_NOT_FOUND);
        as(world.victimFactoryKey).get("/api/v1/devices/" + device + "/readings/1/0/256/inclusion-proof").then().statusCode(400);
    }

    private String device() throws SQLException {
        String device = "cb-sensor-" + DEVICES.incrementAndGet();
        SigningKey key = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO devices (tenant_id, device_id, kid, spki, alg, status) VALUES (?, ?, ?, ?, ?, 'ACTIVE')")) {
            ps.setString(1, world.victim);
            ps.setString(2, device);
            ps.setBytes(3, key.verificationKey().kid());
            ps.setBytes(4, key.verificationKey().spki());
            ps.setString(5, key.algorithm().label());
            ps.executeUpdate();
        }
        KEYS.put(device, key);
        return device;
    }

    private static final java.util.Map<String, SigningKey> KEYS = new java.util.concurrent.ConcurrentHashMap<>();

    /** {@code messages} signed messages (boot 1, seq 0…) of {@code records} readings each, through the ingest pipeline. */
    private void ingestMessages(String device, int messages, int records) throws SQLException {
        IngestPipeline pipeline = ingest.pipeline(reply -> { });
        long t0 = System.currentTimeMillis() - 60_000;
        List<InboundMessage> batch = new ArrayList<>();
        for (int seq = 0; seq < messages; seq++) {
            List<Reading> readings = new ArrayList<>();
            for (int r = 0; r < records; r++) {
                readings.add(new Reading(r % 2 == 0 ? Quantity.TEMPERATURE : Quantity.HUMIDITY, 4.25 + r + seq,
                        t0 + seq * 1000L + r));
            }
            byte[] raw = ReadingMessages.sign(new ReadingPack(device, readings), 1, seq, t0 + seq * 1000L, KEYS.get(device));
            batch.add(new InboundMessage(Topics.up(world.victim, device), raw, "test:" + device, Instant.now()));
        }
        pipeline.process(batch);
        assertThat(count("SELECT count(*) FROM readings WHERE device_id = '" + device + "'")).isEqualTo((long) messages * records);
    }

    private static JsonPath proof(String key, String device, long boot, long seq, int index) {
        return as(key).get("/api/v1/devices/" + device + "/readings/" + boot + "/" + seq + "/" + index + "/inclusion-proof")
                .then().statusCode(200).extract().jsonPath();
    }

    private BigInteger storedRoot(long batchId) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT root FROM commitment_batches WHERE id = " + batchId)) {
            rs.next();
            return rs.getBigDecimal(1).toBigIntegerExact();
        }
    }

    /** The leaves of a batch recomputed from the stored readings with the protocol's LeafEncoding, in §7.5 order. */
    private List<BigInteger> leavesFromReadings(long batchId) throws SQLException {
        record Row(String device, long boot, long seq, int index, int quantity, long time, long value) {
        }
        List<Row> rows = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT r.device_id, r.boot, r.seq, r.record_index, r.quantity, r.reading_time, r.value FROM batch_members m"
                        + " JOIN readings r USING (device_id, boot, seq, record_index) WHERE m.batch_id = " + batchId)) {
            while (rs.next()) {
                rows.add(new Row(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getInt(4), rs.getInt(5),
                        rs.getTimestamp(6).toInstant().toEpochMilli(), rs.getLong(7)));
            }
        }
        rows.sort(Comparator.comparing((Row r) -> Identifiers.deviceField(r.device())).thenComparingInt(Row::quantity)
                .thenComparingLong(Row::time).thenComparingLong(Row::boot).thenComparingLong(Row::seq).thenComparingInt(Row::index));
        return rows.stream().map(r -> Poseidon.hash(LeafEncoding.of(r.device(), r.boot(), r.seq(), r.index(),
                Quantity.byCode(r.quantity()), r.time(), r.value()).inputs())).toList();
    }

    private long currentXid() throws SQLException {
        return count("SELECT pg_current_xact_id()::text::bigint");
    }

    /** Uses up {@code n} transaction ids, one committed transaction each, in one server-side loop. */
    private void burnTransactionIds(long n) throws SQLException {
        if (n <= 0) {
            return;
        }
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("DO $$ BEGIN FOR i IN 1.." + n + " LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$");
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static BigInteger field(String hex) {
        assertThat(hex).matches("0x[0-9a-f]{64}");
        return new BigInteger(hex.substring(2), 16);
    }
}
