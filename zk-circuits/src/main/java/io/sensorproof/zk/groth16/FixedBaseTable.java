package io.sensorproof.zk.groth16;

import io.sensorproof.zk.bn254.Fp;
import io.sensorproof.zk.bn254.G1Jacobian;
import io.sensorproof.zk.bn254.G1Point;
import io.sensorproof.zk.bn254.Scalar;

/**
 * Multiples d·16^w·G (d = 1…15, w = 0…63) of a fixed G1 point in affine form, so that
 * [k]G costs at most 64 mixed additions and no doubling. Used for the key's γ_abc points.
 */
final class FixedBaseTable {
    private static final int WINDOWS = 64;
    private final G1Point[][] table;

    FixedBaseTable(G1Point base) {
        if (base.infinity()) {
            table = null;
            return;
        }
        G1Jacobian[] jacobian = new G1Jacobian[WINDOWS * 15];
        G1Point windowBase = base;
        for (int w = 0; w < WINDOWS; w++) {
            G1Jacobian acc = windowBase.toJacobian();
            for (int d = 1; d <= 15; d++) {
                jacobian[w * 15 + d - 1] = acc;
                acc = acc.addMixed(windowBase);
            }
            windowBase = acc.toAffine();
        }
        G1Point[] affine = batchToAffine(jacobian);
        table = new G1Point[WINDOWS][16];
        for (int w = 0; w < WINDOWS; w++) {
            for (int d = 1; d <= 15; d++) {
                table[w][d] = affine[w * 15 + d - 1];
            }
        }
    }

    /** acc + [k]G. */
    G1Jacobian addMultiple(G1Jacobian acc, Scalar k) {
        if (table == null) {
            return acc;
        }
        G1Jacobian result = acc;
        for (int w = 0; w < WINDOWS; w++) {
            int d = k.nibble(w);
            if (d != 0) {
                result = result.addMixed(table[w][d]);
            }
        }
        return result;
    }

    /** Montgomery's simultaneous inversion: one field inversion for all points (none is infinity). */
    private static G1Point[] batchToAffine(G1Jacobian[] points) {
        int n = points.length;
        Fp[] prefix = new Fp[n];
        Fp acc = Fp.ONE;
        for (int i = 0; i < n; i++) {
            prefix[i] = acc;
            acc = acc.mul(points[i].z());
        }
        Fp inverse = acc.inverse();
        G1Point[] result = new G1Point[n];
        for (int i = n - 1; i >= 0; i--) {
            Fp zInv = inverse.mul(prefix[i]);
            inverse = inverse.mul(points[i].z());
            Fp zInv2 = zInv.square();
            result[i] = G1Point.of(points[i].x().mul(zInv2), points[i].y().mul(zInv2).mul(zInv));
        }
        return result;
    }
}
