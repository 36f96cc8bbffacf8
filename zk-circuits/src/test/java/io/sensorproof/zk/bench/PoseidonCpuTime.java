package io.sensorproof.zk.bench;

import io.sensorproof.zk.bn254.Scalar;
import io.sensorproof.zk.poseidon.Poseidon;
import io.sensorproof.zk.poseidon.ReferencePoseidon;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

/**
 * {@link PoseidonBenchmark}'s four cases timed in <b>thread CPU time</b> instead of wall time, for a
 * machine shared with other work (JMH's average time is wall time, which a load average of 30 on two
 * cores inflates by an unknown factor). Old and new alternate in rounds so both see the same machine;
 * the result is the median round. Writes a JSON file with its parameters and the load average.
 *
 * <pre>
 * java -cp zk-circuits/target/test-classes:zk-circuits/target/classes:$(cat zk-circuits/target/test-classpath.txt) \
 *     io.sensorproof.zk.bench.PoseidonCpuTime zk-circuits/target/poseidon-cpu.json [rounds] [hashes per round]
 * </pre>
 */
public final class PoseidonCpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private PoseidonCpuTime() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "target/poseidon-cpu.json");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        int perRound = args.length > 2 ? Integer.parseInt(args[2]) : 400;
        Random random = new Random(47);
        List<BigInteger> leaf = List.of(new BigInteger(256, random).mod(Scalar.ORDER), BigInteger.valueOf(3),
                BigInteger.valueOf(1_234), BigInteger.valueOf(7), BigInteger.valueOf(1_764_950_400_000L), BigInteger.valueOf(29_815));
        List<BigInteger> node = List.of(BigInteger.TWO, new BigInteger(256, random).mod(Scalar.ORDER),
                new BigInteger(256, random).mod(Scalar.ORDER));
        String[] names = {"leaf6Reference", "leaf6Fast", "node3Reference", "node3Fast"};
        List<Function<List<BigInteger>, BigInteger>> fns = List.of(ReferencePoseidon::hash, Poseidon::hash,
                ReferencePoseidon::hash, Poseidon::hash);
        List<List<BigInteger>> inputs = List.of(leaf, leaf, node, node);
        double load0 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        // warm-up: every case, as long as a few measured rounds
        for (int w = 0; w < 3; w++) {
            for (int c = 0; c < 4; c++) {
                time(fns.get(c), inputs.get(c), perRound);
            }
        }
        double[][] micros = new double[4][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int c = 0; c < 4; c++) {
                micros[c][r] = time(fns.get(c), inputs.get(c), perRound);
            }
        }
        double load1 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        List<String> rows = new ArrayList<>();
        double[] median = new double[4];
        for (int c = 0; c < 4; c++) {
            double[] sorted = micros[c].clone();
            java.util.Arrays.sort(sorted);
            median[c] = sorted[rounds / 2];
            rows.add(String.format(Locale.ROOT, "{\"case\": \"%s\", \"cpuMicrosPerHashMedian\": %.2f, \"min\": %.2f, \"max\": %.2f}",
                    names[c], median[c], sorted[0], sorted[rounds - 1]));
            System.out.println(rows.get(c));
        }
        String json = String.format(Locale.ROOT,
                "{\"measuredAt\": \"%s\", \"what\": \"thread CPU time per hash, median of %d alternating rounds of %d hashes after 3 warm-up rounds\","
                        + " \"loadAverageBefore\": %.1f, \"loadAverageAfter\": %.1f, \"availableProcessors\": %d, \"java\": \"%s\","
                        + " \"leaf6Speedup\": %.1f, \"node3Speedup\": %.1f, \"cases\": [\n  %s\n]}\n",
                Instant.now(), rounds, perRound, load0, load1, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), median[0] / median[1], median[2] / median[3], String.join(",\n  ", rows));
        System.out.print(json);
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        Files.writeString(out, json);
    }

    private static double time(Function<List<BigInteger>, BigInteger> fn, List<BigInteger> in, int n) {
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        BigInteger sink = BigInteger.ZERO;
        for (int i = 0; i < n; i++) {
            sink = sink.xor(fn.apply(in));
        }
        long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
        if (sink.signum() < 0) {
            throw new IllegalStateException();
        }
        return cpu / 1e3 / n;
    }
}
