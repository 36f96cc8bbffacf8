package io.sensorproof.zk.claims;

import static io.sensorproof.zk.claims.ClaimScenario.R;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The adversarial witnesses of both claim circuits, each next to its honest twin: every proven
 * condition broken one at a time. Fed straight to the compiled circuits (never through the
 * builders) by {@code RunClaimCircuitIT}, {@code EmissionsClaimCircuitIT} and, at a small slot
 * count, by the assert-mutation check ({@code AssertMutationIT}). Works for any slot count ≥ 4.
 */
final class ClaimCases {
    /** Public input positions of the run claim. */
    static final int ROOT = 0;
    static final int DEVICE = 1;
    static final int QUANTITY = 2;
    static final int LO = 3;
    static final int HI = 4;
    static final int RUN_FIRST_TIME = 5;
    static final int RUN_LAST_TIME = 6;
    static final int RUN_COUNT = 7;
    static final int RUN_MAX_GAP = 8;
    /** Public input positions of the emissions claim. */
    static final int FIRST_TIME = 2;
    static final int FIRST_TOTAL = 3;
    static final int LAST_TIME = 4;
    static final int LAST_TOTAL = 5;
    static final int COUNT = 6;
    static final int MAX_GAP = 7;
    static final int GAP_TIME = 8;
    private static final BigInteger ONE = BigInteger.ONE;
    private static final BigInteger TIME_BOUND = BigInteger.ONE.shiftLeft(43);
    private static final BigInteger VALUE_BOUND = BigInteger.ONE.shiftLeft(53);

    /** A false claim and its honest twin (which must compute), differing only by the lie. */
    record Case(String name, ClaimScenario honest, ClaimScenario lie) {
    }

    private ClaimCases() {
    }

    private static BigInteger big(long v) {
        return BigInteger.valueOf(v);
    }

    /** The honest run: slots − 1 readings of {@link ExampleClaims#coldRun}, the last slot empty. */
    static ClaimScenario runBase(int slots) {
        ClaimScenario s = new ClaimScenario(ClaimScenario.Kind.RUN, slots);
        s.device = ExampleClaims.COLD_STORE;
        s.quantity = big(CommittedReading.TEMPERATURE);
        s.lo = big(ExampleClaims.LO);
        s.hi = big(ExampleClaims.HI);
        s.maxGap = big(ExampleClaims.RUN_MAX_GAP);
        List<CommittedReading> readings = ExampleClaims.coldRun(slots - 1);
        for (int k = 0; k < readings.size(); k++) {
            s.put(k, readings.get(k));
        }
        return s;
    }

    /** The honest emissions claim: slots − 1 register readings, a long gap before slot 2. */
    static ClaimScenario emissionsBase(int slots) {
        ClaimScenario s = new ClaimScenario(ClaimScenario.Kind.EMISSIONS, slots);
        s.device = ExampleClaims.BOILER;
        s.quantity = big(CommittedReading.CO2E_REGISTER);
        s.maxGap = big(ExampleClaims.REGISTER_MAX_GAP);
        List<CommittedReading> readings = ExampleClaims.registerReadings(slots - 1);
        for (int k = 0; k < readings.size(); k++) {
            s.put(k, readings.get(k));
        }
        return s;
    }

    private static ClaimScenario edit(ClaimScenario base, Consumer<ClaimScenario> change) {
        ClaimScenario copy = base.copy();
        change.accept(copy);
        return copy;
    }

