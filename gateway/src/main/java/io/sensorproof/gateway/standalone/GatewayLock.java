package io.sensorproof.gateway.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The launcher's lock on its data directory ({@value #FILE_NAME}), held for as long as the gateway
 * JVM runs and released by the operating system when it dies, however it dies. It defines an orphan
 * (ADR 040): a PostgreSQL server, broker or anvil of this data directory found running while this
 * lock is free belongs to a gateway that is dead, and may be adopted or stopped; while another
 * process holds it, nothing there is touched and the start is refused with
 * {@link DataDirectoryInUseException}.
 */
public final class GatewayLock implements AutoCloseable {
    /** The lock file inside {@code sensorproof.data-dir}. */
    public static final String FILE_NAME = "gateway.lock";

    private final FileChannel channel;

    private GatewayLock(FileChannel channel) {
        this.channel = channel;
    }

    /**
     * Takes the lock of {@code dataDirectory} (created if missing).
     *
     * @throws DataDirectoryInUseException when another live process (or this JVM) holds it
     */
    public static GatewayLock acquire(Path dataDirectory) {
        Path dir = dataDirectory.toAbsolutePath().normalize();
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new DataDirectoryInUseException(dir, "the data directory");
            }
            return new GatewayLock(channel);
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException again) {
                    e.addSuppressed(again);
                }
            }
            throw new UncheckedIOException("cannot lock " + dir.resolve(FILE_NAME), e);
        }
    }

    /** Releases the lock (the JVM's exit does too). */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
