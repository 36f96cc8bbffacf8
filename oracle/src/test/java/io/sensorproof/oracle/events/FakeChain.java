package io.sensorproof.oracle.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A chain in memory for the follower's tests: blocks with hashes and logs, a fork that replaces blocks
 * from a height, a loss of the last blocks (a local chain restarted or reverted), a node that refuses
 * log queries over more than {@code maxRange} blocks, one that delivers every log twice, and a hook run
 * between the logs query and the next hash read (a reorganisation during a step).
 */
final class FakeChain implements LogSource {
    private record Block(String hash, List<Logs.Draft> logs) {
    }

    private final List<Block> blocks = new ArrayList<>();
    private int fork;
    int maxRange = Integer.MAX_VALUE;
    boolean duplicateDelivery;
    Runnable afterLogs = () -> { };
    final List<long[]> queries = new ArrayList<>();

    FakeChain() {
        mine(); // genesis
    }

    /** Mines one block with these logs; returns its number. */
    long mine(Logs.Draft... logs) {
        long n = blocks.size();
        blocks.add(new Block(String.format("0x%064x", (long) fork << 32 | n), List.of(logs)));
        return n;
    }

    void mineEmpty(int count) {
        for (int i = 0; i < count; i++) {
            mine();
        }
    }

    /** Drops every block above {@code height} (a revert to a snapshot, a restart without the last blocks). */
    void truncate(long height) {
        while (blocks.size() > height + 1) {
            blocks.remove(blocks.size() - 1);
        }
    }

    /** Replaces blocks above {@code height} by a fork whose blocks get other hashes. */
    void fork(long height) {
        truncate(height);
        fork++;
    }

    String hash(long n) {
        return blocks.get((int) n).hash();
    }

    @Override
    public long headBlock() {
        return blocks.size() - 1;
    }

    @Override
    public Optional<String> blockHash(long number) {
        return number < blocks.size() ? Optional.of(blocks.get((int) number).hash()) : Optional.empty();
    }

    @Override
    public List<ChainLog> logs(long from, long to, List<String> addresses) {
        queries.add(new long[] {from, to});
        if (to - from + 1 > maxRange) {
            throw new ChainEventException(ChainEventException.Code.RANGE_TOO_LARGE, "query exceeds max block range " + maxRange);
        }
        List<ChainLog> out = new ArrayList<>();
        for (long n = from; n <= Math.min(to, headBlock()); n++) {
            Block b = blocks.get((int) n);
            for (int i = 0; i < b.logs().size(); i++) {
                Logs.Draft d = b.logs().get(i);
                if (!addresses.contains(d.address())) {
                    continue;
                }
                ChainLog log = new ChainLog(d.address(), d.topics(), d.data(), n, b.hash(),
                        String.format("0x%064x", n * 1000 + i + 1), i, false);
                out.add(log);
                if (duplicateDelivery) {
                    out.add(log);
                }
            }
        }
        afterLogs.run();
        return out;
    }
}
