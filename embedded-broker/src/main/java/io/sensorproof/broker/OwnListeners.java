package io.sensorproof.broker;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The TCP ports this process itself listens on, read from Linux's {@code /proc}: the sockets among its own file
 * descriptors ({@code /proc/self/fd}) that {@code /proc/net/tcp} and {@code tcp6} list in state LISTEN.
 *
 * <p>Why: HiveMQ logs "Could not start TCP Listener" and carries on when a port is taken, and a port that accepts
 * connections is no proof that this broker listens there. The gateway would then hand its broker password to
 * whatever holds the port (in CI: another test's broker, which refused it as "Bad User Name or Password").
 */
final class OwnListeners {
    private static final String LISTEN = "0A";

    private OwnListeners() {
    }

    /** The ports, or empty where {@code /proc} does not tell (not Linux). */
    static Optional<Set<Integer>> ports() throws IOException {
        return ports(Path.of("/proc"));
    }

    static Optional<Set<Integer>> ports(Path proc) throws IOException {
        Path fds = proc.resolve("self/fd");
        Path tcp = proc.resolve("net/tcp");
        if (!Files.isDirectory(fds) || !Files.isReadable(tcp)) {
            return Optional.empty();
        }
        Set<Long> sockets = new HashSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(fds)) {
            for (Path fd : entries) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue; // closed since the directory was read
                }
                if (target.startsWith("socket:[") && target.endsWith("]")) {
                    sockets.add(Long.parseLong(target.substring("socket:[".length(), target.length() - 1)));
                }
            }
        }
        Set<Integer> ports = new TreeSet<>();
        for (Path table : List.of(tcp, proc.resolve("net/tcp6"))) {
            if (!Files.isReadable(table)) {
                continue;
            }
            List<String> lines = Files.readAllLines(table);
            // "sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ..."
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && LISTEN.equals(f[3]) && sockets.contains(Long.parseLong(f[9]))) {
                    ports.add(Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16));
                }
            }
        }
        return Optional.of(ports);
    }

    /**
     * Which of {@code expected} this process does not listen on, as a sentence for the operator, or empty when it
     * listens on all of them (or {@code /proc} cannot tell).
     */
    static Optional<String> missing(Set<Integer> expected) throws IOException {
        Optional<Set<Integer>> own = ports();
        if (own.isEmpty()) {
            return Optional.empty();
        }
        Set<Integer> missing = new TreeSet<>(expected);
        missing.removeAll(own.get());
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("the broker does not listen on port(s) " + missing + ": another process holds them (HiveMQ logged"
                + " \"Could not start TCP Listener\" above); free them or choose other ports");
    }
}
