package io.sensorproof.gateway.core.lots;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.gateway.core.lots.ChainFacilityMatch.ChainFacility;
import io.sensorproof.gateway.core.lots.ChainFacilityMatch.ChainWatch;
import io.sensorproof.gateway.core.lots.ChainFacilityMatch.Mismatch;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.senml.Quantity;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChainFacilityMatchTest {
    private static final List<String> DEVICES = List.of("dev-a", "dev-b");
    private static final Watch TEMP = new Watch(Quantity.TEMPERATURE, 27315, 28115, 600_000, 90_000, 60_000, 86_400_000, 2);

    private static ChainWatch chain(Watch w) {
        return new ChainWatch(w.quantity().code(), big(w.lo()), big(w.hi()), big(w.minDurationMs()), big(w.maxGapMs()),
                big(w.samplingIntervalMs()), big(w.maxAgeMs()), w.k());
    }

    private static BigInteger big(long v) {
        return BigInteger.valueOf(v);
    }

    private static List<BigInteger> fields(String... ids) {
        return java.util.Arrays.stream(ids).map(Identifiers::deviceField).toList();
    }

    private static Optional<Mismatch> match(ChainFacility f) {
        return ChainFacilityMatch.firstMismatch(f, DEVICES, List.of(TEMP));
    }

    @Test
    void aFacilityWithTheLotsDevicesAndTermsFitsInAnyOrder() {
        assertThat(match(new ChainFacility(1, fields("dev-b", "dev-a"), List.of(chain(TEMP))))).isEmpty();
        assertThat(match(new ChainFacility(2, fields("dev-a", "dev-b"), List.of(chain(TEMP))))).isEmpty();
    }

    @Test
    void aFacilityThatIsNeitherProposedNorActiveIsRefused() {
        Mismatch m = match(new ChainFacility(0, fields("dev-a", "dev-b"), List.of(chain(TEMP)))).orElseThrow();
        assertThat(m.code()).isEqualTo(ChainFacilityMatch.STATE);
        assertThat(m.field()).isEqualTo("state");
    }

    @Test
    void aForeignDeviceIsNamed() {
        Mismatch m = match(new ChainFacility(1, fields("dev-a", "dev-x"), List.of(chain(TEMP)))).orElseThrow();
        assertThat(m.code()).isEqualTo(ChainFacilityMatch.DEVICES);
        assertThat(m.field()).isEqualTo("devices");
        assertThat(m.details()).containsEntry("device", "dev-x").containsEntry("field", "devices");
    }

    @Test
    void aLotDeviceMissingOnChainIsNamed() {
        Mismatch m = match(new ChainFacility(1, fields("dev-a"), List.of(chain(TEMP)))).orElseThrow();
        assertThat(m.code()).isEqualTo(ChainFacilityMatch.DEVICES);
        assertThat(m.details()).containsEntry("device", "dev-b").containsEntry("problem", "not in facility");
    }

    @Test
    void aDeviceListedTwiceOnChainIsRefused() {
        Mismatch m = match(new ChainFacility(1, fields("dev-a", "dev-b", "dev-a"), List.of(chain(TEMP)))).orElseThrow();
        assertThat(m.details()).containsEntry("device", "dev-a").containsEntry("problem", "duplicate");
    }

    @Test
    void eachWatchFieldIsComparedAndNamed() {
        List<Watch> changed = List.of(
                new Watch(Quantity.TEMPERATURE, 27316, 28115, 600_000, 90_000, 60_000, 86_400_000, 2),
                new Watch(Quantity.TEMPERATURE, 27315, 28116, 600_000, 90_000, 60_000, 86_400_000, 2),
                new Watch(Quantity.TEMPERATURE, 27315, 28115, 600_001, 90_000, 60_000, 86_400_000, 2),
                new Watch(Quantity.TEMPERATURE, 27315, 28115, 600_000, 90_001, 60_000, 86_400_000, 2),
                new Watch(Quantity.TEMPERATURE, 27315, 28115, 600_000, 90_000, 60_001, 86_400_000, 2),
                new Watch(Quantity.TEMPERATURE, 27315, 28115, 600_000, 90_000, 60_000, 86_400_001, 2),
                new Watch(Quantity.TEMPERATURE, 27315, 28115, 600_000, 90_000, 60_000, 86_400_000, 1));
        List<String> names = List.of("lo", "hi", "minDuration", "maxGap", "samplingInterval", "maxAge", "k");
        for (int i = 0; i < changed.size(); i++) {
            ChainFacility f = new ChainFacility(1, fields("dev-a", "dev-b"), List.of(chain(changed.get(i))));
            Mismatch m = match(f).orElseThrow();
            assertThat(m.code()).isEqualTo(ChainFacilityMatch.WATCHES);
            assertThat(m.field()).isEqualTo("watches[temperature]." + names.get(i));
        }
    }

    @Test
    void aChainValueAboveLongRangeIsAMismatchNotAnOverflow() {
        ChainWatch huge = new ChainWatch(1, BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE), big(28115),
                big(600_000), big(90_000), big(60_000), big(86_400_000), 2);
        Mismatch m = match(new ChainFacility(1, fields("dev-a", "dev-b"), List.of(huge))).orElseThrow();
        assertThat(m.field()).isEqualTo("watches[temperature].lo");
    }

    @Test
    void aMissingOrExtraWatchIsNamedByQuantity() {
        Mismatch missing = match(new ChainFacility(1, fields("dev-a", "dev-b"), List.of())).orElseThrow();
        assertThat(missing.field()).isEqualTo("watches[temperature]");
        Watch hum = new Watch(Quantity.HUMIDITY, 0, 8000, 600_000, 90_000, 60_000, 86_400_000, 1);
        Mismatch extra = match(new ChainFacility(1, fields("dev-a", "dev-b"), List.of(chain(TEMP), chain(hum)))).orElseThrow();
        assertThat(extra.field()).isEqualTo("watches[humidity]");
        assertThat(extra.details()).containsEntry("problem", "not in lot");
    }
}
