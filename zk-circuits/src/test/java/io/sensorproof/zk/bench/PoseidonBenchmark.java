package io.sensorproof.zk.bench;

import io.sensorproof.zk.bn254.Scalar;
import io.sensorproof.zk.merkle.BatchTree;
import io.sensorproof.zk.poseidon.Poseidon;
import io.sensorproof.zk.poseidon.ReferencePoseidon;
import java.math.BigInteger;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Poseidon, old ({@link ReferencePoseidon}, BigInteger) against new ({@link Poseidon}, Montgomery
 * limbs and sparse partial rounds, ADR 047), in one run: a leaf (6 inputs, protocol §7.5) and a tree
 * node (3 inputs: tag, left, right). Both include the input checks. Run with {@code -Pbench-poseidon}
 * (module README).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PoseidonBenchmark {
    private List<BigInteger> leaf;
    private List<BigInteger> node;

    @Setup
    public void setUp() {
        Random random = new Random(47);
        leaf = List.of(field(random), BigInteger.valueOf(3), BigInteger.valueOf(1_234), BigInteger.valueOf(7),
                BigInteger.valueOf(1_764_950_400_000L), BigInteger.valueOf(29_815));
        node = List.of(BigInteger.TWO, field(random), field(random));
        if (!Poseidon.hash(leaf).equals(ReferencePoseidon.hash(leaf))
                || !Poseidon.hash(node).equals(BatchTree.node(node.get(1), node.get(2)))) {
            throw new IllegalStateException("the two Poseidons must agree");
        }
    }

    private static BigInteger field(Random random) {
        return new BigInteger(256, random).mod(Scalar.ORDER);
    }

    @Benchmark
    public BigInteger leaf6Reference() {
        return ReferencePoseidon.hash(leaf);
    }

    @Benchmark
    public BigInteger leaf6Fast() {
        return Poseidon.hash(leaf);
    }

    @Benchmark
    public BigInteger node3Reference() {
        return ReferencePoseidon.hash(node);
    }

    @Benchmark
    public BigInteger node3Fast() {
        return Poseidon.hash(node);
    }
}
