package io.sensorproof.oracle.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sensorproof.protocol.retry.Backoff;
import io.sensorproof.oracle.chain.BroadcastOutcome;
import io.sensorproof.oracle.chain.ChainDeployer;
import io.sensorproof.oracle.chain.Deployment;
import io.sensorproof.oracle.chain.DeploymentPlan;
import io.sensorproof.oracle.chain.SignedTransaction;
import io.sensorproof.oracle.chain.TransactionSigner;
import io.sensorproof.oracle.chain.Web3jChainClient;
import io.sensorproof.oracle.contracts.AnchorRegistry;
import io.sensorproof.oracle.testing.AnchorBatchJobs;
import io.sensorproof.oracle.testing.AnvilExtension;
import io.sensorproof.oracle.testing.ChainAssertions;
import io.sensorproof.oracle.testing.TcpProxy;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.http.HttpService;

/**
 * The runner on a real anvil with a real job kind ({@link AnchorBatchJobs}: {@code anchorBatch} on
 * the deployed AnchorRegistry): a worker killed after signing or after broadcasting, a chain that
 * lost its last blocks, contract refusals at estimation and on chain, and a node that cannot be
 * reached for a while. "One transaction per job" is counted as the oracle account's nonce on chain.
 */
class JobRunnerAnvilIT {
    @RegisterExtension
    static final AnvilExtension ANVIL = new AnvilExtension();

    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final AtomicLong BATCH = new AtomicLong(1);
    private static Deployment deployment;
    private static Credentials oracle;
    private static AnchorRegistry registry;

    private final InMemoryJobStore store = new InMemoryJobStore();
    private final List<JobRunner> runners = new ArrayList<>();
    private final List<Web3j> clients = new ArrayList<>();

    @BeforeAll
    static void deploy() {
        oracle = ANVIL.account(1);
        DeploymentPlan plan = new DeploymentPlan(ANVIL.chainId(), List.of(oracle.getAddress()), List.of(), List.of(),
                List.of(), 3600, "");
        deployment = new ChainDeployer(ANVIL.web3j(), ANVIL.account(0), line -> { }).deploy(plan);
        registry = AnchorRegistry.load(deployment.address("AnchorRegistry"), ANVIL.web3j(),
                ChainAssertions.txManager(ANVIL, ANVIL.account(0)), ChainAssertions.GAS);
    }

    @AfterEach
    void stopRunners() {
        runners.forEach(JobRunner::close);
        clients.forEach(Web3j::shutdown);
    }

    /** A thrown Error kills the worker thread where it is, as a crash would. */
    private static final class Crash extends Error {
        Crash(String where) {
            super("simulated crash " + where);
        }
    }

