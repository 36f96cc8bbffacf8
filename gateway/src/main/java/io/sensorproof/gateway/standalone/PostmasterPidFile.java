package io.sensorproof.gateway.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The first lines of PostgreSQL's {@code postmaster.pid}: the postmaster's pid, its absolute data
 * directory and its port. PostgreSQL writes the file at start and removes it on a clean stop, so a
 * file left behind means either a running server or one that died without cleaning up.
 *
 * @param pid postmaster process id (line 1)
 * @param dataDirectory data directory as the server saw it (line 2)
 * @param port TCP port (line 4), or -1 when the line is missing
 */
public record PostmasterPidFile(long pid, Path dataDirectory, int port) {

    /** File name inside the data directory. */
    public static final String FILE_NAME = "postmaster.pid";

    /**
     * Reads the pid file of {@code dataDirectory}.
     *
     * @return empty when there is no pid file, or when it is too short or malformed to name a
     *     process (PostgreSQL writes it in several steps, so a crash can leave a partial file)
     */
    public static Optional<PostmasterPidFile> read(Path dataDirectory) {
        Path file = dataDirectory.resolve(FILE_NAME);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (lines.size() < 2) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(lines.get(0).trim());
            if (pid <= 0) {
                return Optional.empty();
            }
            int port = lines.size() >= 4 && !lines.get(3).isBlank() ? Integer.parseInt(lines.get(3).trim()) : -1;
            return Optional.of(new PostmasterPidFile(pid, Path.of(lines.get(1).trim()), port));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
