package io.sensorproof.agent.outbox;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The record framing shared by every outbox file and the bodies of each record type. A frame is
 * magic (4 bytes), body length (4, big-endian), CRC32C over the type byte and the body (4), type
 * (1), body. Integers are big-endian; ids are two unsigned 32-bit integers (boot, seq); strings are
 * an unsigned 16-bit length and UTF-8.
 */
final class RecordCodec {
    /** "SPO1": SensorProof Outbox, format 1. */
    static final int MAGIC = 0x53504f31;
    static final int HEADER_BYTES = 13;
    /** Bound on a body, so that a damaged length can never cause a huge allocation. */
    static final int MAX_BODY = OutboxMessage.MAX_BYTES + (16 << 10);

    static final byte MESSAGE = 1;
    static final byte STORED = 2;
    static final byte REJECTED = 3;
    static final byte REMOVED = 4;
    static final byte KEPT_ASIDE = 5;
    static final byte DROPPED = 6;
    static final byte SUMMARY = 7;
    static final int SUMMARY_BODY = 25;

    static final int MESSAGE_PREFIX = 12;
    static final int MAX_CODE_CHARS = 64;
    static final int MAX_REASON_CHARS = 1024;

    private RecordCodec() {
    }

    /** A message record: where its bytes are is known from the frame. */
    record MessageEntry(MessageId id, int readings) {
    }

    /** An entry of {@code acks.log}. */
    sealed interface AckEntry permits Stored, Removed, Rejected {
    }

    /** The gateway stored these messages (ids actually removed, from first to last of one boot). */
    record Stored(MessageId first, MessageId last) implements AckEntry {
    }

    /** Written by compaction: every id in [first, last] that is not rejected is gone; carries no "last stored" meaning. */
    record Removed(MessageId first, MessageId last) implements AckEntry {
    }

    /** The gateway rejected this message for good. */
    record Rejected(MessageId id, String code, String message) implements AckEntry {
    }

    /** A message dropped under {@link OverflowPolicy#DROP_OLDEST}. */
    record Dropped(MessageId id, int readings, long droppedAtMillis) {
    }

    /**
     * Written first by the compaction of {@code kept-aside.log} or {@code dropped.log}: totals of the
     * records it discarded over the file's life, so counters and the identity floor survive it.
     *
     * @param messages records discarded
     * @param readings readings in them (dropped.log; 0 for kept-aside.log)
     * @param maxId the highest id among them, or null
     */
    record Summary(long messages, long readings, MessageId maxId) {
        Summary plus(long moreMessages, long moreReadings, MessageId id) {
            MessageId max = maxId == null || id != null && id.compareTo(maxId) > 0 ? id : maxId;
            return new Summary(messages + moreMessages, readings + moreReadings, max);
        }
    }

    static int frameBytes(int bodyBytes) {
        return HEADER_BYTES + bodyBytes;
    }

    static int messageFrameBytes(OutboxMessage m) {
        return frameBytes(MESSAGE_PREFIX + m.bytes().length);
    }

    /** Writes the body of a record. */
    @FunctionalInterface
    interface BodyWriter {
        void write(ByteBuffer out);
    }

    /** Appends one frame to {@code out}, whose body is written by {@code body}, and returns the frame's size. */
    static int putFrame(ByteBuffer out, byte type, BodyWriter body) {
        int start = out.position();
        out.position(start + HEADER_BYTES);
        body.write(out);
        int end = out.position();
        int length = end - start - HEADER_BYTES;
        if (length > MAX_BODY) {
            throw new IllegalArgumentException("record body of " + length + " bytes exceeds " + MAX_BODY);
        }
        out.put(start + 12, type);
        out.putInt(start, MAGIC);
        out.putInt(start + 4, length);
        out.putInt(start + 8, crc(out.duplicate().limit(end).position(start + 12)));
        return end - start;
    }

    /** CRC32C of the remaining bytes (type byte and body). */
    static int crc(ByteBuffer typeAndBody) {
        CRC32C crc = new CRC32C();
        crc.update(typeAndBody);
        return (int) crc.getValue();
    }

    static int crc(byte type, ByteBuffer body) {
        CRC32C crc = new CRC32C();
        crc.update(type);
        crc.update(body.duplicate());
        return (int) crc.getValue();
    }

    static void putMessage(ByteBuffer out, OutboxMessage m) {
        putId(out, m.id());
        out.putInt(m.readings());
        out.put(m.bytes());
    }

    static void putStored(ByteBuffer out, MessageId first, MessageId last) {
        out.putInt((int) first.boot());
        out.putInt((int) first.seq());
        out.putInt((int) last.seq());
    }

    static void putRemoved(ByteBuffer out, MessageId first, MessageId last) {
        putId(out, first);
        putId(out, last);
    }

    static void putRejected(ByteBuffer out, MessageId id, String code, String message) {
        putId(out, id);
        putString(out, code);
        putString(out, message);
    }

