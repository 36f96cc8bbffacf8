package io.sensorproof.agent.outbox;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * File primitives of the agent's durable state (outbox, boot counter, device key, enrollment files):
 * positional full reads and writes, fsync of directories, and the durable replace (temporary file,
 * force, atomic rename, force of the directory) that every rewritten file goes through.
 */
public final class Durable {
    private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

    private Durable() {
    }

    static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        long at = position;
        while (into.hasRemaining()) {
            int n = channel.read(into, at);
            if (n < 0) {
                throw new EOFException("unexpected end of file at " + at);
            }
            at += n;
        }
    }

    static void writeFully(FileChannel channel, ByteBuffer from, long position) throws IOException {
        long at = position;
        while (from.hasRemaining()) {
            at += channel.write(from, at);
        }
    }

    /**
     * Forces a directory, so that files created, renamed or deleted in it survive power loss.
     * Windows cannot open a directory as a channel and commits such changes itself.
     */
    public static void forceDirectory(Path dir) throws IOException {
        if (WINDOWS) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /**
     * Writes {@code content} to {@code temp} (created if missing; an existing file keeps its
     * permissions, so a caller can create it with mode 0600 first), forces it, renames it atomically
     * over {@code target} and forces the directory. When this returns, {@code target} holds exactly
     * {@code content} across a power loss; before, it holds its old content or, if new, is absent.
     */
    public static void replaceAtomically(FileIo io, Path temp, Path target, ByteBuffer content) throws IOException {
        try (FileChannel channel = io.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            writeFully(channel, content, 0);
            channel.force(true);
        }
        moveAtomically(io, temp, target);
    }

    /** Renames atomically, replacing the target, and forces the directory. */
    public static void moveAtomically(FileIo io, Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("file system cannot rename " + from + " atomically; the agent's files need a local file system", e);
        }
        io.forceDirectory(to.toAbsolutePath().getParent());
    }
}
