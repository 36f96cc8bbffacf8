package io.sensorproof.sim.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * CPU time of the processes of a load run, from {@code /proc/<pid>/stat} (Linux; user + system time,
 * in clock ticks of 1/100 s, the kernel's USER_HZ on every Linux platform the project runs on). A
 * group is a process and, optionally, its descendants (PostgreSQL's postmaster and its backends).
 */
final class ProcessCpu {
    /** USER_HZ: the unit of utime and stime in /proc/[pid]/stat. */
    private static final double TICKS_PER_SECOND = 100.0;

    /** A named group of processes whose CPU is measured together. */
    record Group(String name, Supplier<Optional<Long>> pid, boolean withDescendants) {
    }

    private final Map<String, Group> groups = new LinkedHashMap<>();

    ProcessCpu add(String name, Supplier<Optional<Long>> pid, boolean withDescendants) {
        groups.put(name, new Group(name, pid, withDescendants));
        return this;
    }

    /** CPU seconds used so far by each group (absent: the process is gone or this is not Linux). */
    Map<String, Double> sample() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Group g : groups.values()) {
            Optional<Long> pid = g.pid().get();
            if (pid.isEmpty()) {
                continue;
            }
            OptionalLong ticks = ticks(pid.get());
            if (ticks.isEmpty()) {
                continue;
            }
            long sum = ticks.getAsLong();
            if (g.withDescendants()) {
                sum += ProcessHandle.of(pid.get()).stream().flatMap(ProcessHandle::descendants)
                        .mapToLong(h -> ticks(h.pid()).orElse(0)).sum();
            }
            out.put(g.name(), sum / TICKS_PER_SECOND);
        }
        return out;
    }

    /** Cores used by each group between two samples over {@code seconds} of wall time. */
    static Map<String, Double> coresBetween(Map<String, Double> before, Map<String, Double> after, double seconds) {
        Map<String, Double> out = new LinkedHashMap<>();
        after.forEach((name, cpu) -> {
            Double b = before.get(name);
            if (b != null && seconds > 0) {
                out.put(name, Math.round((cpu - b) / seconds * 100) / 100.0);
            }
        });
        return out;
    }

    /** utime + stime of one process, in ticks; the command name may hold spaces and parentheses, so fields count from the last ')'. */
    static OptionalLong ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return OptionalLong.of(ticksOf(stat));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    static long ticksOf(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // after the command: state(3) ppid(4) ... utime(14) stime(15), i.e. indexes 11 and 12 here
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
