package io.sensorproof.oracle.planning;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The message ids (boot, seq) of one device that the gateway has accounted for: stored, or refused
 * and quarantined (either way it knows the message exists and what became of it). Settlement
 * ({@link SettlementRule}) looks for holes in them. Immutable; build it from the ids the store holds
 * for the device around a claim window.
 */
public final class AccountedMessages {
    private final NavigableMap<Long, NavigableSet<Long>> seqsByBoot;

    private AccountedMessages(NavigableMap<Long, NavigableSet<Long>> seqsByBoot) {
        this.seqsByBoot = seqsByBoot;
    }

    /** The ledger of exactly these ids. */
    public static AccountedMessages of(Collection<MessageId> ids) {
        NavigableMap<Long, NavigableSet<Long>> map = new TreeMap<>();
        for (MessageId id : ids) {
            Objects.requireNonNull(id);
            map.computeIfAbsent(id.boot(), b -> new TreeSet<>()).add(id.seq());
        }
        for (Map.Entry<Long, NavigableSet<Long>> e : map.entrySet()) {
            e.setValue(Collections.unmodifiableNavigableSet(e.getValue()));
        }
        return new AccountedMessages(map);
    }

    /** This ledger and {@code ids}. */
    public AccountedMessages withAll(Collection<MessageId> ids) {
        List<MessageId> all = new ArrayList<>(ids);
        seqsByBoot.forEach((boot, seqs) -> seqs.forEach(seq -> all.add(new MessageId(boot, seq))));
        return of(all);
    }

    /** The boots in [from, to] with an accounted message, ascending. */
    public List<Long> boots(long from, long to) {
        return List.copyOf(seqsByBoot.subMap(from, true, to, true).keySet());
    }

    public boolean accounted(MessageId id) {
        NavigableSet<Long> seqs = seqsByBoot.get(id.boot());
        return seqs != null && seqs.contains(id.seq());
    }

    /** The highest accounted seq of {@code boot}, if any of its messages is accounted. */
    public Optional<Long> highestSeq(long boot) {
        NavigableSet<Long> seqs = seqsByBoot.get(boot);
        return seqs == null ? Optional.empty() : Optional.of(seqs.last());
    }

    /** The lowest seq in [from, to] of {@code boot} that is not accounted. */
    public Optional<Long> firstMissing(long boot, long from, long to) {
        NavigableSet<Long> seqs = seqsByBoot.get(boot);
        if (from > to) {
            return Optional.empty();
        }
        if (seqs == null) {
            return Optional.of(from);
        }
        NavigableSet<Long> present = seqs.subSet(from, true, to, true);
        if (present.size() == to - from + 1) {
            return Optional.empty();
        }
        long expected = from;
        for (long seq : present) {
            if (seq != expected) {
                return Optional.of(expected);
            }
            expected++;
        }
        return Optional.of(expected);
    }
}
