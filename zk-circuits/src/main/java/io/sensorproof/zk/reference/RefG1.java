package io.sensorproof.zk.reference;

import java.math.BigInteger;

/** Affine point of G1: y² = x³ + 3 over F<sub>p</sub>, with an explicit point at infinity. */
public record RefG1(BigInteger x, BigInteger y, boolean infinity) {
    public static final BigInteger B = BigInteger.valueOf(3);
    public static final RefG1 INFINITY = new RefG1(BigInteger.ZERO, BigInteger.ZERO, true);
    public static final RefG1 GENERATOR = new RefG1(BigInteger.ONE, BigInteger.TWO, false);

    public static RefG1 of(BigInteger x, BigInteger y) {
        return new RefG1(x, y, false);
    }

    public boolean isOnCurve() {
        return infinity || RefField.mul(y, y).equals(RefField.add(RefField.mul(RefField.mul(x, x), x), B));
    }

    public RefG1 neg() {
        return infinity ? this : of(x, RefField.neg(y));
    }

    public RefG1 add(RefG1 o) {
        if (infinity) {
            return o;
        }
        if (o.infinity) {
            return this;
        }
        BigInteger lambda;
        if (x.equals(o.x)) {
            if (!y.equals(o.y) || y.signum() == 0) {
                return INFINITY;
            }
            lambda = RefField.mul(RefField.mul(BigInteger.valueOf(3), RefField.mul(x, x)),
                    RefField.inv(RefField.mul(BigInteger.TWO, y)));
        } else {
            lambda = RefField.mul(RefField.sub(o.y, y), RefField.inv(RefField.sub(o.x, x)));
        }
        BigInteger x3 = RefField.sub(RefField.sub(RefField.mul(lambda, lambda), x), o.x);
        return of(x3, RefField.sub(RefField.mul(lambda, RefField.sub(x, x3)), y));
    }

    /** Double-and-add scalar multiplication by a non-negative scalar. */
    public RefG1 mul(BigInteger k) {
        RefG1 result = INFINITY;
        for (int i = k.bitLength() - 1; i >= 0; i--) {
            result = result.add(result);
            if (k.testBit(i)) {
                result = result.add(this);
            }
        }
        return result;
    }
}
