package io.sensorproof.oracle.chain;

import java.util.Optional;

/**
 * The chain as the job runner sees it: estimate and price a call, send signed bytes, read receipts
 * and nonces, and replay a failed transaction for its revert reason. Every method throws
 * {@link ChainException} with {@link ChainException.Code#TRANSPORT} when the node cannot be reached
 * (after bounded retries), so callers can keep the job waiting instead of failing it.
 * {@link Web3jChainClient} is the implementation.
 */
public interface ChainClient {
    /** The node's chain id. */
    long chainId();

    /**
     * Estimates {@code call} from {@code from} and takes fees from the node.
     *
     * @throws ChainException {@link ChainException.Code#REVERTED} with the decoded reason when the
     *     estimate reverts (terminal: never sent)
     */
    TransactionPlan prepare(String from, ContractCall call);

    /** Broadcasts signed bytes; safe to repeat. */
    BroadcastOutcome broadcast(SignedTransaction transaction);

    /** The receipt of a transaction, if it is mined. */
    Optional<MinedTransaction> receipt(String hash);

    /** The latest block number. */
    long blockNumber();

    /** The account's nonce counting mined transactions only ({@code latest}). */
    long minedNonce(String account);

    /** The account's nonce counting the node's pool too ({@code pending}). */
    long pendingNonce(String account);

    /**
     * Replays a transaction that was mined as a revert with {@code eth_call} at its block and decodes
     * the revert data ({@code UNKNOWN} when the replay does not revert, e.g. out of gas).
     */
    ChainRevert replayRevert(SignedTransaction transaction, long blockNumber);
}
