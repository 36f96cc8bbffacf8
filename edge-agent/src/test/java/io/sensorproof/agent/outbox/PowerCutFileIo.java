package io.sensorproof.agent.outbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A {@link FileIo} that simulates a power cut, which {@code kill -9} cannot: the page cache survives
 * a killed process, so only a lost power supply shows a missing {@code force()}.
 *
 * <p>Model (what a journaling file system guarantees at most): a file's content survives as it was at
 * its last {@link FileChannel#force}; a file's name (creation, rename, deletion) survives as it was at
 * the last {@link #forceDirectory} of its directory. Content belongs to the inode (the file key), so a
 * forced temporary file renamed over a target and then the directory forced survives under the new
 * name. A file whose name is durable but whose content was never forced comes back empty (as ext4 may
 * leave it). {@link #powerCut()} rewrites every directory the layer has seen to that durable image.
 * Files present when the layer was made count as durable. Directories themselves are never removed
 * (their creation is treated as durable), which is the one simplification.
 *
 * <p>{@link #cutAtBarrier(int)} makes the n-th durability barrier (file or directory force) fail as the
 * power goes: it and every later write or force throw, so the code under test stops where it was.
 * {@link #ignoreFileForces()} turns file forces into no-ops, to show that the layer does lose unforced
 * writes (a test that passes with it would prove nothing).
 */
public final class PowerCutFileIo implements FileIo {
    /** A file's durable state: content and permissions at its last force. */
    private record Image(byte[] content, Set<PosixFilePermission> permissions) {
    }

    /** Durable image by file identity. */
    private final Map<Object, Image> forcedContent = new HashMap<>();
    /** The identity of the file that now holds an inode (file key): inode numbers are reused after deletion. */
    private final Map<Object, Object> identities = new HashMap<>();
    private final Map<Path, Map<String, Object>> durableNames = new HashMap<>();
    private final Set<Path> seenDirectories = new LinkedHashSet<>();
    private int barriers;
    private int cutAt = Integer.MAX_VALUE;
    private boolean dead;
    private boolean ignoreFileForces;
    private int fileForces;
    private int directoryForces;

    /** A layer that takes every file under {@code root} as durable as it is now. */
    public PowerCutFileIo(Path root) throws IOException {
        if (Files.isDirectory(root)) {
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : all.toList()) {
                    if (Files.isDirectory(p)) {
                        snapshotDirectory(p);
                    } else if (Files.isRegularFile(p)) {
                        forcedContent.put(identity(p, false), image(p));
                    }
                }
            }
        }
    }

    /** The n-th barrier (1-based; file and directory forces counted together) fails as the power goes. */
    public synchronized PowerCutFileIo cutAtBarrier(int n) {
        cutAt = n;
        return this;
    }

    /** File forces do nothing from now on (directory forces still work). */
    public synchronized PowerCutFileIo ignoreFileForces() {
        ignoreFileForces = true;
        return this;
    }

    /** Barriers passed so far. */
    public synchronized int barriers() {
        return barriers;
    }

    /** File forces that took effect. */
    public synchronized int fileForces() {
        return fileForces;
    }

    /** Directory forces that took effect. */
    public synchronized int directoryForces() {
        return directoryForces;
    }

    /** True once the simulated power is gone. */
    public synchronized boolean dead() {
        return dead;
    }

    @Override
    public synchronized FileChannel open(Path path, OpenOption... options) throws IOException {
        requireAlive();
        boolean fresh = !Files.exists(path) || List.of(options).contains(StandardOpenOption.TRUNCATE_EXISTING);
        Set<OpenOption> readable = new LinkedHashSet<>(List.of(options));
        readable.add(StandardOpenOption.READ); // to take the image at force()
        FileChannel real = FileChannel.open(path, readable);
        seenDirectories.add(path.toAbsolutePath().getParent());
        return new Channel(real, identity(path, fresh), path);
    }

    @Override
    public synchronized void forceDirectory(Path dir) throws IOException {
        barrier();
        Durable.forceDirectory(dir);
        snapshotDirectory(dir.toAbsolutePath());
        directoryForces++;
    }

    /**
     * The power goes and comes back: every directory seen is rewritten to its durable image (names
     * as of its last force, each with the content of its inode's last force). Call it after the code
     * under test stopped; its open channels then point at replaced files.
     */
    public synchronized void powerCut() throws IOException {
        dead = true;
        for (Path dir : seenDirectories) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            Map<String, Object> names = durableNames.getOrDefault(dir, Map.of());
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList()) {
                    Files.delete(p);
                }
            }
            for (Map.Entry<String, Object> e : names.entrySet()) {
                Image image = forcedContent.get(e.getValue());
                Path file = dir.resolve(e.getKey());
                Files.write(file, image == null ? new byte[0] : image.content());
                if (image != null && image.permissions() != null) {
                    Files.setPosixFilePermissions(file, image.permissions());
                }
            }
            Durable.forceDirectory(dir);
        }
    }

    private void snapshotDirectory(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        seenDirectories.add(absolute);
        Map<String, Object> names = new HashMap<>();
        try (Stream<Path> files = Files.list(absolute)) {
            for (Path p : files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList()) {
                names.put(p.getFileName().toString(), identity(p, false));
            }
        }
        durableNames.put(absolute, names);
    }

    private synchronized void forceFile(Channel channel) throws IOException {
        barrier();
        if (ignoreFileForces) {
            return;
        }
        channel.real.force(true);
        long size = channel.real.size();
        ByteBuffer content = ByteBuffer.allocate(Math.toIntExact(size));
        Durable.readFully(channel.real, content, 0);
        Set<PosixFilePermission> permissions = Files.exists(channel.path) && identities.get(key(channel.path)) == channel.identity
                ? Files.getPosixFilePermissions(channel.path) : null;
        forcedContent.put(channel.identity, new Image(content.array(), permissions));
        fileForces++;
    }

    private void barrier() throws IOException {
        requireAlive();
        barriers++;
        if (barriers >= cutAt) {
            dead = true;
            throw new IOException("simulated power cut at durability barrier " + barriers);
        }
    }

    private synchronized void requireAlive() throws IOException {
        if (dead) {
            throw new IOException("simulated power cut: the machine is off");
        }
    }

    private static Object key(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    }

    /** The identity of the file at {@code path}; a new one when {@code fresh} (created or truncated: nothing of it is durable yet). */
    private Object identity(Path path, boolean fresh) throws IOException {
        Object key = key(path);
        Object identity = identities.get(key);
        if (fresh || identity == null) {
            identity = new Object();
            identities.put(key, identity);
        }
        return identity;
    }

    private static Image image(Path p) {
        try {
            return new Image(Files.readAllBytes(p), Files.getPosixFilePermissions(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A channel whose writes reach the real file but count as durable only once forced. */
    private final class Channel extends FileChannel {
        private final FileChannel real;
        private final Object identity;
        private final Path path;

        Channel(FileChannel real, Object identity, Path path) {
            this.real = real;
            this.identity = identity;
            this.path = path;
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
            requireAlive();
            return real.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            requireAlive();
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
            requireAlive();
            real.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            forceFile(this);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return real.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            requireAlive();
            return real.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return real.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            requireAlive();
            return real.write(src, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            throw new UnsupportedOperationException("memory-mapped writes bypass the power-cut model");
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

    /** The regular files of {@code dir} by name (test diagnostics). */
    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
