package io.sensorproof.gateway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Datagrams the kernel dropped (Linux): the machine's UDP counters of {@code /proc/net/snmp}
 * ({@code RcvbufErrors}: dropped at a full socket receive buffer; machine-wide, so other UDP traffic
 * counts too) and the {@code drops} column of one socket in {@code /proc/net/udp} and
 * {@code /proc/net/udp6}, found by its local port (that socket's drops only).
 */
final class UdpDrops {
    private UdpDrops() {
    }

    /** The {@code Udp:} counters of /proc/net/snmp by name (empty when not readable). */
    static Map<String, Long> snmp() {
        Map<String, Long> out = new LinkedHashMap<>();
        try {
            List<String> udp = Files.readAllLines(Path.of("/proc/net/snmp")).stream().filter(l -> l.startsWith("Udp:")).toList();
            if (udp.size() >= 2) {
                String[] names = udp.get(0).split("\\s+");
                String[] values = udp.get(1).split("\\s+");
                for (int i = 1; i < Math.min(names.length, values.length); i++) {
                    out.put(names[i], Long.parseLong(values[i]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: nothing to report
        }
        return out;
    }

    /** Differences of two {@link #snmp()} readings, for the counters about errors and drops. */
    static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String k : List.of("InDatagrams", "OutDatagrams", "RcvbufErrors", "SndbufErrors", "InErrors", "MemErrors")) {
            if (before.containsKey(k) && after.containsKey(k)) {
                out.put(k, after.get(k) - before.get(k));
            }
        }
        return out;
    }

    /** The drops counter of the UDP socket bound to local {@code port} (IPv4 or IPv6 table), if there is one. */
    static OptionalLong socketDrops(int port) {
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        long sum = 0;
        boolean found = false;
        for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 12 && f[1].endsWith(hexPort)) {
                        sum += Long.parseLong(f[f.length - 1]);
                        found = true;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // table absent
            }
        }
        return found ? OptionalLong.of(sum) : OptionalLong.empty();
    }

    /** The kernel's socket buffer limits (net.core.*), as a host would have to set them. */
    static Map<String, Object> limits() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String k : List.of("rmem_default", "rmem_max", "wmem_default", "wmem_max")) {
            try {
                // readAllLines, not readString: sysctl files report size 0 and readString returned their first byte only
                out.put("net.core." + k, Long.parseLong(Files.readAllLines(Path.of("/proc/sys/net/core", k)).get(0).trim()));
            } catch (IOException | RuntimeException e) {
                out.put("net.core." + k, "n/a");
            }
        }
        return out;
    }
}
