package io.sensorproof.oracle.chain;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code deploy}: deploys the contracts to a JSON-RPC endpoint and writes the deployment file the
 * gateway reads. Exit 0 deployed, 2 refused or failed (the {@link DeploymentException} code is
 * printed), 64 usage.
 */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = "Deploy AnchorRegistry, CollateralFinancing, CarbonCredit and the claim verifiers; grant roles; write chain.json.")
public final class DeployCommand implements Callable<Integer> {
    @Option(names = "--rpc", required = true, description = "JSON-RPC URL of a node, e.g. http://127.0.0.1:8545")
    String rpc;

    @Option(names = "--chain-id", required = true, description = "chain id the node must report")
    long chainId;

    @Option(names = "--key-file", required = true,
            description = "file holding the deploying account's private key (hex); the account becomes admin")
    Path keyFile;

    @Option(names = "--oracle", required = true, description = "oracle account (repeatable)")
    List<String> oracles = new ArrayList<>();

    @Option(names = "--bank", description = "lender admitted to create facilities (repeatable)")
    List<String> banks = new ArrayList<>();

    @Option(names = "--carbon-verifier", description = "carbon facility verifier (repeatable)")
    List<String> verifiers = new ArrayList<>();

    @Option(names = "--regulator", description = "regulator (repeatable)")
    List<String> regulators = new ArrayList<>();

    @Option(names = "--challenge-window", defaultValue = "604800",
            description = "seconds after a carbon period's close in which a regulator may void it (default ${DEFAULT-VALUE})")
    long challengeWindow;

    @Option(names = "--credit-uri", defaultValue = "", description = "ERC-1155 metadata URI template of credits")
    String creditUri;

    @Option(names = "--out", required = true, description = "deployment file to write (chain.json)")
    Path out;

    @Override
    public Integer call() throws Exception {
        Credentials credentials = Credentials.create(Files.readString(keyFile, StandardCharsets.US_ASCII).strip());
        Web3j web3j = Web3j.build(new HttpService(rpc));
        try {
            DeploymentPlan plan = new DeploymentPlan(chainId, oracles, banks, verifiers, regulators, challengeWindow, creditUri);
            Deployment d = new ChainDeployer(web3j, credentials, System.out::println).deploy(plan);
            d.write(out);
            System.out.println("wrote " + out + " (chain " + d.chainId() + ")");
            return 0;
        } catch (DeploymentException e) {
            System.err.println(e.getMessage());
            return 2;
        } finally {
            web3j.shutdown();
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new DeployCommand()).execute(args));
    }
}
