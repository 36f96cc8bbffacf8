package io.sensorproof.gateway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Linux {@code /proc} accounting of the processes under test: CPU ticks ({@code utime + stime} of
 * {@code /proc/<pid>/stat}), per-thread CPU ticks by thread name, and memory lines of
 * {@code /proc/<pid>/status}. A process that has gone away reads as 0.
 */
final class Proc {
    /** Clock ticks per second ({@code getconf CLK_TCK}); 100 on every Linux we run on. */
    static final long TICKS_PER_SECOND = clockTicks();

    private Proc() {
    }

    /** utime + stime of {@code pid}, plus cutime + cstime when {@code withReapedChildren}. */
    static long ticks(long pid, boolean withReapedChildren) {
        return statTicks(Path.of("/proc", Long.toString(pid), "stat"), withReapedChildren);
    }

    /**
     * CPU ticks of a postmaster and its live backends, plus what the postmaster reaped from
     * backends that exited (cutime + cstime), so a connection closed during a phase is still counted.
     */
    static long postgresTicks(long postmasterPid) {
        long sum = ticks(postmasterPid, true);
        for (long child : children(postmasterPid)) {
            sum += ticks(child, false);
        }
        return sum;
    }

    /** Busy ticks of the whole machine (all CPUs: user, nice, system, irq, softirq, steal; not idle or iowait) from {@code /proc/stat}. */
    static long machineBusyTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6]) + Long.parseLong(f[7])
                    + Long.parseLong(f[8]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Live children of {@code pid}. */
    static List<Long> children(long pid) {
        return ProcessHandle.of(pid).map(h -> h.children().map(ProcessHandle::pid).toList()).orElse(List.of());
    }

    /** CPU ticks per thread name of {@code pid} (threads of one name summed; names are cut to 15 characters by Linux). */
    static Map<String, Long> threadTicks(long pid) {
        Map<String, Long> out = new HashMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (var dirs = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) dirs::iterator) {
                try {
                    String comm = Files.readString(task.resolve("comm")).trim().replaceAll("[0-9]+$", "#");
                    out.merge(comm, statTicks(task.resolve("stat"), false), Long::sum);
                } catch (IOException e) {
                    // thread ended
                }
            }
        } catch (IOException e) {
            // process ended
        }
        return out;
    }

    /** A {@code kB} line of {@code /proc/<pid>/status} (VmRSS, VmHWM, RssAnon) in bytes; -1 if unreadable. */
    static long statusBytes(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    String v = line.substring(field.length() + 1).trim();
                    return Long.parseLong(v.substring(0, v.indexOf(' '))) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    /** The pid in the first line of {@code file} (postmaster.pid, broker.pid). */
    static Optional<Long> pidFile(Path file) {
        try {
            return Optional.of(Long.parseLong(Files.readAllLines(file).get(0).trim()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static long statTicks(Path stat, boolean withReapedChildren) {
        try {
            String s = Files.readString(stat);
            // fields after "(comm)": state is field 3, so field n is at index n - 3
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            if (withReapedChildren) {
                t += Long.parseLong(f[13]) + Long.parseLong(f[14]);
            }
            return t;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
