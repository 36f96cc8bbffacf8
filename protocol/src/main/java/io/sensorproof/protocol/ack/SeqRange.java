package io.sensorproof.protocol.ack;

import io.sensorproof.protocol.message.MessageHeader;

/**
 * An inclusive range of sequence numbers within one boot.
 *
 * @param first first sequence number
 * @param last last sequence number, at least {@code first}
 */
public record SeqRange(long first, long last) {
    public SeqRange {
        if (first < 0 || last > MessageHeader.MAX_COUNTER || first > last) {
            throw new IllegalArgumentException("range must satisfy 0 <= first <= last < 2^32: " + first + ".." + last);
        }
    }

    /** A range of one sequence number. */
    public static SeqRange of(long seq) {
        return new SeqRange(seq, seq);
    }

    /** True when {@code seq} lies in the range. */
    public boolean contains(long seq) {
        return seq >= first && seq <= last;
    }
}
