package io.sensorproof.oracle.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sensorproof.protocol.retry.Backoff;
import io.sensorproof.oracle.chain.BroadcastOutcome;
import io.sensorproof.oracle.chain.ChainException;
import io.sensorproof.oracle.chain.ChainRevert;
import io.sensorproof.oracle.chain.ContractCall;
import io.sensorproof.oracle.chain.SignedTransaction;
import io.sensorproof.oracle.chain.TransactionSigner;
import io.sensorproof.oracle.jobs.kinds.RunClaimHandler;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/**
 * The runner's state machine against {@link FakeChain} and the {@link InMemoryJobStore}, one step
 * at a time on the test thread ({@link JobRunner#runOnce()}), with a clock moved by hand.
 */
class JobRunnerTest {
    private static final String REGISTRY = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
    private static final Credentials KEY = Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    private static final Duration LEASE = Duration.ofSeconds(30);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T12:00:00Z"));
    private final InMemoryJobStore store = new InMemoryJobStore();
    private final FakeChain chain = new FakeChain();
    private final TransactionSigner signer = new TransactionSigner(KEY, 31337);

    /** A proof-free kind whose call data is the payload, hex-encoded. */
    private static final class Echo implements JobHandler {
        @Override
        public String kind() {
            return "echo";
        }

        @Override
        public ContractCall call(Job job) {
            return ContractCall.of(REGISTRY, "0x" + java.util.HexFormat.of().formatHex(job.payload().getBytes()));
        }
    }

    /** A kind with proof steps; the proof "verifies" unless the payload says otherwise. */
    private static final class Proved implements JobHandler {
        final List<String> steps = new ArrayList<>();

        @Override
        public String kind() {
            return "proved";
        }

        @Override
        public boolean needsProof() {
            return true;
        }

        @Override
        public String prove(Job job) {
            steps.add("prove");
            return "{\"proof\":\"" + job.payload().length() + "\"}";
        }

        @Override
        public void selfVerify(Job job) {
            steps.add("verify");
            if (job.payload().contains("bad")) {
                throw new JobException(JobException.Code.SELF_VERIFY_FAILED, "the Java verifier rejects the proof");
            }
        }

        @Override
        public ContractCall call(Job job) {
            steps.add("call");
            return ContractCall.of(REGISTRY, "0x01");
        }
    }

