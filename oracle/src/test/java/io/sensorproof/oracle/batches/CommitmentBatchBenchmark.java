package io.sensorproof.oracle.batches;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How long sealing a commitment batch takes with the Java Poseidon (Montgomery limbs since ADR 047): leaf hashes, tree,
 * node serialization, for several batch sizes up to the full 65,536. A timed command, not a test: it
 * writes {@code target/bench/commitment-batches.json} (one thread; sizes as arguments after the output
 * file, default 1024 4096 16384 65536). One warm-up seal of 1,024 readings runs first. Each case reports
 * wall-clock seconds and the thread's CPU seconds: on a shared machine the CPU figure is the cost, the
 * wall figure what the load around it made of it.
 *
 * <pre>
 * mvn -B -q -pl oracle -am test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * java -cp oracle/target/test-classes:oracle/target/classes:$(cat oracle/target/test-classpath.txt) \
 *     io.sensorproof.oracle.batches.CommitmentBatchBenchmark oracle/target/bench/commitment-batches.json
 * </pre>
 */
public final class CommitmentBatchBenchmark {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CommitmentBatchBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "target/bench/commitment-batches.json");
        int[] sizes = args.length > 1 ? java.util.Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {1024, 4096, 16384, 65536};
        CommitmentBatch.of(readings(1024));
        List<String> rows = new ArrayList<>();
        for (int size : sizes) {
            List<BatchReading> readings = readings(size);
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            CommitmentBatch batch = CommitmentBatch.of(readings);
            byte[] nodes = batch.nodes().toBytes();
            long end = System.nanoTime();
            double cpu = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            double wall = (end - start) / 1e9;
            String row = String.format(Locale.ROOT,
                    "{\"readings\": %d, \"cpuSeconds\": %.3f, \"wallSeconds\": %.3f, \"readingsPerCpuSecond\": %.1f,"
                            + " \"batchesPerCpuSecond\": %.5f, \"nodeBytes\": %d, \"loadAverage\": %.1f}",
                    size, cpu, wall, size / cpu, 1 / cpu, nodes.length,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.println(row);
            rows.add(row);
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, "{\"measuredAt\": \"" + Instant.now() + "\", \"threads\": 1, \"availableProcessors\": "
                + Runtime.getRuntime().availableProcessors() + ", \"poseidon\": \"zk-circuits Poseidon.hash\","
                + " \"cases\": [\n  " + String.join(",\n  ", rows) + "\n]}\n");
    }

    private static List<BatchReading> readings(int count) {
        List<BatchReading> out = new ArrayList<>(count);
        long t = BatchReadings.T0.toEpochMilli();
        for (int i = 0; i < count; i++) {
            out.add(BatchReadings.reading("bench-" + (i % 50), 1, i / 50, i % 10, 1 + (i % 2), t + i, 27315 + (i % 5000),
                    BatchReadings.T0));
        }
        return out;
    }
}
