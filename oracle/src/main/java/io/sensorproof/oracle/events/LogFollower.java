package io.sensorproof.oracle.events;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Follows the deployed contracts' events on the chain, one step at a time (ADR 026). Each step first
 * checks that the chain still has the cursor's block (same hash at that height, head not below it); if
 * not, it returns a {@link FollowStep.Rewind} to the newest known block the chain still has, so the
 * store removes the events above it and recomputes its projections: the gateway shows the chain, not a
 * state a lost block once had. Otherwise it reads the next confirmed range ({@code confirmations},
 * {@code maxBlockRange}) with {@code eth_getLogs}, halving the range when the node refuses it as too
 * large, and returns a {@link FollowStep.Advance}. The range end's hash is read before and after the
 * logs: if it moved, the logs may be of a fork and the step is refused ({@code INCONSISTENT}; the next
 * poll tries again). Stateless: the cursor lives in the store, which applies a step and its cursor in
 * one transaction, so a restart resumes exactly where the last applied step ended.
 */
public final class LogFollower {
    private final LogSource source;
    private final ContractEvents decoder;
    private final FollowerSettings settings;

    public LogFollower(LogSource source, ContractEvents decoder, FollowerSettings settings) {
        this.source = Objects.requireNonNull(source, "source");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** One step from {@code state}; applies nothing. */
    public FollowStep next(FollowerState state) {
        long head = source.headBlock();
        Optional<BlockRef> cursor = state.cursor();
        if (cursor.isPresent()) {
            BlockRef c = cursor.get();
            Optional<String> hash = c.number() <= head ? source.blockHash(c.number()) : Optional.empty();
            if (hash.isEmpty() || !c.hash().equalsIgnoreCase(hash.get())) {
                return rewind(state, c, head);
            }
        }
        long from = cursor.map(c -> c.number() + 1).orElse(settings.startBlock());
        long safe = head - (settings.confirmations() - 1);
        if (from > safe) {
            return new FollowStep.Idle(head);
        }
        long range = Math.min(settings.maxBlockRange(), safe - from + 1);
        while (true) {
            long to = from + range - 1;
            try {
                return read(from, to);
            } catch (ChainEventException e) {
                if (e.code() != ChainEventException.Code.RANGE_TOO_LARGE || range == 1) {
                    throw e;
                }
                range = Math.max(1, range / 2);
            }
        }
    }

    private FollowStep read(long from, long to) {
        String before = source.blockHash(to).orElseThrow(() -> inconsistent("block " + to + " vanished"));
        List<ChainLog> logs = source.logs(from, to, decoder.addresses());
        String after = source.blockHash(to).orElseThrow(() -> inconsistent("block " + to + " vanished"));
        if (!before.equalsIgnoreCase(after)) {
            throw inconsistent("block " + to + " changed from " + before + " to " + after + " while its logs were read");
        }
        List<ChainEvent> events = new ArrayList<>();
        List<FollowStep.Refused> refused = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (ChainLog log : logs) {
            if (log.removed() || log.blockNumber() < from || log.blockNumber() > to || !seen.add(log.key())) {
                continue; // a removed log, one outside the range asked, or one delivered twice
            }
            try {
                decoder.decode(log).ifPresent(events::add);
            } catch (ChainEventException e) {
                refused.add(new FollowStep.Refused(log, e.getMessage()));
            }
        }
        events.sort((a, b) -> a.block().number() != b.block().number()
                ? Long.compare(a.block().number(), b.block().number()) : Long.compare(a.logIndex(), b.logIndex()));
        return new FollowStep.Advance(from, new BlockRef(to, after), events, refused);
    }

    private FollowStep rewind(FollowerState state, BlockRef cursor, long head) {
        List<BlockRef> known = state.knownBlocks(Math.min(cursor.number() - 1, head), settings.maxRewindChecks());
        for (BlockRef candidate : known) {
            if (candidate.number() < settings.startBlock()) {
                break;
            }
            Optional<String> hash = source.blockHash(candidate.number());
            if (hash.isPresent() && candidate.hash().equalsIgnoreCase(hash.get())) {
                return new FollowStep.Rewind(Optional.of(candidate), candidate.number() + 1, cursor);
            }
        }
        return new FollowStep.Rewind(Optional.empty(), settings.startBlock(), cursor);
    }

    private static ChainEventException inconsistent(String message) {
        return new ChainEventException(ChainEventException.Code.INCONSISTENT, message);
    }
}
