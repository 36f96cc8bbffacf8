package io.sensorproof.sim.fleet;

/**
 * Packs out of phase (ADR 061): when one simulated device seals its first pack, so that a fleet that ticks on the same
 * instant does not fill every pack on the same tick. Device number {@code j} seals its first pack as soon as it has
 * taken {@code 1 + j mod packMaxRecords} readings; its later packs are full ones, so they fill on the tick of its
 * phase. Counted in readings, not ticks: a tick of {@code firmware-sim load} takes 2 readings per device (1 a second,
 * ticks of 2 s), and sealing after tick {@code 1 + j mod packMaxRecords}, as first written, left every device from
 * {@code j mod 10 = 4} on with a full first pack on tick 5: 60 % of the fleet's packs on one tick (spread evenly only
 * from then on), which is when the 5,000-device runs' ticks fell behind. With a number of readings a tick that does
 * not divide the pack (3 and 10) the ticks stay uneven, because a pack is sealed at the end of a tick.
 *
 * <p>Not thread-safe: one device's ticks run one after the other.
 */
final class PackPhase {
    private final int firstPackReadings;
    private final int packMaxRecords;
    private boolean done;

    /**
     * @param deviceIndex the device's number in its fleet (0, 1, …)
     * @param packMaxRecords the agent's {@code pack.max-records}
     */
    PackPhase(int deviceIndex, int packMaxRecords) {
        if (deviceIndex < 0 || packMaxRecords < 1) {
            throw new IllegalArgumentException("device index " + deviceIndex + ", pack size " + packMaxRecords);
        }
        this.firstPackReadings = 1 + deviceIndex % packMaxRecords;
        this.packMaxRecords = packMaxRecords;
    }

    /**
     * Called after each of the device's ticks with the readings it has taken so far: true once, after the tick that
     * brought them to its first pack's length (the caller seals the open pack then). Never for a first pack of
     * {@code packMaxRecords}, which the agent seals itself when it is full.
     */
    boolean sealAfterTick(long readingsTaken) {
        if (done || readingsTaken < firstPackReadings) {
            return false;
        }
        done = true;
        return firstPackReadings < packMaxRecords;
    }

    /** Whether the first pack is behind this device (nothing more to seal early). */
    boolean done() {
        return done;
    }
}
