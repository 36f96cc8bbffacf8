package io.sensorproof.oracle.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.tx.response.TransactionReceiptProcessor;

/**
 * Deploys the contracts in dependency order — the two claim verifiers, AnchorRegistry, then
 * CollateralFinancing and CarbonCredit on the registry — from the bytecode this module's build
 * compiled, grants the plan's roles, and returns the {@link Deployment} the gateway reads.
 *
 * <p>It refuses the publicly known development keys ({@link DevelopmentKeys}) — as the deploying
 * account or as any role holder of the plan — on every chain that is not a local development chain
 * (chain id 31337 or 1337), before it sends anything: on a shared chain anyone could sign as them.
 */
public final class ChainDeployer {
    /** Contracts in deployment order. */
    public static final List<String> CONTRACTS = List.of("ExcursionClaimVerifier", "EmissionsClaimVerifier",
            "AnchorRegistry", "CollateralFinancing", "CarbonCredit");

    private static final String RESOURCE = "/io/sensorproof/oracle/contracts.json";
    private static final BigInteger GAS_MARGIN_PERCENT = BigInteger.valueOf(125);

    private final Web3j web3j;
    private final Credentials deployer;
    private final Consumer<String> progress;
    private final JsonNode compiled;

    /**
     * @param web3j a client of the chain's JSON-RPC endpoint
     * @param deployer the deploying account; becomes admin of every contract
     * @param progress receives one line per step (deployed X at Y, granted R to Z)
     */
    public ChainDeployer(Web3j web3j, Credentials deployer, Consumer<String> progress) {
        this.web3j = web3j;
        this.deployer = deployer;
        this.progress = progress;
        try (InputStream in = ChainDeployer.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new DeploymentException(DeploymentException.Code.CONTRACT_MISSING, RESOURCE + " is not on the classpath");
            }
            this.compiled = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deploys everything and grants the plan's roles; see the class comment for what is refused. */
    public Deployment deploy(DeploymentPlan plan) {
        long chainId = chainId();
        if (chainId != plan.expectedChainId()) {
            throw new DeploymentException(DeploymentException.Code.CHAIN_ID_MISMATCH,
                    "the node reports chain id " + chainId + ", the plan expects " + plan.expectedChainId());
        }
        refuseDevelopmentKeys(chainId, deployer.getAddress(), plan);
        RawTransactionManager tx = new RawTransactionManager(web3j, deployer, chainId);
        TransactionReceiptProcessor receipts = new PollingTransactionReceiptProcessor(web3j, 100, 1200);
        Map<String, String> addresses = new LinkedHashMap<>();
        String admin = deployer.getAddress();

        addresses.put("ExcursionClaimVerifier", create(tx, receipts, "ExcursionClaimVerifier", List.of()));
        addresses.put("EmissionsClaimVerifier", create(tx, receipts, "EmissionsClaimVerifier", List.of()));
        String registry = create(tx, receipts, "AnchorRegistry", List.of(new Address(admin),
                new Address(addresses.get("ExcursionClaimVerifier")), new Address(addresses.get("EmissionsClaimVerifier"))));
        addresses.put("AnchorRegistry", registry);
        addresses.put("CollateralFinancing", create(tx, receipts, "CollateralFinancing",
                List.of(new Address(admin), new Address(registry))));
        addresses.put("CarbonCredit", create(tx, receipts, "CarbonCredit", List.of(new Address(admin), new Address(registry),
                new Utf8String(plan.creditUri()), new Uint64(plan.challengeWindowSeconds()))));

        long block = 0;
        for (String oracle : plan.oracles()) {
            for (String contract : List.of("AnchorRegistry", "CollateralFinancing", "CarbonCredit")) {
                block = grant(tx, receipts, addresses.get(contract), contract, "ORACLE_ROLE", oracle);
            }
        }
        for (String bank : plan.banks()) {
            block = grant(tx, receipts, addresses.get("CollateralFinancing"), "CollateralFinancing", "BANK_ROLE", bank);
        }
        for (String verifier : plan.carbonVerifiers()) {
            block = grant(tx, receipts, addresses.get("CarbonCredit"), "CarbonCredit", "VERIFIER_ROLE", verifier);
        }
        for (String regulator : plan.regulators()) {
            block = grant(tx, receipts, addresses.get("CarbonCredit"), "CarbonCredit", "REGULATOR_ROLE", regulator);
        }
        return new Deployment(chainId, block, admin, addresses, plan, compiled.path("solc").asText(),
                compiled.path("evmVersion").asText());
    }

    /** The refusal rule, separate so it is checked before any transaction. */
    static void refuseDevelopmentKeys(long chainId, String deployerAddress, DeploymentPlan plan) {
        if (DevelopmentKeys.isLocalChain(chainId)) {
            return;
        }
        if (DevelopmentKeys.isDevelopmentAddress(deployerAddress)) {
            throw new DeploymentException(DeploymentException.Code.DEVELOPMENT_KEY_ON_SHARED_CHAIN,
                    "the deploying key " + deployerAddress + " is a public development key and chain " + chainId
                            + " is not a local development chain (" + DevelopmentKeys.LOCAL_CHAIN_IDS + ")");
        }
        for (String account : plan.accounts()) {
            if (DevelopmentKeys.isDevelopmentAddress(account)) {
                throw new DeploymentException(DeploymentException.Code.DEVELOPMENT_KEY_ON_SHARED_CHAIN,
                        "role account " + account + " belongs to a public development key and chain " + chainId
                                + " is not a local development chain");
            }
        }
    }

    private long chainId() {
        try {
            return web3j.ethChainId().send().getChainId().longValueExact();
        } catch (IOException | RuntimeException e) {
            throw new DeploymentException(DeploymentException.Code.NODE_ERROR, "eth_chainId failed: " + e.getMessage(), e);
        }
    }

    private String create(RawTransactionManager tx, TransactionReceiptProcessor receipts, String contract,
                          List<Type> constructorArgs) {
        JsonNode c = compiled.path("contracts").path(contract);
        String bin = c.path("bin").asText("");
        if (bin.isEmpty()) {
            throw new DeploymentException(DeploymentException.Code.CONTRACT_MISSING, contract + " has no bytecode in contracts.json");
        }
        String data = "0x" + bin + FunctionEncoder.encodeConstructor(constructorArgs);
        TransactionReceipt receipt = send(tx, receipts, null, data, contract + " creation");
        String address = receipt.getContractAddress();
        progress.accept("deployed " + contract + " at " + address + " (gas " + receipt.getGasUsed() + ")");
        return address;
    }

    private long grant(RawTransactionManager tx, TransactionReceiptProcessor receipts, String contractAddress,
                       String contract, String role, String account) {
        Function f = new Function("grantRole", List.of(new Bytes32(Hash.sha3(role.getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                new Address(account)), List.of());
        TransactionReceipt receipt = send(tx, receipts, contractAddress, FunctionEncoder.encode(f), contract + ".grantRole(" + role + ")");
        progress.accept("granted " + contract + " " + role + " to " + account);
        return receipt.getBlockNumber().longValueExact();
    }

    private TransactionReceipt send(RawTransactionManager tx, TransactionReceiptProcessor receipts, String to,
                                    String data, String what) {
        try {
            BigInteger gasPrice = web3j.ethGasPrice().send().getGasPrice();
            EthEstimateGas estimate = web3j.ethEstimateGas(new Transaction(deployer.getAddress(), null, null, null, to,
                    BigInteger.ZERO, data)).send();
            if (estimate.hasError()) {
                throw new DeploymentException(DeploymentException.Code.TRANSACTION_FAILED,
                        what + " would fail: " + estimate.getError().getMessage());
            }
            BigInteger gas = estimate.getAmountUsed().multiply(GAS_MARGIN_PERCENT).divide(BigInteger.valueOf(100));
            EthSendTransaction sent = to == null
                    ? tx.sendTransaction(gasPrice, gas, null, data, BigInteger.ZERO, true)
                    : tx.sendTransaction(gasPrice, gas, to, data, BigInteger.ZERO);
            if (sent.hasError()) {
                throw new DeploymentException(DeploymentException.Code.TRANSACTION_FAILED, what + ": " + sent.getError().getMessage());
            }
            TransactionReceipt receipt = receipts.waitForTransactionReceipt(sent.getTransactionHash());
            if (!receipt.isStatusOK()) {
                throw new DeploymentException(DeploymentException.Code.TRANSACTION_FAILED, what + " reverted: " + receipt);
            }
            return receipt;
        } catch (IOException | TransactionException e) {
            throw new DeploymentException(DeploymentException.Code.NODE_ERROR, what + ": " + e.getMessage(), e);
        }
    }
}
