package io.sensorproof.gateway.persistence;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sensorproof.gateway.core.AcceptedMessage;
import io.sensorproof.gateway.core.AcceptedReading;
import io.sensorproof.gateway.core.ContentDigest;
import io.sensorproof.gateway.core.StoredOutcome;
import io.sensorproof.gateway.standalone.EmbeddedDatabase;
import io.sensorproof.gateway.standalone.EmbeddedPostgresLauncher;
import io.sensorproof.gateway.standalone.EmbeddedPostgresSettings;
import io.sensorproof.gateway.standalone.OrphanedPostmaster;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Throughput of {@link PgMessageStore} (both insert shapes) and of {@link PgDeviceDirectory} (with
 * and without its cache) on the embedded PostgreSQL server with fsync, synchronous_commit and
 * full_page_writes on, as in production. A load-test CLI, not a test: it writes its results to
 * {@code target/persistence-throughput.txt} and, for other programs, {@code target/persistence-throughput.json}: every
 * insert case and the durable insert limit (the most readings per second of any case), which {@code BenchSummary}
 * compares the load tests' packs of 10 with. The {@code -Pbench} profile runs it before the load tests.
 *
 * <pre>
 * cd gateway &amp;&amp; mvn -B test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.sensorproof.gateway.persistence.MessageStoreThroughput [-Dexec.args="5 4"]
 * </pre>
 *
 * Arguments: seconds measured per case (default 5), concurrent workers for the second pass
 * (default 4). Each message has 10 readings; messages carry a real signed payload of that size
 * (digests are random, so every message is new; reading times are unique per device, so no message
 * repeats a stored reading time).
 */
public final class MessageStoreThroughput {
    private static final int READINGS = 10;
    private static final int[] BATCH_SIZES = {1, 10, 100, 256};

    private final Pool pool;
    private final List<SigningDevice> devices = new ArrayList<>();
    private final byte[] template;
    /** Reading times count up from here, one millisecond per reading: unique per device and quantity. */
    private final Instant readingEpoch = Instant.now().minus(Duration.ofDays(1));
    private long nextSeq;

    private MessageStoreThroughput(Pool pool, Registry registry) {
        this.pool = pool;
        for (int i = 0; i < 64; i++) {
            devices.add(registry.newDevice(SignatureAlgorithm.ES256));
        }
        Reading[] readings = new Reading[READINGS];
        for (int i = 0; i < READINGS; i++) {
            readings[i] = new Reading(Quantity.TEMPERATURE, 4.5 + i, Instant.now().minusSeconds(60 - i).toEpochMilli());
        }
        SigningDevice d = devices.get(0);
        template = ReadingMessages.sign(new ReadingPack(d.id, List.of(readings)), 1, 1, System.currentTimeMillis(), d.key);
    }

    public static void main(String[] args) throws Exception {
        int[] parsed;
        try {
            parsed = arguments(args);
        } catch (IllegalArgumentException e) {
            System.err.println("MessageStoreThroughput: " + e.getMessage());
            System.exit(2);
            return;
        }
        int seconds = parsed[0];
        int workers = parsed[1];
        Path dataDir = Path.of("target", "bench-data");
        OrphanedPostmaster.withDefaultWaits().stopIfOrphaned(dataDir.resolve(EmbeddedPostgresSettings.CLUSTER_DIRECTORY));
        deleteRecursively(dataDir);
        List<String> out = new ArrayList<>();
        List<Case> cases = new ArrayList<>();
        String postgres;
        String durability;
        try (EmbeddedDatabase db = EmbeddedPostgresLauncher.withDefaults().start(EmbeddedPostgresSettings.under(dataDir, 0))) {
            migrate(db);
            try (Connection c = db.connect(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT version(), current_setting('fsync'), current_setting('synchronous_commit'),"
                            + " current_setting('full_page_writes')")) {
                rs.next();
                postgres = rs.getString(1);
                durability = "fsync=" + rs.getString(2) + " synchronous_commit=" + rs.getString(3) + " full_page_writes=" + rs.getString(4);
                out.add(postgres);
                out.add(durability);
            }
            out.add("JVM " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " CPUs; " + seconds
                    + " s per case after " + Math.max(1, seconds / 2) + " s warm-up; " + READINGS + " readings per message");
            Vertx vertx = Vertx.vertx();
            PgConnectOptions connect = PgConnectOptions.fromUri(db.reactiveUrl()).setUser(EmbeddedDatabase.USER);
            Pool pool = Pool.newInstance(PgBuilder.pool().with(new PoolOptions().setMaxSize(Math.max(4, workers)))
                    .connectingTo(connect).using(vertx.getDelegate()).build());
            try {
                MessageStoreThroughput bench = new MessageStoreThroughput(pool, new Registry(pool));
                for (PgMessageStore.InsertShape shape : PgMessageStore.InsertShape.values()) {
                    for (int w : new int[] {1, workers}) {
                        for (int size : BATCH_SIZES) {
                            Case c = bench.store(shape, size, w, seconds);
                            cases.add(c);
                            out.add(c.line());
                            System.out.println(out.get(out.size() - 1));
                        }
                    }
                }
                out.add(bench.duplicates(256, seconds));
                out.add(bench.lookups(Duration.ofSeconds(1), seconds));
                out.add(bench.lookups(Duration.ZERO, seconds));
            } finally {
                pool.closeAndAwait();
                vertx.closeAndAwait();
            }
        }
        Path results = Path.of("target", "persistence-throughput.txt");
        Files.write(results, out);
        Path json = Path.of("target", "persistence-throughput.json");
        Files.writeString(json, report(postgres, durability, seconds, workers, cases));
        System.out.println();
        out.forEach(System.out::println);
        System.out.println("written to " + results.toAbsolutePath() + " and " + json.toAbsolutePath());
        System.exit(0);
    }

