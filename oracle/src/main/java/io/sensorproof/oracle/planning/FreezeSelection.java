package io.sensorproof.oracle.planning;

import io.sensorproof.oracle.planning.PlanningException.Code;
import io.sensorproof.oracle.planning.RunPlan.RunExtent;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which devices' runs to freeze with when a watch needs k devices: CollateralFinancing wants at
 * least k runs of distinct devices that all overlap (max firstTime ≤ min lastTime). A run's chain may
 * end anywhere from its target to its last stored reading, so a run is taken as the interval
 * [firstTime, last stored reading]; intervals on a line share a point exactly when they overlap
 * pairwise, so the choice is the point covered by the most runs.
 *
 * @param enough whether k overlapping runs exist
 * @param runs when enough, the k chosen runs (the ones that started first among those sharing the point)
 * @param coverUntilMillis when enough, the latest firstTime of the chosen runs: plan each chosen run again
 *        with this as {@link RunPlanRequest#coverUntilMillis()} and the chains overlap
 * @param missing how many more overlapping runs are needed (0 when enough)
 * @param devicesOutside the devices that have no run in the best overlapping set (none offered a run, or theirs
 *        does not overlap)
 */
public record FreezeSelection(boolean enough, List<RunExtent> runs, long coverUntilMillis, int missing,
        List<BigInteger> devicesOutside) {
    public FreezeSelection {
        runs = List.copyOf(runs);
        devicesOutside = List.copyOf(devicesOutside);
    }

    /**
     * Chooses k overlapping runs among {@code candidates} (at most one per device) of the watch's
     * {@code devices}.
     *
     * @throws PlanningException {@code DUPLICATE_DEVICE} for two runs of one device, {@code INVALID_TERMS} for k < 1
     */
    public static FreezeSelection choose(int k, List<BigInteger> devices, List<RunExtent> candidates) {
        if (k < 1 || k > devices.size()) {
            throw new PlanningException(Code.INVALID_TERMS, "k " + k + " is not in [1, " + devices.size() + "]");
        }
        Set<BigInteger> seen = new HashSet<>();
        for (RunExtent run : candidates) {
            if (!seen.add(run.device())) {
                throw new PlanningException(Code.DUPLICATE_DEVICE, "two runs of device " + run.device() + " offered");
            }
            if (!devices.contains(run.device())) {
                throw new PlanningException(Code.FOREIGN_READING, "device " + run.device() + " is not one of the facility's");
            }
        }
        List<RunExtent> best = List.of();
        long bestPoint = Long.MAX_VALUE;
        for (RunExtent pivot : candidates) {
            long point = pivot.firstTime();
            List<RunExtent> covering = candidates.stream()
                    .filter(r -> r.firstTime() <= point && point <= r.lastTime()).toList();
            // the most runs; among equals the earliest point, so the chains need to reach least far
            if (covering.size() > best.size() || covering.size() == best.size() && point < bestPoint) {
                best = covering;
                bestPoint = point;
            }
        }
        List<BigInteger> inBest = best.stream().map(RunExtent::device).toList();
        List<BigInteger> outside = devices.stream().filter(d -> !inBest.contains(d)).toList();
        if (best.size() < k) {
            return new FreezeSelection(false, List.of(), 0, k - best.size(), outside);
        }
        List<RunExtent> chosen = new ArrayList<>(best);
        chosen.sort(Comparator.comparingLong(RunExtent::firstTime));
        chosen = chosen.subList(0, k);
        return new FreezeSelection(true, chosen, latestStart(chosen), 0, outside);
    }

    private static long latestStart(List<RunExtent> runs) {
        return runs.stream().mapToLong(RunExtent::firstTime).max().orElseThrow();
    }
}