    private JobRunner runner(String owner, JobEvents events) {
        JobRunnerSettings settings = new JobRunnerSettings(owner, 1, LEASE, Duration.ofMillis(100), 1,
                new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), RandomGenerator.getDefault()), 3, Duration.ofMinutes(1));
        return new JobRunner(store, chain, signer, List.of(new Echo(), new Proved()), settings, clock, events);
    }

    private Job job(long id) {
        return store.find(id).orElseThrow();
    }

    private long enqueue(String kind, String key, String payload) {
        return store.enqueue(new NewJob(kind, key, payload), clock.instant()).job().id();
    }

    private static final class Crash extends Error {
        Crash(String where) {
            super("simulated crash " + where);
        }
    }

    @Test
    void enqueueingTheSameKeyTwiceGivesOneJob() {
        Enqueued first = store.enqueue(new NewJob("echo", "anchor-batch:7", "{}"), clock.instant());
        Enqueued second = store.enqueue(new NewJob("echo", "anchor-batch:7", "{\"other\":1}"), clock.instant());
        assertThat(first.created()).isTrue();
        assertThat(second.created()).isFalse();
        assertThat(second.job().id()).isEqualTo(first.job().id());
        assertThat(second.job().payload()).isEqualTo("{}");
    }

    @Test
    void aProofFreeJobIsSignedSentAndConfirmedWithOneTransaction() {
        long id = enqueue("echo", "k1", "{\"a\":1}");
        assertThat(runner("r1", JobEvents.NONE).runOnce()).isTrue();
        Job done = job(id);
        assertThat(done.state()).isEqualTo(JobState.CONFIRMED);
        assertThat(done.transaction()).hasValueSatisfying(tx -> assertThat(tx.nonce()).isZero());
        assertThat(done.result()).hasValueSatisfying(r -> assertThat(r).contains(done.transaction().orElseThrow().hash()));
        assertThat(chain.broadcasts).hasSize(1);
        assertThat(store.nextNonce(signer.account())).isEqualTo(1);
    }

    @Test
    void aProvedKindGoesThroughProvedAndSelfVerifiedBeforeSigning() {
        JobRunnerSettings settings = new JobRunnerSettings("r1", 1, LEASE, Duration.ofMillis(100), 1,
                new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), RandomGenerator.getDefault()), 3, Duration.ofMinutes(1));
        Proved proved = new Proved();
        List<JobState> seen = new ArrayList<>();
        JobStore recording = new RecordingStore(store, seen);
        JobRunner r = new JobRunner(recording, chain, signer, List.of(proved), settings, clock, JobEvents.NONE);
        long id = enqueue("proved", "p1", "{}");
        r.runOnce();
        assertThat(job(id).state()).isEqualTo(JobState.CONFIRMED);
        assertThat(job(id).proof()).contains("{\"proof\":\"2\"}");
        assertThat(proved.steps).containsExactly("prove", "verify", "call");
        assertThat(seen).containsExactly(JobState.PROVED, JobState.SELF_VERIFIED, JobState.SUBMITTED, JobState.CONFIRMED);
    }

    @Test
    void aProofTheJavaVerifierRejectsFailsTheJobAndNothingIsSent() {
        long id = enqueue("proved", "p-bad", "{\"bad\":true}");
        runner("r1", JobEvents.NONE).runOnce();
        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).failure().orElseThrow().code()).isEqualTo("SELF_VERIFY_FAILED");
        assertThat(chain.broadcasts).isEmpty();
        assertThat(store.nextNonce(signer.account())).isZero();
    }

    @Test
    void aRevertAtEstimationFailsTheJobWithTheDecodedErrorAndConsumesNoNonce() {
        chain.revertAtEstimate = new ChainRevert("RootOutOfField", "RootOutOfField(uint256)", List.of(BigInteger.ZERO), "0x");
        long id = enqueue("echo", "k-rev", "{}");
        runner("r1", JobEvents.NONE).runOnce();
        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).failure().orElseThrow().code()).isEqualTo("REVERTED:RootOutOfField");
        assertThat(job(id).transaction()).isEmpty();
        assertThat(chain.broadcasts).isEmpty();
        assertThat(store.nextNonce(signer.account())).isZero();
        clock.advance(Duration.ofHours(1));
        assertThat(runner("r1", JobEvents.NONE).runOnce()).as("a failed job is never claimed again").isFalse();
    }

    @Test
    void aTransactionMinedAsARevertFailsWithTheReplayedReasonAndKeepsItsNonce() {
        long id = enqueue("echo", "k-chain-rev", "{}");
        JobRunner r = runner("r1", new JobEvents() {
            @Override
            public void signed(Job job) {
                if (job.id() == id) {
                    chain.revertOnChain.add(job.transaction().orElseThrow().hash());
                }
            }
        });
        r.runOnce();
        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).failure().orElseThrow().code()).isEqualTo("REVERTED:BatchAlreadyAnchored");
        assertThat(store.nextNonce(signer.account())).isEqualTo(1);
        long next = enqueue("echo", "k-after", "{}");
        r.runOnce();
        assertThat(job(next).transaction().orElseThrow().nonce()).isEqualTo(1);
        assertThat(job(next).state()).isEqualTo(JobState.CONFIRMED);
    }

    @Test
    void aTransportErrorKeepsTheJobInItsStateAndItCompletesWhenTheNodeIsBack() {
        long id = enqueue("echo", "k-down", "{}");
        chain.down = true;
        JobRunner r = runner("r1", JobEvents.NONE);
        for (int i = 0; i < 6; i++) {
            r.runOnce();
            assertThat(job(id).state()).isEqualTo(JobState.ASSEMBLED);
            clock.advance(Duration.ofMinutes(2));
        }
        assertThat(job(id).attempts()).isEqualTo(6);
        assertThat(job(id).lastError()).hasValueSatisfying(e -> assertThat(e).contains("TRANSPORT"));
        chain.down = false;
        r.runOnce();
        assertThat(job(id).state()).isEqualTo(JobState.CONFIRMED);
    }

    @Test
    void aPeriodicReconciliationDuringAChainOutageDoesNotStopJobsBeingProved() {
        JobRunner r = runner("r1", JobEvents.NONE);
        assertThat(r.step()).isFalse(); // the first reconciliation succeeds: nothing to do yet
        chain.down = true;
        clock.advance(Duration.ofMinutes(2)); // the next reconciliation is due while the node is unreachable
        long id = enqueue("proved", "k-outage", "{}");
        r.step(); // must not fail on the reconciliation: it claims the job and proves it
        r.step();
        assertThat(job(id).state()).isIn(JobState.PROVED, JobState.SELF_VERIFIED);
        chain.down = false;
        clock.advance(Duration.ofMinutes(2));
        for (int i = 0; i < 4 && job(id).state() != JobState.CONFIRMED; i++) {
            r.step();
            clock.advance(Duration.ofMinutes(2));
        }
        assertThat(job(id).state()).isEqualTo(JobState.CONFIRMED);
    }

    @Test
    void theFirstReconciliationMustReachTheNodeBeforeAnyJobIsClaimed() {
        long id = enqueue("proved", "k-first", "{}");
        chain.down = true;
        JobRunner r = runner("r1", JobEvents.NONE);
        assertThatThrownBy(r::step).isInstanceOf(ChainException.class);
        assertThat(job(id).state()).isEqualTo(JobState.ASSEMBLED);
        assertThat(job(id).attempts()).isZero();
    }

    @Test
    void aTransportErrorAfterSigningKeepsTheJobSubmittedWithItsTransaction() {
        long id = enqueue("echo", "k-down-2", "{}");
        JobRunner r = runner("r1", new JobEvents() {
            @Override
            public void signed(Job job) {
                chain.down = true;
            }
        });
        r.runOnce();
        Job waiting = job(id);
        assertThat(waiting.state()).isEqualTo(JobState.SUBMITTED);
        assertThat(waiting.nextAttemptAt()).isAfter(clock.instant());
        chain.down = false;
        clock.advance(Duration.ofMinutes(2));
        r.runOnce();
        assertThat(job(id).state()).isEqualTo(JobState.CONFIRMED);
        assertThat(job(id).transaction()).isEqualTo(waiting.transaction());
    }

    @Test
    void aRunnerThatDiesAfterSigningIsResumedWithTheSameSignedBytes() {
        long id = enqueue("echo", "k-crash", "{}");
        JobRunner dying = runner("dies", new JobEvents() {
            @Override
            public void signed(Job job) {
                throw new Crash("after signing");
            }
        });
        assertThatThrownBy(dying::runOnce).isInstanceOf(Crash.class);
        SignedTransaction stored = job(id).transaction().orElseThrow();
        assertThat(chain.broadcasts).isEmpty();

        JobRunner other = runner("other", JobEvents.NONE);
        assertThat(other.runOnce()).as("leased to the dead runner").isFalse();
        clock.advance(LEASE.plusSeconds(1));
        assertThat(other.runOnce()).isTrue();
        assertThat(job(id).state()).isEqualTo(JobState.CONFIRMED);
        assertThat(chain.broadcasts).extracting(SignedTransaction::raw).containsExactly(stored.raw());
        assertThat(store.nextNonce(signer.account())).isEqualTo(1);
    }

    @Test
    void aRunnerThatDiesAfterBroadcastIsResumedWithoutASecondTransaction() {
        long id = enqueue("echo", "k-crash-2", "{}");
        JobRunner dying = runner("dies", new JobEvents() {
            @Override
            public void broadcast(Job job, BroadcastOutcome outcome) {
                throw new Crash("after broadcast");
            }
        });
        assertThatThrownBy(dying::runOnce).isInstanceOf(Crash.class);
        assertThat(job(id).state()).isEqualTo(JobState.SUBMITTED);
        clock.advance(LEASE.plusSeconds(1));
        runner("other", JobEvents.NONE).runOnce();
        assertThat(job(id).state()).isEqualTo(JobState.CONFIRMED);
        assertThat(chain.mined).hasSize(1);
        assertThat(chain.broadcasts).extracting(SignedTransaction::hash).containsOnly(job(id).transaction().orElseThrow().hash());
    }

    @Test
    void aJobIsConfirmedOnlyAfterTheConfiguredNumberOfBlocks() {
        JobRunnerSettings settings = new JobRunnerSettings("r1", 1, LEASE, Duration.ofMillis(100), 3,
                new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), RandomGenerator.getDefault()), 3, Duration.ofMinutes(1));
        JobRunner r = new JobRunner(store, chain, signer, List.of(new Echo()), settings, clock, JobEvents.NONE);
        long id = enqueue("echo", "k-conf", "{}");
        r.runOnce();
        assertThat(job(id).state()).isEqualTo(JobState.SUBMITTED);
        assertThat(job(id).confirmations()).isEqualTo(1);
        assertThat(job(id).blockNumber()).isPresent();
        chain.mine();
        clock.advance(Duration.ofSeconds(1));
        r.runOnce();
        assertThat(job(id).state()).isEqualTo(JobState.SUBMITTED);
        chain.mine();
        clock.advance(Duration.ofSeconds(1));
        r.runOnce();
        assertThat(job(id).state()).isEqualTo(JobState.CONFIRMED);
        assertThat(job(id).confirmations()).isEqualTo(3);
    }

    @Test
    void reconciliationReopensJobsTheChainLostAndSendsThemAgainInNonceOrder() {
        JobRunner r = runner("r1", JobEvents.NONE);
        long a = enqueue("echo", "k-a", "{\"n\":0}");
        r.runOnce();
        long keep = chain.head;
        long b = enqueue("echo", "k-b", "{\"n\":1}");
        long c = enqueue("echo", "k-c", "{\"n\":2}");
        r.runOnce();
        r.runOnce();
        assertThat(List.of(job(a).state(), job(b).state(), job(c).state())).containsOnly(JobState.CONFIRMED);
        chain.forgetAfter(keep);
        chain.broadcasts.clear();

        ReconcileReport report = r.reconcile();
        assertThat(report.minedNonce()).isEqualTo(1);
        assertThat(report.reopened()).containsExactly(b, c);
        assertThat(report.rebroadcast()).containsExactly(b, c);
        assertThat(chain.broadcasts).extracting(SignedTransaction::hash)
                .containsExactly(job(b).transaction().orElseThrow().hash(), job(c).transaction().orElseThrow().hash());
        assertThat(job(b).state()).isEqualTo(JobState.SUBMITTED);
        r.runOnce();
        r.runOnce();
        assertThat(List.of(job(a).state(), job(b).state(), job(c).state())).containsOnly(JobState.CONFIRMED);
        assertThat(store.nextNonce(signer.account())).isEqualTo(3);
    }

    @Test
    void reconciliationRaisesTheNextNonceWhenTheNodeSawTransactionsWeDidNotSign() {
        SignedTransaction foreign = signer.sign(0, ContractCall.of(REGISTRY, "0x"), chain.prepare(signer.account(),
                ContractCall.of(REGISTRY, "0x")));
        chain.broadcast(foreign);
        JobRunner r = runner("r1", JobEvents.NONE);
        r.reconcile();
        long id = enqueue("echo", "k-after-foreign", "{}");
        r.runOnce();
        assertThat(job(id).transaction().orElseThrow().nonce()).isEqualTo(1);
        assertThat(job(id).state()).isEqualTo(JobState.CONFIRMED);
    }

    @Test
    void aTransitionByARunnerWhoseLeaseWasTakenOverIsRefused() {
        long id = enqueue("echo", "k-lease", "{}");
        store.claimDue("first", clock.instant(), 1, LEASE);
        clock.advance(LEASE.plusSeconds(1));
        assertThat(store.claimDue("second", clock.instant(), 1, LEASE)).hasSize(1);
        assertThatThrownBy(() -> store.recordProof(id, "first", "{}", clock.instant()))
                .isInstanceOfSatisfying(JobException.class, e -> assertThat(e.code()).isEqualTo(JobException.Code.LEASE_LOST));
    }

    @Test
    void aJobOfAnUnknownKindFailsWithItsCode() {
        long id = enqueue("nobody", "k-unknown", "{}");
        runner("r1", JobEvents.NONE).runOnce();
        assertThat(job(id).failure().orElseThrow().code()).isEqualTo("UNKNOWN_KIND");
    }
    /**
     * A chain worker ({@code chainWorkers}, {@link ClaimOrder.Scope#CHAIN_WORK}) sends a freeze while the only other
     * worker is held in a proof: without it the freeze waited for the proof to end (oracle benchmark, 2026-12-04).
     */
    @Test
    void aChainWorkerSendsAFreezeWhileTheOtherWorkerIsProving() throws InterruptedException {
        CountDownLatch proving = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        JobHandler slowClaim = new JobHandler() {
            @Override
            public String kind() {
                return RunClaimHandler.KIND;
            }

            @Override
            public boolean needsProof() {
                return true;
            }

            @Override
            public String prove(Job job) {
                proving.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "{}";
            }

            @Override
            public ContractCall call(Job job) {
                return ContractCall.of(REGISTRY, "0x02");
            }
        };
        JobRunnerSettings settings = new JobRunnerSettings("r1", 1, 1, LEASE, Duration.ofMillis(20), 1,
                new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), RandomGenerator.getDefault()), 3, Duration.ofMinutes(1));
        JobRunner r = new JobRunner(store, chain, signer, List.of(new Echo(), slowClaim), settings, clock, JobEvents.NONE);
        long claim = enqueue(RunClaimHandler.KIND, "k-claim", "{}");
        r.start();
        try {
            assertThat(proving.await(30, TimeUnit.SECONDS)).as("the worker started proving").isTrue();
            long freeze = enqueue("echo", "k-freeze", "{}");
            await().atMost(Duration.ofSeconds(30)).until(() -> job(freeze).state() == JobState.CONFIRMED);
            assertThat(job(claim).state()).as("the proof is still running").isEqualTo(JobState.ASSEMBLED);
        } finally {
            release.countDown();
            r.close();
        }
    }
}
