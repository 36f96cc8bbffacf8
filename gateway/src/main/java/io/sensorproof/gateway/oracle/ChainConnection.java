package io.sensorproof.gateway.oracle;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sensorproof.gateway.GatewaySettings;
import io.sensorproof.oracle.anvil.DeploymentCheck;
import io.sensorproof.oracle.chain.Deployment;
import io.sensorproof.oracle.chain.DevelopmentKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * "The chain" for the rest of the gateway: a web3j client of the configured JSON-RPC endpoint, the
 * deployment it anchors on ({@code chain.json}: chain id, contract addresses) and the oracle
 * account's credentials. In standalone mode the launcher starts the local chain and sets the three
 * {@code sensorproof.chain.*} settings; with an external chain they are configured, and a missing
 * {@code chain.json} or key file stops the start with a message naming the setting (deploying to a
 * consortium chain is {@code DeployCommand}'s job, oracle/README.md).
 *
 * <p>At start the deployment is compared with the chain ({@link DeploymentCheck}: chain id, code at
 * every address); the result and the node's reachability are what readiness check {@code chain}
 * reports. Without any chain configured (tests that run the application without the launcher)
 * {@link #configured()} is false and the accessors throw {@code CHAIN_NOT_CONFIGURED}.
 */
@ApplicationScoped
public class ChainConnection {
    private static final Logger LOG = Logger.getLogger(ChainConnection.class);

    @Inject
    GatewaySettings settings;

    private volatile Connected connected;
    private volatile List<String> differences = List.of();
    private volatile boolean checked;

    /** A configured chain: endpoint, client, deployment and the oracle's account. */
    record Connected(String rpcUrl, Web3j web3j, Deployment deployment, Credentials oracle) {
    }

    void start(@Observes StartupEvent event) {
        Optional<String> rpcUrl = settings.chain().rpcUrl().filter(u -> !u.isBlank());
        if (rpcUrl.isEmpty()) {
            LOG.info("no chain configured (" + "sensorproof.chain.rpc-url" + "); anchoring is unavailable");
            return;
        }
        Path deploymentFile = settings.chain().deploymentFile().filter(f -> !f.isBlank()).map(Path::of)
                .orElse(Path.of(settings.dataDir(), "chain", "chain.json"));
        if (!Files.isRegularFile(deploymentFile)) {
            throw new OracleSetupException(OracleSetupException.Code.DEPLOYMENT_MISSING, "the chain at " + rpcUrl.get()
                    + " has no deployment file " + deploymentFile.toAbsolutePath() + " (sensorproof.chain.deployment-file)."
                    + " The gateway deploys contracts only to its own local chain; deploy to this chain with DeployCommand"
                    + " (oracle/README.md) and point sensorproof.chain.deployment-file at the chain.json it writes");
        }
        Deployment deployment;
        try {
            deployment = Deployment.read(deploymentFile);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw new OracleSetupException(OracleSetupException.Code.DEPLOYMENT_UNREADABLE,
                    deploymentFile.toAbsolutePath() + " is not a deployment record: " + e.getMessage(), e);
        }
        Path keyFile = settings.chain().oracleKeyFile().filter(f -> !f.isBlank()).map(Path::of).orElseThrow(() ->
                new OracleSetupException(OracleSetupException.Code.ORACLE_KEY_MISSING,
                        "sensorproof.chain.oracle-key-file is required with an external chain: the oracle account's private key"));
        Credentials oracle = readKey(keyFile);
        if (!DevelopmentKeys.isLocalChain(deployment.chainId()) && DevelopmentKeys.isDevelopmentAddress(oracle.getAddress())) {
            throw new OracleSetupException(OracleSetupException.Code.ORACLE_KEY_INVALID, "the oracle key " + keyFile
                    + " is a public development key and chain " + deployment.chainId() + " is not a local development chain");
        }
        if (!deployment.plan().oracles().stream().anyMatch(a -> a.equalsIgnoreCase(oracle.getAddress()))) {
            LOG.warn("the oracle account " + oracle.getAddress() + " is not among the oracles chain.json granted ORACLE_ROLE to "
                    + deployment.plan().oracles() + "; its anchoring transactions will revert");
        }
        connected = new Connected(rpcUrl.get(), Web3j.build(new HttpService(rpcUrl.get())), deployment, oracle);
        LOG.info("chain " + deployment.chainId() + " at " + rpcUrl.get() + ", deployment " + deploymentFile.toAbsolutePath()
                + ", oracle account " + oracle.getAddress());
        verify();
    }

    void stop(@Observes ShutdownEvent event) {
        Connected c = connected;
        if (c != null) {
            c.web3j().shutdown();
        }
    }

    /**
     * Compares the deployment with the chain once it answers (at start, then from the readiness check
     * until it succeeded once).
     */
    synchronized void verify() {
        Connected c = connected;
        if (c == null || checked) {
            return;
        }
        try {
            List<String> found = DeploymentCheck.differences(c.web3j(), c.deployment());
            differences = List.copyOf(found);
            checked = true;
            if (found.isEmpty()) {
                LOG.info("the contracts of chain.json are on chain " + c.deployment().chainId());
            } else {
                LOG.error("chain.json does not describe the chain at " + c.rpcUrl() + ": " + String.join("; ", found));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("the chain at " + c.rpcUrl() + " does not answer yet: " + e.getMessage());
        }
    }

    /** True when a chain is configured (standalone mode's local chain, or sensorproof.chain.rpc-url). */
    public boolean configured() {
        return connected != null;
    }

    /** The web3j client of the chain's JSON-RPC endpoint. */
    public Web3j web3j() {
        return require().web3j();
    }

    /** The JSON-RPC URL. */
    public String rpcUrl() {
        return require().rpcUrl();
    }

    /** The chain id recorded in chain.json (checked against the node at start). */
    public long chainId() {
        return require().deployment().chainId();
    }

    /** The deployment: contract addresses, roles, compiler. */
    public Deployment deployment() {
        return require().deployment();
    }

    /** The address of a deployed contract ({@code AnchorRegistry}, {@code CollateralFinancing}, {@code CarbonCredit}, the verifiers). */
    public String address(String contract) {
        return require().deployment().address(contract);
    }

    /** The oracle account that signs anchoring, freeze and mint transactions. */
    public Credentials oracleCredentials() {
        return require().oracle();
    }

    /** True for a local development chain (31337/1337): the standalone anvil. */
    public boolean localDevelopmentChain() {
        return DevelopmentKeys.isLocalChain(chainId());
    }

    /** Differences between chain.json and the chain found at start; empty when it matches or was not checked yet. */
    public List<String> differences() {
        return differences;
    }

    /** True once the deployment was compared with the chain. */
    public boolean verified() {
        return checked;
    }

    private Connected require() {
        Connected c = connected;
        if (c == null) {
            throw new OracleSetupException(OracleSetupException.Code.CHAIN_NOT_CONFIGURED,
                    "no chain configured: set sensorproof.chain.rpc-url or run the packaged gateway in standalone mode");
        }
        return c;
    }

    private static Credentials readKey(Path keyFile) {
        try {
            if (!Files.isRegularFile(keyFile)) {
                throw new OracleSetupException(OracleSetupException.Code.ORACLE_KEY_MISSING, "no oracle key file " + keyFile.toAbsolutePath());
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(keyFile);
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                throw new OracleSetupException(OracleSetupException.Code.ORACLE_KEY_INVALID,
                        "the oracle key file " + keyFile.toAbsolutePath() + " is readable by others; chmod 600 it");
            }
            String hex = Files.readString(keyFile, StandardCharsets.US_ASCII).strip();
            if (!hex.matches("(0x)?[0-9a-fA-F]{64}")) {
                throw new OracleSetupException(OracleSetupException.Code.ORACLE_KEY_INVALID,
                        keyFile.toAbsolutePath() + " does not hold a private key (64 hex digits)");
            }
            return Credentials.create(hex);
        } catch (IOException e) {
            throw new OracleSetupException(OracleSetupException.Code.ORACLE_KEY_INVALID, "cannot read " + keyFile + ": " + e.getMessage(), e);
        }
    }
}
