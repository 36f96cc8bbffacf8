package io.sensorproof.zk.groth16.prover;

import io.sensorproof.zk.bn254.Fp;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Development harness (not a test, not run by the build): ns per Fp.mul, the witness's scalar sizes, per-MSM sizes and
 * times of one proof on the claim keys, per-window vs fixed-base MSMs alternating, and the calling thread's allocation.
 * {@code java -cp … PhaseProfile target/java-prover/bench-claims RUNS excursion,emissions} [-Done=true -DnoFixed=true
 * -Dcap=13 -DmulOnly=true]. Reads each proof's {@link Proof.Timings}.
 */
public final class PhaseProfile {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        FixedBaseTable.maxWindow = Integer.getInteger("cap", 16);
        int runs = Integer.parseInt(args[1]);
        com.sun.management.ThreadMXBean tmx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // Fp.mul ns
        Fp x = Fp.of(123456789L), y = Fp.of(987654321L);
        for (int rep = 0; rep < 5; rep++) {
            long t0 = tmx.getCurrentThreadCpuTime();
            Fp acc = x;
            for (int i = 0; i < 10_000_000; i++) { acc = acc.mul(y); }
            long t1 = tmx.getCurrentThreadCpuTime();
            System.err.printf("Fp.mul (dependent chain, thread CPU) %.2f ns %s%n", (t1 - t0) / 1e7, acc.isZero());
        }
        if (Boolean.getBoolean("mulOnly")) {
            return;
        }
        for (String circuit : args[2].split(",")) {
            Path dir = root.resolve(circuit);
            ProvingKey key = ProvingKey.read(dir.resolve("circuit.zkey"));
            Witness witness = Witness.read(Files.readAllBytes(dir.resolve("witness.wtns")));
            long[] w = witness.limbs();
            long pre0 = System.nanoTime();
            if (!Boolean.getBoolean("noFixed")) {
                try (Groth16Prover p2 = Groth16Prover.create(2)) { p2.precompute(key); }
            }
            System.err.printf("precompute %.1f ms, %.1f MB of coordinates%n", (System.nanoTime() - pre0) / 1e6, key.fixedBaseTableBytes() / 1048576.0);
            System.err.printf("%s: nVars %d, domain %d, A %d B1 %d B2 %d C %d H %d%n", circuit, key.nVars, key.domainSize,
                    key.pointsA.length, key.pointsB1.length, key.pointsB2.length, key.pointsC.length, key.pointsH.length);
            // scalar stats: zero, one, <=64 bits, full
            int z = 0, one = 0, small = 0, full = 0;
            for (int i = 0; i < key.nVars; i++) {
                long l1 = w[4*i+1], l2 = w[4*i+2], l3 = w[4*i+3], l0 = w[4*i];
                if ((l1|l2|l3) == 0 && l0 == 0) z++; else if ((l1|l2|l3)==0 && l0 == 1) one++; else if ((l1|l2|l3)==0) small++; else full++;
            }
            System.err.printf("  witness: zero %d one %d <=64bit %d wider %d%n", z, one, small, full);
            for (int threads : Boolean.getBoolean("one") ? new int[] {1} : new int[] {1, 2}) {
                try (Groth16Prover prover = Groth16Prover.create(threads)) {
                    for (int i = 0; i < 3; i++) prover.prove(key, witness);
                    for (boolean fixed : new boolean[] {false, true, false, true}) {
                        Groth16Prover.fixedBase = fixed;
                        long c0 = tmx.getCurrentThreadCpuTime();
                        long t0 = System.nanoTime();
                        long[] ph = phases(prover.prove(key, witness).timings());
                        System.err.printf("  A/B %d thr fixed=%s: %.1f ms wall %.1f ms thread cpu | A %.1f B1 %.1f B2 %.1f C %.1f H %.1f%n", threads, fixed,
                                (System.nanoTime() - t0) / 1e6, (tmx.getCurrentThreadCpuTime() - c0) / 1e6, ph[2]/1e6, ph[3]/1e6, ph[4]/1e6, ph[5]/1e6, ph[6]/1e6);
                    }
                    Groth16Prover.fixedBase = true;
                    long[] s = new long[12];
                    for (int i = 0; i < runs; i++) {
                        long a0 = tmx.getCurrentThreadAllocatedBytes();
                        long t0 = System.nanoTime();
                        Proof p = prover.prove(key, witness);
                        s[0] += System.nanoTime() - t0;
                        s[11] += tmx.getCurrentThreadAllocatedBytes() - a0;
                        long[] ph = phases(p.timings());
                        for (int k = 0; k < ph.length; k++) s[1 + k] += ph[k];
                    }
                    System.err.printf("  %d thr: prove %.1f ms | qap %.1f ntt+h %.1f | A %.1f B1 %.1f B2 %.1f C %.1f H %.1f | blind %.1f | alloc(calling thread) %.1f MB%n",
                            threads, s[0]/1e6/runs, s[1]/1e6/runs, s[2]/1e6/runs, s[3]/1e6/runs, s[4]/1e6/runs, s[5]/1e6/runs, s[6]/1e6/runs, s[7]/1e6/runs, s[8]/1e6/runs, s[11]/1048576.0/runs);
                }
            }
        }
    }

    /** QAP, NTTs and h, MSM A, B1, B2, C, H, blinding: the order this harness prints. */
    private static long[] phases(Proof.Timings t) {
        Proof.MsmNanos m = t.msms();
        return new long[] {t.abcNanos(), t.nttNanos(), m.a(), m.b1(), m.b2(), m.c(), m.h(), t.blindNanos()};
    }
}
