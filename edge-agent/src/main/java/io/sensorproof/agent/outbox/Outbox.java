package io.sensorproof.agent.outbox;

import io.sensorproof.agent.outbox.RecordCodec.AckEntry;
import io.sensorproof.agent.outbox.RecordCodec.Dropped;
import io.sensorproof.agent.outbox.RecordCodec.MessageEntry;
import io.sensorproof.agent.outbox.RecordCodec.Rejected;
import io.sensorproof.agent.outbox.RecordCodec.Removed;
import io.sensorproof.agent.outbox.RecordCodec.Stored;
import io.sensorproof.agent.outbox.RecordCodec.Summary;
import io.sensorproof.protocol.message.MessageHeader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The agent's durable outbox: every signed message is appended here before it is sent and stays
 * until the gateway acknowledges it as stored or rejects it for good, so that no message is lost
 * across {@code kill -9} or power loss. Framework-free, JDK only.
 *
 * <h2>Files</h2>
 * All under one directory:
 * <ul>
 *   <li>{@code seg-<20-digit sequence number>.log}: append-only segments of message records; a
 *       segment is rotated before a batch would take it past {@code segmentBytes}, and deleted
 *       once every message in it is stored, rejected or dropped.</li>
 *   <li>{@code acks.log}: stored ranges and rejections.</li>
 *   <li>{@code kept-aside.log}: rejected messages with their code, reason and bytes; bounded by
 *       {@link OutboxConfig#keptAsideMaxBytes()}.</li>
 *   <li>{@code dropped.log}: one record per message dropped under {@link OverflowPolicy#DROP_OLDEST}; bounded by
 *       {@link OutboxConfig#droppedLogMaxBytes()}.</li>
 *   <li>{@code corrupt/}: copies of files found damaged, taken before they are repaired.</li>
 *   <li>{@code outbox.lock}: held with an OS file lock while the outbox is open.</li>
 * </ul>
 *
 * <h2>Record format</h2>
 * Every record in every file is framed as: magic {@code 0x53504F31} ("SPO1", 4 bytes), body length
 * (4 bytes, big-endian, at most 1 MiB + 16 KiB so that a damaged length cannot cause a huge
 * allocation), CRC32C over the type byte and the body (4 bytes), type (1 byte), body. Integers are
 * big-endian; an id is boot and seq as unsigned 32-bit integers; a string is an unsigned 16-bit
 * length and UTF-8. Types and bodies:
 * <ul>
 *   <li>1 message (segments): id, readings (int32), the signed bytes.</li>
 *   <li>2 stored (acks): boot, first seq, last seq: pending messages in that range that the gateway stored.</li>
 *   <li>3 rejected (acks): id, code, reason.</li>
 *   <li>4 removed (acks, written by compaction): first id, last id: every id in that range, in id
 *       order across boots, that is not rejected is gone.</li>
 *   <li>5 kept aside (kept-aside.log): id, kept-at ms (int64), code, reason, length (int32) and bytes.</li>
 *   <li>6 dropped (dropped.log): id, readings (int32), dropped-at ms (int64).</li>
 *   <li>7 summary (first record of kept-aside.log or dropped.log after a compaction): records discarded
 *       (int64), their readings (int64, 0 in kept-aside.log), a flag (1 byte) and the highest discarded id.</li>
 * </ul>
 *
 * <h2>Bounded logs</h2>
 * A device whose every message is rejected (a wrong clock: FUTURE_TIMESTAMP is final) or dropped must
 * not fill its disk. When {@code kept-aside.log} or {@code dropped.log} grows past its bound it is
 * rewritten like {@code acks.log}: a summary record carrying the totals of every record discarded so far
 * (so {@code keptAside}, {@code droppedMessages}, the highest dropped id and the identity floor stay
 * right across restarts), then the records that start in the newest half of the bound. Kept-aside
 * records of rejected messages whose segment is still live are always kept (replay needs them; they
 * are bounded by the capacity). The discarded are counted ({@link OutboxStats#keptAsideDiscarded()},
 * {@link OutboxStats#droppedRecordsDiscarded()}). At open only the reasons of kept-aside records at or
 * after the first segment's first id are held in memory.
 *
 * <h2>Fsync policy</h2>
 * A message counts as present only once its record is forced: {@link #append} writes the whole
 * batch with positional writes and then calls {@link FileChannel#force} once (group commit);
 * when it returns, every message of the batch is durable. Creating a segment forces the directory.
 * {@link #markStored} forces {@code acks.log} once per call. {@link #markRejected} forces the
 * kept-aside record (with the bytes) before it writes and forces the rejection in {@code acks.log};
 * a message found in {@code kept-aside.log} is treated as rejected even if the acks record is
 * missing. Dropping forces one {@code dropped.log} record per pending message of the dropped segments
 * before it deletes them. Deleting segments forces the directory. Rewrites ({@code acks.log}
 * compaction, repair of a corrupt file) write a temporary file, force it, rename it over the
 * original and force the directory.
 *
 * <h2>Replay and repair</h2>
 * {@link #open} reads {@code kept-aside.log}, {@code acks.log}, {@code dropped.log}, then the
 * segments in order, and indexes pending messages in memory (id to segment, offset, length and
 * readings; the bytes stay on disk). A damaged record (bad magic, impossible length, truncated,
 * bad CRC) with nothing valid after it at the end of the last segment or of a log is a torn write
 * from a crash: the file is truncated to the last good record ({@code tornTailRepairs}). Damage
 * followed by valid records, or any damage in a segment that is not the last, is corruption: the
 * file is copied to {@code corrupt/}, then rewritten with only its valid records, so that just the
 * damaged records are lost ({@code corruptSegments}). Opening never throws for such damage. A
 * message whose record fails its CRC when read back later is kept aside with code
 * {@value #CORRUPT_CODE}. A rejection in {@code acks.log} whose kept-aside record is missing is
 * kept aside again from the segment. {@code acks.log} is compacted at open and whenever it exceeds
 * 4 MiB (or twice its size after the last compaction): it is rewritten to the newest stored id,
 * removed ranges over the live segments' ids that are neither pending nor rejected, and the
 * rejections in live segments.
 *
 * <h2>Identity</h2>
 * Ids are appended in ascending order: each batch is ascending and starts after every id this
 * outbox has ever held (pending, stored, rejected or dropped), which is how the outbox knows an id
 * is new without remembering every id forever. {@link #maxBootSeen()} is the floor for the next
 * boot counter.
 *
 * <h2>Capacity</h2>
 * Live segment bytes plus the batch must fit in {@code capacityBytes}; space is freed a whole
 * segment at a time. Under {@link OverflowPolicy#BLOCK} append waits, releasing the lock, until
 * an acknowledgement frees space or the timeout passes ({@link OutboxFullException}). Under
 * {@link OverflowPolicy#DROP_OLDEST} it deletes the oldest segments after recording their pending
 * messages in {@code dropped.log}. Nothing is ever dropped silently.
 *
 * <p>Thread-safe: one lock guards the state; append may run on one thread while others read
 * pending messages and apply acknowledgements.
 */
public final class Outbox implements AutoCloseable {
    /** Reason code of messages whose record was found damaged when read back. */
    public static final String CORRUPT_CODE = "OUTBOX_CORRUPT";

    static final String ACKS = "acks.log";
    static final String KEPT_ASIDE = "kept-aside.log";
    static final String DROPPED = "dropped.log";
    static final String CORRUPT_DIR = "corrupt";
    static final String LOCK = "outbox.lock";
    static final long ACKS_COMPACT_BYTES = 4L << 20;
    private static final Pattern SEGMENT = Pattern.compile("seg-(\\d{20})\\.log");
    private static final String TEMP_SUFFIX = ".tmp";

    /** One segment file; mutable state guarded by the outbox lock. */
    private static final class Segment {
        final long number;
        final Path path;
        FileChannel channel;
        long size;
        int live;
        MessageId first;
        MessageId last;

        Segment(long number, Path path) {
            this.number = number;
            this.path = path;
        }
    }

    /** Where a pending message's record is. */
    private record Location(Segment segment, long offset, int bodyLength, int readings) {
    }

    private record Reason(String code, String message) {
    }

    private record ReadBack(OutboxMessage message, boolean intact) {
    }

    private final Path dir;
    private final OutboxConfig config;
    private final Clock clock;
    private final FileIo io;
    private final long acksCompactBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition spaceFreed = lock.newCondition();
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private final TreeMap<MessageId, Location> index = new TreeMap<>();
    private final TreeMap<MessageId, Reason> rejectedLive = new TreeMap<>();
    private final Set<Path> copiedToCorrupt = new HashSet<>();

    private FileChannel lockChannel;
    private FileLock fileLock;
    private FileChannel acks;
    private FileChannel kept;
    private FileChannel dropped;
    private Segment active;
    private long nextSegmentNumber = 1;
    private long liveBytes;
    private MessageId lastAppended;
    private MessageId lastStored;
    private MessageId maxDropped;
    private long maxBoot;
    private long keptCount;
    private Summary keptDiscarded = new Summary(0, 0, null);
    private Summary droppedDiscarded = new Summary(0, 0, null);
    private long keptCompactAt;
    private long droppedCompactAt;
    private long droppedMessages;
    private long droppedReadings;
    private long tornTailRepairs;
    private long corruptFiles;
    private long overflowWaits;
    private long acksCompactAt;
    private boolean closed;

    private Outbox(Path dir, OutboxConfig config, Clock clock, long acksCompactBytes, FileIo io) {
        this.dir = dir;
        this.config = config;
        this.clock = clock;
        this.io = io;
        this.keptCompactAt = config.keptAsideMaxBytes();
        this.droppedCompactAt = config.droppedLogMaxBytes();
        this.acksCompactBytes = acksCompactBytes;
    }

    /**
     * Opens the outbox in {@code dir}, creating the directory if missing, replaying its files and
     * repairing torn tails and corrupt records (see the class description).
     *
     * @throws IOException when the files cannot be read or written, or another process holds the outbox
     */
    public static Outbox open(Path dir, OutboxConfig config) throws IOException {
        return open(dir, config, Clock.systemUTC());
    }

    static Outbox open(Path dir, OutboxConfig config, Clock clock) throws IOException {
        return open(dir, config, clock, ACKS_COMPACT_BYTES);
    }

    static Outbox open(Path dir, OutboxConfig config, Clock clock, long acksCompactBytes) throws IOException {
        return open(dir, config, clock, acksCompactBytes, FileIo.SYSTEM);
    }

    /** Opens the outbox with its files going through {@code io} (fault tests). */
    public static Outbox open(Path dir, OutboxConfig config, FileIo io) throws IOException {
        return open(dir, config, Clock.systemUTC(), ACKS_COMPACT_BYTES, io);
    }

    static Outbox open(Path dir, OutboxConfig config, Clock clock, long acksCompactBytes, FileIo io) throws IOException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(io, "io");
        Outbox outbox = new Outbox(dir, config, clock, acksCompactBytes, io);
        outbox.lock.lock();
        try {
            outbox.replay();
            return outbox;
        } catch (IOException | RuntimeException e) {
            try {
                outbox.closeLocked();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            outbox.lock.unlock();
        }
    }

    /**
     * Appends a batch durably: when this returns, every message of the batch survives a crash. The
     * whole batch is written and then forced once. Ids must be strictly ascending and after every
     * id the outbox has held; otherwise {@link IllegalArgumentException} and nothing is written.
     *
     * @throws OutboxFullException under {@link OverflowPolicy#BLOCK} when no space was freed in time
     * @throws IllegalArgumentException when an id is not new, or the batch alone exceeds the capacity
     */
    public void append(List<OutboxMessage> batch) throws IOException {
        Objects.requireNonNull(batch, "batch");
        if (batch.isEmpty()) {
            return;
        }
        long batchBytes = 0;
        MessageId previous = null;
        for (OutboxMessage m : batch) {
            Objects.requireNonNull(m, "batch element");
            if (previous != null && m.id().compareTo(previous) <= 0) {
                throw new IllegalArgumentException("ids in a batch must be strictly ascending: " + m.id() + " follows " + previous);
            }
            previous = m.id();
            batchBytes += RecordCodec.messageFrameBytes(m);
        }
        if (batchBytes > config.capacityBytes() || batchBytes > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("a batch of " + batchBytes + " bytes can never fit in an outbox of "
                    + config.capacityBytes() + " bytes; split it");
        }
        MessageId first = batch.get(0).id();
        lock.lock();
        try {
            requireOpen();
            requireNew(first);
            makeRoom(batchBytes);
            requireNew(first);
            if (active == null || active.size > 0 && active.size + batchBytes > config.segmentBytes()) {
                rotate();
            }
            Segment segment = active;
            long start = segment.size;
            long[] offsets = new long[batch.size()];
            ByteBuffer buffer = ByteBuffer.allocate((int) batchBytes);
            for (int i = 0; i < batch.size(); i++) {
                OutboxMessage m = batch.get(i);
                offsets[i] = start + buffer.position();
                RecordCodec.putFrame(buffer, RecordCodec.MESSAGE, out -> RecordCodec.putMessage(out, m));
            }
            buffer.flip();
            appendDurably(segment.channel, start, buffer);
            segment.size += batchBytes;
            liveBytes += batchBytes;
            for (int i = 0; i < batch.size(); i++) {
                OutboxMessage m = batch.get(i);
                index.put(m.id(), new Location(segment, offsets[i], RecordCodec.MESSAGE_PREFIX + m.bytes().length, m.readings()));
            }
            segment.live += batch.size();
            if (segment.first == null) {
                segment.first = first;
            }
            segment.last = previous;
            seen(previous);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Pending messages in id order strictly after {@code after} ({@code null}: from the first), at
     * most {@code max}. The bytes are read from the segment files, never held in memory. A record
     * that fails its CRC here is kept aside with code {@value #CORRUPT_CODE} and skipped.
     */
    public List<OutboxMessage> pending(MessageId after, int max) throws IOException {
        if (max < 0) {
            throw new IllegalArgumentException("max must not be negative: " + max);
        }
        lock.lock();
        try {
            requireOpen();
            List<OutboxMessage> result = new ArrayList<>(Math.min(max, Math.max(index.size(), 1)));
            MessageId cursor = after;
            while (result.size() < max) {
                Map.Entry<MessageId, Location> e = cursor == null ? index.firstEntry() : index.higherEntry(cursor);
                if (e == null) {
                    break;
                }
                cursor = e.getKey();
                ReadBack read = read(e.getKey(), e.getValue());
                if (read.intact()) {
                    result.add(read.message());
                } else {
                    quarantine(e.getValue(), read.message());
                }
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    /** The oldest pending message, if any. */
    public Optional<MessageId> oldestPending() {
        lock.lock();
        try {
            return index.isEmpty() ? Optional.empty() : Optional.of(index.firstKey());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records durably that the gateway stored the messages of {@code boot} in the given inclusive
     * seq ranges ({@code [first, last]} pairs) and removes them. Ids that are not pending are
     * ignored, so a replayed acknowledgement is harmless.
     *
     * @return how many of the named messages were pending
     */
    public int markStored(long boot, List<long[]> inclusiveRanges) throws IOException {
        Objects.requireNonNull(inclusiveRanges, "inclusiveRanges");
        requireCounter(boot, "boot");
        for (long[] range : inclusiveRanges) {
            if (range == null || range.length != 2 || range[0] < 0 || range[0] > range[1] || range[1] > MessageHeader.MAX_COUNTER) {
                throw new IllegalArgumentException("each range must be [first, last] with 0 <= first <= last < 2^32");
            }
        }
        lock.lock();
        try {
            requireOpen();
            TreeSet<MessageId> removed = new TreeSet<>();
            List<MessageId[]> spans = new ArrayList<>();
            for (long[] range : inclusiveRanges) {
                NavigableMap<MessageId, Location> named = index.subMap(new MessageId(boot, range[0]), true,
                        new MessageId(boot, range[1]), true);
                if (!named.isEmpty()) {
                    spans.add(new MessageId[] {named.firstKey(), named.lastKey()});
                    removed.addAll(named.keySet());
                }
            }
            if (removed.isEmpty()) {
                return 0;
            }
            ByteBuffer buffer = ByteBuffer.allocate(spans.size() * RecordCodec.frameBytes(12));
            for (MessageId[] span : spans) {
                RecordCodec.putFrame(buffer, RecordCodec.STORED, out -> RecordCodec.putStored(out, span[0], span[1]));
            }
            buffer.flip();
            appendDurably(acks, acks.size(), buffer);
            Set<Segment> touched = new LinkedHashSet<>();
            for (MessageId id : removed) {
                Location location = index.remove(id);
                location.segment().live--;
                touched.add(location.segment());
            }
            if (lastStored == null || removed.last().compareTo(lastStored) > 0) {
                lastStored = removed.last();
            }
            afterRemoval(touched);
            return removed.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records durably that the gateway rejected a pending message for good: the message and the
     * reason are first appended to {@code kept-aside.log} and forced, then the rejection is
     * recorded in {@code acks.log}. It is never returned by {@link #pending} again.
     *
     * @param code stable reason code, 1 to 64 characters
     * @param message human-readable reason, cut to 1,024 characters
     * @return false when the message was not pending
     */
    public boolean markRejected(long boot, long seq, String code, String message) throws IOException {
        MessageId id = new MessageId(boot, seq);
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        if (code.isBlank() || code.length() > RecordCodec.MAX_CODE_CHARS) {
            throw new IllegalArgumentException("code must be 1 to " + RecordCodec.MAX_CODE_CHARS + " characters: '" + code + "'");
        }
        String reason = message.length() > RecordCodec.MAX_REASON_CHARS ? message.substring(0, RecordCodec.MAX_REASON_CHARS) : message;
        lock.lock();
        try {
            requireOpen();
            Location location = index.get(id);
            if (location == null) {
                return false;
            }
            ReadBack read = read(id, location);
            if (!read.intact()) {
                noteCorrupt(location.segment().path);
            }
            keepAside(location, read.message(), code, reason);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Every message kept aside after a rejection, oldest first, read from {@code kept-aside.log}. */
    public List<KeptAside> keptAside() throws IOException {
        lock.lock();
        try {
            requireOpen();
            List<KeptAside> result = new ArrayList<>();
            RecordScanner.scan(kept, RecordCodec::parseKeptAside, (offset, length, k, body) -> result.add(k));
            return result;
        } finally {
            lock.unlock();
        }
    }

    /** Every dropped message recorded in {@code dropped.log}, oldest first. */
    List<Dropped> droppedLog() throws IOException {
        lock.lock();
        try {
            requireOpen();
            List<Dropped> result = new ArrayList<>();
            RecordScanner.scan(dropped, RecordCodec::parseDropped, (offset, length, d, body) -> result.add(d));
            return result;
        } finally {
            lock.unlock();
        }
    }

    /** A snapshot of depth, size and counters. */
    public OutboxStats stats() {
        lock.lock();
        try {
            return new OutboxStats(index.size(), liveBytes, index.isEmpty() ? Optional.empty() : Optional.of(index.firstKey()),
                    Optional.ofNullable(lastStored), keptCount, droppedMessages, droppedReadings, tornTailRepairs, corruptFiles,
                    overflowWaits, keptDiscarded.messages(), droppedDiscarded.messages());
        } finally {
            lock.unlock();
        }
    }

    /** The highest boot in any segment, acks, kept-aside or dropped record (0 if none): a floor for the boot counter. */
    public long maxBootSeen() {
        lock.lock();
        try {
            return maxBoot;
        } finally {
            lock.unlock();
        }
    }

    /** Closes the files and releases the directory lock; waiting appends fail. Idempotent. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            closeLocked();
        } finally {
            lock.unlock();
        }
    }

    private void replay() throws IOException {
        Files.createDirectories(dir);
        lockChannel = io.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            fileLock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            throw new IOException("outbox " + dir + " is already open in this process", e);
        }
        if (fileLock == null) {
            throw new IOException("outbox " + dir + " is in use by another process");
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path temp : files.filter(p -> p.getFileName().toString().endsWith(TEMP_SUFFIX)).toList()) {
                Files.deleteIfExists(temp);
            }
        }

        List<Path> files = segmentFiles();
        // only kept-aside records of ids in a segment matter below: the reasons held in memory are bounded by the live segments
        MessageId floor = files.isEmpty() ? null : firstId(files.get(0));
        boolean anySegment = !files.isEmpty();
        Map<MessageId, Reason> keptReasons = new HashMap<>();
        kept = openLog(KEPT_ASIDE, RecordCodec::parseKeptAsideLog, (offset, length, record, body) -> {
            if (record instanceof Summary summary) {
                keptDiscarded = keptDiscarded.plus(summary.messages(), 0, summary.maxId());
                keptCount += summary.messages();
                if (summary.maxId() != null) {
                    seen(summary.maxId());
                }
                return;
            }
            KeptAside k = (KeptAside) record;
            if (anySegment && (floor == null || k.id().compareTo(floor) >= 0)) {
                keptReasons.put(k.id(), new Reason(k.code(), k.message()));
            }
            keptCount++;
            seen(k.id());
        });

        IdRangeSet removed = new IdRangeSet();
        Map<MessageId, Reason> rejectedAcks = new HashMap<>();
        acks = openLog(ACKS, RecordCodec::parseAck, (offset, length, entry, body) -> replayAck(entry, removed, rejectedAcks));

        dropped = openLog(DROPPED, RecordCodec::parseDroppedLog, (offset, length, record, body) -> {
            if (record instanceof Summary summary) {
                droppedDiscarded = droppedDiscarded.plus(summary.messages(), summary.readings(), summary.maxId());
                droppedMessages += summary.messages();
                droppedReadings += summary.readings();
                if (summary.maxId() != null) {
                    noteDropped(summary.maxId());
                }
                return;
            }
            Dropped d = (Dropped) record;
            droppedMessages++;
            droppedReadings += d.readings();
            noteDropped(d.id());
        });

        List<KeptAside> rebuilt = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Path path = files.get(i);
            Matcher name = SEGMENT.matcher(path.getFileName().toString());
            if (!name.matches()) {
                throw new IllegalStateException("not a segment name: " + path);
            }
            Segment segment = new Segment(Long.parseLong(name.group(1)), path);
            FileChannel channel = io.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            segment.channel = channel;
            segments.put(segment.number, segment);
            RecordScanner.Outcome outcome = RecordScanner.scan(channel, RecordCodec::parseMessage, (offset, length, m, body) ->
                    replayMessage(segment, offset, length, m, body, keptReasons, rejectedAcks, removed, rebuilt));
            segment.channel = repair(path, channel, outcome, i == files.size() - 1);
            segment.size = segment.channel.size();
            liveBytes += segment.size;
            nextSegmentNumber = segment.number + 1;
        }
        if (!rebuilt.isEmpty()) {
            writeKeptAside(rebuilt);
        }
        active = segments.isEmpty() ? null : segments.lastEntry().getValue();
        boolean deleted = false;
        for (Segment segment : new ArrayList<>(segments.values())) {
            if (segment != active && segment.live == 0) {
                deleteSegment(segment);
                deleted = true;
            }
        }
        if (deleted) {
            io.forceDirectory(dir);
        }
        compactAcks();
        boundLogs();
    }

    /** The id of the first record of a segment, or null when that record is damaged. */
    private MessageId firstId(Path segment) throws IOException {
        try (FileChannel channel = io.open(segment, StandardOpenOption.READ)) {
            MessageEntry first = RecordScanner.first(channel, RecordCodec::parseMessage);
            return first == null ? null : first.id();
        }
    }

    private void noteDropped(MessageId id) {
        if (maxDropped == null || id.compareTo(maxDropped) > 0) {
            maxDropped = id;
        }
        seen(id);
    }

    /**
     * Compacts kept-aside.log and dropped.log when they exceed their bounds. When records that must
     * stay (rejected messages of live segments) keep kept-aside.log above its bound, the next rewrite
     * waits until it doubles, so rewrites stay amortised O(1) per record.
     */
    private void boundLogs() throws IOException {
        if (kept.size() > keptCompactAt) {
            kept = compactLog(KEPT_ASIDE, kept, config.keptAsideMaxBytes(), RecordCodec::parseKeptAsideLog,
                    r -> r instanceof KeptAside k && rejectedLive.containsKey(k.id()), keptDiscarded, s -> keptDiscarded = s);
            keptCompactAt = Math.max(config.keptAsideMaxBytes(), 2 * kept.size());
        }
        if (dropped.size() > droppedCompactAt) {
            dropped = compactLog(DROPPED, dropped, config.droppedLogMaxBytes(), RecordCodec::parseDroppedLog, r -> false,
                    droppedDiscarded, s -> droppedDiscarded = s);
            droppedCompactAt = Math.max(config.droppedLogMaxBytes(), 2 * dropped.size());
        }
    }

    /**
     * Rewrites a bounded log (temporary file, forced, renamed, directory forced) to a summary record
     * with the totals of everything discarded so far, then the records that start in its newest
     * {@code maxBytes / 2} bytes and older ones {@code mustKeep} names, in their order. Amortised O(1)
     * per record: the log has to grow by half its bound before the next rewrite.
     */
    private FileChannel compactLog(String name, FileChannel channel, long maxBytes, RecordScanner.Parser<Object> parser,
            Predicate<Object> mustKeep, Summary discardedSoFar, java.util.function.Consumer<Summary> newTotal) throws IOException {
        Path path = dir.resolve(name);
        Path temp = path.resolveSibling(name + TEMP_SUFFIX);
        long cutoff = channel.size() - maxBytes / 2;
        Summary[] total = {discardedSoFar};
        int headBytes = RecordCodec.frameBytes(RecordCodec.SUMMARY_BODY);
        try (FileChannel out = io.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            long[] at = {headBytes};
            RecordScanner.scan(channel, parser, (offset, length, record, body) -> {
                if (record instanceof Summary) {
                    return; // already in discardedSoFar
                }
                if (offset >= cutoff || mustKeep.test(record)) {
                    byte type = record instanceof KeptAside ? RecordCodec.KEPT_ASIDE : RecordCodec.DROPPED;
                    ByteBuffer frame = ByteBuffer.allocate(RecordCodec.frameBytes(length));
                    RecordCodec.putFrame(frame, type, o -> o.put(body.duplicate()));
                    frame.flip();
                    Durable.writeFully(out, frame, at[0]);
                    at[0] += frame.limit();
                } else if (record instanceof KeptAside k) {
                    total[0] = total[0].plus(1, 0, k.id());
                } else if (record instanceof Dropped d) {
                    total[0] = total[0].plus(1, d.readings(), d.id());
                }
            });
            ByteBuffer head = ByteBuffer.allocate(headBytes);
            RecordCodec.putFrame(head, RecordCodec.SUMMARY, o -> RecordCodec.putSummary(o, total[0]));
            head.flip();
            Durable.writeFully(out, head, 0);
            out.force(true);
        }
        Durable.moveAtomically(io, temp, path);
        channel.close();
        newTotal.accept(total[0]);
        return io.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private void replayAck(AckEntry entry, IdRangeSet removed, Map<MessageId, Reason> rejectedAcks) {
        if (entry instanceof Stored stored) {
            removed.add(stored.first(), stored.last());
            if (lastStored == null || stored.last().compareTo(lastStored) > 0) {
                lastStored = stored.last();
            }
            seen(stored.last());
        } else if (entry instanceof Removed range) {
            removed.add(range.first(), range.last());
            seen(range.last());
        } else if (entry instanceof Rejected rejected) {
            rejectedAcks.put(rejected.id(), new Reason(rejected.code(), rejected.message()));
            seen(rejected.id());
        }
    }

    private void replayMessage(Segment segment, long offset, int length, MessageEntry m, ByteBuffer body,
            Map<MessageId, Reason> keptReasons, Map<MessageId, Reason> rejectedAcks, IdRangeSet removed, List<KeptAside> rebuilt) {
        MessageId id = m.id();
        if (segment.first == null) {
            segment.first = id;
        }
        segment.last = id;
        seen(id);
        Reason keptReason = keptReasons.get(id);
        Reason ackReason = rejectedAcks.get(id);
        if (keptReason != null) {
            rejectedLive.put(id, keptReason);
        } else if (ackReason != null) {
            byte[] bytes = new byte[length - RecordCodec.MESSAGE_PREFIX];
            body.get(RecordCodec.MESSAGE_PREFIX, bytes);
            rebuilt.add(new KeptAside(id, ackReason.code(), ackReason.message(), bytes, clock.millis()));
            rejectedLive.put(id, ackReason);
        } else if (!removed.contains(id) && (maxDropped == null || id.compareTo(maxDropped) > 0) && !index.containsKey(id)) {
            index.put(id, new Location(segment, offset, length, m.readings()));
            segment.live++;
        }
    }

    private <T> FileChannel openLog(String name, RecordScanner.Parser<T> parser, RecordScanner.Visitor<T> visitor) throws IOException {
        Path path = dir.resolve(name);
        FileChannel channel = io.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            return repair(path, channel, RecordScanner.scan(channel, parser, visitor), true);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Cuts damage out of a scanned file as the class description says; returns the channel to use from now on. */
    private FileChannel repair(Path path, FileChannel channel, RecordScanner.Outcome outcome, boolean tornTailAllowed) throws IOException {
        if (outcome.clean()) {
            return channel;
        }
        if (!outcome.dataAfterDamage() && tornTailAllowed) {
            channel.truncate(outcome.firstDamage());
            channel.force(true);
            tornTailRepairs++;
            return channel;
        }
        noteCorrupt(path);
        if (!outcome.dataAfterDamage()) {
            channel.truncate(outcome.firstDamage());
            channel.force(true);
            return channel;
        }
        Path temp = path.resolveSibling(path.getFileName() + TEMP_SUFFIX);
        try (FileChannel out = io.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            long at = 0;
            for (long[] run : outcome.goodRuns()) {
                long done = 0;
                while (done < run[1] - run[0]) {
                    done += channel.transferTo(run[0] + done, run[1] - run[0] - done, out.position(at + done));
                }
                at += done;
            }
            out.force(true);
        }
        channel.close();
        Durable.moveAtomically(io, temp, path);
        return io.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** Counts a damaged file and copies it to {@code corrupt/} (once per file and open), forcing the copy. */
    private void noteCorrupt(Path path) throws IOException {
        corruptFiles++;
        if (!copiedToCorrupt.add(path)) {
            return;
        }
        Path corruptDir = dir.resolve(CORRUPT_DIR);
        Files.createDirectories(corruptDir);
        Path copy = corruptDir.resolve(path.getFileName() + "." + clock.millis());
        for (int n = 1; Files.exists(copy); n++) {
            copy = corruptDir.resolve(path.getFileName() + "." + clock.millis() + "-" + n);
        }
        Files.copy(path, copy);
        try (FileChannel channel = io.open(copy, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        io.forceDirectory(corruptDir);
        io.forceDirectory(dir);
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> SEGMENT.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
    }

    private void makeRoom(long batchBytes) throws IOException {
        long remaining = saturatedNanos(config.blockTimeout().toSeconds(), config.blockTimeout().toNanosPart());
        boolean waited = false;
        while (liveBytes + batchBytes > config.capacityBytes()) {
            if (active != null && active.live == 0 && active.size > 0) {
                deleteSegment(active);
                io.forceDirectory(dir);
                continue;
            }
            if (config.overflow() == OverflowPolicy.DROP_OLDEST) {
                dropOldest(batchBytes);
                continue;
            }
            if (!waited) {
                overflowWaits++;
                waited = true;
            }
            if (remaining <= 0) {
                throw new OutboxFullException(config.capacityBytes(), liveBytes, index.size(), batchBytes,
                        config.blockTimeout().toMillis());
            }
            try {
                remaining = awaitSpace(remaining);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for space in outbox " + dir);
            }
            requireOpen();
        }
    }

    /**
     * Waits for {@link #spaceFreed} (caller holds the lock) and returns the time left. The wait is a
     * {@link ForkJoinPool#managedBlock}: on a simulator's shared worker pool, which runs a fixed number
     * of tasks at once (ADR 061), the pool runs another thread meanwhile, so the acknowledgement that
     * frees the space is not queued behind this wait. Elsewhere it is a plain wait.
     */
    private long awaitSpace(long nanos) throws InterruptedException {
        long[] remaining = {nanos};
        ForkJoinPool.managedBlock(new ForkJoinPool.ManagedBlocker() {
            private boolean waited;

            @Override
            public boolean block() throws InterruptedException {
                remaining[0] = spaceFreed.awaitNanos(remaining[0]);
                waited = true;
                return true;
            }

            @Override
            public boolean isReleasable() {
                return waited;
            }
        });
        return remaining[0];
    }

    private static long saturatedNanos(long seconds, int nanos) {
        if (seconds >= TimeUnit.NANOSECONDS.toSeconds(Long.MAX_VALUE) - 1) {
            return Long.MAX_VALUE;
        }
        return TimeUnit.SECONDS.toNanos(seconds) + nanos;
    }

    /** Deletes the oldest segments until the batch fits, after forcing a dropped record for each of their pending messages. */
    private void dropOldest(long batchBytes) throws IOException {
        List<Segment> victims = new ArrayList<>();
        long freed = 0;
        for (Segment segment : segments.values()) {
            if (liveBytes - freed + batchBytes <= config.capacityBytes()) {
                break;
            }
            victims.add(segment);
            freed += segment.size;
        }
        long now = clock.millis();
        List<Dropped> drops = new ArrayList<>();
        for (Segment segment : victims) {
            if (segment.first != null) {
                for (Map.Entry<MessageId, Location> e : index.subMap(segment.first, true, segment.last, true).entrySet()) {
                    drops.add(new Dropped(e.getKey(), e.getValue().readings(), now));
                }
            }
        }
        if (!drops.isEmpty()) {
            ByteBuffer buffer = ByteBuffer.allocate(drops.size() * RecordCodec.frameBytes(20));
            for (Dropped d : drops) {
                RecordCodec.putFrame(buffer, RecordCodec.DROPPED, out -> RecordCodec.putDropped(out, d));
            }
            buffer.flip();
            appendDurably(dropped, dropped.size(), buffer);
        }
        for (Dropped d : drops) {
            index.remove(d.id());
            droppedMessages++;
            droppedReadings += d.readings();
            if (maxDropped == null || d.id().compareTo(maxDropped) > 0) {
                maxDropped = d.id();
            }
        }
        for (Segment segment : victims) {
            segment.live = 0;
            deleteSegment(segment);
        }
        io.forceDirectory(dir);
        boundLogs();
    }

    private void rotate() throws IOException {
        if (active != null && active.live == 0) {
            deleteSegment(active);
        }
        long number = nextSegmentNumber;
        Path path = dir.resolve(String.format("seg-%020d.log", number));
        Segment segment = new Segment(number, path);
        segment.channel = io.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        nextSegmentNumber++;
        segments.put(number, segment);
        active = segment;
        io.forceDirectory(dir);
    }

    private void deleteSegment(Segment segment) throws IOException {
        segments.remove(segment.number);
        liveBytes -= segment.size;
        if (segment.first != null) {
            rejectedLive.subMap(segment.first, true, segment.last, true).clear();
        }
        if (active == segment) {
            active = null;
        }
        segment.channel.close();
        Files.deleteIfExists(segment.path);
    }

    private ReadBack read(MessageId id, Location location) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(RecordCodec.frameBytes(location.bodyLength()));
        boolean complete = true;
        try {
            Durable.readFully(location.segment().channel, frame, location.offset());
        } catch (EOFException e) {
            complete = false;
        }
        frame.flip();
        int bytesAt = RecordCodec.HEADER_BYTES + RecordCodec.MESSAGE_PREFIX;
        byte[] bytes = new byte[Math.max(frame.limit() - bytesAt, 1)];
        frame.get(Math.min(bytesAt, frame.limit()), bytes, 0, Math.max(frame.limit() - bytesAt, 0));
        OutboxMessage message = new OutboxMessage(id, location.readings(), bytes);
        if (!complete) {
            return new ReadBack(message, false);
        }
        ByteBuffer body = frame.duplicate().position(RecordCodec.HEADER_BYTES);
        MessageEntry entry = RecordCodec.parseMessage(frame.get(12), body);
        boolean intact = frame.getInt(0) == RecordCodec.MAGIC && frame.getInt(4) == location.bodyLength()
                && RecordCodec.crc(frame.duplicate().position(12)) == frame.getInt(8)
                && entry != null && entry.id().equals(id) && entry.readings() == location.readings();
        return new ReadBack(message, intact);
    }

    private void quarantine(Location location, OutboxMessage asRead) throws IOException {
        noteCorrupt(location.segment().path);
        keepAside(location, asRead, CORRUPT_CODE, "record failed its CRC32C check when read back from "
                + location.segment().path.getFileName() + " at offset " + location.offset());
    }

    /** Kept-aside record forced first (from then on the message counts as rejected), then the rejection in acks.log. */
    private void keepAside(Location location, OutboxMessage message, String code, String reason) throws IOException {
        MessageId id = message.id();
        writeKeptAside(List.of(new KeptAside(id, code, reason, message.bytes(), clock.millis())));
        index.remove(id);
        location.segment().live--;
        rejectedLive.put(id, new Reason(code, reason));
        ByteBuffer buffer = ByteBuffer.allocate(RecordCodec.frameBytes(8 + RecordCodec.reasonBytes(code, reason)));
        RecordCodec.putFrame(buffer, RecordCodec.REJECTED, out -> RecordCodec.putRejected(out, id, code, reason));
        buffer.flip();
        appendDurably(acks, acks.size(), buffer);
        afterRemoval(Set.of(location.segment()));
    }

    private void writeKeptAside(List<KeptAside> records) throws IOException {
        int size = 0;
        for (KeptAside k : records) {
            size += RecordCodec.frameBytes(8 + 8 + RecordCodec.reasonBytes(k.code(), k.message()) + 4 + k.bytes().length);
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        for (KeptAside k : records) {
            RecordCodec.putFrame(buffer, RecordCodec.KEPT_ASIDE, out -> RecordCodec.putKeptAside(out, k));
        }
        buffer.flip();
        appendDurably(kept, kept.size(), buffer);
        keptCount += records.size();
        boundLogs();
    }

    /** Deletes segments that no longer hold a pending message, wakes waiting appends, compacts acks.log when large. */
    private void afterRemoval(Set<Segment> touched) throws IOException {
        boolean deleted = false;
        for (Segment segment : touched) {
            if (segment.live == 0 && segment != active && segments.containsKey(segment.number)) {
                deleteSegment(segment);
                deleted = true;
            }
        }
        if (deleted) {
            io.forceDirectory(dir);
        }
        spaceFreed.signalAll();
        if (acks.size() > acksCompactAt) {
            compactAcks();
        }
    }

    /** Rewrites acks.log to what still matters for the live segments, plus the newest stored id. */
    private void compactAcks() throws IOException {
        MessageId spanFirst = null;
        MessageId spanLast = null;
        for (Segment segment : segments.values()) {
            if (segment.first != null) {
                spanFirst = spanFirst == null ? segment.first : spanFirst;
                spanLast = segment.last;
            }
        }
        int size = RecordCodec.frameBytes(12) + (index.size() + rejectedLive.size() + 1) * RecordCodec.frameBytes(16);
        for (Reason r : rejectedLive.values()) {
            size += RecordCodec.frameBytes(8 + RecordCodec.reasonBytes(r.code(), r.message()));
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        if (lastStored != null) {
            MessageId stored = lastStored;
            RecordCodec.putFrame(buffer, RecordCodec.STORED, out -> RecordCodec.putStored(out, stored, stored));
        }
        if (spanFirst != null) {
            Iterator<MessageId> pendingIds = index.keySet().iterator();
            Iterator<MessageId> rejectedIds = rejectedLive.keySet().iterator();
            MessageId nextPending = pendingIds.hasNext() ? pendingIds.next() : null;
            MessageId nextRejected = rejectedIds.hasNext() ? rejectedIds.next() : null;
            MessageId cursor = spanFirst;
            while (cursor != null && (nextPending != null || nextRejected != null)) {
                MessageId kept;
                if (nextRejected == null || nextPending != null && nextPending.compareTo(nextRejected) < 0) {
                    kept = nextPending;
                    nextPending = pendingIds.hasNext() ? pendingIds.next() : null;
                } else {
                    kept = nextRejected;
                    nextRejected = rejectedIds.hasNext() ? rejectedIds.next() : null;
                }
                if (cursor.compareTo(kept) < 0) {
                    putRemoved(buffer, cursor, kept.predecessor().orElseThrow());
                }
                cursor = kept.successor().orElse(null);
            }
            if (cursor != null && cursor.compareTo(spanLast) <= 0) {
                putRemoved(buffer, cursor, spanLast);
            }
        }
        for (Map.Entry<MessageId, Reason> e : rejectedLive.entrySet()) {
            RecordCodec.putFrame(buffer, RecordCodec.REJECTED,
                    out -> RecordCodec.putRejected(out, e.getKey(), e.getValue().code(), e.getValue().message()));
        }
        buffer.flip();
        Path path = dir.resolve(ACKS);
        Durable.replaceAtomically(io, path.resolveSibling(ACKS + TEMP_SUFFIX), path, buffer);
        acks.close();
        acks = io.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        // When little can be dropped, wait for the log to double so compaction stays amortised O(1) per write.
        acksCompactAt = Math.max(acksCompactBytes, 2 * acks.size());
    }

    private static void putRemoved(ByteBuffer buffer, MessageId first, MessageId last) {
        RecordCodec.putFrame(buffer, RecordCodec.REMOVED, out -> RecordCodec.putRemoved(out, first, last));
    }

    /** Writes at {@code position} and forces once; on failure cuts the file back so no partial record stays behind. */
    private static void appendDurably(FileChannel channel, long position, ByteBuffer data) throws IOException {
        try {
            Durable.writeFully(channel, data, position);
            channel.force(false);
        } catch (IOException e) {
            try {
                channel.truncate(position);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void seen(MessageId id) {
        maxBoot = Math.max(maxBoot, id.boot());
        if (lastAppended == null || id.compareTo(lastAppended) > 0) {
            lastAppended = id;
        }
    }

    private void requireNew(MessageId first) {
        if (lastAppended != null && first.compareTo(lastAppended) <= 0) {
            throw new IllegalArgumentException("message " + first + " is not new: ids must be appended in ascending order and "
                    + lastAppended + " was already held (pending, stored, rejected or dropped)");
        }
    }

    private static void requireCounter(long value, String name) {
        if (value < 0 || value > MessageHeader.MAX_COUNTER) {
            throw new IllegalArgumentException(name + " must be in [0, 2^32): " + value);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("outbox " + dir + " is closed");
        }
    }

    private void closeLocked() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        spaceFreed.signalAll();
        IOException failure = null;
        List<AutoCloseable> resources = new ArrayList<>();
        for (Segment segment : segments.values()) {
            resources.add(segment.channel);
        }
        resources.add(acks);
        resources.add(kept);
        resources.add(dropped);
        resources.add(fileLock);
        resources.add(lockChannel);
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                IOException io = e instanceof IOException x ? x : new IOException(e);
                if (failure == null) {
                    failure = io;
                } else {
                    failure.addSuppressed(io);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
