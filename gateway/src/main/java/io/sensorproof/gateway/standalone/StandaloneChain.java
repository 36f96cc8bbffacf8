package io.sensorproof.gateway.standalone;

import io.sensorproof.oracle.anvil.AnvilBinary;
import io.sensorproof.oracle.anvil.AnvilProcess;
import io.sensorproof.oracle.anvil.LocalDeployment;
import io.sensorproof.oracle.chain.Deployment;
import io.sensorproof.oracle.chain.DevelopmentKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * The local chain of standalone mode, prepared before Quarkus starts: anvil ({@link AnvilProcess})
 * on 127.0.0.1 with chain id 31337 and its state under {@code <data-dir>/chain/}, the contracts
 * deployed with the development accounts when {@code chain.json} is missing or no longer matches
 * the chain ({@link LocalDeployment}), and the settings that point the application's
 * {@code ChainConnection} at it. A second start reuses the state and the recorded deployment.
 */
final class StandaloneChain {
    /** anvil's default chain id, the one standalone mode uses. */
    static final long CHAIN_ID = 31337;

    /** How long an orphaned anvil may take to answer {@code eth_chainId} to be adopted. */
    static final Duration ADOPTION_PROBE_TIMEOUT = Duration.ofSeconds(15);

    private static final Logger LOG = Logger.getLogger(StandaloneChain.class);

    private StandaloneChain() {
    }

    /**
     * The running local chain and what the application must be told about it.
     *
     * @param anvil the process (stopped after Quarkus)
     * @param deployment what the deployment step found and did
     */
    record Started(AnvilProcess anvil, LocalDeployment.Result deployment) {
        /** System properties for the application: RPC URL, deployment file, oracle key, prover on unless configured. */
        Map<String, String> applicationProperties(StandaloneConfig config) {
            Map<String, String> props = new LinkedHashMap<>();
            props.put(StandaloneConfig.CHAIN_RPC_URL, anvil.rpcUrl());
            props.put(StandaloneConfig.CHAIN_DEPLOYMENT_FILE, config.deploymentFile().toAbsolutePath().toString());
            if (config.chain().oracleKeyFile().filter(f -> !f.isBlank()).isEmpty()) {
                props.put(StandaloneConfig.CHAIN_ORACLE_KEY_FILE, deployment.oracleKeyFile().toString());
            }
            if (config.proverEnabled().isEmpty()) {
                props.put(StandaloneConfig.PROVER_ENABLED, "true");
            }
            return props;
        }
    }

    /**
     * With an adopted anvil, the deployment recorded in {@code chain.json} is the one the dead gateway
     * used on this very process: it is taken as it is, without the deployment check's round trips
     * (about 10 s under load 40 on two cores), and the application's {@code ChainConnection} compares
     * it with the chain at start and in readiness as it does for any chain (ADR 040). Empty when
     * there is no such record (then the check, and a deployment if needed, run as usual).
     */
    private static Optional<Started> keepRecordedDeployment(AnvilProcess anvil, StandaloneConfig config, long started) {
        Path chainJson = config.deploymentFile();
        Path oracleKey = LocalDeployment.oracleKeyFile(chainJson);
        if (!Files.isRegularFile(chainJson) || !Files.isRegularFile(oracleKey)) {
            return Optional.empty();
        }
        Deployment recorded;
        try {
            recorded = Deployment.read(chainJson);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (recorded.chainId() != CHAIN_ID) {
            return Optional.empty();
        }
        LOG.info("local chain ready in " + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms: chain " + CHAIN_ID
                + " at " + anvil.rpcUrl() + " (pid " + anvil.pid() + ", adopted), deployment of " + chainJson
                + " kept (checked by the application); development accounts only (" + DevelopmentKeys.LOCAL_CHAIN_IDS + ")");
        return Optional.of(new Started(anvil, new LocalDeployment.Result(recorded, LocalDeployment.Outcome.REUSED, oracleKey,
                List.of(), Optional.empty())));
    }

    /**
     * Adopts anvil left running by a gateway that died when it is the same chain, else starts anvil
     * (stopping such an orphan first), and makes sure the contracts are deployed on it.
     */
    static Started start(StandaloneConfig config) throws IOException {
        var local = config.chain().local();
        Path binary = local.anvil().filter(a -> !a.isBlank()).map(Path::of).orElseGet(() -> AnvilBinary.locate(StandaloneChain.class));
        Path dir = config.localChainDirectory();
        long started = System.nanoTime();
        LOG.info("starting the local chain (anvil " + binary + ", state in " + dir + ", 127.0.0.1:" + local.port() + ")");
        AnvilProcess.Options options = new AnvilProcess.Options(binary, dir, "127.0.0.1", local.port(), CHAIN_ID,
                local.blockTime(), local.stateInterval(), Duration.ofSeconds(60));
        // a kill -9 of the gateway leaves anvil running: keep it when it is the same chain (ADR 040)
        AnvilProcess anvil = AnvilProcess.adoptOrphan(options, ADOPTION_PROBE_TIMEOUT, reason -> LOG.warn(
                "the anvil left running by a gateway that died is not adopted (it is stopped and a fresh one started): " + reason))
                .orElse(null);
        if (anvil == null) {
            anvil = AnvilProcess.start(options);
        } else {
            Optional<Started> kept = keepRecordedDeployment(anvil, config, started);
            if (kept.isPresent()) {
                return kept.get();
            }
        }
        Web3j web3j = Web3j.build(new HttpService(anvil.rpcUrl()));
        try {
            // instant mining while deploying (each transaction waits for its receipt), then the block time again
            LocalDeployment.Result result = anvil.withInstantMining(() -> LocalDeployment.ensure(web3j,
                    config.deploymentFile(), local.challengeWindow().toSeconds(), line -> LOG.info("local chain: " + line)));
            if (result.outcome() == LocalDeployment.Outcome.REDEPLOYED_STATE_LOST) {
                LOG.error("LOCAL CHAIN STATE LOST: " + String.join("; ", result.differences())
                        + ". Everything anchored, frozen or minted on it is gone. The contracts were deployed again"
                        + " (new addresses in " + config.deploymentFile() + "); the old record is kept as "
                        + result.replaced().map(Path::toString).orElse("?")
                        + ". Jobs the database records as submitted or confirmed will be found missing on chain.");
            }
            LOG.info("local chain ready in " + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms: chain "
                    + CHAIN_ID + " at " + anvil.rpcUrl() + " (pid " + anvil.pid() + (anvil.adopted() ? ", adopted" : "") + "), " + result.outcome()
                    + ", AnchorRegistry " + result.deployment().address("AnchorRegistry")
                    + "; development accounts only (" + DevelopmentKeys.LOCAL_CHAIN_IDS + ")");
            return new Started(anvil, result);
        } catch (RuntimeException e) {
            anvil.close();
            throw e;
        } finally {
            web3j.shutdown();
        }
    }
}
