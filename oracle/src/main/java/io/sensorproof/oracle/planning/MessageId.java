package io.sensorproof.oracle.planning;

/**
 * A device's message identity (boot, seq), ordered by boot then seq: the order in which the agent
 * signs and sends its messages (edge-agent {@code EdgeAgent}, {@code Outbox}).
 */
public record MessageId(long boot, long seq) implements Comparable<MessageId> {
    public MessageId {
        if (boot < 0 || seq < 0) {
            throw new IllegalArgumentException("boot and seq must not be negative: " + boot + ":" + seq);
        }
    }

    @Override
    public int compareTo(MessageId other) {
        int byBoot = Long.compare(boot, other.boot);
        return byBoot != 0 ? byBoot : Long.compare(seq, other.seq);
    }

    @Override
    public String toString() {
        return boot + ":" + seq;
    }
}
