package io.sensorproof.zk.setup;

import io.sensorproof.zk.bn254.Fp;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.crypto.digests.Blake2bDigest;

/**
 * The initial Groth16 {@code .zkey} of a circuit, byte for byte what {@code snarkjs zkey new}
 * writes for the same {@code .r1cs} and a powers of tau made by {@link PowersOfTau} from known
 * secrets, computed from the secrets instead of from the file's points.
 *
 * <p>snarkjs forms every key point as a linear combination of the Lagrange points L_c(τ)·G of the
 * powers of tau (a multi-scalar multiplication per signal over the points of its constraints).
 * Knowing τ, α, β, the same point is one scalar times the generator: A_s = Σ_c A[c][s]·L_c(τ)
 * (+ L_(m+s)(τ) for the public signals s ≤ nPublic, the extra rows snarkjs adds, m = constraints),
 * B_s likewise on G1 and G2, IC_s and C_s = β·A_s + α·B_s + C_s(τ) (γ = δ = 1 before any
 * contribution), H_i = L'_(2i+1)(τ) on the domain of twice the size; the scalars are field
 * arithmetic and the points batch fixed-base products ({@link FixedBase}, chunks on a thread pool).
 *
 * <p>The file: "zkey", version 1, 10 sections written in snarkjs' order 1 (protocol 1 = Groth16),
 * 2 (n8q, q, n8r, r, nVars, nPublic, domain size, α·G1, β·G1, β·G2 copied from the powers of tau,
 * then γ·G2, δ·G1, δ·G2 = the generators), 4 (the A and B coefficients as (matrix, constraint,
 * signal, value·R² mod r) — snarkjs' Montgomery convention for its prover — constraint by
 * constraint, A before B, then (0, m + s, s, 1) for s ≤ nPublic), 3 IC, 9 H, 8 C, 5 A, 6 B1,
 * 7 B2 (points affine, x then y, Montgomery little-endian, infinity all zeros), and 10 (the
 * circuit hash, no contributions). The circuit hash is BLAKE2b-512 over, in this order: α·G1,
 * β·G1, β·G2, γ·G2, δ·G1, δ·G2, then for IC, the H check points, C, A, B1 and B2 a big-endian
 * uint32 count followed by the points uncompressed (big-endian canonical x then y, G2 coordinates
 * c1 before c0, infinity all zeros). The H check points are τ^(i+n)·G1 − τ^i·G1 for i &lt; n − 1
 * read in chunks of 2¹⁴ of which snarkjs never shortens the last: from n = 2¹⁵ on it hashes one
 * more point, and if that point's first operand lies past the powers of tau's section 2 the file's
 * following bytes are used as snarkjs reads them ({@link WasmG1}).
 *
 * <p>The powers of tau is read only for its header, its section table, the points snarkjs copies
 * and those bytes; its τ·G1, α·G1, β·G1 and β·G2 must be the secrets' ({@link
 * SetupErrorCode#SECRETS_MISMATCH} otherwise), so the result is the file's and not only the secrets'.
 */
public final class DevZkey {
    /** snarkjs' chunk of the H check points ({@code hashHPoints}). */
    static final int HASH_CHUNK = 1 << 14;
    /** Scalars per task of the thread pool. */
    static final int CHUNK = 2048;
    private static final BigInteger R = ScalarField.R;
    /** (2²⁵⁶ mod r)² mod r: the factor snarkjs stores the coefficients with. */
    private static final BigInteger R2 = BigInteger.ONE.shiftLeft(256).mod(R).pow(2).mod(R);

    /** Seconds spent per part. */
    public record Timing(double readSeconds, double scalarsSeconds, double pointsSeconds, double hashAndWriteSeconds) {
    }

    /** What was written: the circuit's sizes, the circuit hash (section 10) and the timings. */
    public record Result(int nVars, int nPublic, int nConstraints, int domainPower, byte[] circuitHash, Timing timing) {
    }

    private final PowersOfTau.Secrets secrets;
    private final int threads;
    private final int chunk;

