package io.sensorproof.zk.bn254;

import io.sensorproof.zk.reference.RefField;
import io.sensorproof.zk.reference.RefFp12;
import io.sensorproof.zk.reference.RefFp2;
import io.sensorproof.zk.reference.RefFp6;
import io.sensorproof.zk.reference.RefG1;
import io.sensorproof.zk.reference.RefG2;
import java.math.BigInteger;
import java.util.Random;

/** Conversions between the fast and the reference representations, and random elements. */
final class Oracle {
    private Oracle() {
    }

    static BigInteger randomBelow(Random random, BigInteger bound) {
        BigInteger v;
        do {
            v = new BigInteger(bound.bitLength(), random);
        } while (v.compareTo(bound) >= 0);
        return v;
    }

    static BigInteger randomFieldValue(Random random) {
        return randomBelow(random, RefField.P);
    }

    static RefFp2 randomRefFp2(Random random) {
        return RefFp2.of(randomFieldValue(random), randomFieldValue(random));
    }

    static RefFp12 randomRefFp12(Random random) {
        return new RefFp12(new RefFp6(randomRefFp2(random), randomRefFp2(random), randomRefFp2(random)),
                new RefFp6(randomRefFp2(random), randomRefFp2(random), randomRefFp2(random)));
    }

    static Fp2 fast(RefFp2 a) {
        return Fp2.of(a.c0(), a.c1());
    }

    static Fp6 fast(RefFp6 a) {
        return new Fp6(fast(a.c0()), fast(a.c1()), fast(a.c2()));
    }

    static Fp12 fast(RefFp12 a) {
        return new Fp12(fast(a.c0()), fast(a.c1()));
    }

    static RefFp2 ref(Fp2 a) {
        return RefFp2.of(a.c0().toBigInteger(), a.c1().toBigInteger());
    }

    static RefFp6 ref(Fp6 a) {
        return new RefFp6(ref(a.c0()), ref(a.c1()), ref(a.c2()));
    }

    static RefFp12 ref(Fp12 a) {
        return new RefFp12(ref(a.c0()), ref(a.c1()));
    }

    static G1Point fast(RefG1 p) {
        return p.infinity() ? G1Point.INFINITY : G1Point.of(p.x(), p.y());
    }

    static RefG1 ref(G1Point p) {
        return p.infinity() ? RefG1.INFINITY : RefG1.of(p.x().toBigInteger(), p.y().toBigInteger());
    }

    static G2Point fast(RefG2 q) {
        return q.infinity() ? G2Point.INFINITY : G2Point.of(fast(q.x()), fast(q.y()));
    }

    static RefG2 ref(G2Point q) {
        return q.infinity() ? RefG2.INFINITY : RefG2.of(ref(q.x()), ref(q.y()));
    }

    /** A random point of the twist curve, found by trying x coordinates; almost never in G2. */
    static RefG2 randomTwistPoint(Random random) {
        while (true) {
            RefFp2 x = randomRefFp2(random);
            var y = x.square().mul(x).add(RefG2.B).sqrt();
            if (y.isPresent()) {
                return RefG2.of(x, random.nextBoolean() ? y.get() : y.get().neg());
            }
        }
    }
}
