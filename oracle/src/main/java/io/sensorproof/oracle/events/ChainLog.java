package io.sensorproof.oracle.events;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One raw log as {@code eth_getLogs} returns it, before decoding: the emitting contract's address, the
 * topics (topic 0 is the event signature's hash), the data, and where it is (block, transaction, index in
 * the block). {@code removed} is the node's flag for a log of a block that left the canonical chain.
 */
public record ChainLog(String address, List<String> topics, String data, long blockNumber, String blockHash,
        String transactionHash, long logIndex, boolean removed) {
    public ChainLog {
        address = Objects.requireNonNull(address, "address").toLowerCase(Locale.ROOT);
        topics = List.copyOf(topics);
        data = data == null ? "0x" : data;
        blockHash = Objects.requireNonNull(blockHash, "blockHash").toLowerCase(Locale.ROOT);
        transactionHash = Objects.requireNonNull(transactionHash, "transactionHash").toLowerCase(Locale.ROOT);
    }

    /** The identity of a log across deliveries: (transaction, index, block hash). */
    public String key() {
        return transactionHash + ":" + logIndex + ":" + blockHash;
    }
}
