package io.sensorproof.oracle.anvil;

import io.sensorproof.oracle.chain.ChainDeployer;
import io.sensorproof.oracle.chain.Deployment;
import io.sensorproof.oracle.chain.DeploymentException;
import io.sensorproof.oracle.chain.DeploymentPlan;
import io.sensorproof.oracle.chain.DevelopmentKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;

/**
 * The contracts of a local development chain (standalone mode): deployed with anvil's public
 * development accounts when {@code chain.json} is missing, reused when it matches the chain.
 *
 * <p>Accounts (the "test … junk" mnemonic, {@link DevelopmentKeys}; the deployer refuses them on any
 * chain but 31337/1337): 0 deploys and is admin, 1 is the oracle (its key is written to
 * {@code oracle.key} next to {@code chain.json}), 2 the bank, 3 the carbon verifier, 4 the regulator.
 *
 * <p>Reuse requires the recorded chain id and code at every recorded address. When one of them
 * fails, the chain's state was lost (state file deleted or damaged) and everything anchored on it is
 * gone: the old file is kept as {@code chain.json.lost-<instant>}, the contracts are deployed again
 * and the outcome is {@link Outcome#REDEPLOYED_STATE_LOST}, which the caller logs loudly. Anything the
 * gateway's database says was anchored refers to the lost chain; the oracle's start-up
 * reconciliation finds those transactions missing.
 */
public final class LocalDeployment {
    /** Development account that deploys (admin of every contract). */
    public static final int DEPLOYER_ACCOUNT = 0;
    /** Development account of the gateway's oracle (ORACLE_ROLE). */
    public static final int ORACLE_ACCOUNT = 1;
    /** Development account given BANK_ROLE. */
    public static final int BANK_ACCOUNT = 2;
    /** Development account given VERIFIER_ROLE (carbon). */
    public static final int CARBON_VERIFIER_ACCOUNT = 3;
    /** Development account given REGULATOR_ROLE. */
    public static final int REGULATOR_ACCOUNT = 4;
    /** ERC-1155 metadata URI template of the local chain's credits. */
    public static final String CREDIT_URI = "https://sensorproof.invalid/credits/{id}.json";

    private LocalDeployment() {
    }

    /** What {@link #ensure} found and did. */
    public enum Outcome {
        /** No chain.json: deployed and recorded. */
        DEPLOYED,
        /** chain.json matches the chain: nothing sent. */
        REUSED,
        /** chain.json names contracts or a chain that are gone: deployed again, the old file kept aside. */
        REDEPLOYED_STATE_LOST
    }

    /**
     * The result.
     *
     * @param deployment the deployment in use
     * @param outcome what happened
     * @param oracleKeyFile the oracle account's key file (hex private key, mode 0600)
     * @param differences why the recorded deployment was not reused (empty unless redeployed)
     * @param replaced where the old chain.json was kept, when redeployed
     */
    public record Result(Deployment deployment, Outcome outcome, Path oracleKeyFile, List<String> differences,
            Optional<Path> replaced) {
        public Result {
            Objects.requireNonNull(deployment);
            Objects.requireNonNull(outcome);
            differences = List.copyOf(differences);
        }
    }

    /** The oracle key file next to {@code chainJson}. */
    public static Path oracleKeyFile(Path chainJson) {
        return chainJson.toAbsolutePath().resolveSibling("oracle.key");
    }

    /**
     * Reuses the deployment recorded in {@code chainJson} if it matches the chain behind
     * {@code web3j}, or deploys (see the class comment).
     *
     * @param challengeWindowSeconds CarbonCredit's challenge window for a new deployment
     * @param progress one line per step (checked, deployed X, granted R)
     * @throws DeploymentException when the chain is not a local development chain or a transaction fails
     */
    public static Result ensure(Web3j web3j, Path chainJson, long challengeWindowSeconds, Consumer<String> progress) {
        try {
            long chainId = web3j.ethChainId().send().getChainId().longValueExact();
            if (!DevelopmentKeys.isLocalChain(chainId)) {
                throw new DeploymentException(DeploymentException.Code.DEVELOPMENT_KEY_ON_SHARED_CHAIN,
                        "automatic deployment uses the public development keys and is for local chains only ("
                                + DevelopmentKeys.LOCAL_CHAIN_IDS + "), this node reports " + chainId
                                + "; deploy with DeployCommand (oracle/README.md)");
            }
            Path keyFile = writeOracleKey(chainJson);
            List<String> differences = List.of();
            if (Files.exists(chainJson)) {
                Deployment recorded = Deployment.read(chainJson);
                // not the genesis hash: anvil's state dump keeps only recent blocks, and after a reload
                // of a longer chain block 0 is made anew with another hash (seen after ~270 blocks)
                differences = DeploymentCheck.differences(web3j, recorded);
                if (differences.isEmpty()) {
                    progress.accept("contracts of " + chainJson + " found on chain " + chainId + " (AnchorRegistry "
                            + recorded.address("AnchorRegistry") + ")");
                    return new Result(recorded, Outcome.REUSED, keyFile, List.of(), Optional.empty());
                }
            }
            Optional<Path> replaced = Optional.empty();
            if (Files.exists(chainJson)) {
                Path aside = chainJson.resolveSibling(chainJson.getFileName() + ".lost-" + Instant.now().toString().replace(':', '-'));
                Files.move(chainJson, aside, StandardCopyOption.ATOMIC_MOVE);
                replaced = Optional.of(aside);
            }
            progress.accept("deploying the contracts to the local chain " + chainId + " (about 10 blocks)");
            DeploymentPlan plan = new DeploymentPlan(chainId, List.of(address(ORACLE_ACCOUNT)), List.of(address(BANK_ACCOUNT)),
                    List.of(address(CARBON_VERIFIER_ACCOUNT)), List.of(address(REGULATOR_ACCOUNT)), challengeWindowSeconds, CREDIT_URI);
            Deployment deployment = new ChainDeployer(web3j, Credentials.create(DevelopmentKeys.PRIVATE_KEYS.get(DEPLOYER_ACCOUNT)), progress)
                    .deploy(plan);
            deployment.write(chainJson);
            progress.accept("wrote " + chainJson);
            return new Result(deployment, replaced.isPresent() ? Outcome.REDEPLOYED_STATE_LOST : Outcome.DEPLOYED, keyFile,
                    differences, replaced);
        } catch (IOException e) {
            throw new DeploymentException(DeploymentException.Code.NODE_ERROR, "the local chain does not answer: " + e.getMessage(), e);
        }
    }

    /** The address of development account {@code i}. */
    public static String address(int i) {
        return Credentials.create(DevelopmentKeys.PRIVATE_KEYS.get(i)).getAddress();
    }

    /** Writes the oracle's development key (hex, as DeployCommand's --key-file) with mode 0600 if it is not there. */
    private static Path writeOracleKey(Path chainJson) {
        Path file = oracleKeyFile(chainJson);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                Files.deleteIfExists(tmp);
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(tmp, DevelopmentKeys.PRIVATE_KEYS.get(ORACLE_ACCOUNT) + "\n", StandardCharsets.US_ASCII);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
