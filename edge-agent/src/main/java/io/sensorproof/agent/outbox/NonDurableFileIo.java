package io.sensorproof.agent.outbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;

/**
 * <strong>NOT DURABLE — for load simulations only, never for a real device.</strong> A {@link FileIo}
 * whose file and directory forces do nothing: the outbox (and the boot counter) write to the page
 * cache as usual and survive a killed process, but not a power loss or a kernel crash, which is
 * exactly what the durable outbox exists to survive (ADR 004). The simulator uses it so that a fleet
 * of thousands of in-JVM agents on one machine measures the gateway, not the simulator's own disk
 * (each durable agent forces its log twice per message; ADR 043).
 *
 * <p>The edge agent's command line never offers it: only a caller that starts agents in code can pass
 * it ({@code EdgeAgent.start(…, FileIo)}), and the simulator labels every run that does. Forces
 * skipped are counted ({@link #skippedForces()}), so a report can show that durability was off.
 */
public final class NonDurableFileIo implements FileIo {
    /** The label a run that uses this layer carries in its output. */
    public static final String LABEL = "NON-DURABLE outbox (forces skipped; load simulation only, not for real devices)";

    private final LongAdder skippedFileForces = new LongAdder();
    private final LongAdder skippedDirectoryForces = new LongAdder();

    @Override
    public FileChannel open(Path path, OpenOption... options) throws IOException {
        return new Channel(FileChannel.open(path, options));
    }

    @Override
    public void forceDirectory(Path dir) {
        skippedDirectoryForces.increment();
    }

    /** File and directory forces that this layer skipped so far. */
    public long skippedForces() {
        return skippedFileForces.sum() + skippedDirectoryForces.sum();
    }

    /** File forces skipped so far. */
    public long skippedFileForces() {
        return skippedFileForces.sum();
    }

    /** Directory forces skipped so far. */
    public long skippedDirectoryForces() {
        return skippedDirectoryForces.sum();
    }

    /** Delegates everything to the real channel except {@link #force(boolean)}, which is counted and skipped. */
    private final class Channel extends FileChannel {
        private final FileChannel real;

        Channel(FileChannel real) {
            this.real = real;
        }

        @Override
        public void force(boolean metaData) {
            skippedFileForces.increment();
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return real.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return real.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return real.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return real.write(srcs, offset, length);
        }

        @Override
        public long position() throws IOException {
            return real.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            real.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            real.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return real.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            return real.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return real.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return real.write(src, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return real.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return real.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return real.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            real.close();
        }
    }
}
