package io.sensorproof.oracle.chain;

import io.sensorproof.protocol.retry.Backoff;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionDecoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.ClientConnectionException;

/**
 * {@link ChainClient} over web3j's JSON-RPC client. Each call is tried a bounded number of times
 * with {@link Backoff} when the transport fails (an {@link IOException}, including timeouts, or an
 * HTTP error status, which web3j reports as {@link ClientConnectionException}); after the last try it
 * throws {@link ChainException.Code#TRANSPORT}, and the caller decides how long the job waits.
 * Revert data is decoded with {@link RevertDecoder}, so failures carry the contract's error name.
 */
public final class Web3jChainClient implements ChainClient {
    private static final BigInteger HUNDRED = BigInteger.valueOf(100);

    private final Web3j web3j;
    private final RevertDecoder decoder;
    private final int gasMarginPercent;
    private final int tries;
    private final Backoff backoff;

    /**
     * @param web3j the node's client
     * @param decoder decodes revert data
     * @param gasMarginPercent gas limit = estimate × this / 100 (at least 100)
     * @param tries tries per RPC call before giving up with {@code TRANSPORT} (at least 1)
     * @param backoff delays between those tries
     */
    public Web3jChainClient(Web3j web3j, RevertDecoder decoder, int gasMarginPercent, int tries, Backoff backoff) {
        this.web3j = Objects.requireNonNull(web3j, "web3j");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        if (gasMarginPercent < 100) {
            throw new IllegalArgumentException("the gas margin must be at least 100 %");
        }
        if (tries < 1) {
            throw new IllegalArgumentException("tries must be at least 1");
        }
        this.gasMarginPercent = gasMarginPercent;
        this.tries = tries;
        this.backoff = Objects.requireNonNull(backoff, "backoff");
    }