    private JobRunner runner(String owner, String rpcUrl, JobEvents events) {
        Web3j web3j = Web3j.build(new HttpService(rpcUrl));
        clients.add(web3j);
        Web3jChainClient chain = new Web3jChainClient(web3j, ChainAssertions.decoder(), 125, 2,
                new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), RandomGenerator.getDefault()));
        JobRunnerSettings settings = new JobRunnerSettings(owner, 2, LEASE, Duration.ofMillis(50), 1,
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), RandomGenerator.getDefault()), 5, Duration.ofMinutes(10));
        JobRunner runner = new JobRunner(store, chain, new TransactionSigner(oracle, ANVIL.chainId()),
                List.of(new AnchorBatchJobs(deployment.address("AnchorRegistry"))), settings, Clock.systemUTC(), events);
        runners.add(runner);
        runner.start();
        return runner;
    }

    private JobRunner runner(String owner, JobEvents events) {
        return runner(owner, ANVIL.rpcUrl(), events);
    }

    private static long chainNonce() throws IOException {
        return ANVIL.web3j().ethGetTransactionCount(oracle.getAddress(), DefaultBlockParameterName.LATEST).send()
                .getTransactionCount().longValueExact();
    }

    private long enqueue(NewJob job) {
        return store.enqueue(job, Clock.systemUTC().instant()).job().id();
    }

    private Job job(long id) {
        return store.find(id).orElseThrow();
    }

    /** Waits for a condition; the simulated crashes are uncaught on purpose, so Awaitility must not fail on them. */
    private static org.awaitility.core.ConditionFactory waiting(int seconds) {
        return await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(seconds));
    }

    private void awaitState(long id, JobState state) {
        waiting(30).untilAsserted(() -> assertThat(job(id).state()).isEqualTo(state));
    }

    private static BigInteger anchoredRoot(long batchId) throws Exception {
        return registry.batch(BigInteger.valueOf(batchId)).send().root;
    }

    private static void automine(boolean on) throws IOException {
        new Request<>("evm_setAutomine", List.of(on), new HttpService(ANVIL.rpcUrl()), AnvilExtension.RawResponse.class).send();
    }

    /**
     * The runner's other worker resumes the job once the dead worker's lease runs out; it reconciled at
     * start, before the job existed, so only the resume path itself can keep the job to one transaction.
     */
    @Test
    void aWorkerKilledAfterSigningIsResumedWithTheStoredTransactionOnly() throws Exception {
        long before = chainNonce();
        long batch = BATCH.getAndIncrement();
        long id = enqueue(AnchorBatchJobs.job(batch, BigInteger.valueOf(1000 + batch)));
        java.util.concurrent.atomic.AtomicBoolean crashed = new java.util.concurrent.atomic.AtomicBoolean();
        List<SignedTransaction> signatures = new java.util.concurrent.CopyOnWriteArrayList<>();
        JobRunner runner = runner("dies-after-signing", new JobEvents() {
            @Override
            public void signed(Job job) {
                signatures.add(job.transaction().orElseThrow());
                if (crashed.compareAndSet(false, true)) {
                    throw new Crash("after signing");
                }
            }
        });
        waiting(30).until(() -> runner.liveWorkers() == 1);
        SignedTransaction stored = job(id).transaction().orElseThrow();

        awaitState(id, JobState.CONFIRMED);
        assertThat(signatures).containsExactly(stored);
        assertThat(job(id).transaction()).contains(stored);
        assertThat(chainNonce()).as("one transaction for the job").isEqualTo(before + 1);
        assertThat(anchoredRoot(batch)).isEqualTo(BigInteger.valueOf(1000 + batch));
        assertThat(ANVIL.web3j().ethGetTransactionReceipt(stored.hash()).send().getTransactionReceipt()).isPresent();
    }

    @Test
    void aWorkerKilledAfterSigningIsResumedByAReplicaStartedLater() throws Exception {
        long before = chainNonce();
        long batch = BATCH.getAndIncrement();
        long id = enqueue(AnchorBatchJobs.job(batch, BigInteger.valueOf(1500 + batch)));
        JobRunner dying = runner("dies-after-signing-too", new JobEvents() {
            @Override
            public void signed(Job job) {
                throw new Crash("after signing");
            }
        });
        waiting(30).until(() -> job(id).state() == JobState.SUBMITTED);
        SignedTransaction stored = job(id).transaction().orElseThrow();
        waiting(10).until(() -> dying.liveWorkers() == 1);
        dying.close();

        runner("resumes", JobEvents.NONE);
        awaitState(id, JobState.CONFIRMED);
        assertThat(job(id).transaction()).contains(stored);
        assertThat(chainNonce()).as("one transaction for the job").isEqualTo(before + 1);
        assertThat(anchoredRoot(batch)).isEqualTo(BigInteger.valueOf(1500 + batch));
    }

    @Test
    void aWorkerKilledAfterBroadcastBeforeTheReceiptIsResumedWithoutASecondTransaction() throws Exception {
        long before = chainNonce();
        long batch = BATCH.getAndIncrement();
        long id = enqueue(AnchorBatchJobs.job(batch, BigInteger.valueOf(2000 + batch)));
        List<BroadcastOutcome> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
        JobRunner dying = runner("dies-after-broadcast", new JobEvents() {
            @Override
            public void broadcast(Job job, BroadcastOutcome outcome) {
                outcomes.add(outcome);
                throw new Crash("after broadcast");
            }
        });
        waiting(30).until(() -> !outcomes.isEmpty());
        dying.close();
        assertThat(job(id).state()).isEqualTo(JobState.SUBMITTED);

        runner("resumes", JobEvents.NONE);
        awaitState(id, JobState.CONFIRMED);
        assertThat(chainNonce()).as("one transaction for the job").isEqualTo(before + 1);
        assertThat(anchoredRoot(batch)).isEqualTo(BigInteger.valueOf(2000 + batch));
    }

    @Test
    void aConfirmedJobWhoseBlockTheChainLostIsSentAgainAndConfirmed() throws Exception {
        long batch = BATCH.getAndIncrement();
        JobRunner first = runner("before-reset", JobEvents.NONE);
        String snapshot = ANVIL.snapshot();
        long before = chainNonce();
        long id = enqueue(AnchorBatchJobs.job(batch, BigInteger.valueOf(3000 + batch)));
        awaitState(id, JobState.CONFIRMED);
        SignedTransaction tx = job(id).transaction().orElseThrow();
        first.close();

        ANVIL.revertTo(snapshot);
        assertThat(chainNonce()).isEqualTo(before);
        assertThat(ANVIL.web3j().ethGetTransactionReceipt(tx.hash()).send().getTransactionReceipt()).isEmpty();

        List<Job> rebroadcast = new java.util.concurrent.CopyOnWriteArrayList<>();
        runner("after-reset", new JobEvents() {
            @Override
            public void broadcast(Job job, BroadcastOutcome outcome) {
                rebroadcast.add(job);
            }
        });
        waiting(30).untilAsserted(() -> {
            assertThat(ANVIL.web3j().ethGetTransactionReceipt(tx.hash()).send().getTransactionReceipt()).isPresent();
            assertThat(job(id).state()).isEqualTo(JobState.CONFIRMED);
        });
        assertThat(rebroadcast).extracting(Job::id).contains(id);
        assertThat(job(id).transaction()).contains(tx);
        assertThat(chainNonce()).isEqualTo(before + 1);
        assertThat(anchoredRoot(batch)).isEqualTo(BigInteger.valueOf(3000 + batch));
    }

    @Test
    void aRevertAtEstimationFailsWithTheDecodedErrorAndSendsNothing() throws Exception {
        long before = chainNonce();
        long id = enqueue(AnchorBatchJobs.job(BATCH.getAndIncrement(), BigInteger.ZERO));
        runner("estimates", JobEvents.NONE);
        awaitState(id, JobState.FAILED);
        assertThat(job(id).failure().orElseThrow().code()).isEqualTo("REVERTED:RootOutOfField");
        assertThat(job(id).transaction()).isEmpty();
        assertThat(chainNonce()).isEqualTo(before);
    }

    @Test
    @Disabled("flaky (1 of 3 runs on the loaded machine): with automine off the second job's estimate can see the "
            + "first job's pooled transaction and revert at estimation, so both never reach SUBMITTED; needs a "
            + "deterministic way to make a mined transaction revert (JobRunnerTest covers the runner's handling)")
    void aTransactionMinedAsARevertFailsWithTheReasonReplayedAtItsBlock() throws Exception {
        long batch = BATCH.getAndIncrement();
        long before = chainNonce();
        automine(false);
        try {
            long a = enqueue(new NewJob(AnchorBatchJobs.KIND, "conflict-a:" + batch, AnchorBatchJobs.job(batch,
                    BigInteger.valueOf(4000 + batch)).payload()));
            long b = enqueue(new NewJob(AnchorBatchJobs.KIND, "conflict-b:" + batch, AnchorBatchJobs.job(batch,
                    BigInteger.valueOf(5000 + batch)).payload()));
            runner("conflicts", JobEvents.NONE);
            waiting(30).until(() -> job(a).state() == JobState.SUBMITTED
                    && job(b).state() == JobState.SUBMITTED);
            ANVIL.mine();
        } finally {
            automine(true);
        }
        waiting(30).until(() -> store.withNonceFrom(oracle.getAddress(), before).stream()
                .allMatch(j -> j.state().terminal()));
        List<Job> jobs = store.withNonceFrom(oracle.getAddress(), before);
        assertThat(jobs).extracting(Job::state).containsExactly(JobState.CONFIRMED, JobState.FAILED);
        assertThat(jobs.get(1).failure().orElseThrow().code()).isEqualTo("REVERTED:BatchAlreadyAnchored");
        assertThat(chainNonce()).as("the reverted transaction consumed its nonce").isEqualTo(before + 2);
    }

    @Test
    void jobsWaitWhileTheNodeCannotBeReachedAndCompleteWhenItIsBack() throws Exception {
        URI anvil = URI.create(ANVIL.rpcUrl());
        try (TcpProxy proxy = new TcpProxy(anvil.getHost(), anvil.getPort())) {
            proxy.start();
            proxy.cut();
            long before = chainNonce();
            long batch = BATCH.getAndIncrement();
            long id = enqueue(AnchorBatchJobs.job(batch, BigInteger.valueOf(6000 + batch)));
            runner("behind-proxy", proxy.httpUrl(), JobEvents.NONE);
            waiting(30).until(() -> proxy.refused() >= 10);
            assertThat(job(id).state()).isEqualTo(JobState.ASSEMBLED);
            assertThat(job(id).transaction()).isEmpty();
            assertThat(job(id).failure()).isEmpty();

            proxy.restore();
            awaitState(id, JobState.CONFIRMED);
            assertThat(chainNonce()).isEqualTo(before + 1);
            assertThat(anchoredRoot(batch)).isEqualTo(BigInteger.valueOf(6000 + batch));
        }
    }
}
