package io.sensorproof.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.gateway.oracle.PgJobStore;
import io.sensorproof.oracle.anvil.LocalDeployment;
import io.sensorproof.oracle.chain.Deployment;
import io.sensorproof.oracle.chain.DevelopmentKeys;
import io.sensorproof.oracle.contracts.AnchorRegistry;
import io.sensorproof.oracle.jobs.kinds.RunClaimHandler;
import io.sensorproof.oracle.testing.AnvilExtension;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.zk.claims.CommittedReading;
import io.sensorproof.zk.claims.RunClaimWitness;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.Transaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * Crash and outage tests of the oracle's claim jobs on the packaged gateway (issue 15 "Tests", ADR 022,
 * ADR 032): the gateway is a child JVM on a chain the test runs (anvil behind a {@link ChainProxy}, given
 * to the gateway as an external chain with its deployment record), proving real run claims with its
 * prover workers.
 *
 * <ol>
 *   <li><b>Between submitted and confirmed.</b> Mining off: claims B and C are proved, sent and stay
 *   SUBMITTED with their transactions in the node's pool.</li>
 *   <li><b>Chain stopped, between proved and submitted.</b> Claim A is enqueued and the chain cut while it
 *   is proved: A is proved and self-verified, cannot be estimated or sent, and waits (retried with backoff,
 *   never FAILED); B and C wait in SUBMITTED with their stored transactions.</li>
 *   <li>The gateway is killed with SIGKILL. While it is down the node drops the pooled transaction with the
 *   higher nonce and mines the other; mining on. The gateway restarts on the same data directory (one restart
 *   for all three, to keep CI time) with the chain still cut: it comes up, everything but readiness
 *   {@code chain} is UP, the jobs wait. The chain is restored: the mined one reconciles to CONFIRMED with its
 *   stored hash, the dropped one's stored bytes are broadcast again and confirmed with the same hash, and A
 *   is signed, sent and confirmed.</li>
 * </ol>
 *
 * <p>"No second transaction" is counted on the chain, not inferred from the contract's refusal: every
 * block is scanned, and the oracle account sent exactly one {@code anchorRunClaim} per claim (decoded claim
 * id), with the hash its job recorded, and nothing else.
 */
class ClaimJobCrashIT {
    @RegisterExtension
    static final AnvilExtension ANVIL = new AnvilExtension();

    private static final Duration READY = Duration.ofMinutes(4);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String DEVICE = "k3-probe-1";
    private static final int REGISTRY_HELPER = 7;
    private static final String ANCHOR_RUN_CLAIM = Hash.sha3String("anchorRunClaim(uint256[9],uint256[8])").substring(0, 10);

