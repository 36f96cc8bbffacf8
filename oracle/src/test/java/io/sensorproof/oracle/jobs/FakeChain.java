package io.sensorproof.oracle.jobs;

import io.sensorproof.oracle.chain.BroadcastOutcome;
import io.sensorproof.oracle.chain.ChainClient;
import io.sensorproof.oracle.chain.ChainException;
import io.sensorproof.oracle.chain.ChainRevert;
import io.sensorproof.oracle.chain.ContractCall;
import io.sensorproof.oracle.chain.MinedTransaction;
import io.sensorproof.oracle.chain.SignedTransaction;
import io.sensorproof.oracle.chain.TransactionPlan;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A chain in memory for the runner's unit tests: mines every new transaction at once in its own
 * block (like anvil without block time), in nonce order, and can be taken down, told to revert at
 * estimation or on chain, or made to forget blocks.
 */
final class FakeChain implements ChainClient {
    final List<SignedTransaction> broadcasts = new ArrayList<>();
    final Map<String, MinedTransaction> mined = new LinkedHashMap<>();
    final Set<String> revertOnChain = new HashSet<>();
    volatile boolean down;
    volatile ChainRevert revertAtEstimate;
    long head = 100;
    private long minedNonce;
    private final Map<Long, SignedTransaction> pool = new LinkedHashMap<>();

    private void up() {
        if (down) {
            throw new ChainException(ChainException.Code.TRANSPORT, "connection refused");
        }
    }

    @Override
    public long chainId() {
        return 31337;
    }

    @Override
    public synchronized TransactionPlan prepare(String from, ContractCall call) {
        up();
        if (revertAtEstimate != null) {
            throw new ChainException(revertAtEstimate, "the call reverts at estimation");
        }
        return new TransactionPlan(BigInteger.valueOf(150_000), BigInteger.valueOf(120_000), Optional.of(BigInteger.TEN),
                Optional.of(BigInteger.ONE), Optional.empty());
    }

    @Override
    public synchronized BroadcastOutcome broadcast(SignedTransaction tx) {
        up();
        broadcasts.add(tx);
        if (mined.containsKey(tx.hash()) || pool.containsKey(tx.nonce()) && pool.get(tx.nonce()).hash().equals(tx.hash())) {
            return mined.containsKey(tx.hash()) ? BroadcastOutcome.NONCE_TOO_LOW : BroadcastOutcome.ALREADY_KNOWN;
        }
        if (tx.nonce() < minedNonce) {
            return BroadcastOutcome.NONCE_TOO_LOW;
        }
        pool.put(tx.nonce(), tx);
        while (pool.containsKey(minedNonce)) {
            SignedTransaction next = pool.remove(minedNonce);
            head++;
            mined.put(next.hash(), new MinedTransaction(next.hash(), head, "0xblock" + head,
                    !revertOnChain.contains(next.hash()), BigInteger.valueOf(100_000)));
            minedNonce++;
        }
        return BroadcastOutcome.ACCEPTED;
    }

    /** Forgets every block after {@code block} (a local chain that lost its last blocks). */
    synchronized void forgetAfter(long block) {
        mined.values().removeIf(m -> m.blockNumber() > block);
        minedNonce = mined.size();
        pool.clear();
        head = block;
    }

    /** Mines an empty block. */
    synchronized void mine() {
        head++;
    }

    @Override
    public synchronized Optional<MinedTransaction> receipt(String hash) {
        up();
        return Optional.ofNullable(mined.get(hash));
    }

    @Override
    public synchronized long blockNumber() {
        up();
        return head;
    }

    @Override
    public synchronized long minedNonce(String account) {
        up();
        return minedNonce;
    }

    @Override
    public synchronized long pendingNonce(String account) {
        up();
        return minedNonce + pool.size();
    }

    @Override
    public ChainRevert replayRevert(SignedTransaction transaction, long blockNumber) {
        up();
        return new ChainRevert("BatchAlreadyAnchored", "BatchAlreadyAnchored(uint64)", List.of(BigInteger.ONE), "0x");
    }
}
