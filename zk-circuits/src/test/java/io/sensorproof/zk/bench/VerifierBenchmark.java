package io.sensorproof.zk.bench;

import io.sensorproof.zk.bn254.Fp12;
import io.sensorproof.zk.bn254.Fp2;
import io.sensorproof.zk.bn254.G1Point;
import io.sensorproof.zk.bn254.G2Point;
import io.sensorproof.zk.bn254.Pairing;
import io.sensorproof.zk.bn254.Scalar;
import io.sensorproof.zk.groth16.Groth16Proof;
import io.sensorproof.zk.groth16.Groth16Verifier;
import io.sensorproof.zk.groth16.ZokratesJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
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
 * Verification cost on the committed zokrates-js fixtures (1, 4 and 8 public inputs), one
 * pairing and the G2 subgroup check (fast ψ test beside the [r]Q = O test it replaces). Each
 * verify includes every check of the proof (ranges, curves, B's subgroup), the input MSM,
 * the multi-Miller loop and the final exponentiation; building the verifier from the key is not
 * timed. Run with the {@code bench} profile (see the module README).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class VerifierBenchmark {
    private Groth16Verifier verifier1;
    private Groth16Verifier verifier4;
    private Groth16Verifier verifier8;
    private Groth16Proof proof1;
    private Groth16Proof proof4;
    private Groth16Proof proof8;
    private G1Point p;
    private G2Point q;
    private static final BigInteger ORDER = Scalar.ORDER;

    @Setup
    public void setUp() {
        verifier1 = Groth16Verifier.fromJson(resource("square1/verification.key"));
        verifier4 = Groth16Verifier.fromJson(resource("linear4/verification.key"));
        verifier8 = Groth16Verifier.fromJson(resource("sum8/verification.key"));
        proof1 = ZokratesJson.parseProof(resource("square1/proof.json"));
        proof4 = ZokratesJson.parseProof(resource("linear4/proof.json"));
        proof8 = ZokratesJson.parseProof(resource("sum8/proof.json"));
        if (!verifier1.verify(proof1) || !verifier4.verify(proof4) || !verifier8.verify(proof8)) {
            throw new IllegalStateException("fixture proofs must verify");
        }
        p = G1Point.of(BigInteger.ONE, BigInteger.TWO).mul(Scalar.of(new BigInteger("123456789123456789123456789")));
        q = G2Point.of(
                Fp2.of(new BigInteger("10857046999023057135944570762232829481370756359578518086990519993285655852781"),
                        new BigInteger("11559732032986387107991004021392285783925812861821192530917403151452391805634")),
                Fp2.of(new BigInteger("8495653923123431417604973247489272438418190587263600148770280649306958101930"),
                        new BigInteger("4082367875863433681332203403145435568316851327593401208105741076214120093531")))
                .mul(Scalar.of(new BigInteger("987654321987654321987654321")));
    }

    private static String resource(String path) {
        try (InputStream in = VerifierBenchmark.class.getResourceAsStream("/circuits/" + path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Benchmark
    public boolean verify1Input() {
        return verifier1.verify(proof1);
    }

    @Benchmark
    public boolean verify4Inputs() {
        return verifier4.verify(proof4);
    }

    @Benchmark
    public boolean verify8Inputs() {
        return verifier8.verify(proof8);
    }

    /** One full pairing e(P, Q): G2 line preparation, Miller loop, final exponentiation. */
    @Benchmark
    public Fp12 pairing() {
        return Pairing.pairing(p, q);
    }

    @Benchmark
    public boolean g2SubgroupCheck() {
        return q.isInSubgroup();
    }

    /** The textbook test the ψ check replaces, for comparison. */
    @Benchmark
    public boolean g2SubgroupCheckByOrder() {
        return q.mul(Scalar.of(ORDER)).infinity();
    }
}
