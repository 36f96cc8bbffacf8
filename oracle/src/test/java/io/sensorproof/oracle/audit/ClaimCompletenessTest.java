package io.sensorproof.oracle.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.oracle.audit.AuditFinding.Kind;
import io.sensorproof.oracle.audit.ClaimCompleteness.ArrivedReading;
import io.sensorproof.oracle.bundle.ReadingKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Completeness judged at the claim's settlement (ADR 023): a reading of the window stored by then but
 * not claimed is left out; one stored later is late; readings outside the window, of another quantity
 * or device, or claimed, are no finding.
 */
class ClaimCompletenessTest {
    private static final long T0 = 1_893_456_000_000L;
    private static final long SETTLED = T0 + 600_000;
    private static final AnchoredSet.Window WINDOW = new AnchoredSet.Window("room-a", 1, T0, T0 + 240_000);

    private final List<ArrivedReading> stored = new ArrayList<>();

    private ReadingKey reading(long seq, int quantity, long time, long receivedAt) {
        ReadingKey key = new ReadingKey("room-a", 1, seq, 0);
        stored.add(new ArrivedReading(key, quantity, time, 28_000 + seq, receivedAt));
        return key;
    }

    private List<AuditFinding> check(Set<ReadingKey> claimed) {
        return ClaimCompleteness.check(claimed, WINDOW, SETTLED, (device, quantity, from, to) -> stored.stream()
                .filter(r -> r.key().deviceId().equals(device) && r.quantity() == quantity && r.timeMillis() >= from
                        && r.timeMillis() <= to).toList());
    }

    @Test
    void aClaimOfEveryReadingOfItsWindowHasNoFinding() {
        ReadingKey a = reading(1, 1, T0, T0 + 1_000);
        ReadingKey b = reading(2, 1, T0 + 120_000, T0 + 121_000);
        ReadingKey c = reading(3, 1, T0 + 240_000, SETTLED);
        reading(4, 1, T0 + 300_000, T0 + 301_000);
        reading(5, 2, T0 + 60_000, T0 + 61_000);
        assertThat(check(Set.of(a, b, c))).isEmpty();
    }

    @Test
    void aReadingStoredByTheSettlementButLeftOutIsMissingFromTheClaim() {
        ReadingKey a = reading(1, 1, T0, T0 + 1_000);
        ReadingKey left = reading(2, 1, T0 + 60_000, SETTLED);
        ReadingKey c = reading(3, 1, T0 + 240_000, T0 + 241_000);
        assertThat(check(Set.of(a, c))).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Kind.MISSING_FROM_CLAIM);
            assertThat(f.key()).contains(left);
        });
    }

    @Test
    void aReadingStoredAfterTheSettlementIsLateNotLeftOut() {
        ReadingKey a = reading(1, 1, T0, T0 + 1_000);
        ReadingKey c = reading(3, 1, T0 + 240_000, T0 + 241_000);
        ReadingKey backlog = reading(2, 1, T0 + 60_000, SETTLED + 1);
        assertThat(check(Set.of(a, c))).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Kind.LATE_READING);
            assertThat(f.key()).contains(backlog);
            assertThat(f.detail()).contains("after the window was settled");
        });
    }
}
