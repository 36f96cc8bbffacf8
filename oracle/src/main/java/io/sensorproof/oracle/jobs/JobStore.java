package io.sensorproof.oracle.jobs;

import io.sensorproof.oracle.chain.SignedTransaction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * Durable job state, shared by every replica. Runners {@link #claimDue claim} due jobs under a lease
 * (a replica that dies leaves its lease to run out; another replica then resumes the job), and every
 * transition names the lease owner: when the lease was lost meanwhile, the transition throws
 * {@link JobException.Code#LEASE_LOST} and changes nothing.
 *
 * <p>The one transition that touches two rows is {@link #recordSigned}: it allocates the account's
 * next nonce under a lock held until the signed transaction is stored with the job, so two replicas
 * sharing the account never sign two transactions with one nonce, and no nonce is allocated without
 * a stored transaction (no gap).
 */
public interface JobStore {
    /** Adds a job in {@code ASSEMBLED}, due now, or returns the existing one with the same idempotency key. */
    Enqueued enqueue(NewJob job, Instant now);

    Optional<Job> find(long id);

    Optional<Job> findByKey(String idempotencyKey);

    /** Leases up to {@code limit} due, unfinished, unleased jobs to {@code owner}, in {@link ClaimOrder} (chain work first, then proofs; oldest due first in each). */
    List<Job> claimDue(String owner, Instant now, int limit, Duration lease);

    /** {@code ASSEMBLED → PROVED} with the proof artefact. */
    Job recordProof(long id, String owner, String proof, Instant now);

    /** {@code PROVED → SELF_VERIFIED}. */
    Job recordSelfVerified(long id, String owner, Instant now);

    /**
     * {@code ASSEMBLED} (a kind without proof) or {@code SELF_VERIFIED} {@code → SUBMITTED}: allocates
     * {@code account}'s next nonce, calls {@code signer} with it and stores the signed transaction, all
     * under the account's lock and in one transaction. A job that already has a transaction is refused.
     */
    Job recordSigned(long id, String owner, String account, LongFunction<SignedTransaction> signer, Instant now);

    /** A {@code SUBMITTED} job's transaction was seen mined but is not yet confirmed enough: note it, release, due at {@code next}. */
    Job recordMined(long id, String owner, long blockNumber, String blockHash, int confirmations, Instant next, Instant now);

    /** {@code SUBMITTED → CONFIRMED} with the result. */
    Job confirm(long id, String owner, long blockNumber, String blockHash, int confirmations, String result, Instant now);

    /** Any unfinished state {@code → FAILED}. */
    Job fail(long id, String owner, JobFailure failure, Instant now);

    /** A step failed in a way worth retrying: attempts + 1, the error noted, released, due at {@code next}; state kept. */
    Job retryLater(long id, String owner, String error, Instant next, Instant now);

    /** Nothing to do yet (no receipt): released, due at {@code next}; attempts unchanged. */
    Job pollLater(long id, String owner, Instant next, Instant now);

    /** Every job with a stored transaction of {@code account} at nonce {@code fromNonce} or above, in nonce order. */
    List<Job> withNonceFrom(String account, long fromNonce);

    /**
     * Reopens a job whose transaction the chain no longer has (a local chain lost its last blocks):
     * {@code CONFIRMED}, {@code FAILED} or {@code SUBMITTED} with a transaction {@code → SUBMITTED}, the block
     * cleared, due now. The transaction is kept: it is broadcast again, never re-signed.
     */
    Job reopenSubmitted(long id, Instant now);

    /** The nonce the next {@link #recordSigned} of {@code account} gets. */
    long nextNonce(String account);

    /** Raises the account's next nonce to at least {@code floor} (transactions the node saw that we did not sign); never lowers it. */
    void raiseNonce(String account, long floor);
}
