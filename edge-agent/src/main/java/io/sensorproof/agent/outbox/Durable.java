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

/** File primitives of the outbox and the boot counter: positional full reads and writes, and fsync of directories. */
final class Durable {
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
    static void forceDirectory(Path dir) throws IOException {
        if (WINDOWS) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Writes {@code content} to {@code temp}, forces it, renames it atomically over {@code target} and forces the directory. */
    static void replaceAtomically(Path temp, Path target, ByteBuffer content) throws IOException {
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            writeFully(channel, content, 0);
            channel.force(true);
        }
        moveAtomically(temp, target);
    }

    /** Renames atomically, replacing the target, and forces the directory. */
    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("file system cannot rename " + from + " atomically; the outbox needs a local file system", e);
        }
        forceDirectory(to.toAbsolutePath().getParent());
    }
}
