package io.sensorproof.oracle.chain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Objects;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.EthBlock;

/**
 * The node's newest block through web3j ({@code eth_getBlockByNumber("latest", false)}), for
 * {@link ChainReachability}: one call gives both the number and the header's timestamp.
 */
public final class Web3jChainHead implements ChainReachability.HeadSource {
    private final Web3j web3j;

    public Web3jChainHead(Web3j web3j) {
        this.web3j = Objects.requireNonNull(web3j, "web3j");
    }

    @Override
    public ChainHead head() {
        EthBlock response;
        try {
            response = web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send();
        } catch (IOException e) {
            throw new UncheckedIOException("the node does not answer: " + e.getMessage(), e);
        }
        if (response.hasError()) {
            throw new IllegalStateException("the node refused eth_getBlockByNumber: " + response.getError().getMessage());
        }
        EthBlock.Block block = response.getBlock();
        if (block == null) {
            throw new IllegalStateException("the node returned no latest block");
        }
        return new ChainHead(block.getNumber().longValueExact(), Instant.ofEpochSecond(block.getTimestamp().longValueExact()));
    }
}
