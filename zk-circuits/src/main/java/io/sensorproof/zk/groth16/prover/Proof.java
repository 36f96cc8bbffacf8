package io.sensorproof.zk.groth16.prover;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.zk.bn254.G1Point;
import io.sensorproof.zk.bn254.G2Point;
import io.sensorproof.zk.groth16.G1Coordinates;
import io.sensorproof.zk.groth16.G2Coordinates;
import io.sensorproof.zk.groth16.Groth16Proof;
import java.math.BigInteger;
import java.util.List;
import java.util.function.Function;

/** A Groth16 proof from {@link Groth16Prover} with its public inputs and how long each phase took. */
public record Proof(G1Point a, G2Point b, G1Point c, List<BigInteger> inputs, Timings timings) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public Proof {
        inputs = List.copyOf(inputs);
    }

    /**
     * Nanoseconds per phase: the QAP evaluations A, B, C from the coefficients, the three coset
     * transforms and the quotient, the five multi-scalar multiplications, the blinding, and the verifier's check.
     * With more than one prover thread the MSMs A, B₁, B₂ and C run on the pool while the calling thread computes the
     * QAP, the transforms and h, so {@code msmNanos} is then the time from h to the last MSM's end (H and whatever of
     * the others was left), and {@code msms} each MSM's own wall time (ADR 045, 2026-12-05).
     */
    public record Timings(long abcNanos, long nttNanos, long msmNanos, MsmNanos msms, long blindNanos, long checkNanos) {
        public long totalNanos() {
            return abcNanos + nttNanos + msmNanos + blindNanos + checkNanos;
        }

        /** The G2 MSM's own wall time. */
        public long msmG2Nanos() {
            return msms.b2();
        }
    }

    /** Each multi-scalar multiplication's own wall time: A, B₁ (G1), B₂ (G2), C and H. */
    public record MsmNanos(long a, long b1, long b2, long c, long h) {
    }

    Proof withCheckNanos(long nanos) {
        return new Proof(a, b, c, inputs, new Timings(timings.abcNanos(), timings.nttNanos(), timings.msmNanos(),
                timings.msms(), timings.blindNanos(), nanos));
    }

    /** What {@link io.sensorproof.zk.groth16.Groth16Verifier#verify} takes. */
    public Groth16Proof toGroth16Proof() {
        return new Groth16Proof(ProvingKey.coordinates(a), ProvingKey.coordinates(b), ProvingKey.coordinates(c), inputs);
    }

    /** ZoKrates g16/bn128 {@code proof.json} (0x-hex of 64 digits, G2 real part first), what ProverClient returns today. */
    public String toZokratesJson() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("scheme", "g16");
        root.put("curve", "bn128");
        ObjectNode proof = root.putObject("proof");
        Function<BigInteger, String> hex = v -> "0x" + String.format("%64s", v.toString(16)).replace(' ', '0');
        G1Coordinates pa = ProvingKey.coordinates(a);
        G2Coordinates pb = ProvingKey.coordinates(b);
        G1Coordinates pc = ProvingKey.coordinates(c);
        proof.putArray("a").add(hex.apply(pa.x())).add(hex.apply(pa.y()));
        ArrayNode bNode = proof.putArray("b");
        bNode.addArray().add(hex.apply(pb.x0())).add(hex.apply(pb.x1()));
        bNode.addArray().add(hex.apply(pb.y0())).add(hex.apply(pb.y1()));
        proof.putArray("c").add(hex.apply(pc.x())).add(hex.apply(pc.y()));
        ArrayNode in = root.putArray("inputs");
        inputs.forEach(v -> in.add(hex.apply(v)));
        return root.toPrettyString();
    }

    /** snarkjs {@code proof.json}: decimal strings, projective coordinates with z = 1. */
    public String toSnarkjsJson() {
        ObjectNode root = MAPPER.createObjectNode();
        G1Coordinates pa = ProvingKey.coordinates(a);
        G2Coordinates pb = ProvingKey.coordinates(b);
        G1Coordinates pc = ProvingKey.coordinates(c);
        root.putArray("pi_a").add(pa.x().toString()).add(pa.y().toString()).add("1");
        ArrayNode bNode = root.putArray("pi_b");
        bNode.addArray().add(pb.x0().toString()).add(pb.x1().toString());
        bNode.addArray().add(pb.y0().toString()).add(pb.y1().toString());
        bNode.addArray().add("1").add("0");
        root.putArray("pi_c").add(pc.x().toString()).add(pc.y().toString()).add("1");
        root.put("protocol", "groth16");
        root.put("curve", "bn128");
        return root.toPrettyString();
    }

    /** snarkjs {@code public.json}: the public inputs as decimal strings. */
    public String toSnarkjsPublicJson() {
        ArrayNode array = MAPPER.createArrayNode();
        inputs.forEach(v -> array.add(v.toString()));
        return array.toPrettyString();
    }
}
