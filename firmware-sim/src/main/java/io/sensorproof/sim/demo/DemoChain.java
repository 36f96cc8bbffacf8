package io.sensorproof.sim.demo;

import io.sensorproof.oracle.anvil.LocalDeployment;
import io.sensorproof.oracle.chain.Deployment;
import io.sensorproof.oracle.chain.DevelopmentKeys;
import io.sensorproof.oracle.contracts.AnchorRegistry;
import io.sensorproof.oracle.contracts.CollateralFinancing;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.sim.gateway.CollateralApi;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.exceptions.ContractCallException;
import org.web3j.utils.Numeric;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * What the demo's banks and borrowers do on the local chain with anvil's development accounts (never
 * anything but a local development chain): a bank proposes a {@code CollateralFinancing} facility with its
 * lot's terms, the borrower accepts it; the bank unfreezes; anyone reads a facility or tries a drawdown
 * with {@code eth_call}. The gateway itself never holds these keys: it only sees the facility when the
 * bank links it, and follows the chain.
 */
public final class DemoChain implements AutoCloseable {
    /** A second development account given BANK_ROLE by the deployer, for the demo's second bank. */
    public static final int SECOND_BANK_ACCOUNT = 6;
    private static final long CHAIN_ID = 31_337;

    private final Web3j web3j;
    private final Deployment deployment;

    /**
     * @param rpc the local chain's JSON-RPC endpoint
     * @param chainJson the deployment the gateway wrote
     */
    public DemoChain(URI rpc, Path chainJson) {
        this.web3j = Web3j.build(new HttpService(rpc.toString()));
        this.deployment = Deployment.read(Objects.requireNonNull(chainJson));
    }

    /** The address of development account {@code i}. */
    public static String address(int account) {
        return LocalDeployment.address(account);
    }

    /** The CollateralFinancing contract's address. */
    public String financingAddress() {
        return deployment.address("CollateralFinancing");
    }

    /** True once the gateway's sweep registered {@code deviceId} on AnchorRegistry. */
    public boolean deviceRegistered(String deviceId) throws Exception {
        AnchorRegistry registry = AnchorRegistry.load(deployment.address("AnchorRegistry"), web3j, tx(LocalDeployment.DEPLOYER_ACCOUNT),
                new DefaultGasProvider());
        return registry.isDeviceRegistered(Identifiers.deviceField(deviceId)).send();
    }

    /**
     * The run claim anchored on AnchorRegistry under {@code claimId} (hex, with or without {@code 0x}), or empty
     * when the registry does not hold it (it reverts {@code ClaimNotAnchored}).
     */
    public Optional<AnchorRegistry.RunClaim> anchoredRunClaim(String claimId) throws Exception {
        AnchorRegistry registry = AnchorRegistry.load(deployment.address("AnchorRegistry"), web3j, tx(LocalDeployment.DEPLOYER_ACCOUNT),
                new DefaultGasProvider());
        try {
            return Optional.of(registry.runClaim(Numeric.hexStringToByteArray(claimId)).send());
        } catch (ContractCallException e) {
            return Optional.empty();
        }
    }

    /** Gives {@code account} BANK_ROLE (the deployer is the contract's admin), unless it has it. */
    public void ensureBank(int account) throws Exception {
        CollateralFinancing asAdmin = financing(LocalDeployment.DEPLOYER_ACCOUNT);
        byte[] role = asAdmin.BANK_ROLE().send();
        if (!asAdmin.hasRole(role, address(account)).send()) {
            ok(asAdmin.grantRole(role, address(account)), "grantRole(BANK_ROLE)");
        }
    }

    /**
     * The bank (development account {@code bankAccount}) creates a facility for {@code borrowerAccount} with
     * the lot's devices and watches; returns its id.
     */
    public BigInteger proposeFacility(int bankAccount, int borrowerAccount, List<String> deviceIds, List<CollateralApi.Watch> watches,
            long limit) throws Exception {
        List<CollateralFinancing.Watch> chainWatches = watches.stream().map(w -> new CollateralFinancing.Watch(
                BigInteger.valueOf(quantity(w.quantity()).code()), big(w.lo()), big(w.hi()), big(w.minDurationMs()),
                big(w.maxGapMs()), big(w.samplingIntervalMs()), big(w.maxAgeMs()), BigInteger.valueOf(w.k()))).toList();
        CollateralFinancing.Terms terms = new CollateralFinancing.Terms(big(limit),
                deviceIds.stream().map(Identifiers::deviceField).toList(), chainWatches);
        TransactionReceipt receipt = ok(financing(bankAccount).createFacility(address(borrowerAccount), terms), "createFacility");
        return CollateralFinancing.getFacilityCreatedEvents(receipt).get(0).id;
    }

    /** The borrower accepts a proposed facility. */
    public void accept(int borrowerAccount, BigInteger facility) throws Exception {
        ok(financing(borrowerAccount).acceptFacility(facility), "acceptFacility");
    }

    /** The facility as the chain holds it now. */
    public CollateralFinancing.FacilityView facility(BigInteger facility) throws Exception {
        return financing(LocalDeployment.DEPLOYER_ACCOUNT).facility(facility).send();
    }

    /** The bank lifts a freeze. */
    public TransactionReceipt unfreeze(int bankAccount, BigInteger facility, String reason) throws Exception {
        return ok(financing(bankAccount).unfreeze(facility, reason), "unfreeze");
    }

    /**
     * The revert data (hex without {@code 0x}, empty when it would not revert) of a drawdown of {@code amount}
     * by {@code borrowerAccount}, tried with {@code eth_call} (nothing is sent).
     */
    public String drawdownRevertData(int borrowerAccount, BigInteger facility, long amount) throws Exception {
        Function f = new Function("drawdown", List.of(new Uint256(facility), new Uint256(amount)), List.of());
        EthCall call = web3j.ethCall(Transaction.createEthCallTransaction(address(borrowerAccount), financingAddress(),
                FunctionEncoder.encode(f)), DefaultBlockParameterName.LATEST).send();
        String data = call.hasError() && call.getError().getData() != null ? call.getError().getData().toString() : "";
        data = data.replace("\"", "");
        return data.startsWith("0x") ? data.substring(2) : data;
    }

    /** The 4-byte selector of a custom error or function, hex without {@code 0x}, e.g. {@code FacilityFrozen(uint256)}. */
    public static String selector(String signature) {
        return Hash.sha3String(signature).substring(2, 10);
    }

    private CollateralFinancing financing(int account) {
        return CollateralFinancing.load(financingAddress(), web3j, tx(account), new DefaultGasProvider());
    }

    private TransactionManager tx(int account) {
        return new RawTransactionManager(web3j, Credentials.create(DevelopmentKeys.PRIVATE_KEYS.get(account)), CHAIN_ID,
                new PollingTransactionReceiptProcessor(web3j, 200, 300));
    }

    private static TransactionReceipt ok(RemoteFunctionCall<TransactionReceipt> call, String what) throws Exception {
        TransactionReceipt receipt = call.send();
        if (!receipt.isStatusOK()) {
            throw new DemoStepFailed("chain", what + " reverted in " + receipt.getTransactionHash() + ": " + receipt.getRevertReason());
        }
        return receipt;
    }

    private static Quantity quantity(String name) {
        for (Quantity q : Quantity.values()) {
            if (q.name().equalsIgnoreCase(name) || q.senmlName().equals(name)) {
                return q;
            }
        }
        throw new IllegalArgumentException("no quantity " + name);
    }

    private static BigInteger big(long v) {
        return BigInteger.valueOf(v);
    }

    @Override
    public void close() {
        web3j.shutdown();
    }
}
