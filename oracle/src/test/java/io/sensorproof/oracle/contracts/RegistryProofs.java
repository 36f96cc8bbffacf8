package io.sensorproof.oracle.contracts;

import io.sensorproof.oracle.testing.AnvilExtension;
import io.sensorproof.oracle.testing.ZkProofFile;
import io.sensorproof.zk.bn254.Fp;
import io.sensorproof.zk.bn254.Fp2;
import io.sensorproof.zk.bn254.G1Point;
import io.sensorproof.zk.bn254.G2Point;
import io.sensorproof.zk.bn254.Scalar;
import io.sensorproof.zk.groth16.G1Coordinates;
import io.sensorproof.zk.groth16.G2Coordinates;
import io.sensorproof.zk.groth16.Groth16Proof;
import io.sensorproof.zk.groth16.Groth16Verifier;
import io.sensorproof.zk.groth16.VerificationKey;
import io.sensorproof.zk.groth16.ZokratesJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * The claim fixtures of zk-circuits (real Groth16 proofs of the excursion and emissions circuits under
 * their committed development keys) for the AnchorRegistry and verdict tests, with the Java verifier
 * of each circuit and the proof transformations those tests need: re-randomisation (a second valid
 * proof of the same statement) and conversion between the contracts' coordinate list and
 * zk-circuits' {@link Groth16Proof}.
 */
final class RegistryProofs {
    /** Circuit names as in zk-circuits' resources ({@code io/sensorproof/zk/circuits/<name>/}). */
    static final String EXCURSION = "excursion";
    static final String EMISSIONS = "emissions";

    private RegistryProofs() {}

    /** The committed fixture proof of a circuit ({@code zk-circuits/src/test/resources/circuits/<name>/proof.json}). */
    static ZkProofFile fixture(String circuit) {
        return ZkProofFile.read(ZkProofFile.repoFile("zk-circuits/src/test/resources/circuits/" + circuit + "/proof.json"));
    }

    /** The committed verification key of a circuit (the key its exported Solidity verifier embeds). */
    static VerificationKey verificationKey(String circuit) {
        String resource = "/io/sensorproof/zk/circuits/" + circuit + "/verification.key";
        try (InputStream in = Groth16Verifier.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath");
            }
            return ZokratesJson.parseVerificationKey(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A uniformly random non-zero scalar for {@link #rerandomise}. */
    static BigInteger randomScalar() {
        SecureRandom random = new SecureRandom();
        BigInteger s;
        do {
            s = new BigInteger(Scalar.ORDER.bitLength() + 64, random).mod(Scalar.ORDER);
        } while (s.signum() == 0);
        return s;
    }

    /**
     * Another valid proof of the same statement: A' = A, B' = B + s·δ, C' = C + s·A. Then
     * e(A, B') = e(A, B)·e(s·A, δ) and e(C', δ) = e(C, δ)·e(s·A, δ), so the verification equation
     * still holds while B and C change. This is why a claim's id never depends on its proof.
     */
    static ZkProofFile rerandomise(ZkProofFile proof, VerificationKey key, BigInteger s) {
        Scalar k = Scalar.of(s);
        List<BigInteger> p = proof.proof();
        G1Point a = G1Point.of(p.get(0), p.get(1));
        G2Point b = G2Point.of(Fp2.of(p.get(2), p.get(3)), Fp2.of(p.get(4), p.get(5)));
        G1Point c = G1Point.of(p.get(6), p.get(7));
        G2Coordinates d = key.delta();
        G2Point delta = G2Point.of(Fp2.of(d.x0(), d.x1()), Fp2.of(d.y0(), d.y1()));
        G2Point b2 = b.add(delta.mul(k));
        G1Point c2 = c.add(a.mul(k));
        return new ZkProofFile(proof.inputs(), List.of(p.get(0), p.get(1),
                b2.x().c0().toBigInteger(), b2.x().c1().toBigInteger(), b2.y().c0().toBigInteger(), b2.y().c1().toBigInteger(),
                c2.x().toBigInteger(), c2.y().toBigInteger()));
    }

    /**
     * A transaction manager that polls for the receipt every 50 ms: anvil mines at once, and web3j's
     * default poll interval (15 s) turns a receipt missed on the first poll into a 15 s wait.
     */
    static TransactionManager txManager(AnvilExtension anvil, Credentials who) {
        return new RawTransactionManager(anvil.web3j(), who, anvil.chainId(),
                new PollingTransactionReceiptProcessor(anvil.web3j(), 50, 1_200));
    }

    /** Deploys raw creation bytecode from {@code who}; returns the new contract's address. */
    static String deployRaw(AnvilExtension anvil, Credentials who, String initCode) throws IOException, TransactionException {
        EthSendTransaction sent = txManager(anvil, who).sendTransaction(BigInteger.valueOf(2_000_000_000L),
                BigInteger.valueOf(5_000_000), null, initCode, BigInteger.ZERO, true);
        if (sent.hasError()) {
            throw new IllegalStateException("deploy: " + sent.getError().getMessage());
        }
        TransactionReceipt receipt = new PollingTransactionReceiptProcessor(anvil.web3j(), 50, 1_200)
                .waitForTransactionReceipt(sent.getTransactionHash());
        if (!receipt.isStatusOK()) {
            throw new IllegalStateException("deploy failed: " + receipt);
        }
        return receipt.getContractAddress();
    }

    /**
     * The first point (x = (k, 1), k = 1, 2, …) of the twist E'(F_p²) that lies outside the order-r
     * subgroup G2, as the four proof words x0, x1, y0, y1. The twist's cofactor is 2p − r, so almost
     * every point qualifies; the square root uses p ≡ 3 (mod 4) (Adj and Rodríguez-Henríquez, Alg. 9).
     */
    static List<BigInteger> twistPointOutsideG2() {
        Fp2 b = Fp2.of(BigInteger.valueOf(3), BigInteger.ZERO).mul(Fp2.of(BigInteger.valueOf(9), BigInteger.ONE).inverse());
        BigInteger p = Fp.MODULUS;
        for (long k = 1; k < 1_000; k++) {
            Fp2 x = Fp2.of(BigInteger.valueOf(k), BigInteger.ONE);
            Fp2 rhs = x.square().mul(x).add(b);
            Fp2 a1 = rhs.pow(p.subtract(BigInteger.valueOf(3)).shiftRight(2));
            Fp2 alpha = a1.square().mul(rhs);
            Fp2 x0 = a1.mul(rhs);
            Fp2 y = alpha.equals(Fp2.ONE.neg())
                    ? x0.mul(Fp2.of(BigInteger.ZERO, BigInteger.ONE))
                    : Fp2.ONE.add(alpha).pow(p.subtract(BigInteger.ONE).shiftRight(1)).mul(x0);
            if (!y.square().equals(rhs)) {
                continue;
            }
            G2Point q = G2Point.of(x, y);
            if (q.isOnCurve() && !q.isInSubgroup()) {
                return List.of(x.c0().toBigInteger(), x.c1().toBigInteger(), y.c0().toBigInteger(), y.c1().toBigInteger());
            }
        }
        throw new IllegalStateException("no twist point outside G2 found");
    }

    /** The proof in zk-circuits' form (for {@link Groth16Verifier#verify}). */
    static Groth16Proof toGroth16(ZkProofFile proof) {
        List<BigInteger> p = proof.proof();
        return new Groth16Proof(new G1Coordinates(p.get(0), p.get(1)),
                new G2Coordinates(p.get(2), p.get(3), p.get(4), p.get(5)),
                new G1Coordinates(p.get(6), p.get(7)), proof.inputs());
    }
}
