package io.sensorproof.agent.outbox;

import java.util.Map;
import java.util.TreeMap;

/** A set of message ids held as disjoint inclusive ranges in id order; used to replay {@code acks.log}. */
final class IdRangeSet {
    private final TreeMap<MessageId, MessageId> ranges = new TreeMap<>();

    void add(MessageId first, MessageId last) {
        MessageId from = first;
        MessageId to = last;
        Map.Entry<MessageId, MessageId> before = ranges.floorEntry(from);
        if (before != null && touches(before.getValue(), from)) {
            from = before.getKey();
            to = max(to, before.getValue());
        }
        Map.Entry<MessageId, MessageId> next = ranges.ceilingEntry(from);
        while (next != null && (next.getKey().compareTo(to) <= 0 || touches(to, next.getKey()))) {
            to = max(to, next.getValue());
            ranges.remove(next.getKey());
            next = ranges.ceilingEntry(from);
        }
        ranges.put(from, to);
    }

    boolean contains(MessageId id) {
        Map.Entry<MessageId, MessageId> e = ranges.floorEntry(id);
        return e != null && e.getValue().compareTo(id) >= 0;
    }

    /** True when a range ending at {@code end} overlaps or is adjacent to one starting at {@code start}. */
    private static boolean touches(MessageId end, MessageId start) {
        return end.compareTo(start) >= 0 || end.successor().map(start::equals).orElse(false);
    }

    private static MessageId max(MessageId a, MessageId b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