    /** {@code [seconds per case, workers]} from {@code [SECONDS [WORKERS]]}, defaults 5 and 4; a clear message otherwise. */
    static int[] arguments(String[] args) {
        if (args.length > 2) {
            throw new IllegalArgumentException("usage: MessageStoreThroughput [SECONDS [WORKERS]]; got " + args.length + " arguments");
        }
        return new int[] {positive(args, 0, "seconds per case", 5), positive(args, 1, "workers", 4)};
    }

    private static int positive(String[] args, int i, String name, int fallback) {
        if (args.length <= i) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(args[i].trim());
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // the message below names the argument
        }
        throw new IllegalArgumentException(name + " must be a whole number of at least 1, got '" + args[i] + "'");
    }

    private synchronized List<AcceptedMessage> batch(int size) {
        List<AcceptedMessage> batch = new ArrayList<>(size);
        Instant now = Instant.now();
        for (int i = 0; i < size; i++) {
            long seq = nextSeq++;
            SigningDevice d = devices.get((int) (seq % devices.size()));
            byte[] digest = new byte[ContentDigest.LENGTH];
            SigningDevice.RANDOM.nextBytes(digest);
            List<AcceptedReading> readings = new ArrayList<>(READINGS);
            for (int r = 0; r < READINGS; r++) {
                readings.add(new AcceptedReading(r, Quantity.TEMPERATURE, 27_765 + r, readingEpoch.plusMillis(seq * READINGS + r), false));
            }
            batch.add(new AcceptedMessage(d.tenant, d.id, 1, seq / devices.size(), ContentDigest.of(digest), template, d.topic(),
                    "mqtt:" + d.id, now, now.minusMillis(20), readings));
        }
        return batch;
    }

    /** One measured insert case: {@code batch} messages of {@link #READINGS} readings per transaction, {@code workers} writers. */
    record Case(PgMessageStore.InsertShape shape, int batch, int workers, double messagesPerSecond, double p50Millis, double p99Millis) {
        double readingsPerSecond() {
            return messagesPerSecond * READINGS;
        }

        String line() {
            return String.format(Locale.ROOT,
                    "store %-13s batch %3d x%d workers: %8.0f messages/s %9.0f rows/s (%.0f readings/s)  batch latency p50 %6.2f ms p99 %6.2f ms",
                    shape, batch, workers, messagesPerSecond, messagesPerSecond * (1 + READINGS), readingsPerSecond(), p50Millis, p99Millis);
        }
    }

    /**
     * The JSON report: every case, and as {@code durableInsertLimit} the case with the most readings per second (ties: the
     * first measured).
     */
    static String report(String postgres, String durability, int seconds, int workers, List<Case> cases) throws IOException {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("command", "java -cp <gateway test classpath> " + MessageStoreThroughput.class.getName() + " " + seconds + " " + workers);
        report.put("postgres", postgres);
        report.put("durability", durability);
        report.put("readingsPerMessage", READINGS);
        report.put("secondsPerCase", seconds);
        List<Map<String, Object>> rows = new ArrayList<>();
        Case best = null;
        for (Case c : cases) {
            rows.add(row(c));
            if (best == null || c.readingsPerSecond() > best.readingsPerSecond()) {
                best = c;
            }
        }
        report.put("cases", rows);
        report.put("durableInsertLimit", best == null ? null : row(best));
        report.put("note", "the limit is the best case on this machine with the store alone on it (no gateway, broker or load"
                + " generator beside it), PostgreSQL's durability settings as read from the server");
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report);
    }

    private static Map<String, Object> row(Case c) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("shape", c.shape().name());
        row.put("batchMessages", c.batch());
        row.put("workers", c.workers());
        row.put("messagesPerSecond", Math.round(c.messagesPerSecond()));
        row.put("readingsPerSecond", Math.round(c.readingsPerSecond()));
        row.put("batchLatencyMillis", Map.of("p50", c.p50Millis(), "p99", c.p99Millis()));
        return row;
    }

    private Case store(PgMessageStore.InsertShape shape, int size, int workers, int seconds) throws Exception {
        PgMessageStore store = new PgMessageStore(pool, Duration.ofSeconds(30), shape);
        run(store, size, workers, Math.max(1, seconds / 2));
        long[] latencies = run(store, size, workers, seconds);
        double messagesPerSecond = (double) latencies.length * size / seconds;
        return new Case(shape, size, workers, messagesPerSecond, percentile(latencies, 0.50), percentile(latencies, 0.99));
    }

    /** Runs {@code workers} threads storing fresh batches for {@code seconds}; returns each batch's latency in ns. */
    private long[] run(PgMessageStore store, int size, int workers, int seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Future<List<Long>>> futures = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            futures.add(pool.submit(() -> {
                List<Long> latencies = new ArrayList<>();
                while (System.nanoTime() < end) {
                    List<AcceptedMessage> batch = batch(size);
                    long start = System.nanoTime();
                    StoredOutcome outcome = store.store(batch);
                    latencies.add(System.nanoTime() - start);
                    if (outcome.results().stream().anyMatch(r -> r.status() != StoredOutcome.Status.INSERTED)) {
                        throw new IllegalStateException("expected only inserts");
                    }
                }
                return latencies;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> f : futures) {
            all.addAll(f.get());
        }
        pool.shutdown();
        return all.stream().mapToLong(Long::longValue).toArray();
    }

    private String duplicates(int size, int seconds) {
        PgMessageStore store = new PgMessageStore(pool, Duration.ofSeconds(30), PgMessageStore.InsertShape.UNNEST);
        List<AcceptedMessage> batch = batch(size);
        store.store(batch);
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Long> latencies = new ArrayList<>();
        while (System.nanoTime() < end) {
            long start = System.nanoTime();
            store.store(batch);
            latencies.add(System.nanoTime() - start);
        }
        long[] l = latencies.stream().mapToLong(Long::longValue).toArray();
        return String.format(Locale.ROOT, "store UNNEST batch %d all DUPLICATE x1 worker: %8.0f messages/s, batch latency p50 %6.2f ms",
                size, (double) l.length * size / seconds, percentile(l, 0.5));
    }

    private String lookups(Duration ttl, int seconds) {
        PgDeviceDirectory directory = new PgDeviceDirectory(pool, Duration.ofSeconds(30), ttl, 10_000, System::nanoTime);
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Long> latencies = new ArrayList<>();
        int i = 0;
        while (System.nanoTime() < end) {
            byte[] kid = devices.get(i++ % devices.size()).key.verificationKey().kid();
            long start = System.nanoTime();
            directory.byKid(kid).orElseThrow();
            latencies.add(System.nanoTime() - start);
        }
        long[] l = latencies.stream().mapToLong(Long::longValue).toArray();
        return String.format(Locale.ROOT, "directory ttl %-4s x1 worker: %10.0f lookups/s, p50 %8.4f ms p99 %8.4f ms",
                ttl.isZero() ? "0" : ttl.toMillis() + "ms", (double) l.length / seconds, percentile(l, 0.5), percentile(l, 0.99));
    }

    /** Applies the V*.sql migrations in version order (what Flyway does at application start). */
    private static void migrate(EmbeddedDatabase db) throws Exception {
        Path dir = Path.of(MessageStoreThroughput.class.getClassLoader().getResource("db/migration").toURI());
        List<Path> scripts;
        try (Stream<Path> files = Files.list(dir)) {
            scripts = files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql"))
                    .sorted(Comparator.comparingInt(f -> Integer.parseInt(f.getFileName().toString().replaceAll("^V(\\d+)__.*", "$1"))))
                    .toList();
        }
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (Path script : scripts) {
                s.execute(Files.readString(script));
            }
        }
    }

    private static double percentile(long[] nanos, double p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))] / 1e6;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
