package io.sensorproof.gateway.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.protocol.retry.Backoff;
import io.sensorproof.oracle.chain.ChainDeployer;
import io.sensorproof.oracle.chain.Deployment;
import io.sensorproof.oracle.chain.DeploymentPlan;
import io.sensorproof.oracle.chain.RevertDecoder;
import io.sensorproof.oracle.chain.SignedTransaction;
import io.sensorproof.oracle.chain.TransactionSigner;
import io.sensorproof.oracle.chain.Web3jChainClient;
import io.sensorproof.oracle.contracts.AnchorRegistry;
import io.sensorproof.oracle.jobs.Enqueued;
import io.sensorproof.oracle.jobs.ClaimOrder;
import io.sensorproof.oracle.jobs.Job;
import io.sensorproof.oracle.jobs.JobBacklog;
import io.sensorproof.oracle.jobs.JobEvents;
import io.sensorproof.oracle.jobs.JobException;
import io.sensorproof.oracle.jobs.JobFailure;
import io.sensorproof.oracle.jobs.JobRunner;
import io.sensorproof.oracle.jobs.JobRunnerSettings;
import io.sensorproof.oracle.jobs.JobState;
import io.sensorproof.oracle.jobs.NewJob;
import io.sensorproof.oracle.jobs.kinds.FreezeHandler;
import io.sensorproof.oracle.jobs.kinds.RunClaimHandler;
import io.sensorproof.oracle.testing.AnchorBatchJobs;
import io.sensorproof.oracle.testing.AnvilExtension;
import io.sensorproof.oracle.testing.ChainAssertions;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.http.HttpService;

