package io.sensorproof.oracle.jobs;

import io.sensorproof.oracle.chain.SignedTransaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongFunction;

/**
 * {@link JobStore} in memory, one lock for everything: for unit tests and single-process tools. It
 * keeps the same rules as the PostgreSQL store (leases, transitions, nonces under a lock).
 */
public final class InMemoryJobStore implements JobStore {
    private record Lease(String owner, Instant until) {}

    private final Map<Long, Job> jobs = new HashMap<>();
    private final Map<String, Long> byKey = new HashMap<>();
    private final Map<Long, Lease> leases = new HashMap<>();
    private final Map<String, Long> nonces = new HashMap<>();
    private long nextId = 1;

    @Override
    public synchronized Enqueued enqueue(NewJob job, Instant now) {
        Long existing = byKey.get(job.idempotencyKey());
        if (existing != null) {
            return new Enqueued(jobs.get(existing), false);
        }
        Job created = new Job(nextId++, job.kind(), job.idempotencyKey(), job.payload(), JobState.ASSEMBLED, 0, now,
                Optional.empty(), Optional.empty(), OptionalLong.empty(), Optional.empty(), 0, Optional.empty(),
                Optional.empty(), Optional.empty(), now, now);
        jobs.put(created.id(), created);
        byKey.put(job.idempotencyKey(), created.id());
        return new Enqueued(created, true);
    }

    @Override
    public synchronized Optional<Job> find(long id) {
        return Optional.ofNullable(jobs.get(id));
    }

    @Override
    public synchronized Optional<Job> findByKey(String idempotencyKey) {
        return Optional.ofNullable(byKey.get(idempotencyKey)).map(jobs::get);
    }

    @Override
    public synchronized List<Job> claimDue(String owner, Instant now, int limit, Duration lease) {
        List<Job> due = jobs.values().stream()
                .filter(j -> !j.state().terminal() && !j.nextAttemptAt().isAfter(now))
                .filter(j -> {
                    Lease l = leases.get(j.id());
                    return l == null || !l.until().isAfter(now);
                })
                .sorted(ClaimOrder.ORDER)
                .limit(Math.max(0, limit))
                .toList();
        for (Job j : due) {
            leases.put(j.id(), new Lease(owner, now.plus(lease)));
        }
        return due;
    }

    private Job held(long id, String owner) {
        Job job = jobs.get(id);
        if (job == null) {
            throw new JobException(JobException.Code.NOT_FOUND, "job " + id);
        }
        Lease l = leases.get(id);
        if (l == null || !l.owner().equals(owner)) {
            throw new JobException(JobException.Code.LEASE_LOST, "job " + id + " is not leased to " + owner);
        }
        return job;
    }

    private static void expect(Job job, JobState... states) {
        for (JobState s : states) {
            if (job.state() == s) {
                return;
            }
        }
        throw new JobException(JobException.Code.LEASE_LOST, "job " + job.id() + " is " + job.state()
                + ", expected one of " + java.util.Arrays.toString(states));
    }

    private Job put(Job job) {
        jobs.put(job.id(), job);
        return job;
    }

    @Override
    public synchronized Job recordProof(long id, String owner, String proof, Instant now) {
        Job j = held(id, owner);
        expect(j, JobState.ASSEMBLED);
        return put(new Job(j.id(), j.kind(), j.idempotencyKey(), j.payload(), JobState.PROVED, j.attempts(), j.nextAttemptAt(),
                Optional.of(proof), j.transaction(), j.blockNumber(), j.blockHash(), j.confirmations(), j.result(),
                j.failure(), j.lastError(), j.createdAt(), now));
    }

    @Override
    public synchronized Job recordSelfVerified(long id, String owner, Instant now) {
        Job j = held(id, owner);
        expect(j, JobState.PROVED);
        return put(withState(j, JobState.SELF_VERIFIED, now));
    }

    private static Job withState(Job j, JobState state, Instant now) {
        return new Job(j.id(), j.kind(), j.idempotencyKey(), j.payload(), state, j.attempts(), j.nextAttemptAt(),
                j.proof(), j.transaction(), j.blockNumber(), j.blockHash(), j.confirmations(), j.result(),
                j.failure(), j.lastError(), j.createdAt(), now);
    }

    @Override
    public synchronized Job recordSigned(long id, String owner, String account, LongFunction<SignedTransaction> signer,
                                         Instant now) {
        Job j = held(id, owner);
        expect(j, JobState.ASSEMBLED, JobState.SELF_VERIFIED);
        if (j.transaction().isPresent()) {
            throw new JobException(JobException.Code.LEASE_LOST, "job " + id + " already has a transaction");
        }
        String a = account.toLowerCase(Locale.ROOT);
        long nonce = nonces.getOrDefault(a, 0L);
        SignedTransaction tx = Objects.requireNonNull(signer.apply(nonce), "signed transaction");
        if (tx.nonce() != nonce) {
            throw new IllegalStateException("signed with nonce " + tx.nonce() + ", allocated " + nonce);
        }
        nonces.put(a, nonce + 1);
        return put(new Job(j.id(), j.kind(), j.idempotencyKey(), j.payload(), JobState.SUBMITTED, j.attempts(),
                j.nextAttemptAt(), j.proof(), Optional.of(tx), OptionalLong.empty(), Optional.empty(), 0, j.result(),
                j.failure(), j.lastError(), j.createdAt(), now));
    }