    /** Defaults: 125 % gas margin, 3 tries 200 ms – 2 s apart. */
    public static Web3jChainClient withDefaults(Web3j web3j) {
        return new Web3jChainClient(web3j, RevertDecoder.forCompiledContracts(), 125, 3,
                new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2), RandomGenerator.getDefault()));
    }

    @FunctionalInterface
    private interface Rpc<T> {
        T send() throws IOException;
    }

    private <T> T call(String what, Rpc<T> rpc) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < tries; attempt++) {
            if (attempt > 0) {
                try {
                    Thread.sleep(backoff.delay(attempt - 1).toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ChainException(ChainException.Code.TRANSPORT, what + ": interrupted", e);
                }
            }
            try {
                return rpc.send();
            } catch (IOException | ClientConnectionException e) {
                last = new ChainException(ChainException.Code.TRANSPORT, what + ": " + e, e);
            }
        }
        throw last;
    }

    private static <R extends Response<?>> R checked(String what, R response) {
        if (response.hasError()) {
            throw new ChainException(ChainException.Code.NODE_ERROR, what + ": " + response.getError().getMessage());
        }
        return response;
    }

    @Override
    public long chainId() {
        return checked("eth_chainId", call("eth_chainId", () -> web3j.ethChainId().send())).getChainId().longValueExact();
    }

    @Override
    public TransactionPlan prepare(String from, ContractCall c) {
        Transaction request = new Transaction(from, null, null, null, c.to(), c.value(), c.data());
        EthEstimateGas estimate = call("eth_estimateGas", () -> web3j.ethEstimateGas(request).send());
        if (estimate.hasError()) {
            Object data = estimate.getError().getData();
            if (data == null && !estimate.getError().getMessage().toLowerCase(Locale.ROOT).contains("revert")) {
                throw new ChainException(ChainException.Code.NODE_ERROR, "eth_estimateGas: " + estimate.getError().getMessage());
            }
            throw new ChainException(decoder.decode(hex(data)), "the call reverts at estimation");
        }
        BigInteger gasLimit = estimate.getAmountUsed().multiply(BigInteger.valueOf(gasMarginPercent)).divide(HUNDRED);
        EthBlock.Block latest = checked("eth_getBlockByNumber",
                call("eth_getBlockByNumber", () -> web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send()))
                .getBlock();
        if (latest.getBaseFeePerGasRaw() != null) {
            BigInteger tip = checked("eth_maxPriorityFeePerGas",
                    call("eth_maxPriorityFeePerGas", () -> web3j.ethMaxPriorityFeePerGas().send())).getMaxPriorityFeePerGas();
            // twice the base fee: stays includable through six full blocks of base fee growth
            BigInteger maxFee = latest.getBaseFeePerGas().multiply(BigInteger.TWO).add(tip);
            return new TransactionPlan(gasLimit, estimate.getAmountUsed(), Optional.of(maxFee), Optional.of(tip), Optional.empty());
        }
        BigInteger price = checked("eth_gasPrice", call("eth_gasPrice", () -> web3j.ethGasPrice().send())).getGasPrice();
        return new TransactionPlan(gasLimit, estimate.getAmountUsed(), Optional.empty(), Optional.empty(), Optional.of(price));
    }

    @Override
    public BroadcastOutcome broadcast(SignedTransaction transaction) {
        EthSendTransaction sent = call("eth_sendRawTransaction", () -> web3j.ethSendRawTransaction(transaction.raw()).send());
        if (!sent.hasError()) {
            if (sent.getTransactionHash() != null && !sent.getTransactionHash().equalsIgnoreCase(transaction.hash())) {
                throw new ChainException(ChainException.Code.NODE_ERROR, "the node hashed the transaction as "
                        + sent.getTransactionHash() + ", expected " + transaction.hash());
            }
            return BroadcastOutcome.ACCEPTED;
        }
        return classify(sent.getError().getMessage());
    }

    /** Maps a node's refusal of a raw transaction (geth, anvil, Besu spellings). */
    static BroadcastOutcome classify(String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (m.contains("already known") || m.contains("already imported") || m.contains("known transaction")
                || m.contains("already in pool") || m.contains("already exists")) {
            return BroadcastOutcome.ALREADY_KNOWN;
        }
        if (m.contains("nonce too low") || m.contains("nonce_too_low") || m.contains("nonce is too low")) {
            return BroadcastOutcome.NONCE_TOO_LOW;
        }
        throw new ChainException(ChainException.Code.REJECTED, "eth_sendRawTransaction: " + message);
    }

    @Override
    public Optional<MinedTransaction> receipt(String hash) {
        Optional<TransactionReceipt> r = checked("eth_getTransactionReceipt",
                call("eth_getTransactionReceipt", () -> web3j.ethGetTransactionReceipt(hash).send())).getTransactionReceipt();
        return r.filter(receipt -> receipt.getBlockNumberRaw() != null)
                .map(receipt -> new MinedTransaction(receipt.getTransactionHash(), receipt.getBlockNumber().longValueExact(),
                        receipt.getBlockHash(), receipt.isStatusOK(), receipt.getGasUsed()));
    }

    @Override
    public long blockNumber() {
        return checked("eth_blockNumber", call("eth_blockNumber", () -> web3j.ethBlockNumber().send()))
                .getBlockNumber().longValueExact();
    }

    @Override
    public long minedNonce(String account) {
        return nonce(account, DefaultBlockParameterName.LATEST);
    }

    @Override
    public long pendingNonce(String account) {
        return nonce(account, DefaultBlockParameterName.PENDING);
    }

    private long nonce(String account, DefaultBlockParameterName at) {
        return checked("eth_getTransactionCount", call("eth_getTransactionCount",
                () -> web3j.ethGetTransactionCount(account, at).send())).getTransactionCount().longValueExact();
    }

    @Override
    public ChainRevert replayRevert(SignedTransaction transaction, long blockNumber) {
        RawTransaction tx = TransactionDecoder.decode(transaction.raw());
        Transaction request = Transaction.createFunctionCallTransaction(transaction.account(), null, null, tx.getGasLimit(),
                tx.getTo(), tx.getValue(), org.web3j.utils.Numeric.prependHexPrefix(tx.getData()));
        EthCall result = call("eth_call", () -> web3j.ethCall(request, DefaultBlockParameter.valueOf(BigInteger.valueOf(blockNumber))).send());
        if (!result.hasError() && !result.isReverted()) {
            return new ChainRevert("UNKNOWN", "UNKNOWN", java.util.List.of(), "0x");
        }
        Object data = result.getError() == null ? result.getRevertReason() : result.getError().getData();
        return decoder.decode(hex(data));
    }

    private static String hex(Object data) {
        if (data == null) {
            return "0x";
        }
        String s = data.toString().replace("\"", "").trim();
        return s.startsWith("0x") ? s : "0x";
    }
}
