package io.sensorproof.oracle.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.oracle.jobs.kinds.AnchorBatchHandler;
import io.sensorproof.oracle.jobs.kinds.EmissionsClaimHandler;
import io.sensorproof.oracle.jobs.kinds.FreezeHandler;
import io.sensorproof.oracle.jobs.kinds.RunClaimHandler;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * {@link ClaimOrder} in the in-memory store (PgJobStoreIT checks the SQL): chain work before older jobs that still
 * need a proof, oldest first inside each group.
 */
class ClaimOrderTest {
    private static final Instant T0 = Instant.parse("2026-12-04T12:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(1);

    private final InMemoryJobStore store = new InMemoryJobStore();

    private long enqueue(String kind, String key, Instant at) {
        return store.enqueue(new NewJob(kind, key, "{}"), at).job().id();
    }

    @Test
    void aFreezeAndAnAnchorAreClaimedBeforeOlderClaimsThatStillNeedTheirProof() {
        long runClaim = enqueue(RunClaimHandler.KIND, "run-claim:1", T0);
        long emissions = enqueue(EmissionsClaimHandler.KIND, "emissions-claim:1", T0.plusSeconds(1));
        long freeze = enqueue(FreezeHandler.KIND, "freeze:1", T0.plusSeconds(2));
        long anchor = enqueue(AnchorBatchHandler.KIND, "anchor-batch:1", T0.plusSeconds(3));
        Instant now = T0.plusSeconds(4);
        assertThat(store.claimDue("r", now, 1, LEASE)).extracting(Job::id).containsExactly(freeze);
        assertThat(store.claimDue("r", now, 3, LEASE)).extracting(Job::id).containsExactly(anchor, runClaim, emissions);
    }

    @Test
    void aProvenClaimWaitingToBeSentIsChainWork() {
        long older = enqueue(RunClaimHandler.KIND, "run-claim:older", T0);
        long proven = enqueue(RunClaimHandler.KIND, "run-claim:proven", T0.plusSeconds(1));
        Instant now = T0.plusSeconds(2);
        assertThat(store.claimDue("p", now, 2, Duration.ofMillis(1))).extracting(Job::id).containsExactly(older, proven);
        store.recordProof(proven, "p", "{}", now);
        Instant later = now.plusSeconds(1);
        assertThat(store.claimDue("r", later, 1, LEASE)).extracting(Job::id).containsExactly(proven);
        assertThat(store.claimDue("r", later, 1, LEASE)).extracting(Job::id).containsExactly(older);
    }
}
