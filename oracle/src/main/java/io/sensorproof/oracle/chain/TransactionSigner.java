package io.sensorproof.oracle.chain;

import java.util.Locale;
import java.util.Objects;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.utils.Numeric;

/**
 * Signs a call with the oracle's key for one chain id and nonce, offline (no node involved), so the
 * signing can happen inside the database transaction that allocates the nonce and stores the bytes.
 */
public final class TransactionSigner {
    private final Credentials credentials;
    private final long chainId;

    public TransactionSigner(Credentials credentials, long chainId) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.chainId = chainId;
    }

    /** The signing account, 0x-prefixed lower case. */
    public String account() {
        return credentials.getAddress().toLowerCase(Locale.ROOT);
    }

    public long chainId() {
        return chainId;
    }

    /** Signs {@code call} with {@code nonce} and {@code plan}'s gas and fees (EIP-155 / EIP-1559). */
    public SignedTransaction sign(long nonce, ContractCall call, TransactionPlan plan) {
        java.math.BigInteger n = java.math.BigInteger.valueOf(nonce);
        byte[] signed;
        if (plan.eip1559()) {
            RawTransaction tx = RawTransaction.createTransaction(chainId, n, plan.gasLimit(), call.to(), call.value(),
                    call.data(), plan.maxPriorityFeePerGas().orElseThrow(), plan.maxFeePerGas().orElseThrow());
            signed = TransactionEncoder.signMessage(tx, credentials);
        } else {
            RawTransaction tx = RawTransaction.createTransaction(n, plan.gasPrice().orElseThrow(), plan.gasLimit(),
                    call.to(), call.value(), call.data());
            signed = TransactionEncoder.signMessage(tx, chainId, credentials);
        }
        return new SignedTransaction(account(), nonce, Numeric.toHexString(signed), Numeric.toHexString(Hash.sha3(signed)));
    }
}
