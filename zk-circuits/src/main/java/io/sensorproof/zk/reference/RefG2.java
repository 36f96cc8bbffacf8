package io.sensorproof.zk.reference;

import java.math.BigInteger;

/**
 * Affine point of the sextic twist E': y² = x³ + 3/ξ over F<sub>p<sup>2</sup></sub>, with an
 * explicit point at infinity. G2 is its subgroup of order r.
 */
public record RefG2(RefFp2 x, RefFp2 y, boolean infinity) {
    public static final RefFp2 B = RefFp2.of(BigInteger.valueOf(3), BigInteger.ZERO).mul(RefFp2.XI.inverse());
    public static final RefG2 INFINITY = new RefG2(RefFp2.ZERO, RefFp2.ZERO, true);
    /** The G2 generator used by EIP-197. */
    public static final RefG2 GENERATOR = of(
            RefFp2.of(new BigInteger("10857046999023057135944570762232829481370756359578518086990519993285655852781"),
                    new BigInteger("11559732032986387107991004021392285783925812861821192530917403151452391805634")),
            RefFp2.of(new BigInteger("8495653923123431417604973247489272438418190587263600148770280649306958101930"),
                    new BigInteger("4082367875863433681332203403145435568316851327593401208105741076214120093531")));

    public static RefG2 of(RefFp2 x, RefFp2 y) {
        return new RefG2(x, y, false);
    }

    public boolean isOnCurve() {
        return infinity || y.square().equals(x.square().mul(x).add(B));
    }

    /** The slow, obviously correct subgroup test: [r]Q = O. */
    public boolean isInSubgroup() {
        return mul(RefField.R).infinity();
    }

    public RefG2 neg() {
        return infinity ? this : of(x, y.neg());
    }

    public RefG2 add(RefG2 o) {
        if (infinity) {
            return o;
        }
        if (o.infinity) {
            return this;
        }
        RefFp2 lambda;
        if (x.equals(o.x)) {
            if (!y.equals(o.y) || y.isZero()) {
                return INFINITY;
            }
            lambda = x.square().mul(BigInteger.valueOf(3)).mul(y.add(y).inverse());
        } else {
            lambda = o.y.sub(y).mul(o.x.sub(x).inverse());
        }
        RefFp2 x3 = lambda.square().sub(x).sub(o.x);
        return of(x3, lambda.mul(x.sub(x3)).sub(y));
    }

    public RefG2 mul(BigInteger k) {
        RefG2 result = INFINITY;
        for (int i = k.bitLength() - 1; i >= 0; i--) {
            result = result.add(result);
            if (k.testBit(i)) {
                result = result.add(this);
            }
        }
        return result;
    }
}