    /** Cases that apply to both circuits (structure of the claim tree, device, record index). */
    private static void common(List<Case> cases, ClaimScenario base, int count, int first, int last) {
        int slots = base.slots;
        int n = slots - 1;
        cases.add(new Case("count below 2", edit(base, s -> {
            for (int k = 2; k < slots; k++) {
                s.clear(k);
            }
        }), edit(base, s -> {
            for (int k = 1; k < slots; k++) {
                s.clear(k);
            }
        })));
        // slot n−1 emptied (its contents a copy of slot n−2, so every gap check is met), the reading moved behind it
        cases.add(new Case("reading hidden behind an empty slot", base, edit(base, s -> {
            s.copySlot(n - 1, n);
            s.copySlot(n - 2, n - 1);
            s.present[n - 1] = false;
        })));
        cases.add(new Case("empty slot 0 before present slots", base, edit(base, s -> s.present[0] = false)));
        // the last reading repeated in the empty last slot: a gap of 0 and nothing else broken
        cases.add(new Case("duplicated reading", base, edit(base, s -> s.copySlot(n - 1, n))));
        cases.add(new Case("count one too high", base, edit(base, s -> s.set(count, s.publicInput(count).add(ONE)))));
        cases.add(new Case("count one too low", base, edit(base, s -> s.set(count, s.publicInput(count).subtract(ONE)))));
        cases.add(new Case("first time one ms early", base, edit(base, s -> s.set(first, s.publicInput(first).subtract(ONE)))));
        cases.add(new Case("last time one ms late", base, edit(base, s -> s.set(last, s.publicInput(last).add(ONE)))));
        cases.add(new Case("last time of an earlier reading", base, edit(base, s -> s.set(last, s.time[n - 2]))));
        cases.add(new Case("wrong root", base, edit(base, s -> s.set(ROOT, s.publicInput(ROOT).add(ONE)))));
        cases.add(new Case("reading of another device in the tree", base, edit(base, s ->
                s.leafDevice[1] = ExampleClaims.OTHER)));
        cases.add(new Case("claimed for another device", base, edit(base, s -> s.set(DEVICE, ExampleClaims.OTHER))));
        cases.add(new Case("record index 256 (packed part over 16 bits)", edit(base, s -> s.recordIndex[1] = big(255)),
                edit(base, s -> s.recordIndex[1] = big(256))));
        // every time shifted so that the first is "−30 s" (r − 30000): the gaps are unchanged
        cases.add(new Case("first time below zero (r − 30000)", edit(base, s -> s.shiftTimes(0,
                s.time[0].negate().subtract(big(30_000)).add(big(30_000)))), edit(base, s -> s.shiftTimes(0,
                s.time[0].negate().subtract(big(30_000))))));
        cases.add(new Case("last time 2^43", edit(base, s -> s.shiftTimes(0, TIME_BOUND.subtract(ONE).subtract(s.time[n - 1]))),
                edit(base, s -> s.shiftTimes(0, TIME_BOUND.subtract(s.time[n - 1])))));
    }

    /** The run claim's cases at {@code slots} slots. */
    static List<Case> run(int slots) {
        ClaimScenario base = runBase(slots);
        int n = slots - 1;
        long lo = ExampleClaims.LO;
        long hi = ExampleClaims.HI;
        List<Case> cases = new ArrayList<>();
        common(cases, base, RUN_COUNT, RUN_FIRST_TIME, RUN_LAST_TIME);
        cases.add(new Case("reordered readings", base, edit(base, s -> {
            s.copySlot(1, n);
            s.copySlot(2, 1);
            s.copySlot(n, 2);
            s.clear(n);
        })));
        cases.add(new Case("reading at hi inside the run", edit(base, s -> s.value[1] = big(hi + 1)),
                edit(base, s -> s.value[1] = big(hi))));
        cases.add(new Case("reading at lo inside the run", edit(base, s -> s.value[1] = big(lo - 1)),
                edit(base, s -> s.value[1] = big(lo))));
        cases.add(new Case("reading inside the range claimed above hi", base, edit(base, s -> {
            s.value[1] = big((lo + hi) / 2);
            s.selector[1] = true;
        })));
        cases.add(new Case("reading above hi claimed below lo", base, edit(base, s -> s.selector[0] = false)));
        cases.add(new Case("gap of maxGap + 1 ms", edit(base, s -> s.shiftTimes(2, big(ExampleClaims.RUN_MAX_GAP
                - ExampleClaims.RUN_INTERVAL))), edit(base, s -> s.shiftTimes(2, big(ExampleClaims.RUN_MAX_GAP
                - ExampleClaims.RUN_INTERVAL + 1)))));
        cases.add(new Case("maxGap below every gap", base, edit(base, s -> s.maxGap = big(ExampleClaims.RUN_INTERVAL - 1))));
        cases.add(new Case("maxGap −1 (r − 1)", base, edit(base, s -> s.maxGap = R.subtract(ONE))));
        cases.add(new Case("claimed for another quantity", base, edit(base, s ->
                s.set(QUANTITY, big(CommittedReading.HUMIDITY)))));
        cases.add(new Case("humidity reading in the tree", base, edit(base, s ->
                s.leafQuantity[1] = big(CommittedReading.HUMIDITY))));
        // leaves unchanged: recordIndex·256 + quantity = 0·256 + 257 = 1·256 + 1
        cases.add(new Case("quantity 257 with record index 0 (quantity over 8 bits)", base, edit(base, s -> {
            s.quantity = big(256 + CommittedReading.TEMPERATURE);
            for (int k = 0; k < n; k++) {
                s.recordIndex[k] = BigInteger.ZERO;
            }
        })));
        cases.add(new Case("value −1 (r − 1) claimed below lo", edit(base, s -> s.value[1] = BigInteger.ZERO),
                edit(base, s -> {
                    s.value[1] = R.subtract(ONE);
                    s.selector[1] = false;
                })));
        Consumer<ClaimScenario> allBelow = s -> {
            for (int k = 0; k < n; k++) {
                s.value[k] = big(ExampleClaims.COLD);
            }
        };
        cases.add(new Case("value 2^53 above hi = 2^53 − 1", edit(base, s -> {
            allBelow.accept(s);
            s.hi = VALUE_BOUND.subtract(big(2));
            s.value[1] = VALUE_BOUND.subtract(ONE);
        }), edit(base, s -> {
            allBelow.accept(s);
            s.hi = VALUE_BOUND.subtract(ONE);
            s.value[1] = VALUE_BOUND;
        })));
        Consumer<ClaimScenario> allAbove = s -> {
            for (int k = 0; k < n; k++) {
                s.value[k] = big(ExampleClaims.WARM);
            }
        };
        cases.add(new Case("lo −1 (r − 1)", edit(base, s -> {
            allAbove.accept(s);
            s.lo = BigInteger.ZERO;
        }), edit(base, s -> {
            allAbove.accept(s);
            s.lo = R.subtract(ONE);
        })));
        cases.add(new Case("hi 2^53 + 1", edit(base, s -> {
            allBelow.accept(s);
            s.lo = VALUE_BOUND.subtract(big(2));
            s.hi = VALUE_BOUND.subtract(ONE);
        }), edit(base, s -> {
            allBelow.accept(s);
            s.lo = VALUE_BOUND.subtract(big(2));
            s.hi = VALUE_BOUND.add(ONE);
        })));
        cases.add(new Case("lo above hi", edit(base, s -> {
            allAbove.accept(s);
            s.hi = big(ExampleClaims.WARM - 1);
        }), edit(base, s -> {
            allAbove.accept(s);
            s.lo = big(ExampleClaims.WARM + 1);
            s.hi = big(ExampleClaims.WARM - 1);
        })));
        return cases;
    }