    public DevZkey(PowersOfTau.Secrets secrets, int threads) {
        this(secrets, threads, CHUNK);
    }

    /** With another task size (tests: many tasks on a small circuit). */
    DevZkey(PowersOfTau.Secrets secrets, int threads, int chunk) {
        if (threads < 1 || chunk < 1) {
            throw new IllegalArgumentException("threads and chunk must be ≥ 1");
        }
        this.secrets = secrets;
        this.threads = threads;
        this.chunk = chunk;
    }

    /** The domain exponent snarkjs chooses: ⌊log₂(m + nPublic)⌋ + 1 (1 for an empty circuit). */
    static int domainPower(int constraints, int nPublic) {
        int v = constraints + nPublic;
        return v == 0 ? 1 : 32 - Integer.numberOfLeadingZeros(v);
    }

    public Result write(Path r1csFile, Path ptauFile, Path zkeyFile) throws IOException {
        long t0 = System.nanoTime();
        R1cs r1cs = R1cs.read(r1csFile);
        int nPublic = r1cs.nPublic();
        int cirPower = domainPower(r1cs.nConstraints(), nPublic);
        int n = 1 << cirPower;
        FixedBase g1 = new FixedBase.OnG1(PowersOfTau.G1);
        FixedBase g2 = new FixedBase.OnG2(PowersOfTau.G2);
        Ptau ptau = Ptau.open(ptauFile);
        byte[] alpha1;
        byte[] beta1;
        byte[] beta2;
        byte[] tau1;
        byte[][] beyond;
        int hashCount = hashedHPoints(n);
        try (ptau) {
            if (cirPower > ptau.power) {
                throw new SetupFailure(SetupErrorCode.CIRCUIT_TOO_BIG, "the circuit needs a 2^" + cirPower + " domain ("
                        + r1cs.nConstraints() + " constraints + " + nPublic + " public signals), the powers of tau has 2^" + ptau.power);
            }
            for (int id = 12; id <= 15; id++) {
                if (!ptau.sections.containsKey(id)) {
                    throw new SetupFailure(SetupErrorCode.PTAU_NOT_PREPARED, "the powers of tau has no section " + id
                            + ": not prepared for phase 2");
                }
            }
            alpha1 = ptau.read(4, 0, 64);
            beta1 = ptau.read(5, 0, 64);
            beta2 = ptau.read(6, 0, 128);
            tau1 = ptau.read(2, 64, 64);
            check(tau1, g1, secrets.tau(), "tau·G1");
            check(alpha1, g1, secrets.alpha(), "alpha·G1");
            check(beta1, g1, secrets.beta(), "beta·G1");
            check(beta2, g2, secrets.beta(), "beta·G2");
            // the operands τ^(i+n)·G1 that snarkjs reads past the end of section 2 (see WasmG1)
            long tauPoints = ptau.size(2) / 64;
            beyond = new byte[hashCount][];
            for (int i = 0; i < hashCount; i++) {
                if (i + n >= tauPoints) {
                    beyond[i] = ptau.read(2, (i + (long) n) * 64, 64);
                }
            }
        }
        long t1 = System.nanoTime();

        BigInteger tau = secrets.tau();
        BigInteger[] lagrange = ScalarField.lagrangeAt(tau, cirPower);
        BigInteger[] a = evaluate(r1cs.a(), lagrange, r1cs.nVars());
        BigInteger[] b = evaluate(r1cs.b(), lagrange, r1cs.nVars());
        BigInteger[] c = evaluate(r1cs.c(), lagrange, r1cs.nVars());
        for (int s = 0; s <= nPublic; s++) {
            a[s] = a[s].add(lagrange[r1cs.nConstraints() + s]).mod(R);
        }
        BigInteger[] ic = new BigInteger[nPublic + 1];
        BigInteger[] cPrivate = new BigInteger[r1cs.nVars() - nPublic - 1];
        for (int s = 0; s < r1cs.nVars(); s++) {
            BigInteger value = secrets.beta().multiply(a[s]).add(secrets.alpha().multiply(b[s])).add(c[s]).mod(R);
            if (s <= nPublic) {
                ic[s] = value;
            } else {
                cPrivate[s - nPublic - 1] = value;
            }
        }
        // H: the odd points of the Lagrange basis of the domain 2n; at the powers of tau's own size that
        // domain is section 12's extra one, computed from the powers without the last (preparephase2).
        BigInteger[] twice = cirPower == ptau.power
                ? ScalarField.lagrangeAtWithoutLastPower(tau, cirPower + 1)
                : ScalarField.lagrangeAt(tau, cirPower + 1);
        BigInteger[] h = new BigInteger[n];
        for (int i = 0; i < n; i++) {
            h[i] = twice[2 * i + 1];
        }
        BigInteger tauN = tau.modPow(BigInteger.valueOf(n), R).subtract(BigInteger.ONE).mod(R);
        BigInteger[] tauPowers = ScalarField.powers(tau, hashCount);
        List<Integer> inFile = new ArrayList<>();
        for (int i = 0; i < hashCount; i++) {
            if (beyond[i] == null) {
                inFile.add(i);
            }
        }
        BigInteger[] hashScalars = new BigInteger[inFile.size()];
        for (int k = 0; k < hashScalars.length; k++) {
            hashScalars[k] = ScalarField.mul(tauPowers[inFile.get(k)], tauN);
        }
        long t2 = System.nanoTime();

        Points icPoints;
        Points hPoints;
        Points cPoints;
        Points aPoints;
        Points b1Points;
        Points b2Points;
        Points hashPoints;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            icPoints = points(pool, g1, ic, chunk);
            hPoints = points(pool, g1, h, chunk);
            cPoints = points(pool, g1, cPrivate, chunk);
            aPoints = points(pool, g1, a, chunk);
            b1Points = points(pool, g1, b, chunk);
            b2Points = points(pool, g2, b, chunk);
            hashPoints = points(pool, g1, hashScalars, chunk);
        } finally {
            pool.shutdownNow();
        }
        long t3 = System.nanoTime();

