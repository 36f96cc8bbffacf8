package io.sensorproof.zk.claims;

import io.sensorproof.zk.bn254.Scalar;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A claim witness assembled part by part, unchecked, for adversarial tests: slots, present flags,
 * selectors and public inputs can each be set to anything. Public inputs not overridden are
 * derived the way the circuit derives them (root of the leaves times present, count = Σ present,
 * last time and total weighted by present[k] − present[k+1], gapTime from the selectors), so a
 * change to one part breaks exactly the condition it is meant to break.
 */
final class ClaimScenario {
    static final BigInteger R = Scalar.ORDER;
    private static final BigInteger TWO_POW_8 = BigInteger.valueOf(256);

    enum Kind { RUN, EMISSIONS }

    final Kind kind;
    final int slots;
    BigInteger device;
    /** Run: the public quantity. Emissions: the circuit's constant 4. */
    BigInteger quantity;
    BigInteger lo = BigInteger.ZERO;
    BigInteger hi = BigInteger.ZERO;
    BigInteger maxGap = BigInteger.ZERO;
    final BigInteger[] bootSeq;
    final BigInteger[] recordIndex;
    final BigInteger[] time;
    final BigInteger[] value;
    /** Device and quantity hashed into each slot's leaf (null: the claim's). */
    final BigInteger[] leafDevice;
    final BigInteger[] leafQuantity;
    final boolean[] present;
    /** Run: "above hi"; emissions: "gap before this slot over maxGap". Null: derived. */
    final Boolean[] selector;
    private final Map<Integer, BigInteger> overrides = new HashMap<>();

    ClaimScenario(Kind kind, int slots) {
        this.kind = kind;
        this.slots = slots;
        bootSeq = filled(slots);
        recordIndex = filled(slots);
        time = filled(slots);
        value = filled(slots);
        leafDevice = new BigInteger[slots];
        leafQuantity = new BigInteger[slots];
        present = new boolean[slots];
        selector = new Boolean[slots];
    }

    private static BigInteger[] filled(int n) {
        BigInteger[] array = new BigInteger[n];
        Arrays.fill(array, BigInteger.ZERO);
        return array;
    }

    ClaimScenario copy() {
        ClaimScenario c = new ClaimScenario(kind, slots);
        c.device = device;
        c.quantity = quantity;
        c.lo = lo;
        c.hi = hi;
        c.maxGap = maxGap;
        for (int k = 0; k < slots; k++) {
            c.bootSeq[k] = bootSeq[k];
            c.recordIndex[k] = recordIndex[k];
            c.time[k] = time[k];
            c.value[k] = value[k];
            c.leafDevice[k] = leafDevice[k];
            c.leafQuantity[k] = leafQuantity[k];
            c.present[k] = present[k];
            c.selector[k] = selector[k];
        }
        c.overrides.putAll(overrides);
        return c;
    }

    /** Puts {@code reading} into slot k (present). */
    ClaimScenario put(int k, CommittedReading reading) {
        ClaimSlot s = reading.slot();
        bootSeq[k] = s.bootSeq();
        recordIndex[k] = s.recordIndex();
        time[k] = s.timeMillis();
        value[k] = s.value();
        present[k] = true;
        return this;
    }

    /** Copies slot {@code from} into slot {@code to} (flags and per-slot leaf overrides included). */
    ClaimScenario copySlot(int from, int to) {
        bootSeq[to] = bootSeq[from];
        recordIndex[to] = recordIndex[from];
        time[to] = time[from];
        value[to] = value[from];
        leafDevice[to] = leafDevice[from];
        leafQuantity[to] = leafQuantity[from];
        present[to] = present[from];
        return this;
    }

    /** Clears slot k to the empty slot. */
    ClaimScenario clear(int k) {
        bootSeq[k] = BigInteger.ZERO;
        recordIndex[k] = BigInteger.ZERO;
        time[k] = BigInteger.ZERO;
        value[k] = BigInteger.ZERO;
        present[k] = false;
        return this;
    }

