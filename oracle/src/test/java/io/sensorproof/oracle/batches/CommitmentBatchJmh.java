package io.sensorproof.oracle.batches;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link CommitmentBatch#of} for a batch of 256 readings (50 devices, as {@link CommitmentBatchBenchmark}):
 * 256 leaf hashes of 6 inputs and the depth-16 tree over them (255 + 8 node hashes of 3 inputs).
 * Per reading that is the commitment batcher's cost in the gateway (ADR 042, 047).
 *
 * <pre>
 * mvn -B -o -pl oracle -am test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * java -cp oracle/target/test-classes:oracle/target/classes:$(cat oracle/target/test-classpath.txt) \
 *     org.openjdk.jmh.Main -rf json -rff oracle/target/commitment-batch-jmh.json CommitmentBatchJmh
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CommitmentBatchJmh {
    @Param("256")
    public int readings;

    private List<BatchReading> batch;

    @Setup
    public void setUp() {
        batch = new ArrayList<>(readings);
        long t = BatchReadings.T0.toEpochMilli();
        for (int i = 0; i < readings; i++) {
            batch.add(BatchReadings.reading("bench-" + (i % 50), 1, i / 50, i % 10, 1 + (i % 2), t + i, 27315 + (i % 5000),
                    BatchReadings.T0));
        }
    }

    @Benchmark
    public CommitmentBatch of() {
        return CommitmentBatch.of(batch);
    }
}
