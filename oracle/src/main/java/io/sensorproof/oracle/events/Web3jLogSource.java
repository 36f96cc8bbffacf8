package io.sensorproof.oracle.events;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.exceptions.ClientConnectionException;

/**
 * {@link LogSource} over web3j's JSON-RPC client: {@code eth_blockNumber}, {@code eth_getBlockByNumber}
 * (hash only) and {@code eth_getLogs}. A node's refusal of a log query as too large (geth, Besu, anvil and
 * hosted nodes word it differently: "range", "too many", "limit", "exceed") becomes
 * {@link ChainEventException.Code#RANGE_TOO_LARGE}, anything else {@code TRANSPORT}; the follower's next
 * poll is the retry.
 */
public final class Web3jLogSource implements LogSource {
    private final Web3j web3j;

    public Web3jLogSource(Web3j web3j) {
        this.web3j = Objects.requireNonNull(web3j, "web3j");
    }

    @FunctionalInterface
    private interface Rpc<T extends Response<?>> {
        T send() throws IOException;
    }

    private static <T extends Response<?>> T call(String what, Rpc<T> rpc) {
        T response;
        try {
            response = rpc.send();
        } catch (IOException | ClientConnectionException e) {
            throw new ChainEventException(ChainEventException.Code.TRANSPORT, what + ": " + e, e);
        }
        if (response.hasError()) {
            String message = response.getError().getMessage();
            if ("eth_getLogs".equals(what) && tooLarge(message)) {
                throw new ChainEventException(ChainEventException.Code.RANGE_TOO_LARGE, what + ": " + message);
            }
            throw new ChainEventException(ChainEventException.Code.TRANSPORT, what + ": " + message);
        }
        return response;
    }

    static boolean tooLarge(String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        return m.contains("range") || m.contains("too many") || m.contains("limit") || m.contains("exceed");
    }

    @Override
    public long headBlock() {
        return call("eth_blockNumber", () -> web3j.ethBlockNumber().send()).getBlockNumber().longValueExact();
    }

    @Override
    public Optional<String> blockHash(long number) {
        EthBlock block = call("eth_getBlockByNumber",
                () -> web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), false).send());
        return Optional.ofNullable(block.getBlock()).map(EthBlock.Block::getHash);
    }

    @Override
    public List<ChainLog> logs(long from, long to, List<String> addresses) {
        EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
                DefaultBlockParameter.valueOf(BigInteger.valueOf(to)), addresses);
        EthLog answer = call("eth_getLogs", () -> web3j.ethGetLogs(filter).send());
        List<ChainLog> logs = new ArrayList<>();
        for (EthLog.LogResult<?> result : answer.getLogs()) {
            if (!(result.get() instanceof Log log)) {
                throw new ChainEventException(ChainEventException.Code.TRANSPORT, "eth_getLogs answered hashes, not logs");
            }
            logs.add(new ChainLog(log.getAddress(), log.getTopics(), log.getData(), log.getBlockNumber().longValueExact(),
                    log.getBlockHash(), log.getTransactionHash(), log.getLogIndex().longValueExact(), log.isRemoved()));
        }
        return logs;
    }
}
