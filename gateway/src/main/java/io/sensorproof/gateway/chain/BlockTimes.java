package io.sensorproof.gateway.chain;

import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.oracle.bundle.ChainRef;
import java.io.IOException;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.exceptions.ClientConnectionException;

/**
 * Block times by block number for the bundles users download (ADR 031): the jobs table keeps a confirmed
 * transaction's hash and block but not the block's time, which the offline checker compares, so each bundle
 * reads it from the chain ({@code eth_getBlockByNumber}), once per block per bundle. A node that does not
 * answer, or a block it does not have, is a 503 {@value #CHAIN_UNAVAILABLE}. Not thread-safe: one per bundle.
 */
public final class BlockTimes {
    /** 503: the node did not answer, or has no such block. */
    public static final String CHAIN_UNAVAILABLE = "CHAIN_UNAVAILABLE";

    private final Web3j web3j;
    private final Map<Long, Long> seconds = new HashMap<>();

    public BlockTimes(Web3j web3j) {
        this.web3j = Objects.requireNonNull(web3j, "web3j");
    }

    /** The bundle's pointer to a mined transaction: its hash, block and the block's time (seconds). */
    public ChainRef ref(String transaction, long block) {
        return new ChainRef(transaction, block, seconds.computeIfAbsent(block, this::read));
    }

    private long read(long block) {
        try {
            EthBlock reply = web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(block)), false).send();
            if (reply.hasError() || reply.getBlock() == null) {
                throw new ApiException(503, CHAIN_UNAVAILABLE, "the chain has no block " + block
                        + (reply.hasError() ? ": " + reply.getError().getMessage() : ""), Map.of("block", block));
            }
            return reply.getBlock().getTimestamp().longValueExact();
        } catch (IOException | ClientConnectionException e) {
            throw new ApiException(503, CHAIN_UNAVAILABLE, "the chain did not answer for block " + block + ": " + e.getMessage(),
                    Map.of("block", block));
        }
    }
}