    /** Adds {@code delta} (mod r) to the times of slots from..slots−1 that are present. */
    ClaimScenario shiftTimes(int from, BigInteger delta) {
        for (int k = from; k < slots; k++) {
            if (present[k]) {
                time[k] = time[k].add(delta).mod(R);
            }
        }
        return this;
    }

    ClaimScenario set(int publicIndex, BigInteger v) {
        overrides.put(publicIndex, v.mod(R));
        return this;
    }

    /** A public input as derived (or overridden). */
    BigInteger publicInput(int index) {
        return publicInputs().get(index);
    }

    private BigInteger p(int k) {
        return k < slots && present[k] ? BigInteger.ONE : BigInteger.ZERO;
    }

    /** The leaf the circuit computes for slot k (before multiplying by present). */
    BigInteger leaf(int k) {
        BigInteger d = leafDevice[k] != null ? leafDevice[k] : device;
        BigInteger q = leafQuantity[k] != null ? leafQuantity[k] : quantity;
        return new LeafFields(d.mod(R), bootSeq[k].mod(R), recordIndex[k].multiply(TWO_POW_8).add(q).mod(R),
                time[k].mod(R), value[k].mod(R)).hash();
    }

    ClaimTree tree() {
        List<BigInteger> leaves = new ArrayList<>();
        for (int k = 0; k < slots; k++) {
            leaves.add(present[k] ? leaf(k) : BigInteger.ZERO);
        }
        return ClaimTree.of(slots, leaves);
    }

    private BigInteger weightedLast(BigInteger[] column) {
        BigInteger sum = BigInteger.ZERO;
        for (int k = 0; k < slots; k++) {
            sum = sum.add(column[k].multiply(p(k).subtract(p(k + 1))));
        }
        return sum.mod(R);
    }

    private BigInteger count() {
        BigInteger n = BigInteger.ZERO;
        for (int k = 0; k < slots; k++) {
            n = n.add(p(k));
        }
        return n;
    }

    private BigInteger gap(int k) {
        return time[k].subtract(time[k - 1]).mod(R);
    }

    /** The selectors as given, or derived: above hi, or gap over maxGap. */
    List<Boolean> selectors() {
        List<Boolean> result = new ArrayList<>();
        for (int k = 0; k < slots; k++) {
            if (selector[k] != null) {
                result.add(selector[k]);
            } else if (kind == Kind.RUN) {
                result.add(present[k] && value[k].compareTo(hi) > 0);
            } else {
                result.add(k > 0 && present[k] && gap(k).compareTo(maxGap) > 0);
            }
        }
        return result;
    }

    List<BigInteger> publicInputs() {
        List<BigInteger> in = new ArrayList<>();
        if (kind == Kind.RUN) {
            in.addAll(List.of(tree().root(), device, quantity, lo, hi, time[0], weightedLast(time), count(), maxGap));
        } else {
            List<Boolean> over = selectors();
            BigInteger gaps = BigInteger.ZERO;
            for (int k = 1; k < slots; k++) {
                if (over.get(k) && present[k]) {
                    gaps = gaps.add(gap(k));
                }
            }
            in.addAll(List.of(tree().root(), device, time[0], value[0], weightedLast(time), weightedLast(value),
                    count(), maxGap, gaps.mod(R)));
        }
        for (int i = 0; i < in.size(); i++) {
            in.set(i, overrides.getOrDefault(i, in.get(i).mod(R)));
        }
        return in;
    }

    ProofRequest request() {
        List<ClaimSlot> slotList = new ArrayList<>();
        List<Boolean> presentList = new ArrayList<>();
        for (int k = 0; k < slots; k++) {
            slotList.add(new ClaimSlot(bootSeq[k].mod(R), recordIndex[k].mod(R), time[k].mod(R), value[k].mod(R)));
            presentList.add(present[k]);
        }
        return kind == Kind.RUN
                ? RunClaimWitness.request(publicInputs(), slotList, presentList, selectors())
                : EmissionsClaimWitness.request(publicInputs(), slotList, presentList, selectors());
    }
}
