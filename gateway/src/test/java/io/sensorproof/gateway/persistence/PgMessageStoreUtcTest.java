package io.sensorproof.gateway.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@code PgMessageStore.utc} builds the UTC timestamp without {@code ZoneRules} (issue 18); it must be the same one. */
class PgMessageStoreUtcTest {
    @Test
    void isTheInstantAtOffsetZeroToTheNanosecond() {
        SplittableRandom random = new SplittableRandom(18);
        Instant[] edges = {Instant.EPOCH, Instant.EPOCH.minusNanos(1), Instant.parse("1999-12-31T23:59:59.999999999Z"),
            Instant.parse("2026-12-07T00:00:00.000000001Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
            Instant.parse("-9999-01-01T00:00:00Z")};
        for (Instant instant : edges) {
            assertThat(PgMessageStore.utc(instant)).isEqualTo(OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
        }
        for (int i = 0; i < 100_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-377_705_116_800L, 253_402_300_799L), random.nextInt(1_000_000_000));
            OffsetDateTime utc = PgMessageStore.utc(instant);
            assertThat(utc).isEqualTo(OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
            assertThat(utc.toInstant()).isEqualTo(instant);
        }
    }
}
