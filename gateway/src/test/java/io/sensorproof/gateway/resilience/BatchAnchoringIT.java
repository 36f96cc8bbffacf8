package io.sensorproof.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sensorproof.oracle.chain.Deployment;
import io.sensorproof.oracle.contracts.AnchorRegistry;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.http.HttpService;
import org.web3j.tuples.generated.Tuple2;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * Commitment batches anchored on the standalone gateway's local chain by the oracle's durable jobs
 * (issue 15): stored readings are sealed into a batch, the batch's "anchor batch" job sends
 * {@code AnchorRegistry.anchorBatch} with the oracle account, and the confirmed receipt is recorded on
 * the batch. Then the gateway is killed with SIGKILL right after a second batch was handed to the
 * jobs and its job claimed (the killed runner's lease must run out before the restarted gateway resumes
 * it): after the restart every batch is anchored, the registry finds each root under its batch id,
 * and the oracle account has sent exactly one transaction per batch (its nonce counts them).
 */
class BatchAnchoringIT {
    private static final Duration READY = Duration.ofSeconds(180);

    @Test
    void sealedBatchesAreAnchoredOnceEachAlsoAcrossKill9() throws Exception {
        Path root = Path.of("target", "resilience", "batch-anchoring").toAbsolutePath();
        GatewayProcess.deleteTree(root);
        Path dataDir = root.resolve("gateway-data");
        Files.createDirectories(root);
        int http = GatewayProcess.freePort();
        int chainPort = GatewayProcess.freePort();
        GatewayProcess.StandalonePorts ports = GatewayProcess.StandalonePorts.free();
        Map<String, String> env = new HashMap<>(ports.env("batch-anchoring-it"));
        env.put("SENSORPROOF_CHAIN_LOCAL_PORT", Integer.toString(chainPort));
        env.put("SENSORPROOF_BATCHES_WINDOW", "1s");
        env.put("SENSORPROOF_BATCHES_POLL_INTERVAL", "200ms");
        env.put("SENSORPROOF_ORACLE_POLL_INTERVAL", "200ms");
        // a job the killed gateway had claimed is resumed once its lease has run out
        env.put("SENSORPROOF_ORACLE_LEASE", "10s");
        MessageRows db = new MessageRows(ports.jdbcUrl());
        GatewayProcess first = null;
        GatewayProcess second = null;
        Web3j web3j = Web3j.build(new HttpService("http://127.0.0.1:" + chainPort));
        try {
            first = GatewayProcess.start("gateway run 1", dataDir, http, env, Map.of(), root.resolve("run1.log"));
            first.awaitReady(READY);
            try (Connection c = db.connect()) {
                world(c);
                storeMessage(c, 0, 3);
            }
            await().atMost(Duration.ofSeconds(90)).until(() -> anchored(db).size() == 1);

            try (Connection c = db.connect()) {
                storeMessage(c, 1, 5);
            }
            // the second batch is sealed and its job claimed by the runner (leased, or already signed):
            // kill the gateway while it holds the job, so the restarted gateway must resume it
            await().atMost(Duration.ofSeconds(60)).until(() -> handedOver(db) == 2);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> claimed(db, 2));
            first.kill9();
            GatewayProcess.killLeftovers(dataDir);

            second = GatewayProcess.start("gateway run 2", dataDir, http, env, Map.of(), root.resolve("run2.log"));
            second.awaitReady(READY);
            await().atMost(Duration.ofSeconds(120)).until(() -> anchored(db).size() == 2);

            Map<Long, String[]> batches = anchored(db);
            Deployment deployment = Deployment.read(dataDir.resolve("chain").resolve("chain.json"));
            String registryAddress = deployment.address("AnchorRegistry").toLowerCase(Locale.ROOT);
            AnchorRegistry registry = AnchorRegistry.load(registryAddress, web3j,
                    new ReadonlyTransactionManager(web3j, registryAddress), new DefaultGasProvider());
            for (Map.Entry<Long, String[]> b : batches.entrySet()) {
                String[] row = b.getValue();
                assertThat(row[2]).as("batch %d's anchor contract", b.getKey()).isEqualTo(registryAddress);
                Tuple2<Boolean, BigInteger> onChain = registry.batchOfRoot(new BigInteger(row[0])).send();
                assertThat(onChain.component1()).as("batch %d's root is anchored", b.getKey()).isTrue();
                assertThat(onChain.component2()).as("under its batch id").isEqualTo(BigInteger.valueOf(b.getKey()));
                assertThat(web3j.ethGetTransactionReceipt(row[1]).send().getTransactionReceipt())
                        .as("batch %d's anchor transaction", b.getKey())
                        .hasValueSatisfying(r -> assertThat(r.isStatusOK()).isTrue());
            }
            String oracleKey = Files.readString(dataDir.resolve("chain").resolve("oracle.key"), StandardCharsets.US_ASCII).trim();
            String oracle = Credentials.create(oracleKey).getAddress();
            BigInteger sent = web3j.ethGetTransactionCount(oracle, DefaultBlockParameterName.LATEST).send().getTransactionCount();
            assertThat(sent).as("transactions the oracle account sent: one per batch, none again after the kill")
                    .isEqualTo(BigInteger.valueOf(batches.size()));
        } finally {
            web3j.shutdown();
            if (second != null) {
                second.stop();
            }
            if (first != null && first.isAlive()) {
                first.kill9();
            }
            GatewayProcess.killLeftovers(dataDir);
        }
    }

    /** Anchored batches: id → {root, anchor transaction, anchor contract}. */
    private static Map<Long, String[]> anchored(MessageRows db) throws Exception {
        Map<Long, String[]> rows = new LinkedHashMap<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, root, anchor_tx_hash, anchor_contract FROM commitment_batches WHERE state = 'ANCHORED' ORDER BY id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                BigDecimal rootValue = rs.getBigDecimal(2);
                rows.put(rs.getLong(1), new String[] {rootValue.toBigIntegerExact().toString(), rs.getString(3), rs.getString(4)});
            }
        }
        return rows;
    }

    private static boolean claimed(MessageRows db, long batchId) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM oracle_jobs WHERE idempotency_key = ?"
                        + " AND (lease_owner IS NOT NULL OR state IN ('SUBMITTED', 'CONFIRMED'))")) {
            ps.setString(1, "anchor-batch:" + batchId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) == 1;
            }
        }
    }

    private static long handedOver(MessageRows db) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM commitment_batches WHERE anchor_requested_at IS NOT NULL");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void world(Connection c) throws Exception {
        exec(c, "INSERT INTO tenants (id, name, kind) VALUES ('ba-factory', 'factory', 'factory')");
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO devices (tenant_id, device_id, kid, spki, alg, status) VALUES ('ba-factory', 'ba-room-1', ?, ?, 'ES256', 'ACTIVE')")) {
            ps.setBytes(1, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
            ps.setBytes(2, new byte[] {0x30, 0x00});
            ps.executeUpdate();
        }
    }

    /** One stored message (boot 1, seq {@code seq}) with {@code records} temperature readings a second apart. */
    private static void storeMessage(Connection c, long seq, int records) throws Exception {
        Instant at = Instant.now().minusSeconds(60).plusSeconds(seq * 10);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO messages (device_id, boot, seq, content_digest, raw, received_at, record_count)"
                + " VALUES ('ba-room-1', 1, ?, ?, ?, now(), ?)")) {
            ps.setLong(1, seq);
            ps.setBytes(2, new byte[32]);
            ps.setBytes(3, new byte[] {(byte) seq});
            ps.setInt(4, records);
            ps.executeUpdate();
        }
        for (int i = 0; i < records; i++) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO readings (device_id, boot, seq, record_index, quantity, value, reading_time, received_at)"
                    + " VALUES ('ba-room-1', 1, ?, ?, 1, ?, ?, now())")) {
                ps.setLong(1, seq);
                ps.setInt(2, i);
                ps.setLong(3, 27815 + i);
                ps.setTimestamp(4, Timestamp.from(at.plusSeconds(i)));
                ps.executeUpdate();
            }
        }
    }

    private static void exec(Connection c, String sql) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }
}