/**
 * {@link PgJobStore} on the embedded PostgreSQL: idempotent enqueue, leases, and two replicas (two
 * store instances and two runners sharing one oracle account) on 50 real jobs on anvil: each job done
 * once, nonces 0..49 with no gap and no clash, and exactly 50 transactions on chain.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class PgJobStoreIT {
    private static final AnvilExtension ANVIL = new AnvilExtension();
    private static Deployment deployment;

    @Inject
    DataSource dataSource;

    @Inject
    OracleMetrics metrics;

    @Inject
    MeterRegistry meters;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @BeforeAll
    static void startChain() throws Exception {
        ANVIL.start();
        DeploymentPlan plan = new DeploymentPlan(ANVIL.chainId(), List.of(oracle().getAddress()), List.of(), List.of(),
                List.of(), 3600, "");
        deployment = new ChainDeployer(ANVIL.web3j(), ANVIL.account(0), line -> { }).deploy(plan);
    }

    @AfterAll
    static void stopChain() {
        ANVIL.stop();
    }

    private static Credentials oracle() {
        return ANVIL.account(2);
    }

    /**
     * The backlog gauges read the true counts: jobs of two kinds of this run put in several states in
     * PostgreSQL (not due, so no other test's runner claims them), then one refresh of {@link OracleMetrics}.
     */
    @Test
    void backlogGaugesReadTheTrueCountsFromPostgreSQL() throws Exception {
        PgJobStore store = new PgJobStore(dataSource);
        String kindA = "metrics-a-" + run;
        String kindB = "metrics-b-" + run;
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(store.enqueue(new NewJob(kindA, kindA + ":" + i, "{}"), now.minusSeconds(600 - i * 100L)).job().id());
        }
        for (int i = 0; i < 4; i++) {
            ids.add(store.enqueue(new NewJob(kindB, kindB + ":" + i, "{}"), now.minusSeconds(60 + i)).job().id());
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            String all = ids.stream().map(String::valueOf).collect(Collectors.joining(","));
            s.executeUpdate("UPDATE oracle_jobs SET next_attempt_at = '9999-01-01Z' WHERE id IN (" + all + ")");
            s.executeUpdate("UPDATE oracle_jobs SET state = 'PROVED', proof = '{}' WHERE id = " + ids.get(0));
            s.executeUpdate("UPDATE oracle_jobs SET state = 'FAILED', failure_code = 'TEST', failure_message = 'test' WHERE id IN ("
                    + ids.get(3) + "," + ids.get(4) + ")");
        }
        try {
            metrics.refresh();

            assertThat(gauge(kindA, "ASSEMBLED")).isEqualTo(2);
            assertThat(gauge(kindA, "PROVED")).isEqualTo(1);
            assertThat(gauge(kindA, "SUBMITTED")).isZero();
            assertThat(gauge(kindB, "ASSEMBLED")).as("the failed jobs are not backlog").isEqualTo(2);
            assertThat(meters.get("sensorproof.oracle.jobs.oldest.age").tag("kind", kindA).gauge().value())
                    .as("the oldest of kind A was enqueued 600 s ago").isBetween(600.0, 900.0);
            assertThat(meters.get("sensorproof.oracle.jobs.oldest.age").tag("kind", kindB).gauge().value())
                    .as("the oldest unfinished of kind B was enqueued 62 s ago").isBetween(62.0, 362.0);
            List<Job> jobs = ids.stream().map(id -> store.find(id).orElseThrow()).toList();
            JobBacklog expected = JobBacklog.of(jobs);
            JobBacklog read = store.backlog();
            for (String kind : List.of(kindA, kindB)) {
                for (JobState state : JobState.values()) {
                    assertThat(read.count(kind, state)).as("%s %s", kind, state).isEqualTo(expected.count(kind, state));
                }
                assertThat(read.oldestAge(kind, now)).isEqualTo(expected.oldestAge(kind, now));
            }
        } finally {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE oracle_jobs SET state = 'FAILED', failure_code = 'TEST', failure_message = 'test', proof = NULL"
                        + " WHERE kind IN ('" + kindA + "', '" + kindB + "')");
            }
        }
    }

    /** The runner's hooks count by kind: signed transactions, retries, confirmed and failed jobs, and the failure's code. */
    @Test
    void jobEventsCountByKindOutcomeAndFailureCode() {
        PgJobStore store = new PgJobStore(dataSource);
        String kind = "metrics-events-" + run;
        Job job = store.enqueue(new NewJob(kind, kind + ":1", "{}"), t0).job();
        Job confirmed = new Job(job.id(), kind, job.idempotencyKey(), "{}", JobState.CONFIRMED, 0, t0, Optional.empty(),
                Optional.empty(), OptionalLong.of(7), Optional.empty(), 1, Optional.of("{}"), Optional.empty(), Optional.empty(), t0, t0);
        Job failed = new Job(job.id(), kind, job.idempotencyKey(), "{}", JobState.FAILED, 1, t0, Optional.empty(), Optional.empty(),
                OptionalLong.empty(), Optional.empty(), 0, Optional.empty(), Optional.of(new JobFailure("REVERTED:AlreadyMinted", "x")),
                Optional.empty(), t0, t0);
        JobEvents events = metrics.jobEvents();

        events.signed(job);
        events.retrying(job, new IllegalStateException("node away"));
        events.finished(confirmed);
        events.finished(failed);
        events.finished(failed);

        assertThat(meters.get("sensorproof.oracle.transactions.signed").tag("kind", kind).counter().count()).isEqualTo(1);
        assertThat(meters.get("sensorproof.oracle.jobs.retries").tag("kind", kind).counter().count()).isEqualTo(1);
        assertThat(meters.get("sensorproof.oracle.jobs.finished").tag("kind", kind).tag("outcome", "confirmed").counter().count())
                .isEqualTo(1);
        assertThat(meters.get("sensorproof.oracle.jobs.finished").tag("kind", kind).tag("outcome", "failed").counter().count())
                .isEqualTo(2);
        assertThat(meters.get("sensorproof.oracle.jobs.failures").tag("kind", kind).tag("code", "REVERTED:AlreadyMinted").counter()
                .count()).isEqualTo(2);
        assertThat(meters.get("sensorproof.oracle.jobs.finished").tag("kind", "freeze").tag("outcome", "failed").counter().count())
                .as("registered with zero at start").isZero();
    }

    private double gauge(String kind, String state) {
        return meters.get("sensorproof.oracle.jobs.backlog").tag("kind", kind).tag("state", state).gauge().value();
    }

    @Test
    void enqueueingTheSameKeyTwiceGivesOneJob() {
        PgJobStore store = new PgJobStore(dataSource);
        Enqueued first = store.enqueue(new NewJob("anchor-batch", "anchor-batch:" + run, "{\"batchId\": 1}"), t0);
        Enqueued again = store.enqueue(new NewJob("anchor-batch", "anchor-batch:" + run, "{\"batchId\": 2}"), t0);
        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.job().id()).isEqualTo(first.job().id());
        assertThat(again.job().payload()).contains("1");
        assertThat(again.job().state()).isEqualTo(JobState.ASSEMBLED);
        assertThat(store.findByKey("anchor-batch:" + run)).contains(first.job());
    }

    @Test
    void aPayloadThatIsNotJsonIsRefusedWithItsCode() {
        PgJobStore store = new PgJobStore(dataSource);
        assertThatThrownBy(() -> store.enqueue(new NewJob("anchor-batch", "bad:" + run, "{not json"), t0))
                .isInstanceOfSatisfying(JobException.class, e -> assertThat(e.code()).isEqualTo(JobException.Code.INVALID_JOB));
    }

    /**
     * {@link io.sensorproof.oracle.jobs.ClaimOrder}: a due freeze is claimed before an older claim that still needs
     * its proof (the oracle benchmark's freezes waited behind hundreds of proofs until their evidence was stale),
     * and a proven claim waiting to be sent is chain work too.
     */
    @Test
    void chainWorkIsClaimedBeforeOlderJobsThatStillNeedAProof() {
        PgJobStore store = new PgJobStore(dataSource);
        Instant far = t0.plus(Duration.ofDays(7300));
        // every other test's job due by then is leased away for good, so the claims below see this test's jobs only
        store.claimDue("others-" + run, far, 10_000, Duration.ofDays(36_500));
        long claim = store.enqueue(new NewJob(RunClaimHandler.KIND, "order-claim:" + run, "{}"), far).job().id();
        long freeze = store.enqueue(new NewJob(FreezeHandler.KIND, "order-freeze:" + run, "{}"), far.plusSeconds(1)).job().id();
        long proven = store.enqueue(new NewJob(RunClaimHandler.KIND, "order-proven:" + run, "{}"), far.plusSeconds(2)).job().id();
        Instant now = far.plusSeconds(3);
        // the third job is proven and self-verified: what is left is chain work
        PgJobStore setup = new PgJobStore(dataSource);
        assertThat(setup.claimDue("p-" + run, now, 3, Duration.ofMillis(1))).extracting(Job::id).contains(proven);
        setup.recordProof(proven, "p-" + run, "{}", now);
        setup.recordSelfVerified(proven, "p-" + run, now);
        Instant later = now.plusSeconds(1);
        // a chain worker's claim (ClaimOrder.Scope.CHAIN_WORK) takes the chain work and never the claim to prove
        assertThat(store.claimDue("c-" + run, later, 10, Duration.ofMillis(1), ClaimOrder.Scope.CHAIN_WORK))
                .extracting(Job::id).containsExactly(freeze, proven);
        Instant after = later.plusSeconds(1);
        assertThat(store.claimDue("c-" + run, after, 10, Duration.ofMillis(1), ClaimOrder.Scope.CHAIN_WORK))
                .extracting(Job::id).doesNotContain(claim);
        Instant last = after.plusSeconds(1);
        assertThat(store.claimDue("o-" + run, last, 1, Duration.ofMinutes(1))).extracting(Job::id).containsExactly(freeze);
        assertThat(store.claimDue("o-" + run, last, 1, Duration.ofMinutes(1))).extracting(Job::id).containsExactly(proven);
        assertThat(store.claimDue("o-" + run, last, 1, Duration.ofMinutes(1))).extracting(Job::id).containsExactly(claim);
    }

    @Test
    void aLeaseIsExclusiveUntilItRunsOutAndTheFormerOwnerCanNoLongerMoveTheJob() {
        PgJobStore a = new PgJobStore(dataSource);
        PgJobStore b = new PgJobStore(dataSource);
        Instant future = t0.plus(Duration.ofDays(3650));
        long id = a.enqueue(new NewJob("echo", "lease:" + run, "{}"), future).job().id();
        Instant later = future.plusSeconds(1);
        assertThat(a.claimDue("a-" + run, later, 100, Duration.ofSeconds(30))).extracting(Job::id).contains(id);
        assertThat(b.claimDue("b-" + run, later.plusSeconds(10), 100, Duration.ofSeconds(30))).extracting(Job::id)
                .doesNotContain(id);
        assertThat(b.claimDue("b-" + run, later.plusSeconds(31), 100, Duration.ofSeconds(30))).extracting(Job::id)
                .contains(id);
        assertThatThrownBy(() -> a.recordProof(id, "a-" + run, "{}", later.plusSeconds(32)))
                .isInstanceOfSatisfying(JobException.class, e -> assertThat(e.code()).isEqualTo(JobException.Code.LEASE_LOST));
        assertThat(b.recordProof(id, "b-" + run, "{\"p\": 1}", later.plusSeconds(32)).state()).isEqualTo(JobState.PROVED);
    }

    @Test
    void twoReplicasSharingTheOracleAccountDoFiftyJobsOnceEachWithNoncesWithoutGapOrClash() throws Exception {
        int jobs = 50;
        long before = ANVIL.web3j().ethGetTransactionCount(oracle().getAddress(), DefaultBlockParameterName.LATEST).send()
                .getTransactionCount().longValueExact();
        PgJobStore enqueuer = new PgJobStore(dataSource);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            ids.add(enqueuer.enqueue(new NewJob(AnchorBatchJobs.KIND, "two-replicas:" + run + ":" + i,
                    AnchorBatchJobs.job(100 + i, BigInteger.valueOf(7000 + i)).payload()), Instant.now()).job().id());
        }
        Map<Long, List<String>> signedBy = new ConcurrentHashMap<>();
        List<JobRunner> runners = new ArrayList<>();
        List<Web3j> clients = new ArrayList<>();
        try {
            for (String replica : List.of("replica-a", "replica-b")) {
                Web3j web3j = Web3j.build(new HttpService(ANVIL.rpcUrl()));
                clients.add(web3j);
                JobRunner runner = new JobRunner(new PgJobStore(dataSource),
                        new Web3jChainClient(web3j, RevertDecoder.forCompiledContracts(), 125, 3,
                                new Backoff(Duration.ofMillis(50), Duration.ofMillis(500), RandomGenerator.getDefault())),
                        new TransactionSigner(oracle(), ANVIL.chainId()),
                        List.of(new AnchorBatchJobs(deployment.address("AnchorRegistry"))),
                        new JobRunnerSettings(replica + "-" + run, 3, Duration.ofSeconds(30), Duration.ofMillis(50), 1,
                                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), RandomGenerator.getDefault()), 5, Duration.ofMinutes(10)),
                        Clock.systemUTC(), new JobEvents() {
                            @Override
                            public void signed(Job job) {
                                signedBy.computeIfAbsent(job.id(), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(replica);
                            }
                        });
                runners.add(runner);
                runner.start();
            }
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(ids.stream()
                    .map(id -> enqueuer.find(id).orElseThrow().state())).containsOnly(JobState.CONFIRMED));
        } finally {
            runners.forEach(JobRunner::close);
            clients.forEach(Web3j::shutdown);
        }
        List<Job> done = ids.stream().map(id -> enqueuer.find(id).orElseThrow()).toList();
        assertThat(signedBy).hasSize(jobs);
        assertThat(signedBy.values()).allSatisfy(replicas -> assertThat(replicas).hasSize(1));
        assertThat(done.stream().map(j -> j.transaction().orElseThrow().nonce()).sorted().toList())
                .containsExactlyElementsOf(LongStream.range(before, before + jobs).boxed().toList());
        assertThat(done.stream().map(j -> j.transaction().orElseThrow().hash()).distinct()).hasSize(jobs);
        long after = ANVIL.web3j().ethGetTransactionCount(oracle().getAddress(), DefaultBlockParameterName.LATEST).send()
                .getTransactionCount().longValueExact();
        assertThat(after - before).as("transactions of the oracle account on chain").isEqualTo(jobs);
        for (Job j : done) {
            SignedTransaction tx = j.transaction().orElseThrow();
            assertThat(ANVIL.web3j().ethGetTransactionReceipt(tx.hash()).send().getTransactionReceipt())
                    .hasValueSatisfying(r -> assertThat(r.isStatusOK()).isTrue());
        }
        AnchorRegistry registry = AnchorRegistry.load(deployment.address("AnchorRegistry"), ANVIL.web3j(),
                ChainAssertions.txManager(ANVIL, ANVIL.account(0)), ChainAssertions.GAS);
        // batchOfRoot (two plain values): web3j's struct decoding of batch() fails under Quarkus' test class loader
        for (int i = 0; i < jobs; i++) {
            var anchored = registry.batchOfRoot(BigInteger.valueOf(7000 + i)).send();
            assertThat(anchored.component1()).isTrue();
            assertThat(anchored.component2()).isEqualTo(BigInteger.valueOf(100 + i));
        }
        assertThat(new PgJobStore(dataSource).nextNonce(oracle().getAddress())).isEqualTo(before + jobs);
    }
}