    static void putKeptAside(ByteBuffer out, KeptAside k) {
        putId(out, k.id());
        out.putLong(k.keptAtMillis());
        putString(out, k.code());
        putString(out, k.message());
        out.putInt(k.bytes().length);
        out.put(k.bytes());
    }

    static void putSummary(ByteBuffer out, Summary s) {
        out.putLong(s.messages());
        out.putLong(s.readings());
        out.put((byte) (s.maxId() == null ? 0 : 1));
        putId(out, s.maxId() == null ? new MessageId(0, 0) : s.maxId());
    }

    static Summary parseSummary(byte type, ByteBuffer body) {
        if (type != SUMMARY || body.remaining() != SUMMARY_BODY) {
            return null;
        }
        ByteBuffer b = body.duplicate();
        long messages = b.getLong();
        long readings = b.getLong();
        byte present = b.get();
        MessageId id = getId(b);
        if (messages < 0 || readings < 0 || present > 1 || present < 0) {
            return null;
        }
        return new Summary(messages, readings, present == 1 ? id : null);
    }

    /** A record of {@code kept-aside.log}: a {@link KeptAside} or a {@link Summary}. */
    static Object parseKeptAsideLog(byte type, ByteBuffer body) {
        return type == SUMMARY ? parseSummary(type, body) : parseKeptAside(type, body);
    }

    /** A record of {@code dropped.log}: a {@link Dropped} or a {@link Summary}. */
    static Object parseDroppedLog(byte type, ByteBuffer body) {
        return type == SUMMARY ? parseSummary(type, body) : parseDropped(type, body);
    }

    static void putDropped(ByteBuffer out, Dropped d) {
        putId(out, d.id());
        out.putInt(d.readings());
        out.putLong(d.droppedAtMillis());
    }

    /** Upper bound of the body size of a rejection or kept-aside record without its message bytes. */
    static int reasonBytes(String code, String message) {
        return 4 + code.getBytes(StandardCharsets.UTF_8).length + message.getBytes(StandardCharsets.UTF_8).length;
    }

    static MessageEntry parseMessage(byte type, ByteBuffer body) {
        if (type != MESSAGE || body.remaining() <= MESSAGE_PREFIX || body.remaining() - MESSAGE_PREFIX > OutboxMessage.MAX_BYTES) {
            return null;
        }
        ByteBuffer b = body.duplicate();
        MessageId id = getId(b);
        int readings = b.getInt();
        return readings < 0 ? null : new MessageEntry(id, readings);
    }

    static AckEntry parseAck(byte type, ByteBuffer body) {
        ByteBuffer b = body.duplicate();
        try {
            AckEntry entry;
            switch (type) {
                case STORED -> {
                    long boot = Integer.toUnsignedLong(b.getInt());
                    long first = Integer.toUnsignedLong(b.getInt());
                    long last = Integer.toUnsignedLong(b.getInt());
                    entry = first <= last ? new Stored(new MessageId(boot, first), new MessageId(boot, last)) : null;
                }
                case REMOVED -> {
                    MessageId first = getId(b);
                    MessageId last = getId(b);
                    entry = first.compareTo(last) <= 0 ? new Removed(first, last) : null;
                }
                case REJECTED -> entry = new Rejected(getId(b), getString(b), getString(b));
                default -> entry = null;
            }
            return b.hasRemaining() ? null : entry;
        } catch (RuntimeException e) {
            return null;
        }
    }

    static KeptAside parseKeptAside(byte type, ByteBuffer body) {
        if (type != KEPT_ASIDE) {
            return null;
        }
        ByteBuffer b = body.duplicate();
        try {
            MessageId id = getId(b);
            long at = b.getLong();
            String code = getString(b);
            String message = getString(b);
            int length = b.getInt();
            if (length != b.remaining()) {
                return null;
            }
            byte[] bytes = new byte[length];
            b.get(bytes);
            return new KeptAside(id, code, message, bytes, at);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static Dropped parseDropped(byte type, ByteBuffer body) {
        if (type != DROPPED || body.remaining() != 20) {
            return null;
        }
        ByteBuffer b = body.duplicate();
        MessageId id = getId(b);
        int readings = b.getInt();
        return readings < 0 ? null : new Dropped(id, readings, b.getLong());
    }

    private static void putId(ByteBuffer out, MessageId id) {
        out.putInt((int) id.boot());
        out.putInt((int) id.seq());
    }

    private static MessageId getId(ByteBuffer b) {
        return new MessageId(Integer.toUnsignedLong(b.getInt()), Integer.toUnsignedLong(b.getInt()));
    }

    private static void putString(ByteBuffer out, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > 0xffff) {
            throw new IllegalArgumentException("string too long for a record: " + utf8.length + " bytes");
        }
        out.putShort((short) utf8.length);
        out.put(utf8);
    }

    private static String getString(ByteBuffer b) {
        int length = Short.toUnsignedInt(b.getShort());
        byte[] utf8 = new byte[length];
        b.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