    /** The emissions claim's cases at {@code slots} slots. */
    static List<Case> emissions(int slots) {
        ClaimScenario base = emissionsBase(slots);
        int n = slots - 1;
        List<Case> cases = new ArrayList<>();
        common(cases, base, COUNT, FIRST_TIME, LAST_TIME);
        cases.add(new Case("reordered readings (times and register go back)", base, edit(base, s -> {
            s.copySlot(0, n);
            s.copySlot(1, 0);
            s.copySlot(n, 1);
            s.clear(n);
        })));
        cases.add(new Case("register going down", edit(base, s -> s.value[2] = s.value[1]),
                edit(base, s -> s.value[2] = s.value[1].subtract(ONE))));
        cases.add(new Case("first total one gram low", base, edit(base, s -> s.set(FIRST_TOTAL,
                s.publicInput(FIRST_TOTAL).subtract(ONE)))));
        cases.add(new Case("last total one gram high", base, edit(base, s -> s.set(LAST_TOTAL,
                s.publicInput(LAST_TOTAL).add(ONE)))));
        cases.add(new Case("last total of an earlier reading", base, edit(base, s -> s.set(LAST_TOTAL, s.value[n - 2]))));
        cases.add(new Case("gapTime one ms short", base, edit(base, s -> s.set(GAP_TIME,
                s.publicInput(GAP_TIME).subtract(ONE)))));
        cases.add(new Case("gapTime one ms long", base, edit(base, s -> s.set(GAP_TIME, s.publicInput(GAP_TIME).add(ONE)))));
        cases.add(new Case("gap over maxGap left out of gapTime", base, edit(base, s -> s.selector[2] = false)));
        cases.add(new Case("gap within maxGap added to gapTime", base, edit(base, s -> s.selector[1] = true)));
        // the honest twin: a gap of exactly maxGap + 1 counted whole
        cases.add(new Case("gap of maxGap + 1 ms left out of gapTime", edit(base, s -> s.shiftTimes(2,
                big(ExampleClaims.REGISTER_MAX_GAP + 1 - 2 * ExampleClaims.REGISTER_INTERVAL))), edit(base, s -> {
                    s.shiftTimes(2, big(ExampleClaims.REGISTER_MAX_GAP + 1 - 2 * ExampleClaims.REGISTER_INTERVAL));
                    s.selector[2] = false;
                })));
        cases.add(new Case("maxGap −1 (r − 1), every gap counted", edit(base, s -> {
            s.maxGap = BigInteger.ZERO;
        }), edit(base, s -> {
            s.maxGap = R.subtract(ONE);
            for (int k = 1; k < n; k++) {
                s.selector[k] = true;
            }
        })));
        cases.add(new Case("temperature reading in the tree", base, edit(base, s ->
                s.leafQuantity[1] = big(CommittedReading.TEMPERATURE))));
        cases.add(new Case("first total −1 (r − 1)", edit(base, s -> s.value[0] = BigInteger.ZERO),
                edit(base, s -> s.value[0] = R.subtract(ONE))));
        cases.add(new Case("last total 2^53", edit(base, s -> {
            for (int k = 0; k < n; k++) {
                s.value[k] = VALUE_BOUND.subtract(big(n - k));
            }
        }), edit(base, s -> {
            for (int k = 0; k < n; k++) {
                s.value[k] = VALUE_BOUND.subtract(big(n - k - 1));
            }
        })));
        return cases;
    }
}