    @Override
    public synchronized Job recordMined(long id, String owner, long blockNumber, String blockHash, int confirmations,
                                        Instant next, Instant now) {
        Job j = held(id, owner);
        expect(j, JobState.SUBMITTED);
        leases.remove(id);
        return put(new Job(j.id(), j.kind(), j.idempotencyKey(), j.payload(), j.state(), j.attempts(), next, j.proof(),
                j.transaction(), OptionalLong.of(blockNumber), Optional.of(blockHash), confirmations, j.result(),
                j.failure(), j.lastError(), j.createdAt(), now));
    }

    @Override
    public synchronized Job confirm(long id, String owner, long blockNumber, String blockHash, int confirmations,
                                    String result, Instant now) {
        Job j = held(id, owner);
        expect(j, JobState.SUBMITTED);
        leases.remove(id);
        return put(new Job(j.id(), j.kind(), j.idempotencyKey(), j.payload(), JobState.CONFIRMED, j.attempts(),
                j.nextAttemptAt(), j.proof(), j.transaction(), OptionalLong.of(blockNumber), Optional.of(blockHash),
                confirmations, Optional.of(result), Optional.empty(), j.lastError(), j.createdAt(), now));
    }

    @Override
    public synchronized Job fail(long id, String owner, JobFailure failure, Instant now) {
        Job j = held(id, owner);
        if (j.state().terminal()) {
            throw new JobException(JobException.Code.LEASE_LOST, "job " + id + " is already " + j.state());
        }
        leases.remove(id);
        return put(new Job(j.id(), j.kind(), j.idempotencyKey(), j.payload(), JobState.FAILED, j.attempts(),
                j.nextAttemptAt(), j.proof(), j.transaction(), j.blockNumber(), j.blockHash(), j.confirmations(),
                j.result(), Optional.of(failure), j.lastError(), j.createdAt(), now));
    }

    @Override
    public synchronized Job retryLater(long id, String owner, String error, Instant next, Instant now) {
        Job j = held(id, owner);
        leases.remove(id);
        return put(new Job(j.id(), j.kind(), j.idempotencyKey(), j.payload(), j.state(), j.attempts() + 1, next,
                j.proof(), j.transaction(), j.blockNumber(), j.blockHash(), j.confirmations(), j.result(), j.failure(),
                Optional.of(error), j.createdAt(), now));
    }

    @Override
    public synchronized Job pollLater(long id, String owner, Instant next, Instant now) {
        Job j = held(id, owner);
        leases.remove(id);
        return put(new Job(j.id(), j.kind(), j.idempotencyKey(), j.payload(), j.state(), j.attempts(), next,
                j.proof(), j.transaction(), j.blockNumber(), j.blockHash(), j.confirmations(), j.result(), j.failure(),
                j.lastError(), j.createdAt(), now));
    }

    @Override
    public synchronized List<Job> withNonceFrom(String account, long fromNonce) {
        String a = account.toLowerCase(Locale.ROOT);
        List<Job> out = new ArrayList<>();
        for (Job j : jobs.values()) {
            j.transaction().filter(t -> t.account().equals(a) && t.nonce() >= fromNonce).ifPresent(t -> out.add(j));
        }
        out.sort(Comparator.comparingLong(j -> j.transaction().orElseThrow().nonce()));
        return out;
    }

    @Override
    public synchronized Job reopenSubmitted(long id, Instant now) {
        Job j = jobs.get(id);
        if (j == null) {
            throw new JobException(JobException.Code.NOT_FOUND, "job " + id);
        }
        if (j.transaction().isEmpty()) {
            throw new JobException(JobException.Code.INVALID_JOB, "job " + id + " has no transaction to send again");
        }
        return put(new Job(j.id(), j.kind(), j.idempotencyKey(), j.payload(), JobState.SUBMITTED, j.attempts(), now,
                j.proof(), j.transaction(), OptionalLong.empty(), Optional.empty(), 0, Optional.empty(), Optional.empty(),
                j.lastError(), j.createdAt(), now));
    }

    @Override
    public synchronized long nextNonce(String account) {
        return nonces.getOrDefault(account.toLowerCase(Locale.ROOT), 0L);
    }

    @Override
    public synchronized void raiseNonce(String account, long floor) {
        nonces.merge(account.toLowerCase(Locale.ROOT), floor, Math::max);
    }
}
