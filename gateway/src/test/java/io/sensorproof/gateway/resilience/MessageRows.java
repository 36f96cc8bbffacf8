package io.sensorproof.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.agent.transport.RecordingTransport.AckedKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** JDBC reads of the gateway's tables and the exactly-once assertions shared by the resilience ITs. */
final class MessageRows {
    private final String jdbcUrl;

    MessageRows(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    Connection connect() throws Exception {
        return DriverManager.getConnection(jdbcUrl, "postgres", "");
    }

    /** Rows in {@code messages} per "device boot seq" of {@code device}. */
    Map<String, Long> rowsPerKey(String device) throws Exception {
        Map<String, Long> rows = new HashMap<>();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT boot, seq, count(*) FROM messages WHERE device_id = ? GROUP BY boot, seq")) {
            ps.setString(1, device);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(AuditTrail.key(device, rs.getLong(1), rs.getLong(2)), rs.getLong(3));
                }
            }
        }
        return rows;
    }

    long count(String sql, String device) throws Exception {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, device);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * For a drained agent that ran one boot: every message it signed into its outbox, (boot, 0) to
     * (boot, signed - 1), is stored exactly once with all its readings, nothing else is stored for
     * the device, and the agent accepted an acknowledgement for each.
     *
     * @return the stored keys
     */
    Set<String> assertStoredExactlyOnce(StreamingAgent a) throws Exception {
        EdgeAgent agent = a.agent();
        Map<String, Long> d = agent.describe();
        long signed = agent.metrics().snapshot().getOrDefault("messages_signed", -1L);
        assertThat(agent.outboxStats().depth()).as("%s outbox drained: %s", a.device, d).isZero();
        assertThat(signed).as("%s signed messages: %s", a.device, d).isPositive();
        Set<String> expected = new HashSet<>();
        for (long seq = 0; seq < signed; seq++) {
            expected.add(AuditTrail.key(a.device, agent.boot(), seq));
        }
        Map<String, Long> rows = rowsPerKey(a.device);
        assertThat(rows.keySet()).as("%s: stored keys = keys written to the outbox", a.device).isEqualTo(expected);
        assertThat(rows.values()).as("%s: one row per key", a.device).allMatch(n -> n == 1L);
        assertThat(count("SELECT count(*) FROM readings WHERE device_id = ?", a.device))
                .as("%s: every reading accepted by the agent is stored once", a.device).isEqualTo(agent.metrics().readingsAccepted());
        assertThat(agent.metrics().readingsAccepted()).isEqualTo(a.fed());
        assertThat(agent.metrics().messagesStored()).as("%s: acknowledgements accepted: %s", a.device, d).isEqualTo(signed);
        assertThat(agent.metrics().acksForged()).as("%s: forged acks", a.device).isZero();
        assertThat(agent.outboxStats().keptAside()).as("%s: kept aside", a.device).isZero();
        return rows.keySet();
    }

    /** The keys of {@code acknowledged} that have no row in {@code messages}, as "device boot seq", sorted. */
    Set<String> notStored(Collection<AckedKey> acknowledged) throws Exception {
        Map<String, Set<String>> stored = new HashMap<>();
        Set<String> missing = new TreeSet<>();
        for (AckedKey k : acknowledged) {
            Set<String> keys = stored.computeIfAbsent(k.deviceId(), d -> new HashSet<>());
            if (keys.isEmpty()) {
                keys.addAll(rowsPerKey(k.deviceId()).keySet());
                keys.add("");
            }
            String key = AuditTrail.key(k.deviceId(), k.boot(), k.seq());
            if (!keys.contains(key)) {
                missing.add(key);
            }
        }
        return missing;
    }

    static Set<String> union(List<Set<String>> sets) {
        Set<String> all = new HashSet<>();
        sets.forEach(all::addAll);
        return all;
    }
}
