package io.sensorproof.oracle.testing;

import io.sensorproof.oracle.chain.ChainRevert;
import io.sensorproof.oracle.chain.RevertDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * Helpers for contract tests against {@link AnvilExtension}: transaction managers with the chain id,
 * a fixed gas provider, and {@link #assertReverts}, which runs a call as {@code eth_call} from an
 * account and requires it to revert with a named custom error of our contracts (decoded by
 * {@link RevertDecoder}), so a test fails if the action succeeds or fails for another reason.
 */
public final class ChainAssertions {
    /** 2 gwei (anvil's base fee starts at 1 gwei) and a gas limit that fits any of our calls. */
    public static final ContractGasProvider GAS = new StaticGasProvider(BigInteger.valueOf(2_000_000_000L), BigInteger.valueOf(12_000_000L));

    private static final RevertDecoder DECODER = RevertDecoder.forCompiledContracts();

    private ChainAssertions() {}

    /** Signs with {@code from} for the anvil's chain id; polls receipts every 50 ms (web3j's default is 15 s). */
    public static TransactionManager txManager(AnvilExtension anvil, Credentials from) {
        return new RawTransactionManager(anvil.web3j(), from, anvil.chainId(),
                new PollingTransactionReceiptProcessor(anvil.web3j(), 50, 2400));
    }

    /** Decodes revert data with the errors of every compiled contract. */
    public static RevertDecoder decoder() {
        return DECODER;
    }

    /**
     * Asserts that {@code call}, sent by {@code from} to {@code contractAddress}, reverts with the
     * custom error {@code errorName}; returns the decoded revert (for checking its arguments).
     */
    public static ChainRevert assertReverts(AnvilExtension anvil, Credentials from, String contractAddress,
                                            RemoteFunctionCall<?> call, String errorName) {
        ChainRevert revert = revertOf(anvil, from.getAddress(), contractAddress, call.encodeFunctionCall());
        if (revert == null) {
            throw new AssertionError("expected revert " + errorName + " but the call succeeded");
        }
        if (!revert.name().equals(errorName)) {
            throw new AssertionError("expected revert " + errorName + " but got " + revert);
        }
        return revert;
    }

    /** The revert of an {@code eth_call} of {@code data}, or null if it succeeds. */
    public static ChainRevert revertOf(AnvilExtension anvil, String from, String to, String data) {
        try {
            EthCall result = anvil.web3j()
                    .ethCall(Transaction.createEthCallTransaction(from, to, data), DefaultBlockParameterName.LATEST)
                    .send();
            if (!result.hasError() && !result.isReverted()) {
                return null;
            }
            Object errorData = result.getError() == null ? null : result.getError().getData();
            return DECODER.decode(errorData == null ? "0x" : errorData.toString().replace("\"", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code call} and requires a successful receipt. */
    public static TransactionReceipt sendOk(RemoteFunctionCall<TransactionReceipt> call) {
        try {
            TransactionReceipt receipt = call.send();
            if (!receipt.isStatusOK()) {
                throw new AssertionError("transaction failed: " + receipt);
            }
            return receipt;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("transaction failed: " + e.getMessage(), e);
        }
    }
}
