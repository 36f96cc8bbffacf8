package io.sensorproof.oracle.planning;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.zk.claims.CommittedReading;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The contracts' rules (docs/contracts.md), written again here from the document and independent
 * of the planners, plus the audit's completeness rule: what every planned chain must pass.
 */
final class ContractRules {
    private ContractRules() {
    }

    static Map<ReadingKey, StoredReading> byKey(List<StoredReading> stored) {
        return stored.stream().collect(Collectors.toMap(StoredReading::key, Function.identity()));
    }

    /** CollateralFinancing's freeze checks for one run, claims as reading lists. */
    static void assertFreezableRun(List<ClaimKeys> chain, List<StoredReading> stored, RunTerms terms, long notBefore,
            long now) {
        Map<ReadingKey, StoredReading> byKey = byKey(stored);
        assertThat(chain).isNotEmpty();
        Long previousLast = null;
        for (ClaimKeys claim : chain) {
            assertThat(claim.size()).as("readings of a run claim").isBetween(2, 16);
            List<StoredReading> readings = claim.keys().stream().map(byKey::get).toList();
            assertThat(readings).doesNotContainNull();
            for (int i = 0; i < readings.size(); i++) {
                CommittedReading r = readings.get(i).reading();
                assertThat(r.device()).isEqualTo(Fixtures.DEVICE);
                assertThat(r.quantity()).isEqualTo(terms.quantity());
                assertThat(r.value() < terms.lo() || r.value() > terms.hi()).as("reading %s outside [lo, hi]", claim.keys().get(i)).isTrue();
                if (i > 0) {
                    long gap = r.timeMillis() - readings.get(i - 1).timeMillis();
                    assertThat(gap).as("gap inside a claim").isPositive().isLessThanOrEqualTo(terms.maxGap());
                }
            }
            long first = readings.get(0).timeMillis();
            if (previousLast != null) {
                assertThat(first).as("next.firstTime > previous.lastTime").isGreaterThan(previousLast);
                assertThat(first - previousLast).as("chaining gap").isLessThanOrEqualTo(terms.maxGap());
            }
            previousLast = readings.get(readings.size() - 1).timeMillis();
            assertComplete(claim, stored);
        }
        long firstTime = byKey.get(chain.get(0).first()).timeMillis();
        long lastTime = byKey.get(chain.get(chain.size() - 1).last()).timeMillis();
        assertThat(lastTime - firstTime).as("run duration").isGreaterThanOrEqualTo(terms.minDuration());
        assertThat(firstTime).as("firstTime > lastUnfreeze").isGreaterThan(notBefore);
        assertThat(now - lastTime).as("freshness").isLessThanOrEqualTo(terms.maxAge());
        assertThat(lastTime).as("not from the future").isLessThanOrEqualTo(now + 60_000);
    }

    /** The audit's completeness: every stored reading of the device and quantity in [first, last] is in the claim. */
    static void assertComplete(ClaimKeys claim, List<StoredReading> stored) {
        Map<ReadingKey, StoredReading> byKey = byKey(stored);
        long first = byKey.get(claim.first()).timeMillis();
        long last = byKey.get(claim.last()).timeMillis();
        int quantity = byKey.get(claim.first()).reading().quantity();
        Set<ReadingKey> inClaim = new HashSet<>(claim.keys());
        List<ReadingKey> missing = new ArrayList<>();
        for (StoredReading r : stored) {
            if (r.reading().quantity() == quantity && r.timeMillis() >= first && r.timeMillis() <= last
                    && !inClaim.contains(r.key())) {
                missing.add(r.key());
            }
        }
        assertThat(missing).as("stored readings left out of the claim window [%s, %s]", first, last).isEmpty();
    }

    /** CarbonCredit's submitClaim checks for one device's chain. */
    static void assertEmissionsChain(List<ClaimKeys> chain, List<StoredReading> stored, PeriodTerms period) {
        Map<ReadingKey, StoredReading> byKey = byKey(stored);
        Long previousLastTime = null;
        Long previousLastTotal = null;
        for (ClaimKeys claim : chain) {
            assertThat(claim.size()).isBetween(2, 32);
            List<StoredReading> readings = claim.keys().stream().map(byKey::get).toList();
            for (int i = 1; i < readings.size(); i++) {
                assertThat(readings.get(i).timeMillis()).isGreaterThan(readings.get(i - 1).timeMillis());
                assertThat(readings.get(i).value()).isGreaterThanOrEqualTo(readings.get(i - 1).value());
            }
            long firstTime = readings.get(0).timeMillis();
            long lastTime = readings.get(readings.size() - 1).timeMillis();
            if (previousLastTime == null) {
                assertThat(firstTime).as("first claim firstTime ≥ start").isGreaterThanOrEqualTo(period.startMillis());
            } else {
                assertThat(firstTime).as("firstTime == previous lastTime").isEqualTo(previousLastTime);
                assertThat(readings.get(0).value()).as("firstTotal == previous lastTotal").isEqualTo(previousLastTotal);
            }
            assertThat(firstTime).as("firstTime < end").isLessThan(period.endMillis());
            assertThat(lastTime).as("lastTime ≤ end + maxGap").isLessThanOrEqualTo(period.endMillis() + period.maxGap());
            previousLastTime = lastTime;
            previousLastTotal = readings.get(readings.size() - 1).value();
            assertComplete(claim, stored);
        }
    }
}
