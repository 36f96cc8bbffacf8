package io.sensorproof.protocol.ack;

import io.sensorproof.protocol.message.MessageHeader;
import java.util.List;

/**
 * What the gateway says about the messages of one boot.
 *
 * @param boot the boot counter
 * @param stored ranges of messages stored durably, ascending and non-overlapping
 * @param rejected messages refused for good, ascending by sequence number
 */
public record BootAck(long boot, List<SeqRange> stored, List<Rejection> rejected) {
    public BootAck {
        if (boot < 0 || boot > MessageHeader.MAX_COUNTER) {
            throw new IllegalArgumentException("boot must be in [0, 2^32)");
        }
        stored = List.copyOf(stored);
        rejected = List.copyOf(rejected);
        if (stored.isEmpty() && rejected.isEmpty()) {
            throw new IllegalArgumentException("a boot entry names at least one message");
        }
        for (int i = 1; i < stored.size(); i++) {
            if (stored.get(i).first() <= stored.get(i - 1).last()) {
                throw new IllegalArgumentException("stored ranges must be ascending and non-overlapping");
            }
        }
        for (int i = 1; i < rejected.size(); i++) {
            if (rejected.get(i).seq() <= rejected.get(i - 1).seq()) {
                throw new IllegalArgumentException("rejections must be ascending by seq");
            }
        }
        for (Rejection r : rejected) {
            for (SeqRange s : stored) {
                if (s.contains(r.seq())) {
                    throw new IllegalArgumentException("seq " + r.seq() + " cannot be both stored and rejected");
                }
            }
        }
    }

    /** True when message {@code seq} is named as stored. */
    public boolean isStored(long seq) {
        return stored.stream().anyMatch(r -> r.contains(seq));
    }
}
