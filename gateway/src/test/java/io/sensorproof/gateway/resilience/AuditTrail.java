package io.sensorproof.gateway.resilience;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The lines of one gateway's {@code ingest-audit.log} (all its runs), read for assertions. */
final class AuditTrail {
    final List<String> lines;

    private AuditTrail(List<String> lines) {
        this.lines = lines;
    }

    static AuditTrail read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new AuditTrail(List.of());
        }
        List<String> all = Files.readAllLines(file);
        // a kill -9 can cut the last line short: only complete lines count
        String text = Files.readString(file);
        if (!text.isEmpty() && !text.endsWith("\n") && !all.isEmpty()) {
            all = all.subList(0, all.size() - 1);
        }
        return new AuditTrail(List.copyOf(all));
    }

    static String key(String device, long boot, long seq) {
        return device + " " + boot + " " + seq;
    }

    private static String keyOf(String line) {
        String[] f = line.split(" ");
        return f[1] + " " + f[2] + " " + f[3];
    }

    long runs() {
        return lines.stream().filter(l -> l.startsWith("START ")).count();
    }

    /** Keys with a COMMITTED ... INSERTED line (each is a row this gateway inserted), with repeats. */
    List<String> inserted() {
        return lines.stream().filter(l -> l.startsWith("COMMITTED ") && l.endsWith(" INSERTED")).map(AuditTrail::keyOf).toList();
    }

    Set<String> committed() {
        Set<String> s = new HashSet<>();
        lines.stream().filter(l -> l.startsWith("COMMITTED ")).map(AuditTrail::keyOf).forEach(s::add);
        return s;
    }

    Set<String> acked() {
        Set<String> s = new LinkedHashSet<>();
        lines.stream().filter(l -> l.startsWith("ACKED ")).map(AuditTrail::keyOf).forEach(s::add);
        return s;
    }

    List<String> rejected() {
        return lines.stream().filter(l -> l.startsWith("REJECTED ")).toList();
    }

    /**
     * ACKED lines with no COMMITTED line for the same key earlier in the file (same or an earlier
     * run of this gateway): acknowledgements that went out before their commit was seen.
     */
    List<String> ackedBeforeCommitted() {
        Set<String> committed = new HashSet<>();
        List<String> violations = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("COMMITTED ")) {
                committed.add(keyOf(l));
            } else if (l.startsWith("ACKED ") && !committed.contains(keyOf(l))) {
                violations.add("line " + (i + 1) + ": " + l);
            }
        }
        return violations;
    }
}