    @Test
    void claimJobsSurviveKill9BetweenProvedAndSubmittedAndBetweenSubmittedAndConfirmedWithOneTransactionEach() throws Exception {
        Path root = Path.of("target", "resilience", "claim-job-crash").toAbsolutePath();
        GatewayProcess.deleteTree(root);
        Path dataDir = root.resolve("gateway-data");
        Path chainDir = root.resolve("chain");
        Files.createDirectories(chainDir);
        Path chainJson = chainDir.resolve("chain.json");
        LocalDeployment.Result deployed = LocalDeployment.ensure(ANVIL.web3j(), chainJson, 3600, line -> { });
        Deployment deployment = deployed.deployment();
        String registry = deployment.address("AnchorRegistry").toLowerCase(Locale.ROOT);
        String oracle = Credentials.create(Files.readString(deployed.oracleKeyFile(), StandardCharsets.US_ASCII).trim())
                .getAddress().toLowerCase(Locale.ROOT);
        registerDevice(deployment);

        int http = GatewayProcess.freePort();
        GatewayProcess.StandalonePorts ports = GatewayProcess.StandalonePorts.free();
        Map<String, String> env = new HashMap<>(ports.env("claim-job-crash-it"));
        try (ChainProxy proxy = ChainProxy.start(port(ANVIL.rpcUrl()))) {
            env.put("SENSORPROOF_CHAIN_RPC_URL", proxy.rpcUrl());
            env.put("SENSORPROOF_CHAIN_DEPLOYMENT_FILE", chainJson.toString());
            env.put("SENSORPROOF_CHAIN_ORACLE_KEY_FILE", deployed.oracleKeyFile().toString());
            env.put("SENSORPROOF_PROVER_ENABLED", "true");
            env.put("SENSORPROOF_PROVER_WORKERS", "2");
            // only the claim jobs on the oracle account: no commitment batches
            env.put("SENSORPROOF_BATCHES_ENABLED", "false");
            env.put("SENSORPROOF_ORACLE_POLL_INTERVAL", "200ms");
            // a job a killed gateway held is resumed once its lease ran out; longer than a proof under load
            env.put("SENSORPROOF_ORACLE_LEASE", "30s");
            MessageRows db = new MessageRows(ports.jdbcUrl());
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(ports.jdbcUrl());
            ds.setUser("postgres");
            PgJobStore jobs = new PgJobStore(ds);
            RunClaimWitness claimA = claim(0);
            RunClaimWitness claimB = claim(1);
            RunClaimWitness claimC = claim(2);
            GatewayProcess gateway = null;
            try {
                gateway = GatewayProcess.start("gateway run 1", dataDir, http, env, Map.of(), root.resolve("run1.log"));
                gateway.awaitReady(READY);
                // the runner compared its nonces with the node once (it claims nothing before)
                await().atMost(Duration.ofSeconds(60)).until(() -> accountKnown(db, oracle));

                // submitted, not confirmed: mining off, B and C proved, signed, sent, left in the node's pool
                anvil("evm_setAutomine", false);
                String keyB = jobs.enqueue(RunClaimHandler.job(claimB.request()), Clock.systemUTC().instant()).job().idempotencyKey();
                String keyC = jobs.enqueue(RunClaimHandler.job(claimC.request()), Clock.systemUTC().instant()).job().idempotencyKey();
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() ->
                        pending(job(db, keyB)) && pending(job(db, keyC)));
                // the one with the lower nonce is mined while the gateway is down, the other one is dropped
                // (dropping the lower one would leave a nonce gap the node cannot mine past)
                JobRow b = job(db, keyB).orElseThrow();
                JobRow c = job(db, keyC).orElseThrow();
                assertThat(Math.abs(b.txNonce() - c.txNonce())).as("consecutive nonces").isEqualTo(1);
                String keyMined = b.txNonce() < c.txNonce() ? keyB : keyC;
                String keyDropped = keyMined.equals(keyB) ? keyC : keyB;
                JobRow mined = keyMined.equals(keyB) ? b : c;
                JobRow dropped = keyMined.equals(keyB) ? c : b;

                // proved, not submitted: the chain is cut while A is proved; A waits in SELF_VERIFIED, retried, never FAILED
                String keyA = jobs.enqueue(RunClaimHandler.job(claimA.request()), Clock.systemUTC().instant()).job().idempotencyKey();
                proxy.cut();
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                        .until(() -> job(db, keyA).map(j -> j.state().equals("SELF_VERIFIED") && j.attempts() >= 2).orElse(false));
                JobRow waiting = job(db, keyA).orElseThrow();
                assertThat(waiting.lastError()).as("A waits for the chain with a transport error").isNotNull();
                assertThat(waiting.txHash()).as("nothing signed while the chain is away").isNull();
                assertThat(proxy.refusedConnections()).as("the gateway kept trying the cut chain").isPositive();
                for (JobRow sent : List.of(b, c)) {
                    JobRow now = job(db, sent == b ? keyB : keyC).orElseThrow();
                    assertThat(now.state()).as("a sent job waits for the cut chain").isEqualTo("SUBMITTED");
                    assertThat(now.txHash()).as("with the transaction it stored").isEqualTo(sent.txHash());
                }

                gateway.kill9();
                GatewayProcess.killLeftovers(dataDir);
                anvil("anvil_dropTransaction", dropped.txHash());
                assertThat(ANVIL.web3j().ethGetTransactionByHash(dropped.txHash()).send().getTransaction())
                        .as("the second transaction dropped by the node").isEmpty();
                ANVIL.mine();
                assertThat(ANVIL.web3j().ethGetTransactionReceipt(mined.txHash()).send().getTransactionReceipt())
                        .as("the first transaction mined while the gateway is down").isPresent();
                anvil("evm_setAutomine", true);

                // the restarted gateway finds the chain still away: it comes up (all but readiness "chain"), its jobs
                // wait; the chain comes back and they complete, with no further restart
                gateway = GatewayProcess.start("gateway run 2", dataDir, http, env, Map.of(), root.resolve("run2.log"));
                long refusedBefore = proxy.refusedConnections();
                await().atMost(READY).pollInterval(Duration.ofMillis(250)).until(() -> upButTheChain(http));
                assertThat(proxy.refusedConnections()).as("the restarted gateway tried the chain").isGreaterThan(refusedBefore);
                assertThat(job(db, keyA).orElseThrow().state()).as("A still waits").isEqualTo("SELF_VERIFIED");
                assertThat(job(db, keyMined).orElseThrow().state()).as("the mined one still waits").isEqualTo("SUBMITTED");
                assertThat(job(db, keyDropped).orElseThrow().state()).as("the dropped one still waits").isEqualTo("SUBMITTED");
                proxy.restore();
                gateway.awaitReady(READY);
                // every job finished (confirmed or failed), then the chain's own record first: one anchorRunClaim per
                // claim from the oracle, with the hash its job stored before the kill, and nothing else
                await().atMost(Duration.ofMinutes(2)).until(() -> List.of(keyA, keyB, keyC).stream().allMatch(k -> finished(db, k)));
                Map<String, List<String>> sent = oracleTransactions(oracle, registry);
                Map<String, List<String>> expected = new LinkedHashMap<>();
                expected.put(RunClaimHandler.claimId(claimA.request().publicInputs()), List.of(row(db, keyA).txHash()));
                expected.put(keyMined.substring(RunClaimHandler.KIND.length() + 1), List.of(mined.txHash()));
                expected.put(keyDropped.substring(RunClaimHandler.KIND.length() + 1), List.of(dropped.txHash()));
                assertThat(sent).as("oracle transactions by claim id: one per claim, the one its job stored, nothing else")
                        .isEqualTo(expected);
                for (String key : List.of(keyA, keyB, keyC)) {
                    JobRow r = row(db, key);
                    assertThat(r.state()).as("%s (failure %s)", key, r.failureCode()).isEqualTo("CONFIRMED");
                }
                assertThat(row(db, keyMined).txHash()).as("the mined one confirmed with the transaction it stored").isEqualTo(mined.txHash());
                assertThat(row(db, keyDropped).txHash()).as("the dropped one confirmed with the transaction it stored").isEqualTo(dropped.txHash());
                assertThat(ANVIL.web3j().ethGetTransactionCount(oracle, DefaultBlockParameterName.LATEST).send().getTransactionCount())
                        .as("the oracle account's nonce: three transactions in all").isEqualTo(BigInteger.valueOf(3));
                AnchorRegistry reader = AnchorRegistry.load(registry, ANVIL.web3j(),
                        new ReadonlyTransactionManager(ANVIL.web3j(), registry), new DefaultGasProvider());
                for (RunClaimWitness w : List.of(claimA, claimB, claimC)) {
                    assertThat(reader.runClaim(Numeric.hexStringToByteArray(RunClaimHandler.claimId(w.request().publicInputs())))
                            .send().lastTime).isEqualTo(BigInteger.valueOf(w.claim().lastTime()));
                }
            } finally {
                if (gateway != null) {
                    gateway.stop();
                }
                GatewayProcess.killLeftovers(dataDir);
            }
        }
    }

    /** Claim {@code i}: three readings of the probe above 8 °C a minute apart, in a window of its own. */
    private static RunClaimWitness claim(int i) {
        BigInteger device = Identifiers.deviceField(DEVICE);
        long t = 1_800_000_000_000L + i * 600_000L;
        List<CommittedReading> readings = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            readings.add(new CommittedReading(device, 1, i * 3L + k, 0, CommittedReading.TEMPERATURE, t + k * 60_000L, 28_615 + 10 * k));
        }
        return RunClaimWitness.of(readings, 27_315, 28_115, 120_000);
    }

    /** Registers the probe on chain with a helper oracle account, so the oracle account's nonce counts only the gateway's claims. */
    private static void registerDevice(Deployment deployment) throws Exception {
        String address = deployment.address("AnchorRegistry");
        AnchorRegistry asAdmin = AnchorRegistry.load(address, ANVIL.web3j(), tx(LocalDeployment.DEPLOYER_ACCOUNT), new DefaultGasProvider());
        sendOk(asAdmin.grantRole(asAdmin.ORACLE_ROLE().send(), LocalDeployment.address(REGISTRY_HELPER)).send());
        AnchorRegistry asHelper = AnchorRegistry.load(address, ANVIL.web3j(), tx(REGISTRY_HELPER), new DefaultGasProvider());
        sendOk(asHelper.registerDevice(Identifiers.deviceField(DEVICE), Hash.sha3(DEVICE.getBytes(StandardCharsets.US_ASCII))).send());
    }

    private static RawTransactionManager tx(int account) {
        return new RawTransactionManager(ANVIL.web3j(), Credentials.create(DevelopmentKeys.PRIVATE_KEYS.get(account)), ANVIL.chainId(),
                new PollingTransactionReceiptProcessor(ANVIL.web3j(), 100, 600));
    }

    private static void sendOk(TransactionReceipt receipt) {
        assertThat(receipt.isStatusOK()).as("transaction %s", receipt.getTransactionHash()).isTrue();
    }

    /**
     * Every transaction the oracle account sent, from the blocks themselves: claim id (decoded from the
     * {@code anchorRunClaim} calldata) → hashes. A transaction to another contract or with another selector
     * is listed under its selector, so it makes the count fail.
     */
    private static Map<String, List<String>> oracleTransactions(String oracle, String registry) throws Exception {
        Web3j web3j = ANVIL.web3j();
        long head = web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (long n = 0; n <= head; n++) {
            EthBlock.Block block = web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(n)), true).send().getBlock();
            for (EthBlock.TransactionResult<?> r : block.getTransactions()) {
                Transaction t = (Transaction) r.get();
                if (!oracle.equalsIgnoreCase(t.getFrom())) {
                    continue;
                }
                String input = t.getInput();
                String key;
                if (registry.equalsIgnoreCase(t.getTo()) && input.startsWith(ANCHOR_RUN_CLAIM) && input.length() >= 10 + 17 * 64) {
                    List<BigInteger> inputs = new ArrayList<>();
                    for (int w = 0; w < 9; w++) {
                        inputs.add(new BigInteger(input.substring(10 + w * 64, 10 + (w + 1) * 64), 16));
                    }
                    key = RunClaimHandler.claimId(inputs);
                } else {
                    key = "other:" + t.getTo() + ":" + input.substring(0, Math.min(10, input.length()));
                }
                out.computeIfAbsent(key, k -> new ArrayList<>()).add(t.getHash().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    /** A job row as the test reads it. */
    private record JobRow(String state, int attempts, String txHash, long txNonce, String lastError, String failureCode) {
    }

    /** The job's row, which must not be FAILED (the runner never fails a job for a transport error). */
    private static Optional<JobRow> job(MessageRows db, String idempotencyKey) throws Exception {
        Optional<JobRow> row = read(db, idempotencyKey);
        row.ifPresent(r -> assertThat(r.state()).as("job %s never fails (%s)", idempotencyKey, r.failureCode()).isNotEqualTo("FAILED"));
        return row;
    }

    /** The job's row, whatever its state. */
    private static JobRow row(MessageRows db, String idempotencyKey) throws Exception {
        return read(db, idempotencyKey).orElseThrow();
    }

    private static Optional<JobRow> read(MessageRows db, String idempotencyKey) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT state, attempts, tx_hash, last_error, failure_code, tx_nonce FROM oracle_jobs WHERE idempotency_key = ?")) {
            ps.setString(1, idempotencyKey);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String hash = rs.getString(3);
                JobRow row = new JobRow(rs.getString(1), rs.getInt(2), hash == null ? null : hash.toLowerCase(Locale.ROOT),
                        rs.getLong(6), rs.getString(4), rs.getString(5));
                return Optional.of(row);
            }
        }
    }

    private static boolean finished(MessageRows db, String key) {
        try {
            String state = row(db, key).state();
            return state.equals("CONFIRMED") || state.equals("FAILED");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the job is SUBMITTED and its transaction waits in the node's pool (known, not mined). */
    private static boolean pending(Optional<JobRow> job) throws Exception {
        if (job.isEmpty() || !job.get().state().equals("SUBMITTED")) {
            return false;
        }
        Optional<Transaction> t = ANVIL.web3j().ethGetTransactionByHash(job.get().txHash()).send().getTransaction();
        return t.isPresent() && t.get().getBlockNumberRaw() == null;
    }

    /** Whether readiness reports every check UP but "chain", which is DOWN (the gateway runs, the chain is away). */
    private static boolean upButTheChain(int port) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode checks = JSON.readTree(r.body()).path("checks");
            boolean chainDown = false;
            boolean othersUp = checks.size() > 1;
            for (JsonNode c : checks) {
                boolean up = "UP".equals(c.path("status").asText());
                if ("chain".equals(c.path("name").asText())) {
                    chainDown = !up;
                } else {
                    othersUp &= up;
                }
            }
            return chainDown && othersUp;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean accountKnown(MessageRows db, String account) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM oracle_accounts WHERE address = ?")) {
            ps.setString(1, account.toLowerCase(Locale.ROOT));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) == 1;
            }
        }
    }

    private static void anvil(String method, Object... params) throws Exception {
        AnvilExtension.RawResponse r = new Request<>(method, List.of(params), new HttpService(ANVIL.rpcUrl()), AnvilExtension.RawResponse.class).send();
        if (r.hasError()) {
            throw new IllegalStateException(method + ": " + r.getError().getMessage());
        }
    }

    private static int port(String url) {
        return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1).replaceAll("[^0-9]", ""));
    }
}
