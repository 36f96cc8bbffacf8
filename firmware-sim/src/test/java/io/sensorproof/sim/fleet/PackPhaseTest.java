package io.sensorproof.sim.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PackPhaseTest {
    private static final int DEVICES = 1000;
    private static final int PACK = 10;
    private static final int TICKS = 60;

    /** Packs sealed on each tick by a fleet that takes {@code perTick} readings a device a tick, as the load's agents do. */
    private static int[] packsPerTick(int perTick, int pack) {
        int[] sealed = new int[TICKS + 1];
        int[] open = new int[DEVICES];
        long[] taken = new long[DEVICES];
        PackPhase[] phases = new PackPhase[DEVICES];
        for (int j = 0; j < DEVICES; j++) {
            phases[j] = new PackPhase(j, pack);
        }
        for (int k = 1; k <= TICKS; k++) {
            for (int j = 0; j < DEVICES; j++) {
                for (int r = 0; r < perTick; r++) {
                    taken[j]++;
                    if (++open[j] == pack) { // the agent seals a full pack itself
                        sealed[k]++;
                        open[j] = 0;
                    }
                }
                if (k <= pack && phases[j].sealAfterTick(taken[j]) && open[j] > 0) {
                    sealed[k]++;
                    open[j] = 0;
                }
            }
        }
        return sealed;
    }

    /**
     * 2 readings a tick is what {@code load} takes (ticks of 2 s at 1 reading a second), 1 a scenario ticking once a
     * reading. Seen failing with the first rule (seal at the end of tick 1 + j mod 10), 2 readings a tick: 600 packs on
     * tick 5, where every device from j mod 10 = 4 on had a full first pack. With a number of readings a tick that does not divide the pack (3 and 10) the ticks stay uneven
     * (100–400 packs): a pack is sealed at the end of a tick, not in the middle.
     */
    @ParameterizedTest
    @CsvSource({"1, 10", "2, 10", "2, 16", "1, 16"})
    void aFleetFillsAsManyPacksOnEveryTick(int perTick, int pack) {
        int[] sealed = packsPerTick(perTick, pack);
        double mean = DEVICES * perTick / (double) pack;
        // every tick from the first: the first round of packs too, which is when a fleet started together fills them together
        int[] steady = Arrays.copyOfRange(sealed, 1, TICKS + 1);
        assertThat(Arrays.stream(steady).max().orElseThrow()).as("most packs on one tick, %s readings a tick: %s", perTick,
                Arrays.toString(sealed)).isLessThanOrEqualTo((int) Math.ceil(mean * 1.1));
        assertThat(Arrays.stream(steady).min().orElseThrow()).as("fewest packs on one tick: %s", Arrays.toString(sealed))
                .isGreaterThanOrEqualTo((int) Math.floor(mean * 0.9));
    }

    @Test
    void sealsOnceAndNeverAFullFirstPack() {
        PackPhase third = new PackPhase(2, PACK);
        assertThat(third.sealAfterTick(2)).isFalse();
        assertThat(third.sealAfterTick(4)).as("3 readings reached").isTrue();
        assertThat(third.done()).isTrue();
        assertThat(third.sealAfterTick(6)).as("once only").isFalse();
        PackPhase tenth = new PackPhase(19, PACK);
        assertThat(tenth.sealAfterTick(10)).as("a first pack of 10 is full: the agent sealed it").isFalse();
        assertThat(tenth.done()).isTrue();
        assertThatThrownBy(() -> new PackPhase(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
