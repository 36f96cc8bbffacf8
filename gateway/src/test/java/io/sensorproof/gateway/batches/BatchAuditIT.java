package io.sensorproof.gateway.batches;

import static io.sensorproof.gateway.security.TenancyWorld.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.core.InboundMessage;
import io.sensorproof.gateway.core.IngestPipeline;
import io.sensorproof.gateway.ingest.IngestService;
import io.sensorproof.gateway.security.OperatorKey;
import io.sensorproof.gateway.security.TenancyTestSupport;
import io.sensorproof.oracle.audit.Web3jAnchoredBatches;
import io.sensorproof.oracle.batches.AnchorReceipt;
import io.sensorproof.oracle.batches.BatchPolicy;
import io.sensorproof.oracle.batches.CommitmentBatcher;
import io.sensorproof.oracle.batches.InMemoryBatchAnchoring;
import io.sensorproof.oracle.chain.ChainDeployer;
import io.sensorproof.oracle.chain.Deployment;
import io.sensorproof.oracle.chain.DeploymentPlan;
import io.sensorproof.oracle.cli.AuditBatchCommand;
import io.sensorproof.oracle.contracts.AnchorRegistry;
import io.sensorproof.oracle.testing.AnvilExtension;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * The regulator's audit end to end (issue 15, ADR 027) on the real PostgreSQL and a real anvil:
 * signed messages ingested through the pipeline, sealed into a commitment batch by the ledger, the
 * batch anchored with {@code AnchorRegistry.anchorBatch} by the oracle account and recorded; then the
 * endpoint ({@code GET /api/v1/batches/{id}/audit}) and the offline {@code audit-batch} on the exported
 * bundle ({@code /audit-bundle}) against the same chain must agree: clean; a stored reading altered
 * after anchoring reported by its key; a raw message's byte flipped (past V19's guard, as a database
 * superuser could) reported as bad signatures of its readings; a batch whose chain root is another one
 * reported as root and chain differences. V19 itself: a batched message cannot be deleted, rewritten
 * or truncated away.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class BatchAuditIT extends TenancyTestSupport {
    private static final AnvilExtension ANVIL = new AnvilExtension();
    private static final AtomicInteger DEVICES = new AtomicInteger();
    private static final Map<String, SigningKey> KEYS = new ConcurrentHashMap<>();
    private static Deployment deployment;

    @Inject
    IngestService ingest;
    @Inject
    CommitmentBatchRuntime runtime;
    @Inject
    BatchAudits audits;
    @Inject
    MeterRegistry meters;

    @TempDir
    Path dir;

    BatchAuditIT() {
        super("ba-");
    }

    @BeforeAll
    static void startChain() throws Exception {
        ANVIL.start();
        DeploymentPlan plan = new DeploymentPlan(ANVIL.chainId(), List.of(oracle().getAddress()), List.of(), List.of(),
                List.of(), 3600, "");
        deployment = new ChainDeployer(ANVIL.web3j(), ANVIL.account(0), line -> { }).deploy(plan);
    }

    @AfterAll
    static void stopChain() {
        ANVIL.stop();
    }

    @BeforeEach
    void pointTheAuditsAtTheChain() {
        audits.useChain(new Web3jAnchoredBatches(ANVIL.web3j(), registry()));
    }

    @AfterEach
    void backToTheConfiguredChain() {
        audits.useChain(null);
    }

    private static Credentials oracle() {
        return ANVIL.account(3);
    }

    private static String registry() {
        return deployment.address("AnchorRegistry").toLowerCase(Locale.ROOT);
    }

    @Test
    void aCleanBatchHasNoFindingAndTheEndpointAndTheCliAgree() throws Exception {
        long batchId = anchoredBatchOf(device());
        double cleanBefore = meters.counter("sensorproof.audits.batches", "outcome", "clean").count();
        JsonPath report = audit(world.regulatorKey, batchId);
        assertThat(report.getBoolean("clean")).as(report.prettify()).isTrue();
        assertThat(report.getInt("readingsChecked")).isEqualTo(6);
        assertThat(report.getLong("chain.chainId")).isEqualTo(ANVIL.chainId());
        assertThat(report.getString("chain.registry")).isEqualTo(registry());
        assertThat(meters.counter("sensorproof.audits.batches", "outcome", "clean").count()).isEqualTo(cleanBefore + 1);
        assertThat(audit(OperatorKey.bootstrap(), batchId).getBoolean("clean")).isTrue();
        assertThat(new Web3jAnchoredBatches(ANVIL.web3j(), registry()).batchOfRoot(storedRoot(batchId))).contains(batchId);

        Cli cli = cli(batchId);
        assertThat(cli.status()).as(cli.out()).isEqualTo(AuditBatchCommand.CLEAN);
        assertThat(cli.out()).contains("compared with registry " + registry()).contains("CLEAN");

        for (String key : List.of(world.victimFactoryKey, world.bankKey, world.exchangeKey)) {
            as(key).get("/api/v1/batches/" + batchId + "/audit").then().statusCode(403);
            as(key).get("/api/v1/batches/" + batchId + "/audit-bundle").then().statusCode(403);
        }
    }

    @Test
    void aStoredReadingAlteredAfterAnchoringIsReportedByItsKeyByBoth() throws Exception {
        String device = device();
        long batchId = anchoredBatchOf(device);
        double before = meters.counter("sensorproof.audits.findings", "kind", "ALTERED_AFTER_ANCHOR").count();
        execute("UPDATE readings SET value = value + 1 WHERE device_id = '" + device + "' AND boot = 1 AND seq = 1"
                + " AND record_index = 1");
        String key = device + "/1/1/1";
        JsonPath report = audit(world.regulatorKey, batchId);
        assertThat(report.getBoolean("clean")).isFalse();
        assertThat(report.getList("findings.kind", String.class)).containsExactly("ALTERED_AFTER_ANCHOR");
        assertThat(report.getString("findings[0].readingKey")).isEqualTo(key);
        assertThat(report.getString("findings[0].reading.device")).isEqualTo(device);
        assertThat(meters.counter("sensorproof.audits.findings", "kind", "ALTERED_AFTER_ANCHOR").count()).isEqualTo(before + 1);

        Cli cli = cli(batchId);
        assertThat(cli.status()).as(cli.out()).isEqualTo(AuditBatchCommand.FINDINGS);
        assertThat(cli.out()).contains("FINDINGS: 1").contains("reading " + key + " ALTERED_AFTER_ANCHOR");
    }

    @Test
    void aFlippedByteOfARetainedMessageIsASignatureFindingOfItsReadingsByBoth() throws Exception {
        String device = device();
        long batchId = anchoredBatchOf(device);
        String where = " WHERE device_id = '" + device + "' AND boot = 1 AND seq = 2";
        // V19: the gateway's own database user cannot rewrite a batched message
        assertThatThrownBy(() -> execute("UPDATE messages SET raw = raw || '\\x00'::bytea" + where))
                .isInstanceOf(SQLException.class).hasMessageContaining("is kept");
        // a superuser can, past the triggers: the audit still sees it
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL session_replication_role = replica");
                s.execute("UPDATE messages SET raw = overlay(raw placing set_byte('\\x00'::bytea, 0,"
                        + " get_byte(raw, length(raw) - 1) # 1) from length(raw) for 1)" + where);
            }
            c.commit();
        }
        JsonPath report = audit(world.regulatorKey, batchId);
        assertThat(report.getList("findings.kind", String.class)).containsExactlyInAnyOrder("BAD_SIGNATURE", "BAD_SIGNATURE",
                "ROOT_MISMATCH");
        assertThat(report.getList("findings.findAll { it.kind == 'BAD_SIGNATURE' }.readingKey", String.class))
                .containsExactlyInAnyOrder(device + "/1/2/0", device + "/1/2/1");

        Cli cli = cli(batchId);
        assertThat(cli.status()).as(cli.out()).isEqualTo(AuditBatchCommand.FINDINGS);
        assertThat(cli.out()).contains("reading " + device + "/1/2/0 BAD_SIGNATURE")
                .contains("reading " + device + "/1/2/1 BAD_SIGNATURE").contains("batch ROOT_MISMATCH");
    }

    @Test
    void aBatchWhoseRootOnChainIsAnotherIsARootAndChainFindingByBoth() throws Exception {
        String device = device();
        long batchId = sealedBatchOf(device);
        BigInteger root = storedRoot(batchId);
        // the chain holds another root under this batch id (as if the gateway's record had been rewritten)
        anchor(batchId, root.add(BigInteger.ONE));
        JsonPath report = audit(world.regulatorKey, batchId);
        assertThat(report.getList("findings.kind", String.class)).containsExactlyInAnyOrder("CHAIN_MISMATCH", "ROOT_MISMATCH");
        assertThat(report.getString("findings.find { it.kind == 'CHAIN_MISMATCH' }.detail")).startsWith("batch.root");

        Cli cli = cli(batchId);
        assertThat(cli.status()).as(cli.out()).isEqualTo(AuditBatchCommand.FINDINGS);
        assertThat(cli.out()).contains("batch CHAIN_MISMATCH: batch.root").contains("batch ROOT_MISMATCH");
        // offline, without the chain, the bundle is consistent in itself: only the chain shows the difference
        Cli offline = run(bundleFile(batchId).toString());
        assertThat(offline.status()).as(offline.out()).isEqualTo(AuditBatchCommand.CLEAN);
    }

    @Test
    void aBatchedMessageCannotBeDeletedOrTruncatedAwayAndUnanchoredOrUnknownBatchesAreNotAudited() throws Exception {
        String device = device();
        long batchId = sealedBatchOf(device);
        // the registry read on the real chain: a batch not anchored reverts BatchNotAnchored, read as "none"
        Web3jAnchoredBatches onChain = new Web3jAnchoredBatches(ANVIL.web3j(), registry());
        assertThat(onChain.batch(batchId)).isEmpty();
        assertThat(onChain.batchOfRoot(storedRoot(batchId))).isEmpty();
        as(world.regulatorKey).get("/api/v1/batches/" + batchId + "/audit").then().statusCode(409)
                .body("code", org.hamcrest.Matchers.equalTo(BatchAudits.BATCH_NOT_ANCHORED));
        as(world.regulatorKey).get("/api/v1/batches/999999999/audit-bundle").then().statusCode(404)
                .body("code", org.hamcrest.Matchers.equalTo(BatchAudits.BATCH_NOT_FOUND));
        as(world.regulatorKey).get("/api/v1/batches/x/audit").then().statusCode(400);
        for (String sql : List.of("DELETE FROM batch_members WHERE device_id = '" + device + "'",
                "DELETE FROM messages WHERE device_id = '" + device + "'",
                "TRUNCATE messages CASCADE", "TRUNCATE readings CASCADE", "TRUNCATE batch_members")) {
            try (Connection c = db.getConnection()) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(SQLException.class)
                            .hasMessageMatching("(?s).*(is kept|refused|violates foreign key).*");
                } finally {
                    c.rollback();
                }
            }
        }
        assertThat(count("SELECT count(*) FROM messages WHERE device_id = '" + device + "'")).isEqualTo(3);
    }

    // ------------------------------------------------------------------ helpers

    private JsonPath audit(String key, long batchId) {
        return as(key).get("/api/v1/batches/" + batchId + "/audit").then().statusCode(200).extract().jsonPath();
    }

    private record Cli(int status, String out) {
    }

    private Cli cli(long batchId) throws Exception {
        return run(bundleFile(batchId).toString(), "--rpc-url", ANVIL.rpcUrl(), "--registry", registry());
    }

    private static Cli run(String... args) {
        StringWriter out = new StringWriter();
        int status = AuditBatchCommand.run(args, new PrintWriter(out, true), new PrintWriter(out, true));
        return new Cli(status, out.toString());
    }

    private Path bundleFile(long batchId) throws Exception {
        String body = as(world.regulatorKey).get("/api/v1/batches/" + batchId + "/audit-bundle").then().statusCode(200)
                .extract().asString();
        Path file = dir.resolve("audit-" + batchId + ".json");
        Files.writeString(file, body);
        return file;
    }

    /** Seals everything pending, then {@code device}'s three signed messages alone into a batch, and anchors it on anvil. */
    private long anchoredBatchOf(String device) throws Exception {
        long batchId = sealedBatchOf(device);
        anchor(batchId, storedRoot(batchId));
        return batchId;
    }

    private long sealedBatchOf(String device) throws Exception {
        CommitmentBatcher batcher = new CommitmentBatcher(runtime.ledger(), new BatchPolicy(4096, Duration.ofMinutes(1)),
                new InMemoryBatchAnchoring(), Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2)));
        await("nothing pending").atMost(Duration.ofSeconds(180)).until(() -> batcher.sealDue().isEmpty());
        ingestMessages(device, 3, 2);
        await("the device's readings sealed").atMost(Duration.ofSeconds(180)).until(() -> {
            batcher.sealDue();
            return count("SELECT count(*) FROM batch_members WHERE device_id = '" + device + "'") == 6;
        });
        assertThat(count("SELECT count(DISTINCT batch_id) FROM batch_members WHERE device_id = '" + device + "'")).isEqualTo(1);
        long batchId = count("SELECT batch_id FROM batch_members WHERE device_id = '" + device + "' LIMIT 1");
        assertThat(count("SELECT size FROM commitment_batches WHERE id = " + batchId)).as("a batch of the device alone").isEqualTo(6);
        return batchId;
    }

    /** Sends anchorBatch(batchId, root, …) with the batch's recorded count and times, and records the receipt. */
    private void anchor(long batchId, BigInteger root) throws Exception {
        long size;
        long first;
        long last;
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT size, first_time, last_time FROM commitment_batches WHERE id = " + batchId)) {
            rs.next();
            size = rs.getLong(1);
            first = rs.getTimestamp(2).toInstant().toEpochMilli();
            last = rs.getTimestamp(3).toInstant().toEpochMilli();
        }
        AnchorRegistry contract = AnchorRegistry.load(registry(), ANVIL.web3j(), oracle(), new DefaultGasProvider());
        TransactionReceipt receipt = contract.anchorBatch(BigInteger.valueOf(batchId), root, BigInteger.valueOf(size),
                BigInteger.valueOf(first), BigInteger.valueOf(last)).send();
        assertThat(receipt.isStatusOK()).isTrue();
        runtime.ledger().anchored(batchId, new AnchorReceipt(receipt.getTransactionHash(), receipt.getBlockNumber().longValueExact(),
                registry()));
    }

    private String device() throws SQLException {
        String device = "ba-sensor-" + DEVICES.incrementAndGet();
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

    private BigInteger storedRoot(long batchId) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT root FROM commitment_batches WHERE id = " + batchId)) {
            rs.next();
            return rs.getBigDecimal(1).toBigIntegerExact();
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