        Blake2bDigest hasher = new Blake2bDigest(512);
        byte[] gamma2 = lem(g2, BigInteger.ONE);
        byte[] delta1 = lem(g1, BigInteger.ONE);
        update(hasher, uncompressed(alpha1, 64));
        update(hasher, uncompressed(beta1, 64));
        update(hasher, uncompressed(beta2, 128));
        update(hasher, uncompressed(gamma2, 128));
        update(hasher, uncompressed(delta1, 64));
        update(hasher, uncompressed(gamma2, 128));
        hashSection(hasher, icPoints);
        update(hasher, u32BigEndian(n - 1));
        byte[] hashU = hashPoints.uncompressed;
        for (int i = 0, k = 0; i < hashCount; i++) {
            if (beyond[i] == null) {
                hasher.update(hashU, k * 64, 64);
                k++;
            } else {
                update(hasher, WasmG1.subAffineUncompressed(beyond[i], lem(g1, tauPowers[i])));
            }
        }
        hashSection(hasher, cPoints);
        hashSection(hasher, aPoints);
        hashSection(hasher, b1Points);
        hashSection(hasher, b2Points);
        byte[] circuitHash = new byte[64];
        hasher.doFinal(circuitHash, 0);

        Path partial = zkeyFile.resolveSibling(zkeyFile.getFileName() + ".partial");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 20)) {
            out.write("zkey".getBytes(StandardCharsets.US_ASCII));
            writeU32(out, 1);
            writeU32(out, 10);

            section(out, 1, le(4).putInt(1).array());

            ByteBuffer header = le(4 + 32 + 4 + 32 + 4 + 4 + 4 + 64 + 64 + 128 + 128 + 64 + 128);
            header.putInt(32).put(littleEndian(Fp.MODULUS)).putInt(32).put(littleEndian(R));
            header.putInt(r1cs.nVars()).putInt(nPublic).putInt(n);
            header.put(alpha1).put(beta1).put(beta2).put(gamma2).put(delta1).put(gamma2);
            section(out, 2, header.array());

            section(out, 4, coefficients(r1cs));
            section(out, 3, icPoints.lem);
            section(out, 9, hPoints.lem);
            section(out, 8, cPoints.lem);
            section(out, 5, aPoints.lem);
            section(out, 6, b1Points.lem);
            section(out, 7, b2Points.lem);
            section(out, 10, le(68).put(circuitHash).putInt(0).array());
        }
        Files.move(partial, zkeyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        long t4 = System.nanoTime();
        return new Result(r1cs.nVars(), nPublic, r1cs.nConstraints(), cirPower, circuitHash,
                new Timing((t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e9));
    }

    /** How many H check points snarkjs hashes for a domain of n: chunks of 2¹⁴, the last one never shortened. */
    static int hashedHPoints(int n) {
        int count = 0;
        for (int i = 0; i < n - 1; i += HASH_CHUNK) {
            count += Math.min(n - 1, HASH_CHUNK);
        }
        return count;
    }

    /** Per signal, Σ over its terms of coefficient·L_c(τ), c the term's constraint. */
    private static BigInteger[] evaluate(R1cs.Matrix matrix, BigInteger[] lagrange, int nVars) {
        BigInteger[] sums = new BigInteger[nVars];
        Arrays.fill(sums, BigInteger.ZERO);
        int[] start = matrix.start();
        for (int k = 0; k + 1 < start.length; k++) {
            for (int t = start[k]; t < start[k + 1]; t++) {
                int s = matrix.signal()[t];
                sums[s] = sums[s].add(matrix.coefficient()[t].multiply(lagrange[k]));
            }
        }
        for (int s = 0; s < nVars; s++) {
            sums[s] = sums[s].mod(R);
        }
        return sums;
    }

    /** Section 4: the count, then (matrix, constraint, signal, value·R² mod r) for A and B, then the public rows. */
    private static byte[] coefficients(R1cs r1cs) {
        int nPublic = r1cs.nPublic();
        int count = r1cs.a().terms() + r1cs.b().terms() + nPublic + 1;
        ByteBuffer out = le(4 + (long) count * 44);
        out.putInt(count);
        for (int k = 0; k < r1cs.nConstraints(); k++) {
            for (int matrix = 0; matrix < 2; matrix++) {
                R1cs.Matrix m = matrix == 0 ? r1cs.a() : r1cs.b();
                for (int t = m.start()[k]; t < m.start()[k + 1]; t++) {
                    out.putInt(matrix).putInt(k).putInt(m.signal()[t]).put(littleEndian(m.coefficient()[t].multiply(R2).mod(R)));
                }
            }
        }
        byte[] one = littleEndian(R2);
        for (int s = 0; s <= nPublic; s++) {
            out.putInt(0).putInt(r1cs.nConstraints() + s).putInt(s).put(one);
        }
        return out.array();
    }

    private static void check(byte[] inFile, FixedBase base, BigInteger secret, String what) {
        if (!Arrays.equals(inFile, lem(base, secret))) {
            throw new SetupFailure(SetupErrorCode.SECRETS_MISMATCH, "the powers of tau's " + what
                    + " is not the one of these secrets: it was made from another seed (or is not a development file)");
        }
    }

    /** [k]·B affine, Montgomery little-endian, as the powers of tau stores it. */
    private static byte[] lem(FixedBase base, BigInteger k) {
        byte[] out = new byte[base.pointSize()];
        base.multiply(new BigInteger[] {k}, 0, 1, out, 0);
        return out;
    }

    /** A section's points in the file's form and in the uncompressed form the circuit hash takes. */
    private record Points(int count, byte[] lem, byte[] uncompressed) {
    }

    private static Points points(ExecutorService pool, FixedBase base, BigInteger[] scalars, int chunk) throws IOException {
        int size = base.pointSize();
        byte[] lem = new byte[scalars.length * size];
        byte[] uncompressed = new byte[scalars.length * size];
        List<Future<?>> chunks = new ArrayList<>();
        for (int from = 0; from < scalars.length; from += chunk) {
            int start = from;
            int end = Math.min(scalars.length, from + chunk);
            chunks.add(pool.submit(() -> {
                base.multiply(scalars, start, end, lem, start * size);
                toUncompressed(lem, uncompressed, start * size, (end - start) * size, size);
            }));
        }
        for (Future<?> task : chunks) {
            try {
                task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("fixed-base products failed", e.getCause());
            }
        }
        return new Points(scalars.length, lem, uncompressed);
    }

    private static byte[] uncompressed(byte[] lem, int pointSize) {
        byte[] out = new byte[lem.length];
        toUncompressed(lem, out, 0, lem.length, pointSize);
        return out;
    }

    /**
     * wasmcurves' LEMtoU: each coordinate out of Montgomery form, big-endian (an F_p² element as its
     * 64 little-endian bytes reversed: c1 then c0); the point at infinity (all zeros) stays all zeros.
     */
    private static void toUncompressed(byte[] lem, byte[] out, int offset, int length, int pointSize) {
        Fp one = new Fp(1, 0, 0, 0);
        for (int at = offset; at < offset + length; at += pointSize) {
            boolean zero = true;
            for (int i = at; i < at + pointSize && zero; i++) {
                zero = lem[i] == 0;
            }
            if (zero) {
                continue;
            }
            if (pointSize == 64) {
                canonicalBigEndian(lem, at, one, out, at);
                canonicalBigEndian(lem, at + 32, one, out, at + 32);
            } else {
                canonicalBigEndian(lem, at + 32, one, out, at);
                canonicalBigEndian(lem, at, one, out, at + 32);
                canonicalBigEndian(lem, at + 96, one, out, at + 64);
                canonicalBigEndian(lem, at + 64, one, out, at + 96);
            }
        }
    }

    private static void canonicalBigEndian(byte[] in, int inOffset, Fp one, byte[] out, int outOffset) {
        ByteBuffer limbs = ByteBuffer.wrap(in, inOffset, 32).order(ByteOrder.LITTLE_ENDIAN);
        Fp canonical = new Fp(limbs.getLong(), limbs.getLong(), limbs.getLong(), limbs.getLong()).mul(one);
        ByteBuffer be = ByteBuffer.wrap(out, outOffset, 32).order(ByteOrder.BIG_ENDIAN);
        be.putLong(canonical.l3()).putLong(canonical.l2()).putLong(canonical.l1()).putLong(canonical.l0());
    }

    private static void hashSection(Blake2bDigest hasher, Points points) {
        update(hasher, u32BigEndian(points.count));
        update(hasher, points.uncompressed);
    }

    private static void update(Blake2bDigest hasher, byte[] bytes) {
        hasher.update(bytes, 0, bytes.length);
    }

    private static byte[] u32BigEndian(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt(v).array();
    }

    private static ByteBuffer le(long size) {
        return ByteBuffer.allocate(Math.toIntExact(size)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** 32 little-endian bytes of 0 ≤ v &lt; 2²⁵⁶. */
    private static byte[] littleEndian(BigInteger v) {
        byte[] be = v.toByteArray();
        byte[] le = new byte[32];
        for (int i = 0; i < 32 && i < be.length; i++) {
            le[i] = be[be.length - 1 - i];
        }
        return le;
    }

    private static void section(OutputStream out, int id, byte[] content) throws IOException {
        writeU32(out, id);
        for (int i = 0; i < 8; i++) {
            out.write((int) ((long) content.length >>> (8 * i)));
        }
        out.write(content);
    }

    private static void writeU32(OutputStream out, int v) throws IOException {
        for (int i = 0; i < 4; i++) {
            out.write(v >>> (8 * i));
        }
    }

    /** The parts of a {@code .ptau} that {@code zkey new} reads besides the Lagrange points. */
    private static final class Ptau implements AutoCloseable {
        final FileChannel channel;
        final Map<Integer, long[]> sections = new HashMap<>();
        final int power;

        private Ptau(FileChannel channel, int power) {
            this.channel = channel;
            this.power = power;
        }

        static Ptau open(Path file) throws IOException {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            try {
                long length = channel.size();
                ByteBuffer head = readAt(channel, 0, 12, length, "header");
                String magic = new String(head.array(), 0, 4, StandardCharsets.ISO_8859_1);
                if (!magic.equals("ptau")) {
                    throw new SetupFailure(SetupErrorCode.MALFORMED_FILE, "not a ptau file");
                }
                int version = head.getInt(4);
                if (version != 1) {
                    throw new SetupFailure(SetupErrorCode.MALFORMED_FILE, "ptau version " + Integer.toUnsignedString(version) + " is not supported (1)");
                }
                long count = Integer.toUnsignedLong(head.getInt(8));
                Map<Integer, long[]> sections = new HashMap<>();
                long position = 12;
                for (long i = 0; i < count; i++) {
                    ByteBuffer sectionHead = readAt(channel, position, 12, length, "section table");
                    int type = sectionHead.getInt(0);
                    long size = sectionHead.getLong(4);
                    if (size < 0 || position + 12 + size > length) {
                        throw new SetupFailure(SetupErrorCode.TRUNCATED, "ptau: section " + type + " announces "
                                + Long.toUnsignedString(size) + " bytes, the file has " + (length - position - 12) + " left");
                    }
                    if (sections.putIfAbsent(type, new long[] {position + 12, size}) != null) {
                        throw new SetupFailure(SetupErrorCode.MISSING_SECTION, "ptau: section " + type + " appears twice");
                    }
                    position += 12 + size;
                }
                for (int id : new int[] {1, 2, 4, 5, 6}) {
                    if (!sections.containsKey(id)) {
                        throw new SetupFailure(SetupErrorCode.MISSING_SECTION, "ptau: section " + id + " is missing");
                    }
                }
                long[] h = sections.get(1);
                if (h[1] < 44) {
                    throw new SetupFailure(SetupErrorCode.TRUNCATED, "ptau: header section of " + h[1] + " bytes");
                }
                ByteBuffer header = readAt(channel, h[0], 44, length, "header");
                byte[] q = new byte[32];
                int n8 = header.getInt();
                header.get(q);
                if (n8 != 32 || !Arrays.equals(q, littleEndian(Fp.MODULUS))) {
                    throw new SetupFailure(SetupErrorCode.WRONG_FIELD, "ptau: not a BN254 powers of tau");
                }
                int power = header.getInt();
                if (power < 1 || power > PowersOfTau.MAX_POWER) {
                    throw new SetupFailure(SetupErrorCode.MALFORMED_FILE, "ptau: power " + power + " out of range");
                }
                Ptau ptau = new Ptau(channel, power);
                ptau.sections.putAll(sections);
                return ptau;
            } catch (RuntimeException | IOException e) {
                channel.close();
                throw e;
            }
        }

        long size(int section) {
            return sections.get(section)[1];
        }

        /** Bytes at an offset from a section's start, as snarkjs reads them: past the section's end too. */
        byte[] read(int section, long offset, int length) throws IOException {
            return readAt(channel, sections.get(section)[0] + offset, length, channel.size(), "section " + section).array();
        }

        private static ByteBuffer readAt(FileChannel channel, long position, int length, long fileLength, String what)
                throws IOException {
            if (position + length > fileLength) {
                throw new SetupFailure(SetupErrorCode.TRUNCATED, "ptau " + what + ": " + length + " bytes at " + position
                        + " lie past the end of the file (" + fileLength + " bytes)");
            }
            ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, position + buffer.position()) < 0) {
                    throw new SetupFailure(SetupErrorCode.TRUNCATED, "ptau " + what + ": unexpected end of file");
                }
            }
            buffer.flip();
            return buffer;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
