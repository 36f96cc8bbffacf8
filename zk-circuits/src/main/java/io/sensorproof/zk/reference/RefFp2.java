package io.sensorproof.zk.reference;

import java.math.BigInteger;
import java.util.Optional;

/** Element c0 + c1·u of F<sub>p<sup>2</sup></sub> = F<sub>p</sub>[u] / (u² + 1). */
public record RefFp2(BigInteger c0, BigInteger c1) {
    public static final RefFp2 ZERO = new RefFp2(BigInteger.ZERO, BigInteger.ZERO);
    public static final RefFp2 ONE = new RefFp2(BigInteger.ONE, BigInteger.ZERO);
    /** ξ = 9 + u, the non-residue defining F<sub>p<sup>6</sup></sub> and the twist. */
    public static final RefFp2 XI = new RefFp2(BigInteger.valueOf(9), BigInteger.ONE);

    public RefFp2 {
        c0 = c0.mod(RefField.P);
        c1 = c1.mod(RefField.P);
    }

    public static RefFp2 of(BigInteger c0, BigInteger c1) {
        return new RefFp2(c0, c1);
    }

    public RefFp2 add(RefFp2 o) {
        return new RefFp2(c0.add(o.c0), c1.add(o.c1));
    }

    public RefFp2 sub(RefFp2 o) {
        return new RefFp2(c0.subtract(o.c0), c1.subtract(o.c1));
    }

    public RefFp2 neg() {
        return new RefFp2(c0.negate(), c1.negate());
    }

    public RefFp2 mul(RefFp2 o) {
        return new RefFp2(c0.multiply(o.c0).subtract(c1.multiply(o.c1)),
                c0.multiply(o.c1).add(c1.multiply(o.c0)));
    }

    public RefFp2 mul(BigInteger k) {
        return new RefFp2(c0.multiply(k), c1.multiply(k));
    }

    public RefFp2 square() {
        return mul(this);
    }

    public RefFp2 conjugate() {
        return new RefFp2(c0, c1.negate());
    }

    public RefFp2 inverse() {
        BigInteger norm = RefField.inv(c0.multiply(c0).add(c1.multiply(c1)).mod(RefField.P));
        return new RefFp2(c0.multiply(norm), c1.negate().multiply(norm));
    }

    public RefFp2 pow(BigInteger e) {
        RefFp2 result = ONE;
        for (int i = e.bitLength() - 1; i >= 0; i--) {
            result = result.square();
            if (e.testBit(i)) {
                result = result.mul(this);
            }
        }
        return result;
    }

    public boolean isZero() {
        return c0.signum() == 0 && c1.signum() == 0;
    }

    /** A square root, if this is a square (complex method for p = 3 mod 4). */
    public Optional<RefFp2> sqrt() {
        if (isZero()) {
            return Optional.of(ZERO);
        }
        Optional<BigInteger> alpha = RefField.sqrt(c0.multiply(c0).add(c1.multiply(c1)).mod(RefField.P));
        if (alpha.isEmpty()) {
            return Optional.empty();
        }
        BigInteger half = RefField.inv(BigInteger.TWO);
        for (BigInteger sign : new BigInteger[] {BigInteger.ONE, BigInteger.ONE.negate()}) {
            BigInteger delta = c0.add(sign.multiply(alpha.get())).multiply(half).mod(RefField.P);
            Optional<BigInteger> x0 = RefField.sqrt(delta);
            if (x0.isPresent() && x0.get().signum() != 0) {
                BigInteger x1 = c1.multiply(RefField.inv(x0.get().shiftLeft(1).mod(RefField.P)));
                RefFp2 candidate = new RefFp2(x0.get(), x1);
                if (candidate.square().equals(this)) {
                    return Optional.of(candidate);
                }
            }
        }
        // c1 == 0 and c0 a non-square: the root is purely imaginary.
        Optional<BigInteger> imaginary = RefField.sqrt(c0.negate().mod(RefField.P));
        if (c1.signum() == 0 && imaginary.isPresent()) {
            return Optional.of(new RefFp2(BigInteger.ZERO, imaginary.get()));
        }
        return Optional.empty();
    }
}
