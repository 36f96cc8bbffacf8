package io.sensorproof.gateway.core.rules;

import io.sensorproof.protocol.senml.Quantity;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The points of one (device, quantity) within the lateness window, in time order, and the state of
 * each per-stream rule: the fold over everything evicted before the window (the carry) and the
 * alerts already emitted.
 */
final class Stream {
    final Quantity quantity;
    /** Points before this time are refused: their place in time order has been folded into the carries. */
    long floor = Long.MIN_VALUE;
    long newest = Long.MIN_VALUE;
    final TreeMap<Long, ReadingPoint> window = new TreeMap<>();
    final Map<String, Track> tracks = new LinkedHashMap<>();

    Stream(Quantity quantity) {
        this.quantity = quantity;
    }

    /** One per-stream rule's state on this stream. */
    static final class Track {
        final Rule rule;
        FoldState carry = new FoldState();
        /** Alerts emitted and still changeable, by id value, in the order first emitted. */
        final Map<String, Alert> known = new LinkedHashMap<>();

        Track(Rule rule) {
            this.rule = rule;
        }
    }
}
