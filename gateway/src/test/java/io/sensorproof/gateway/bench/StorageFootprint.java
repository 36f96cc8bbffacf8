package io.sensorproof.gateway.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sensorproof.gateway.standalone.EmbeddedDatabase;
import io.sensorproof.gateway.standalone.EmbeddedPostgresLauncher;
import io.sensorproof.gateway.standalone.EmbeddedPostgresSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stored bytes per reading in the data directory a load run left behind (docs/capacity.md, "PostgreSQL
 * write rate and storage"): starts the embedded PostgreSQL of a stopped standalone gateway on that
 * directory, runs {@code VACUUM ANALYZE}, and reads the size of every table with its indexes and TOAST.
 *
 * <pre>
 * java -cp "gateway/target/test-classes:gateway/target/classes:gateway/target/quarkus-app/lib/main/*:gateway/target/quarkus-app/lib/boot/*" \
 *   io.sensorproof.gateway.bench.StorageFootprint &lt;run directory&gt;/data storage-footprint.json
 * </pre>
 *
 * Per reading, for each pack size k found in {@code messages.record_count}: the message row's share
 * (the table's heap and TOAST split over the messages in proportion to their row size plus the 28 bytes
 * of tuple header and line pointer, its indexes split evenly), divided by k; plus the {@code readings}
 * table per row; plus, per sealed reading, {@code batch_members} per row and {@code commitment_batches}
 * (with its tree nodes) per member. What the run had not sealed yet does not enter the sealing shares.
 */
public final class StorageFootprint {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int TUPLE_OVERHEAD_BYTES = 28;

    private StorageFootprint() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: StorageFootprint <gateway data directory (stopped)> <out.json>");
            System.exit(2);
        }
        Path data = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("command", "java -cp <gateway test classpath> io.sensorproof.gateway.bench.StorageFootprint " + data + " " + out);
        report.put("measuredAt", Instant.now().toString());
        report.put("dataDirectory", data.toAbsolutePath().normalize().toString());
        try (EmbeddedDatabase db = EmbeddedPostgresLauncher.withDefaults().start(EmbeddedPostgresSettings.under(data, 0));
                Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("VACUUM ANALYZE");
            Map<String, Table> tables = new LinkedHashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT relname, pg_relation_size(relid), pg_indexes_size(relid), pg_total_relation_size(relid)"
                    + " FROM pg_stat_user_tables ORDER BY pg_total_relation_size(relid) DESC")) {
                while (rs.next()) {
                    tables.put(rs.getString(1), new Table(rs.getLong(2), rs.getLong(3), rs.getLong(4), 0));
                }
            }
            for (Map.Entry<String, Table> e : tables.entrySet()) {
                Table t = e.getValue();
                e.setValue(new Table(t.heap, t.indexes, t.total, count(s, "SELECT count(*) FROM " + e.getKey())));
            }
            Map<String, Object> tableReport = new LinkedHashMap<>();
            tables.forEach((name, t) -> {
                if (t.total > 65_536) {
                    tableReport.put(name, Map.of("rows", t.rows, "heapBytes", t.heap, "indexBytes", t.indexes,
                            "toastBytes", t.total - t.heap - t.indexes, "totalBytes", t.total));
                }
            });
            report.put("tables", tableReport);
            report.put("databaseBytes", count(s, "SELECT pg_database_size(current_database())"));

            List<long[]> classes = new ArrayList<>(); // record_count, messages, avg row bytes, avg raw bytes
            try (ResultSet rs = s.executeQuery("SELECT record_count, count(*), avg(pg_column_size(m.*))::bigint, avg(length(m.raw))::bigint"
                    + " FROM messages m GROUP BY record_count ORDER BY record_count")) {
                while (rs.next()) {
                    classes.add(new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)});
                }
            }
            Table messages = tables.get("messages");
            Table readings = tables.get("readings");
            Table members = tables.get("batch_members");
            Table batches = tables.get("commitment_batches");
            double weightSum = 0;
            for (long[] k : classes) {
                weightSum += k[1] * (double) (k[2] + TUPLE_OVERHEAD_BYTES);
            }
            double readingBytes = readings.total / (double) readings.rows;
            double memberBytes = members.rows == 0 ? Double.NaN : members.total / (double) members.rows;
            double batchBytes = members.rows == 0 ? Double.NaN : batches.total / (double) members.rows;
            List<Map<String, Object>> perPack = new ArrayList<>();
            for (long[] k : classes) {
                double messageBytes = (messages.total - messages.indexes) * (k[2] + TUPLE_OVERHEAD_BYTES) / weightSum
                        + messages.indexes / (double) messages.rows;
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("readingsPerMessage", k[0]);
                row.put("messages", k[1]);
                row.put("avgSignedMessageBytes", k[3]);
                row.put("messageBytesPerMessage", Math.round(messageBytes));
                row.put("messageBytesPerReading", Math.round(messageBytes / k[0]));
                row.put("readingRowBytesPerReading", Math.round(readingBytes));
                row.put("batchMemberBytesPerSealedReading", Math.round(memberBytes));
                row.put("batchTreeBytesPerSealedReading", Math.round(batchBytes));
                row.put("bytesPerReading", Math.round(messageBytes / k[0] + readingBytes + memberBytes + batchBytes));
                perPack.add(row);
            }
            report.put("perReading", perPack);
            report.put("sealedReadings", members.rows);
            report.put("method", "message share: heap+TOAST of messages split by (row bytes + " + TUPLE_OVERHEAD_BYTES
                    + ") over its rows, indexes evenly; readings: total per row; sealing: batch_members and commitment_batches"
                    + " totals per batch member (sealed reading), after VACUUM ANALYZE");
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        JSON.writeValue(out.toFile(), report);
        System.out.println(JSON.writeValueAsString(report));
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private record Table(long heap, long indexes, long total, long rows) {
    }
}
