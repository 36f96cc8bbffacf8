package io.sensorproof.oracle.events;

import java.util.List;
import java.util.Optional;

/**
 * The chain as the event follower reads it: the head, a block's hash by number, and the logs of some
 * addresses in a block range. {@link Web3jLogSource} is the JSON-RPC implementation; tests use a fake
 * chain. Failures are {@link ChainEventException} ({@code TRANSPORT}, {@code RANGE_TOO_LARGE}).
 */
public interface LogSource {
    /** The latest block number. */
    long headBlock();

    /** The canonical hash of block {@code number}; empty when the chain has no such block (yet, or any more). */
    Optional<String> blockHash(long number);

    /** The logs emitted by {@code addresses} in blocks {@code from..to} (inclusive), in chain order. */
    List<ChainLog> logs(long from, long to, List<String> addresses);
}
