package io.sensorproof.sim.demo;

import io.sensorproof.oracle.anvil.LocalDeployment;
import io.sensorproof.oracle.chain.Deployment;
import io.sensorproof.oracle.chain.DevelopmentKeys;
import io.sensorproof.oracle.contracts.AnchorRegistry;
import io.sensorproof.oracle.contracts.CarbonCredit;
import io.sensorproof.protocol.ids.Identifiers;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * The chain side of the factory act on the standalone gateway's local chain, with anvil's public development
 * accounts (local chains only, as the deployment itself): the carbon verifier (account
 * {@value LocalDeployment#CARBON_VERIFIER_ACCOUNT}, VERIFIER_ROLE) creates the CarbonCredit facility, owned by
 * account {@value #OWNER_ACCOUNT}, and sets its period; a registry helper (account {@value #REGISTRY_ACCOUNT},
 * granted ORACLE_ROLE once by the deployer) registers the stack sensor in AnchorRegistry with the SHA-256 of its
 * key's SPKI (docs/contracts.md "Devices"). The gateway registers only devices of open lots on chain (ADR 024), so
 * an emissions facility's devices are registered here, as {@code CarbonMintIT} does; the helper account keeps the
 * gateway's oracle account's nonces its own.
 */
final class FactoryChain implements AutoCloseable {
    /** The CarbonCredit facility's owner, who receives the credits. */
    static final int OWNER_ACCOUNT = 8;
    /**
     * Registers devices in AnchorRegistry (ORACLE_ROLE), never the gateway's oracle account; an account no other
     * act sends from (the cold rooms' warehouses are 5 and 7, the second bank 6), since acts play side by side.
     */
    static final int REGISTRY_ACCOUNT = 9;

    private final Web3j web3j;
    private final Deployment deployment;

    FactoryChain(URI rpc, Path chainJson) {
        this.web3j = Web3j.build(new HttpService(Objects.requireNonNull(rpc, "rpc").toString()));
        this.deployment = Deployment.read(chainJson);
    }

    /** The facility owner's address. */
    String owner() {
        return LocalDeployment.address(OWNER_ACCOUNT);
    }

    /** The CarbonCredit contract's address. */
    String carbonCredit() {
        return deployment.address("CarbonCredit");
    }

    /** The latest block's timestamp (s): the contract's clock. */
    long chainTime() throws IOException {
        return web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock().getTimestamp().longValueExact();
    }

    /** Registers {@code deviceId} with its key unless the registry has it already; true when registered now. */
    boolean ensureRegistered(String deviceId, byte[] spki) throws Exception {
        BigInteger field = Identifiers.deviceField(deviceId);
        String address = deployment.address("AnchorRegistry");
        AnchorRegistry asHelper = AnchorRegistry.load(address, web3j, tx(REGISTRY_ACCOUNT), new DefaultGasProvider());
        if (asHelper.isDeviceRegistered(field).send()) {
            return false;
        }
        byte[] oracleRole = asHelper.ORACLE_ROLE().send();
        String helper = LocalDeployment.address(REGISTRY_ACCOUNT);
        if (!asHelper.hasRole(oracleRole, helper).send()) {
            AnchorRegistry asAdmin = AnchorRegistry.load(address, web3j, tx(LocalDeployment.DEPLOYER_ACCOUNT), new DefaultGasProvider());
            sendOk(asAdmin.grantRole(oracleRole, helper), "grant the registry helper ORACLE_ROLE");
        }
        sendOk(asHelper.registerDevice(field, sha256(spki)), "register " + deviceId);
        return true;
    }

    /** Creates a CarbonCredit facility owned by {@link #owner()} and returns its id. */
    long createFacility() throws Exception {
        TransactionReceipt receipt = sendOk(verifier().createFacility(owner()), "create the CarbonCredit facility");
        return CarbonCredit.getFacilityCreatedEvents(receipt).get(0).facilityId.longValueExact();
    }

    /** Sets the period {@code [start, end)} (s) for {@code deviceId} with the plan's terms; returns its id. */
    long setPeriod(long facility, long start, long end, String deviceId, FactoryPlan plan) throws Exception {
        TransactionReceipt receipt = sendOk(verifier().setPeriod(BigInteger.valueOf(facility), BigInteger.valueOf(start),
                BigInteger.valueOf(end), List.of(Identifiers.deviceField(deviceId)), BigInteger.valueOf(plan.baselineKg()),
                BigInteger.valueOf(plan.maxGapMs()), BigInteger.valueOf(plan.substituteRateKgPerHour())), "set the period");
        return CarbonCredit.getPeriodSetEvents(receipt).get(0).periodId.longValueExact();
    }

    private CarbonCredit verifier() {
        return CarbonCredit.load(carbonCredit(), web3j, tx(LocalDeployment.CARBON_VERIFIER_ACCOUNT), new DefaultGasProvider());
    }

    private TransactionManager tx(int account) {
        return new RawTransactionManager(web3j, Credentials.create(DevelopmentKeys.PRIVATE_KEYS.get(account)), deployment.chainId(),
                new PollingTransactionReceiptProcessor(web3j, 200, 300));
    }

    private static TransactionReceipt sendOk(RemoteFunctionCall<TransactionReceipt> call, String what) throws Exception {
        TransactionReceipt receipt = call.send();
        if (!receipt.isStatusOK()) {
            throw new IllegalStateException(what + ": transaction " + receipt.getTransactionHash() + " reverted (" + receipt.getRevertReason()
                    + ")");
        }
        return receipt;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        web3j.shutdown();
    }
}
