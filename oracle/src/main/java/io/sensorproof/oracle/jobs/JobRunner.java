package io.sensorproof.oracle.jobs;

import io.sensorproof.oracle.chain.BroadcastOutcome;
import io.sensorproof.oracle.chain.ChainClient;
import io.sensorproof.oracle.chain.ChainException;
import io.sensorproof.oracle.chain.ChainRevert;
import io.sensorproof.oracle.chain.ContractCall;
import io.sensorproof.oracle.chain.MinedTransaction;
import io.sensorproof.oracle.chain.SignedTransaction;
import io.sensorproof.oracle.chain.TransactionPlan;
import io.sensorproof.oracle.chain.TransactionSigner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Drives jobs through their states with N worker threads. Each worker claims one due job under a
 * lease and runs its steps until the job is finished or has to wait (no receipt yet, too few
 * confirmations, a transport error); then the job is released with its next due time. The
 * {@code chainWorkers} further threads claim only jobs that need no proof now
 * ({@link ClaimOrder.Scope#CHAIN_WORK}), so chain work never waits for a proof to end.
 *
 * <p><b>One transaction per job</b> (ADR 022): the call is estimated (a revert there fails the job
 * with the decoded error and nothing is sent), then signed inside the store's nonce-allocating
 * transaction, and only then broadcast. A job found in {@code SUBMITTED} — after a crash, a lost
 * lease, a restart — has its stored bytes sent again; it is never signed a second time.
 *
 * <p><b>Reconciliation</b>, at start and every {@code reconcileInterval}: stored transactions at or
 * above the node's mined nonce are not on chain (a local chain lost its last blocks, or they never
 * reached the node); finished ones are reopened to {@code SUBMITTED} and all are broadcast again in
 * nonce order, so no nonce gap blocks later transactions. The store's next nonce is raised to the
 * node's pending nonce when someone else used the account.
 *
 * <p>Transport errors never fail a job: it stays in its state and is retried with backoff. A
 * transaction mined as a revert still consumed its nonce; the job fails with the reason replayed
 * at its block.
 */
public final class JobRunner implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(JobRunner.class.getName());

    private final JobStore store;
    private final ChainClient chain;
    private final TransactionSigner signer;
    private final Map<String, JobHandler> handlers;
    private final JobRunnerSettings settings;
    private final Clock clock;
    private final JobEvents events;
    private final List<Thread> workers = new ArrayList<>();
    private final Object reconcileLock = new Object();
    private volatile boolean running;
    private volatile Instant nextReconcile = Instant.MIN;
    private volatile boolean reconciledOnce;

    public JobRunner(JobStore store, ChainClient chain, TransactionSigner signer, List<JobHandler> handlers,
                     JobRunnerSettings settings, Clock clock, JobEvents events) {
        this.store = Objects.requireNonNull(store, "store");
        this.chain = Objects.requireNonNull(chain, "chain");
        this.signer = Objects.requireNonNull(signer, "signer");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.events = Objects.requireNonNull(events, "events");
        Map<String, JobHandler> map = new HashMap<>();
        for (JobHandler h : handlers) {
            if (map.put(h.kind(), h) != null) {
                throw new IllegalArgumentException("two handlers for kind " + h.kind());
            }
        }
        this.handlers = Map.copyOf(map);
    }

    /** Starts the workers; the first one reconciles with the chain before claiming (and retries that while the node is unreachable). */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        for (int i = 0; i < settings.workers(); i++) {
            Thread t = new Thread(() -> work(ClaimOrder.Scope.ANY), "job-runner-" + settings.owner() + "-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
        for (int i = 0; i < settings.chainWorkers(); i++) {
            Thread t = new Thread(() -> work(ClaimOrder.Scope.CHAIN_WORK), "job-runner-" + settings.owner() + "-chain-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    /** Stops the workers after their current step and waits for them. */
    @Override
    public void close() {
        List<Thread> threads;
        synchronized (this) {
            running = false;
            threads = List.copyOf(workers);
            workers.clear();
        }
        for (Thread t : threads) {
            t.interrupt();
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Number of worker threads still alive (a worker killed by an {@link Error} is gone). */
    public synchronized int liveWorkers() {
        return (int) workers.stream().filter(Thread::isAlive).count();
    }

    private void work(ClaimOrder.Scope scope) {
        while (running) {
            boolean worked = false;
            try {
                worked = step(scope);
            } catch (ChainException | JobException e) {
                LOG.log(System.Logger.Level.WARNING, "job runner: " + e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "job runner: unexpected failure", e);
            }
            if (!worked) {
                try {
                    Thread.sleep(settings.pollInterval().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * One iteration of a worker: reconcile when due, then claim and advance at most one job.
     *
     * @return whether a job was worked on
     */
    boolean step() {
        return step(ClaimOrder.Scope.ANY);
    }

    private boolean step(ClaimOrder.Scope scope) {
        maybeReconcile();
        return runOnce(scope);
    }

    /**
     * Reconciles when due. Until the first reconciliation has succeeded, an unreachable node stops the worker
     * from claiming (ADR 022: nothing is signed before the nonces were compared once). After that, a periodic
     * reconciliation that cannot reach the node is put off, not fatal: the workers go on proving and
     * self-verifying jobs through a chain outage (their sends wait with backoff), instead of every worker
     * failing on the reconciliation at each turn until the node is back.
     */
    private void maybeReconcile() {
        if (clock.instant().isBefore(nextReconcile)) {
            return;
        }
        synchronized (reconcileLock) {
            if (clock.instant().isBefore(nextReconcile)) {
                return;
            }
            try {
                reconcile();
                reconciledOnce = true;
                nextReconcile = clock.instant().plus(settings.reconcileInterval());
            } catch (ChainException e) {
                if (!reconciledOnce || e.code() != ChainException.Code.TRANSPORT) {
                    throw e;
                }
                Duration retry = settings.retry().max().compareTo(settings.reconcileInterval()) < 0
                        ? settings.retry().max() : settings.reconcileInterval();
                nextReconcile = clock.instant().plus(retry);
                LOG.log(System.Logger.Level.WARNING, "job runner: periodic reconciliation put off by " + retry
                        + ", the node is unreachable (" + e.getMessage() + "); jobs are still worked on");
            }
        }
    }

    /**
     * Compares the stored transactions of the signing account with the chain (see the class comment).
     *
     * @throws ChainException {@code TRANSPORT} when the node cannot be reached
     */
    public ReconcileReport reconcile() {
        String account = signer.account();
        long mined = chain.minedNonce(account);
        long pending = chain.pendingNonce(account);
        long storedNext = store.nextNonce(account);
        List<Long> reopened = new ArrayList<>();
        List<Long> sent = new ArrayList<>();
        for (Job job : store.withNonceFrom(account, mined)) {
            Job current = job;
            if (job.state().terminal()) {
                current = store.reopenSubmitted(job.id(), clock.instant());
                reopened.add(job.id());
                LOG.log(System.Logger.Level.WARNING, "job " + job.id() + " (" + job.idempotencyKey() + ") was " + job.state()
                        + " but the chain no longer has its transaction " + job.transaction().orElseThrow().hash()
                        + ": sending it again");
            }
            try {
                events.broadcast(current, chain.broadcast(current.transaction().orElseThrow()));
                sent.add(job.id());
            } catch (ChainException e) {
                if (e.code() == ChainException.Code.TRANSPORT) {
                    throw e;
                }
                LOG.log(System.Logger.Level.WARNING, "job " + job.id() + ": re-broadcast refused: " + e.getMessage());
            }
        }
        store.raiseNonce(account, pending);
        return new ReconcileReport(mined, storedNext, reopened, sent);
    }

    /**
     * Claims one due job and runs it as far as it goes now.
     *
     * @return whether a job was claimed
     */
    public boolean runOnce() {
        return runOnce(ClaimOrder.Scope.ANY);
    }

    /**
     * Claims one due job within {@code scope} and runs it as far as it goes now.
     *
     * @return whether a job was claimed
     */
    public boolean runOnce(ClaimOrder.Scope scope) {
        List<Job> claimed = store.claimDue(settings.owner(), clock.instant(), 1, settings.lease(), scope);
        for (Job job : claimed) {
            process(job);
        }
        return !claimed.isEmpty();
    }

    private void process(Job claimed) {
        Job job = claimed;
        try {
            JobHandler handler = handlers.get(job.kind());
            if (handler == null) {
                throw new JobException(JobException.Code.UNKNOWN_KIND, "no handler for kind " + job.kind());
            }
            while (true) {
                switch (job.state()) {
                    case ASSEMBLED -> job = handler.needsProof()
                            ? store.recordProof(job.id(), settings.owner(), handler.prove(job), clock.instant())
                            : sign(job, handler);
                    case PROVED -> {
                        handler.selfVerify(job);
                        job = store.recordSelfVerified(job.id(), settings.owner(), clock.instant());
                    }
                    case SELF_VERIFIED -> job = sign(job, handler);
                    case SUBMITTED -> {
                        awaitReceipt(job, handler);
                        return;
                    }
                    case CONFIRMED, FAILED -> {
                        return;
                    }
                    default -> throw new IllegalStateException("unknown state " + job.state());
                }
            }
        } catch (ChainException e) {
            onChainException(job, e);
        } catch (JobException e) {
            if (e.code() == JobException.Code.LEASE_LOST) {
                LOG.log(System.Logger.Level.WARNING, "job " + job.id() + ": " + e.getMessage());
                return;
            }
            finish(store.fail(job.id(), settings.owner(), new JobFailure(e.code().name(), e.getMessage()), clock.instant()));
        } catch (RuntimeException e) {
            retry(job, e);
        }
    }

    private Job sign(Job job, JobHandler handler) {
        ContractCall call = handler.call(job);
        TransactionPlan plan = chain.prepare(signer.account(), call);
        Job signed = store.recordSigned(job.id(), settings.owner(), signer.account(),
                nonce -> signer.sign(nonce, call, plan), clock.instant());
        events.signed(signed);
        return signed;
    }

    private void awaitReceipt(Job job, JobHandler handler) {
        SignedTransaction tx = job.transaction().orElseThrow();
        Optional<MinedTransaction> mined = chain.receipt(tx.hash());
        if (mined.isEmpty()) {
            BroadcastOutcome outcome = chain.broadcast(tx);
            events.broadcast(job, outcome);
            mined = chain.receipt(tx.hash());
            if (mined.isEmpty()) {
                if (outcome == BroadcastOutcome.NONCE_TOO_LOW) {
                    refused(job, new JobException(JobException.Code.NONCE_TAKEN, "nonce " + tx.nonce()
                            + " is used on chain but transaction " + tx.hash() + " has no receipt"));
                    return;
                }
                store.pollLater(job.id(), settings.owner(), clock.instant().plus(settings.pollInterval()), clock.instant());
                return;
            }
        }
        MinedTransaction receipt = mined.get();
        if (!receipt.succeeded()) {
            ChainRevert revert = chain.replayRevert(tx, receipt.blockNumber());
            finish(store.fail(job.id(), settings.owner(), new JobFailure("REVERTED:" + revert.name(),
                    "transaction " + tx.hash() + " (nonce " + tx.nonce() + ") reverted in block " + receipt.blockNumber()
                            + ": " + revert), clock.instant()));
            return;
        }
        long head = chain.blockNumber();
        int confirmations = (int) Math.max(0, Math.min(Integer.MAX_VALUE, head - receipt.blockNumber() + 1));
        if (confirmations >= settings.confirmations()) {
            finish(store.confirm(job.id(), settings.owner(), receipt.blockNumber(), receipt.blockHash(), confirmations,
                    handler.result(job, receipt), clock.instant()));
        } else {
            store.recordMined(job.id(), settings.owner(), receipt.blockNumber(), receipt.blockHash(), confirmations,
                    clock.instant().plus(settings.pollInterval()), clock.instant());
        }
    }

    private void onChainException(Job job, ChainException e) {
        switch (e.code()) {
            case REVERTED -> {
                ChainRevert revert = e.revert().orElseThrow();
                finish(store.fail(job.id(), settings.owner(), new JobFailure("REVERTED:" + revert.name(), e.getMessage()),
                        clock.instant()));
            }
            case REJECTED -> refused(job, new JobException(JobException.Code.REJECTED_BY_NODE, e.getMessage(), e));
            default -> retry(job, e);
        }
    }

    private void refused(Job job, JobException e) {
        if (job.attempts() + 1 >= settings.maxRefusals()) {
            finish(store.fail(job.id(), settings.owner(), new JobFailure(e.code().name(), e.getMessage()), clock.instant()));
        } else {
            retry(job, e);
        }
    }

    private void retry(Job job, RuntimeException e) {
        events.retrying(job, e);
        Instant next = clock.instant().plus(settings.retry().delay(job.attempts()));
        try {
            store.retryLater(job.id(), settings.owner(), String.valueOf(e.getMessage()), next, clock.instant());
        } catch (JobException lost) {
            LOG.log(System.Logger.Level.WARNING, "job " + job.id() + ": " + lost.getMessage());
        }
    }

    private void finish(Job job) {
        events.finished(job);
    }
}
