package io.sensorproof.zk.setup;

import io.sensorproof.zk.bn254.Fp;
import io.sensorproof.zk.bn254.Fp2;
import io.sensorproof.zk.bn254.G1Point;
import io.sensorproof.zk.bn254.G2Point;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Development powers of tau written directly from known secrets τ, α, β as a snarkjs {@code .ptau}
 * file (format version 1, curve bn128), optionally already prepared for phase 2.
 *
 * <p>Sections, as {@code snarkjs powersoftau new} + contributions + {@code preparephase2} write
 * them: 1 header (n8 = 32, p, power, ceremony power); 2 τ^i·G1 for i &lt; 2^(power+1) − 1;
 * 3 τ^i·G2, 4 ατ^i·G1, 5 βτ^i·G1 for i &lt; 2^power; 6 β·G2; 7 the contributions (none: this
 * file is one party's setup, not a ceremony); and, prepared, 12–15 the same four series in the
 * Lagrange basis of every domain 2^k, k = 0…power (k = power + 1 too for section 12, from the
 * powers with the last one left out, exactly as {@code preparephase2} does). Because τ is known,
 * the Lagrange points are L_i(τ)·G directly instead of an inverse FFT over group elements, which
 * is what makes snarkjs' {@code preparephase2} take minutes.
 *
 * <p><b>Anyone who knows the seed can forge proofs</b> for every circuit keyed from this file.
 * It exists so that development keys are reproducible from a clean checkout; a consortium
 * replaces it by a ceremony (scripts/ceremony.mjs, ADR 044).
 */
public final class PowersOfTau {
    private static final int CHUNK = 2048;
    static final G1Point G1 = G1Point.of(Fp.ONE, Fp.of(2));
    static final G2Point G2 = G2Point.of(
            Fp2.of(new BigInteger("10857046999023057135944570762232829481370756359578518086990519993285655852781"),
                    new BigInteger("11559732032986387107991004021392285783925812861821192530917403151452391805634")),
            Fp2.of(new BigInteger("8495653923123431417604973247489272438418190587263600148770280649306958101930"),
                    new BigInteger("4082367875863433681332203403145435568316851327593401208105741076214120093531")));
    /** Largest supported power: snarkjs needs section 12 at power + 1 ≤ 28. */
    public static final int MAX_POWER = ScalarField.TWO_ADICITY - 1;

    /** The phase-1 secrets. */
    public record Secrets(BigInteger tau, BigInteger alpha, BigInteger beta) {
        public Secrets {
            for (BigInteger v : List.of(tau, alpha, beta)) {
                if (v.signum() <= 0 || v.compareTo(ScalarField.R) >= 0) {
                    throw new IllegalArgumentException("secret not in [1, r)");
                }
            }
            // τ must not be a 2^28-th root of unity, or L_i(τ) divides by zero.
            if (tau.modPow(BigInteger.ONE.shiftLeft(ScalarField.TWO_ADICITY), ScalarField.R).equals(BigInteger.ONE)) {
                throw new IllegalArgumentException("tau is a root of unity of the evaluation domains");
            }
        }

        /**
         * The public derivation of the development secrets: x = SHA-512("sensorproof-ptau-v1" ‖ 0 ‖
         * name ‖ 0 ‖ seed) read as an unsigned big-endian integer, mod r, for name = tau, alpha, beta.
         */
        public static Secrets fromSeed(String seed) {
            return new Secrets(derive("tau", seed), derive("alpha", seed), derive("beta", seed));
        }

        private static BigInteger derive(String name, String seed) {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-512");
                byte[] digest = sha.digest(("sensorproof-ptau-v1\0" + name + "\0" + seed).getBytes(StandardCharsets.UTF_8));
                return new BigInteger(1, digest).mod(ScalarField.R);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Seconds spent per part, for the build log and the measurements. */
    public record Timing(double tablesSeconds, double powersSeconds, double lagrangeSeconds) {
    }

    private final int power;
    private final Secrets secrets;
    private final int threads;

    public PowersOfTau(int power, Secrets secrets, int threads) {
        if (power < 1 || power > MAX_POWER) {
            throw new IllegalArgumentException("power must be in [1, " + MAX_POWER + "]");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be ≥ 1");
        }
        this.power = power;
        this.secrets = secrets;
        this.threads = threads;
    }

    /** Writes the file; {@code prepared} adds sections 12–15. */
    public Timing write(Path file, boolean prepared) throws IOException {
        long t0 = System.nanoTime();
        FixedBase g1 = new FixedBase.OnG1(G1);
        FixedBase g2 = new FixedBase.OnG2(G2);
        long t1 = System.nanoTime();
        int n = 1 << power;
        BigInteger[] tauPowers = ScalarField.powers(secrets.tau(), 2 * n - 1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        long t2;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 20)) {
            out.write("ptau".getBytes(StandardCharsets.US_ASCII));
            writeU32(out, 1);
            writeU32(out, prepared ? 11 : 7);

            beginSection(out, 1, 44);
            writeU32(out, 32);
            byte[] modulus = new byte[32];
            FixedBase.writeFp(rawModulus(), modulus, 0);
            out.write(modulus);
            writeU32(out, power);
            writeU32(out, power);

            section(out, pool, 2, g1, tauPowers);
            section(out, pool, 3, g2, slice(tauPowers, n));
            section(out, pool, 4, g1, scaled(slice(tauPowers, n), secrets.alpha()));
            section(out, pool, 5, g1, scaled(slice(tauPowers, n), secrets.beta()));
            section(out, pool, 6, g2, new BigInteger[] {secrets.beta()});
            beginSection(out, 7, 4);
            writeU32(out, 0);
            t2 = System.nanoTime();

            if (prepared) {
                List<BigInteger[]> lagrange = new ArrayList<>();
                for (int k = 0; k <= power; k++) {
                    lagrange.add(ScalarField.lagrangeAt(secrets.tau(), k));
                }
                List<BigInteger[]> tauSeries = new ArrayList<>(lagrange);
                tauSeries.add(ScalarField.lagrangeAtWithoutLastPower(secrets.tau(), power + 1));
                section(out, pool, 12, g1, concat(tauSeries));
                section(out, pool, 13, g2, concat(lagrange));
                BigInteger[] all = concat(lagrange);
                section(out, pool, 14, g1, scaled(all, secrets.alpha()));
                section(out, pool, 15, g1, scaled(all, secrets.beta()));
            }
        } finally {
            pool.shutdownNow();
        }
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        long t3 = System.nanoTime();
        return new Timing((t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
    }

    /** p as 32 raw little-endian bytes (the header stores the prime itself, not in Montgomery form). */
    private static Fp rawModulus() {
        BigInteger p = Fp.MODULUS;
        return new Fp(p.longValue(), p.shiftRight(64).longValue(), p.shiftRight(128).longValue(),
                p.shiftRight(192).longValue());
    }

    private static void section(OutputStream out, ExecutorService pool, int id, FixedBase base, BigInteger[] scalars)
            throws IOException {
        int size = base.pointSize();
        beginSection(out, id, (long) scalars.length * size);
        List<Future<byte[]>> chunks = new ArrayList<>();
        for (int from = 0; from < scalars.length; from += CHUNK) {
            int start = from;
            int end = Math.min(scalars.length, from + CHUNK);
            chunks.add(pool.submit(() -> {
                byte[] bytes = new byte[(end - start) * size];
                base.multiply(scalars, start, end, bytes, 0);
                return bytes;
            }));
        }
        for (Future<byte[]> chunk : chunks) {
            try {
                out.write(chunk.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("section " + id + " failed", e.getCause());
            }
        }
    }

    private static BigInteger[] slice(BigInteger[] values, int n) {
        BigInteger[] result = new BigInteger[n];
        System.arraycopy(values, 0, result, 0, n);
        return result;
    }

    private static BigInteger[] scaled(BigInteger[] values, BigInteger factor) {
        BigInteger[] result = new BigInteger[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = ScalarField.mul(values[i], factor);
        }
        return result;
    }

    private static BigInteger[] concat(List<BigInteger[]> parts) {
        int total = parts.stream().mapToInt(a -> a.length).sum();
        BigInteger[] result = new BigInteger[total];
        int at = 0;
        for (BigInteger[] part : parts) {
            System.arraycopy(part, 0, result, at, part.length);
            at += part.length;
        }
        return result;
    }

    private static void beginSection(OutputStream out, int id, long size) throws IOException {
        writeU32(out, id);
        writeU64(out, size);
    }

    private static void writeU32(OutputStream out, int v) throws IOException {
        for (int i = 0; i < 4; i++) {
            out.write(v >>> (8 * i));
        }
    }

    private static void writeU64(OutputStream out, long v) throws IOException {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
    }
}
