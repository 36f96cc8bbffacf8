package io.sensorproof.oracle.anvil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.oracle.chain.DevelopmentKeys;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.Transfer;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Convert;

/**
 * The local chain of standalone mode on a real anvil: {@link AnvilProcess} keeps state across a
 * restart and stops an orphan named by its pid file; {@link LocalDeployment} deploys once, reuses the
 * deployment without sending anything, and redeploys (keeping the old record aside) when the chain's
 * state is gone.
 */
class LocalChainIT {
    @TempDir
    Path dir;

    @Test
    void orphanIsStoppedAndStateKeptAcrossRestarts() throws Exception {
        Path state = dir.resolve("chain");
        AnvilProcess.Options options = options(state);
        AnvilProcess orphan = AnvilProcess.start(options);
        List<AnvilProcess> started = new ArrayList<>(List.of(orphan));
        try {
            String payee = LocalDeployment.address(6);
            Web3j web3j = Web3j.build(new HttpService(orphan.rpcUrl()));
            BigInteger before = web3j.ethGetBalance(payee, DefaultBlockParameterName.LATEST).send().getBalance();
            // receipts polled every 100 ms: Transfer.sendFunds(web3j, ...) polls every 15 s (web3j's default)
            Transfer transfer = new Transfer(web3j, new RawTransactionManager(web3j, Credentials.create(DevelopmentKeys.PRIVATE_KEYS.get(5)),
                    31337, new PollingTransactionReceiptProcessor(web3j, 100, 600)));
            assertThat(transfer.sendFunds(payee, BigDecimal.ONE, Convert.Unit.ETHER).send().isStatusOK()).isTrue();
            web3j.shutdown();
            assertThat(Files.readString(state.resolve(AnvilProcess.PID_FILE)).trim()).isEqualTo(Long.toString(orphan.pid()));

            // the owner "dies" without closing it: the next start on the directory stops the orphan
            AnvilProcess next = AnvilProcess.start(options);
            started.add(next);
            assertThat(orphan.isAlive()).as("orphan stopped").isFalse();
            assertThat(next.pid()).isNotEqualTo(orphan.pid());
            web3j = Web3j.build(new HttpService(next.rpcUrl()));
            assertThat(web3j.ethGetBalance(payee, DefaultBlockParameterName.LATEST).send().getBalance())
                    .isEqualTo(before.add(Convert.toWei("1", Convert.Unit.ETHER).toBigIntegerExact()));
            web3j.shutdown();
            next.close();
            assertThat(state.resolve(AnvilProcess.PID_FILE)).doesNotExist();
        } finally {
            started.forEach(AnvilProcess::close);
        }
    }

    @Test
    void refusesAPortSomeoneElseListensOn() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            AnvilProcess.Options options = new AnvilProcess.Options(AnvilBinary.locate(LocalChainIT.class), dir.resolve("chain"),
                    "127.0.0.1", taken.getLocalPort(), 31337, 1, 1, Duration.ofSeconds(60));
            assertThatThrownBy(() -> AnvilProcess.start(options)).isInstanceOf(IOException.class).hasMessageContaining("is taken");
        }
    }

    @Test
    void deploysOnceReusesAndRedeploysWhenTheStateIsLost() throws Exception {
        Path state = dir.resolve("chain");
        Path chainJson = state.resolve("chain.json");
        String deployer = LocalDeployment.address(LocalDeployment.DEPLOYER_ACCOUNT);
        try (AnvilProcess anvil = AnvilProcess.start(options(state))) {
            Web3j web3j = Web3j.build(new HttpService(anvil.rpcUrl()));
            // mined at once, as StandaloneChain deploys (the mining mode is deploysWithInstantMining...'s subject, not this test's)
            LocalDeployment.Result first = anvil.withInstantMining(() -> LocalDeployment.ensure(web3j, chainJson, 3600, line -> { }));
            assertThat(first.outcome()).isEqualTo(LocalDeployment.Outcome.DEPLOYED);
            assertThat(chainJson).isRegularFile();
            assertThat(Files.getPosixFilePermissions(first.oracleKeyFile()))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            BigInteger nonce = web3j.ethGetTransactionCount(deployer, DefaultBlockParameterName.LATEST).send().getTransactionCount();

            LocalDeployment.Result second = LocalDeployment.ensure(web3j, chainJson, 3600, line -> { });
            assertThat(second.outcome()).isEqualTo(LocalDeployment.Outcome.REUSED);
            assertThat(second.deployment().contracts()).isEqualTo(first.deployment().contracts());
            assertThat(web3j.ethGetTransactionCount(deployer, DefaultBlockParameterName.LATEST).send().getTransactionCount())
                    .as("nothing sent on reuse").isEqualTo(nonce);
            web3j.shutdown();
        }
        // the state file is lost: a fresh chain with another genesis and no contracts
        Files.delete(state.resolve(AnvilProcess.STATE_FILE));
        try (AnvilProcess anvil = AnvilProcess.start(options(state))) {
            Web3j web3j = Web3j.build(new HttpService(anvil.rpcUrl()));
            LocalDeployment.Result third = anvil.withInstantMining(() -> LocalDeployment.ensure(web3j, chainJson, 3600, line -> { }));
            assertThat(third.outcome()).isEqualTo(LocalDeployment.Outcome.REDEPLOYED_STATE_LOST);
            assertThat(third.differences()).anySatisfy(d -> assertThat(d).contains("has no code"));
            assertThat(third.replaced()).isPresent();
            assertThat(third.replaced().orElseThrow()).isRegularFile();
            assertThat(DeploymentCheck.differences(web3j, third.deployment())).isEmpty();
            web3j.shutdown();
        }
    }

    @Test
    void deploysWithInstantMiningThenMinesOnTheBlockTimeAgain() throws Exception {
        Path state = dir.resolve("chain");
        try (AnvilProcess anvil = AnvilProcess.start(options(state))) {
            Web3j web3j = Web3j.build(new HttpService(anvil.rpcUrl()));
            long before = blockNumber(web3j);
            LocalDeployment.Result deployed = anvil.withInstantMining(
                    () -> LocalDeployment.ensure(web3j, state.resolve("chain.json"), 3600, line -> { }));
            assertThat(deployed.outcome()).isEqualTo(LocalDeployment.Outcome.DEPLOYED);
            long after = blockNumber(web3j);
            // every deployment transaction in a block of its own, mined at once (not one per second)
            long sent = web3j.ethGetTransactionCount(LocalDeployment.address(LocalDeployment.DEPLOYER_ACCOUNT),
                    DefaultBlockParameterName.LATEST).send().getTransactionCount().longValueExact();
            assertThat(after - before).as("blocks mined during the deployment").isGreaterThanOrEqualTo(sent);
            // interval mining again: blocks keep coming without transactions (automine alone would mine none)
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> blockNumber(web3j) >= after + 2);
            web3j.shutdown();
        }
    }

    private static long blockNumber(Web3j web3j) throws IOException {
        return web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
    }

    private static AnvilProcess.Options options(Path state) throws IOException {
        return new AnvilProcess.Options(AnvilBinary.locate(LocalChainIT.class), state, "127.0.0.1", freePort(), 31337, 1, 1,
                Duration.ofSeconds(60));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
