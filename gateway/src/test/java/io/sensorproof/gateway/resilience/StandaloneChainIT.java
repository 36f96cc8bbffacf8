package io.sensorproof.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.oracle.anvil.LocalDeployment;
import io.sensorproof.oracle.chain.Deployment;
import io.sensorproof.oracle.chain.DevelopmentKeys;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.Transfer;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Convert;

/**
 * Issue 15, standalone mode: the packaged gateway starts anvil with its state under
 * {@code <data-dir>/chain/}, deploys the contracts once, starts the prover workers (whose self-check
 * proof goes through the {@code ProverPool} bean) and reports readiness {@code chain} and
 * {@code prover}; a second start reuses the deployment and the chain's state; after {@code kill -9}
 * of the gateway the next start adopts the orphaned anvil (ADR 040), and after another one with other settings it
 * stops the orphan, which no longer matches, and still finds its state.
 *
 * <p>"No redeploy" is counted, not inferred: the deploying account's transaction count (its nonce)
 * must not change across restarts, and a transfer made between starts must still be on chain.
 */
class StandaloneChainIT {
    private static final Duration READY = Duration.ofMinutes(6);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void localChainIsDeployedOnceKeptAcrossRestartsAndItsOrphanAdoptedOrStoppedAfterKill9() throws Exception {
        Path root = Path.of("target", "resilience", "standalone-chain").toAbsolutePath();
        GatewayProcess.deleteTree(root);
        Path dataDir = root.resolve("gateway-data");
        Files.createDirectories(root);
        int http = GatewayProcess.freePort();
        int chainPort = GatewayProcess.freePort();
        Map<String, String> env = new HashMap<>(GatewayProcess.StandalonePorts.free().env("chain-it-gateway"));
        env.put("SENSORPROOF_CHAIN_LOCAL_PORT", Integer.toString(chainPort));
        env.put("SENSORPROOF_PROVER_ENABLED", "true");
        // one worker: the machine that runs the tests has two cores and other tests running
        env.put("SENSORPROOF_PROVER_WORKERS", "1");
        Path chainJson = dataDir.resolve("chain").resolve("chain.json");
        String deployer = LocalDeployment.address(LocalDeployment.DEPLOYER_ACCOUNT);
        Web3j web3j = Web3j.build(new HttpService("http://127.0.0.1:" + chainPort));
        GatewayProcess gateway = null;
        try {
            // first start: anvil, deployment, prover
            gateway = GatewayProcess.start("gateway run 1", dataDir, http, env, Map.of(), root.resolve("run1.log"));
            gateway.awaitReady(READY);
            long anvil1 = gateway.anvilPid().orElseThrow();
            assertThat(GatewayProcess.alive(anvil1)).isTrue();
            assertThat(ProcessHandle.of(anvil1).flatMap(h -> h.info().commandLine()).orElse("")).contains("anvil")
                    .contains(dataDir.resolve("chain").resolve("state.json").toString());
            assertThat(chainJson).isRegularFile();
            Deployment deployment = Deployment.read(chainJson);
            String chainJsonText = Files.readString(chainJson);
            assertThat(deployment.chainId()).isEqualTo(31337);
            assertThat(deployment.plan().oracles()).containsExactly(LocalDeployment.address(LocalDeployment.ORACLE_ACCOUNT));
            for (String address : deployment.contracts().values()) {
                assertThat(web3j.ethGetCode(address, DefaultBlockParameterName.LATEST).send().getCode()).isNotEqualTo("0x");
            }
            assertThat(dataDir.resolve("chain").resolve("oracle.key")).isRegularFile();
            JsonNode ready = readiness(http);
            assertThat(check(ready, "chain").path("status").asText()).isEqualTo("UP");
            assertThat(check(ready, "chain").path("data").path("anchorRegistry").asText())
                    .isEqualTo(deployment.address("AnchorRegistry"));
            JsonNode prover = check(ready, "prover");
            assertThat(prover.path("status").asText()).isEqualTo("UP");
            assertThat(prover.path("data").path("state").asText()).isEqualTo("READY");
            assertThat(prover.path("data").path("selfCheckMillis").asLong()).isPositive();
            assertThat(Files.readString(root.resolve("run1.log"))).contains("DEPLOYED").contains("self-check run claim proved and verified");
            BigInteger deployerNonce = nonce(web3j, deployer);
            assertThat(deployerNonce).isPositive();

            // something on chain that must survive the restarts: a transfer between two development accounts
            Credentials payer = Credentials.create(DevelopmentKeys.PRIVATE_KEYS.get(5));
            String payee = LocalDeployment.address(6);
            BigInteger before = web3j.ethGetBalance(payee, DefaultBlockParameterName.LATEST).send().getBalance();
            // receipts polled every 100 ms: Transfer.sendFunds(web3j, ...) polls every 15 s (web3j's default)
            TransactionReceipt transfer = new Transfer(web3j, new RawTransactionManager(web3j, payer, 31337,
                    new PollingTransactionReceiptProcessor(web3j, 100, 600))).sendFunds(payee, BigDecimal.ONE, Convert.Unit.ETHER).send();
            assertThat(transfer.isStatusOK()).isTrue();
            BigInteger after = before.add(Convert.toWei("1", Convert.Unit.ETHER).toBigIntegerExact());

            // graceful stop: anvil stops with the gateway and dumps its state
            gateway.stop();
            long stoppedAnvil = anvil1;
            await().atMost(Duration.ofSeconds(30)).until(() -> !GatewayProcess.alive(stoppedAnvil));
            assertThat(dataDir.resolve("chain").resolve("state.json")).isRegularFile();

            // second start: same deployment, nothing sent by the deployer, the transfer still there
            gateway = GatewayProcess.start("gateway run 2", dataDir, http, env, Map.of(), root.resolve("run2.log"));
            gateway.awaitReady(READY);
            assertThat(Files.readString(chainJson)).isEqualTo(chainJsonText);
            assertThat(Files.readString(root.resolve("run2.log"))).contains("REUSED").doesNotContain("deployed AnchorRegistry");
            assertThat(nonce(web3j, deployer)).isEqualTo(deployerNonce);
            assertThat(web3j.ethGetBalance(payee, DefaultBlockParameterName.LATEST).send().getBalance()).isEqualTo(after);
            assertThat(web3j.ethGetTransactionReceipt(transfer.getTransactionHash()).send().getTransactionReceipt()).isPresent();

            // kill -9: anvil is orphaned; the next start with the same settings adopts it (ADR 040): same process,
            // same chain, nothing redeployed
            long orphan = gateway.anvilPid().orElseThrow();
            gateway.kill9();
            assertThat(GatewayProcess.alive(orphan)).as("anvil outlives a SIGKILLed gateway").isTrue();
            gateway = GatewayProcess.start("gateway run 3", dataDir, http, env, Map.of(), root.resolve("run3.log"));
            gateway.awaitReady(READY);
            assertThat(gateway.anvilPid()).as("the orphaned anvil was adopted").hasValue(orphan);
            assertThat(Files.readString(root.resolve("run3.log"))).contains("adopted the running anvil pid " + orphan);
            assertThat(Files.readString(chainJson)).isEqualTo(chainJsonText);
            assertThat(nonce(web3j, deployer)).isEqualTo(deployerNonce);
            assertThat(web3j.ethGetBalance(payee, DefaultBlockParameterName.LATEST).send().getBalance()).isEqualTo(after);
            assertThat(check(readiness(http), "chain").path("status").asText()).isEqualTo("UP");

            // kill -9 again, and start with another block time: the orphan no longer matches, so it is stopped (it
            // dumps its state) and a fresh anvil resumes from that state
            gateway.kill9();
            assertThat(GatewayProcess.alive(orphan)).as("anvil outlives a SIGKILLed gateway").isTrue();
            Map<String, String> otherBlockTime = new HashMap<>(env);
            otherBlockTime.put("SENSORPROOF_CHAIN_LOCAL_BLOCK_TIME", "2");
            gateway = GatewayProcess.start("gateway run 4", dataDir, http, otherBlockTime, Map.of(), root.resolve("run4.log"));
            gateway.awaitReady(READY);
            assertThat(GatewayProcess.alive(orphan)).as("the orphaned anvil that does not match was stopped").isFalse();
            long anvil4 = gateway.anvilPid().orElseThrow();
            assertThat(anvil4).isNotEqualTo(orphan);
            assertThat(GatewayProcess.alive(anvil4)).isTrue();
            assertThat(Files.readString(root.resolve("run4.log"))).contains("is not adopted")
                    .contains("stopped the orphaned anvil (pid " + orphan + ")");
            assertThat(Files.readString(chainJson)).isEqualTo(chainJsonText);
            assertThat(nonce(web3j, deployer)).isEqualTo(deployerNonce);
            assertThat(web3j.ethGetBalance(payee, DefaultBlockParameterName.LATEST).send().getBalance()).isEqualTo(after);
            assertThat(check(readiness(http), "chain").path("status").asText()).isEqualTo("UP");
            gateway.stop();
            await().atMost(Duration.ofSeconds(30)).until(() -> !GatewayProcess.alive(anvil4));
        } finally {
            web3j.shutdown();
            if (gateway != null) {
                gateway.stop();
            }
            GatewayProcess.killLeftovers(dataDir);
        }
    }

    private static BigInteger nonce(Web3j web3j, String account) throws Exception {
        return web3j.ethGetTransactionCount(account, DefaultBlockParameterName.LATEST).send().getTransactionCount();
    }

    private static JsonNode readiness(int http) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/q/health/ready"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private static JsonNode check(JsonNode readiness, String name) {
        for (JsonNode c : readiness.path("checks")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no readiness check " + name + " in " + readiness);
    }
}
