package io.sensorproof.oracle.jobs;

import io.sensorproof.oracle.chain.SignedTransaction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

/** A {@link JobStore} that notes the state of every job a transition returns. */
final class RecordingStore implements JobStore {
    private final JobStore delegate;
    private final List<JobState> seen;

    RecordingStore(JobStore delegate, List<JobState> seen) {
        this.delegate = delegate;
        this.seen = seen;
    }

    private Job note(Job job) {
        seen.add(job.state());
        return job;
    }

    @Override
    public Enqueued enqueue(NewJob job, Instant now) {
        return delegate.enqueue(job, now);
    }

    @Override
    public Optional<Job> find(long id) {
        return delegate.find(id);
    }

    @Override
    public Optional<Job> findByKey(String idempotencyKey) {
        return delegate.findByKey(idempotencyKey);
    }

    @Override
    public List<Job> claimDue(String owner, Instant now, int limit, Duration lease, ClaimOrder.Scope scope) {
        return delegate.claimDue(owner, now, limit, lease, scope);
    }

    @Override
    public Job recordProof(long id, String owner, String proof, Instant now) {
        return note(delegate.recordProof(id, owner, proof, now));
    }

    @Override
    public Job recordSelfVerified(long id, String owner, Instant now) {
        return note(delegate.recordSelfVerified(id, owner, now));
    }

    @Override
    public Job recordSigned(long id, String owner, String account, LongFunction<SignedTransaction> signer, Instant now) {
        return note(delegate.recordSigned(id, owner, account, signer, now));
    }

    @Override
    public Job recordMined(long id, String owner, long blockNumber, String blockHash, int confirmations, Instant next,
                           Instant now) {
        return note(delegate.recordMined(id, owner, blockNumber, blockHash, confirmations, next, now));
    }

    @Override
    public Job confirm(long id, String owner, long blockNumber, String blockHash, int confirmations, String result,
                       Instant now) {
        return note(delegate.confirm(id, owner, blockNumber, blockHash, confirmations, result, now));
    }

    @Override
    public Job fail(long id, String owner, JobFailure failure, Instant now) {
        return note(delegate.fail(id, owner, failure, now));
    }

    @Override
    public Job retryLater(long id, String owner, String error, Instant next, Instant now) {
        return note(delegate.retryLater(id, owner, error, next, now));
    }

    @Override
    public Job pollLater(long id, String owner, Instant next, Instant now) {
        return note(delegate.pollLater(id, owner, next, now));
    }

    @Override
    public List<Job> withNonceFrom(String account, long fromNonce) {
        return delegate.withNonceFrom(account, fromNonce);
    }

    @Override
    public Job reopenSubmitted(long id, Instant now) {
        return note(delegate.reopenSubmitted(id, now));
    }

    @Override
    public long nextNonce(String account) {
        return delegate.nextNonce(account);
    }

    @Override
    public void raiseNonce(String account, long floor) {
        delegate.raiseNonce(account, floor);
    }
}
