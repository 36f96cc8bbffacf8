package io.sensorproof.gateway.oracle;

import io.sensorproof.gateway.persistence.PersistenceException;
import io.sensorproof.oracle.chain.SignedTransaction;
import io.sensorproof.oracle.jobs.ClaimOrder;
import io.sensorproof.oracle.jobs.Enqueued;
import io.sensorproof.oracle.jobs.Job;
import io.sensorproof.oracle.jobs.JobBacklog;
import io.sensorproof.oracle.jobs.JobException;
import io.sensorproof.oracle.jobs.JobFailure;
import io.sensorproof.oracle.jobs.JobState;
import io.sensorproof.oracle.jobs.JobStore;
import io.sensorproof.oracle.jobs.NewJob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The oracle's {@link JobStore} on PostgreSQL (tables of V14), over JDBC: the runner's workers are
 * plain threads that block, and nonce allocation needs a row lock held across a computation (the
 * signature), which JDBC transactions express directly.
 *
 * <p><b>Claiming.</b> One statement: {@code UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)}
 * over unfinished, due jobs whose lease is free or ran out, in {@link ClaimOrder} (jobs that still need a proof
 * after the others). A replica skips rows another is claiming;
 * one that gets a row just after another's commit re-checks the updated row (READ COMMITTED
 * re-evaluation) and sees the new lease. A replica that dies leaves its lease to run out.
 *
 * <p><b>Transitions</b> are single {@code UPDATE}s guarded by {@code lease_owner} and the expected
 * state; zero rows means the lease was lost ({@link JobException.Code#LEASE_LOST}).
 *
 * <p><b>Nonces.</b> {@link #recordSigned}: in one transaction, lock the account row
 * ({@code FOR UPDATE}), lock and check the job, sign with the row's next nonce, store the signed
 * transaction with the job and advance the nonce. Lock order: account, then job; no other operation
 * locks an account and then a job, so there is no deadlock. {@code UNIQUE (tx_account, tx_nonce)}
 * backs the rule.
 */
public final class PgJobStore implements JobStore {
    private static final String COLUMNS = """
            id, kind, idempotency_key, payload::text AS payload, state, attempts, next_attempt_at, proof::text AS proof,
            tx_account, tx_nonce, tx_raw, tx_hash, block_number, block_hash, confirmations, result::text AS result,
            failure_code, failure_message, last_error, created_at, updated_at""";

    static final String CLAIM = """
            UPDATE oracle_jobs SET lease_owner = ?, lease_until = ?
            WHERE id IN (SELECT id FROM oracle_jobs
                         WHERE state NOT IN ('CONFIRMED', 'FAILED') AND next_attempt_at <= ?
                           AND (lease_until IS NULL OR lease_until <= ?)
                         ORDER BY (state = 'ASSEMBLED' AND kind IN (%s)), next_attempt_at, id
                         LIMIT ?
                         FOR UPDATE SKIP LOCKED)
            RETURNING\s""".formatted(ClaimOrder.PROVING_KINDS.stream().sorted().map(k -> "'" + k + "'")
                    .collect(Collectors.joining(", "))) + COLUMNS;

    private final DataSource dataSource;

    public PgJobStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** The backlog gauges' one grouped query: its predicate is {@code oracle_jobs_due}'s, so it reads only unfinished rows. */
    static final String BACKLOG = """
            SELECT kind, state, count(*), min(created_at) FROM oracle_jobs
            WHERE state NOT IN ('CONFIRMED', 'FAILED')
            GROUP BY kind, state""";

    /** The unfinished jobs by kind and state with the oldest of each (one grouped query, for the metrics; ADR 038). */
    public JobBacklog backlog() {
        return inTransaction("read the oracle job backlog", c -> {
            List<JobBacklog.Group> groups = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(BACKLOG); ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    groups.add(new JobBacklog.Group(r.getString(1), JobState.valueOf(r.getString(2)), r.getLong(3),
                            r.getTimestamp(4).toInstant()));
                }
            }
            return new JobBacklog(groups);
        });
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T inTransaction(String operation, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new PersistenceException(operation, e);
        }
    }

    private static Timestamp ts(Instant i) {
        return Timestamp.from(i);
    }

    private static Job read(ResultSet r) throws SQLException {
        String account = r.getString("tx_account");
        Optional<SignedTransaction> tx = account == null ? Optional.empty()
                : Optional.of(new SignedTransaction(account, r.getLong("tx_nonce"), r.getString("tx_raw"), r.getString("tx_hash")));
        long block = r.getLong("block_number");
        OptionalLong blockNumber = r.wasNull() ? OptionalLong.empty() : OptionalLong.of(block);
        String failureCode = r.getString("failure_code");
        return new Job(r.getLong("id"), r.getString("kind"), r.getString("idempotency_key"), r.getString("payload"),
                JobState.valueOf(r.getString("state")), r.getInt("attempts"), r.getTimestamp("next_attempt_at").toInstant(),
                Optional.ofNullable(r.getString("proof")), tx, blockNumber, Optional.ofNullable(r.getString("block_hash")),
                r.getInt("confirmations"), Optional.ofNullable(r.getString("result")),
                failureCode == null ? Optional.empty()
                        : Optional.of(new JobFailure(failureCode, Objects.requireNonNullElse(r.getString("failure_message"), ""))),
                Optional.ofNullable(r.getString("last_error")), r.getTimestamp("created_at").toInstant(),
                r.getTimestamp("updated_at").toInstant());
    }

    private static List<Job> readAll(PreparedStatement ps) throws SQLException {
        List<Job> out = new ArrayList<>();
        try (ResultSet r = ps.executeQuery()) {
            while (r.next()) {
                out.add(read(r));
            }
        }
        return out;
    }

    private static void bind(PreparedStatement ps, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v instanceof Instant instant) {
                ps.setTimestamp(i + 1, ts(instant));
            } else if (v == null) {
                ps.setNull(i + 1, Types.VARCHAR);
            } else {
                ps.setObject(i + 1, v);
            }
        }
    }

    @Override
    public Enqueued enqueue(NewJob job, Instant now) {
        return inTransaction("enqueue job " + job.idempotencyKey(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO oracle_jobs (kind, idempotency_key, payload, state, "
                    + "next_attempt_at, created_at, updated_at) VALUES (?, ?, ?::jsonb, 'ASSEMBLED', ?, ?, ?) "
                    + "ON CONFLICT (idempotency_key) DO NOTHING RETURNING " + COLUMNS)) {
                bind(ps, job.kind(), job.idempotencyKey(), job.payload(), now, now, now);
                List<Job> created = readAll(ps);
                if (!created.isEmpty()) {
                    return new Enqueued(created.get(0), true);
                }
            } catch (SQLException e) {
                if ("22P02".equals(e.getSQLState())) {
                    throw new JobException(JobException.Code.INVALID_JOB, "payload is not JSON: " + e.getMessage());
                }
                throw e;
            }
            return new Enqueued(byKey(c, job.idempotencyKey()).orElseThrow(), false);
        });
    }

    private static Optional<Job> byKey(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM oracle_jobs WHERE idempotency_key = ?")) {
            bind(ps, key);
            return readAll(ps).stream().findFirst();
        }
    }

    @Override
    public Optional<Job> find(long id) {
        return inTransaction("find job " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM oracle_jobs WHERE id = ?")) {
                bind(ps, id);
                return readAll(ps).stream().findFirst();
            }
        });
    }

    @Override
    public Optional<Job> findByKey(String idempotencyKey) {
        return inTransaction("find job " + idempotencyKey, c -> byKey(c, idempotencyKey));
    }

    @Override
    public List<Job> claimDue(String owner, Instant now, int limit, Duration lease) {
        if (limit <= 0) {
            return List.of();
        }
        return inTransaction("claim jobs", c -> {
            try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
                bind(ps, owner, now.plus(lease), now, now, limit);
                return readAll(ps);
            }
        });
    }

    /** One guarded UPDATE … RETURNING; no row = the lease or the state moved on. */
    private Job transition(String operation, long id, String set, String guard, Object... values) {
        return inTransaction(operation + " job " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE oracle_jobs SET " + set + " WHERE id = ? AND " + guard
                    + " RETURNING " + COLUMNS)) {
                Object[] all = new Object[values.length];
                System.arraycopy(values, 0, all, 0, values.length);
                bind(ps, all);
                List<Job> rows = readAll(ps);
                if (rows.isEmpty()) {
                    throw new JobException(JobException.Code.LEASE_LOST, operation + ": job " + id
                            + " is not leased to this runner in the expected state");
                }
                return rows.get(0);
            }
        });
    }

    @Override
    public Job recordProof(long id, String owner, String proof, Instant now) {
        return transition("record proof", id, "state = 'PROVED', proof = ?::jsonb, updated_at = ?",
                "lease_owner = ? AND state = 'ASSEMBLED'", proof, now, id, owner);
    }

    @Override
    public Job recordSelfVerified(long id, String owner, Instant now) {
        return transition("record self-verification", id, "state = 'SELF_VERIFIED', updated_at = ?",
                "lease_owner = ? AND state = 'PROVED'", now, id, owner);
    }

    @Override
    public Job recordSigned(long id, String owner, String account, LongFunction<SignedTransaction> signer, Instant now) {
        String a = account.toLowerCase(Locale.ROOT);
        return inTransaction("sign job " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO oracle_accounts (address, next_nonce) VALUES (?, 0) ON CONFLICT DO NOTHING")) {
                bind(ps, a);
                ps.executeUpdate();
            }
            long nonce;
            try (PreparedStatement ps = c.prepareStatement("SELECT next_nonce FROM oracle_accounts WHERE address = ? FOR UPDATE")) {
                bind(ps, a);
                try (ResultSet r = ps.executeQuery()) {
                    r.next();
                    nonce = r.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM oracle_jobs WHERE id = ? AND lease_owner = ? "
                    + "AND state IN ('ASSEMBLED', 'SELF_VERIFIED') AND tx_hash IS NULL FOR UPDATE")) {
                bind(ps, id, owner);
                try (ResultSet r = ps.executeQuery()) {
                    if (!r.next()) {
                        throw new JobException(JobException.Code.LEASE_LOST, "sign: job " + id
                                + " is not leased to this runner, not ready to sign, or already has a transaction");
                    }
                }
            }
            SignedTransaction tx = Objects.requireNonNull(signer.apply(nonce), "signed transaction");
            if (tx.nonce() != nonce || !tx.account().equalsIgnoreCase(a)) {
                throw new IllegalStateException("signed for " + tx.account() + " nonce " + tx.nonce() + ", allocated " + a + " " + nonce);
            }
            Job job;
            try (PreparedStatement ps = c.prepareStatement("UPDATE oracle_jobs SET state = 'SUBMITTED', tx_account = ?, "
                    + "tx_nonce = ?, tx_raw = ?, tx_hash = ?, block_number = NULL, block_hash = NULL, confirmations = 0, "
                    + "updated_at = ? WHERE id = ? RETURNING " + COLUMNS)) {
                bind(ps, a, nonce, tx.raw(), tx.hash(), now, id);
                job = readAll(ps).get(0);
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE oracle_accounts SET next_nonce = ? WHERE address = ?")) {
                bind(ps, nonce + 1, a);
                ps.executeUpdate();
            }
            return job;
        });
    }

    @Override
    public Job recordMined(long id, String owner, long blockNumber, String blockHash, int confirmations, Instant next,
                           Instant now) {
        return transition("record mined", id, "block_number = ?, block_hash = ?, confirmations = ?, next_attempt_at = ?, "
                + "lease_owner = NULL, lease_until = NULL, updated_at = ?", "lease_owner = ? AND state = 'SUBMITTED'",
                blockNumber, blockHash, confirmations, next, now, id, owner);
    }

    @Override
    public Job confirm(long id, String owner, long blockNumber, String blockHash, int confirmations, String result,
                       Instant now) {
        return transition("confirm", id, "state = 'CONFIRMED', block_number = ?, block_hash = ?, confirmations = ?, "
                + "result = ?::jsonb, lease_owner = NULL, lease_until = NULL, updated_at = ?",
                "lease_owner = ? AND state = 'SUBMITTED'", blockNumber, blockHash, confirmations, result, now, id, owner);
    }

    @Override
    public Job fail(long id, String owner, JobFailure failure, Instant now) {
        return transition("fail", id, "state = 'FAILED', failure_code = ?, failure_message = ?, lease_owner = NULL, "
                + "lease_until = NULL, updated_at = ?", "lease_owner = ? AND state NOT IN ('CONFIRMED', 'FAILED')",
                failure.code(), failure.message(), now, id, owner);
    }

    @Override
    public Job retryLater(long id, String owner, String error, Instant next, Instant now) {
        return transition("retry", id, "attempts = attempts + 1, last_error = ?, next_attempt_at = ?, lease_owner = NULL, "
                + "lease_until = NULL, updated_at = ?", "lease_owner = ?", error, next, now, id, owner);
    }

    @Override
    public Job pollLater(long id, String owner, Instant next, Instant now) {
        return transition("poll", id, "next_attempt_at = ?, lease_owner = NULL, lease_until = NULL, updated_at = ?",
                "lease_owner = ?", next, now, id, owner);
    }

    @Override
    public List<Job> withNonceFrom(String account, long fromNonce) {
        return inTransaction("jobs from nonce", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM oracle_jobs "
                    + "WHERE tx_account = ? AND tx_nonce >= ? ORDER BY tx_nonce")) {
                bind(ps, account.toLowerCase(Locale.ROOT), fromNonce);
                return readAll(ps);
            }
        });
    }

    @Override
    public Job reopenSubmitted(long id, Instant now) {
        return inTransaction("reopen job " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE oracle_jobs SET state = 'SUBMITTED', block_number = NULL, "
                    + "block_hash = NULL, confirmations = 0, result = NULL, failure_code = NULL, failure_message = NULL, "
                    + "next_attempt_at = ?, updated_at = ? WHERE id = ? AND tx_hash IS NOT NULL RETURNING " + COLUMNS)) {
                bind(ps, now, now, id);
                List<Job> rows = readAll(ps);
                if (rows.isEmpty()) {
                    throw new JobException(JobException.Code.INVALID_JOB, "job " + id + " has no transaction to send again");
                }
                return rows.get(0);
            }
        });
    }

    @Override
    public long nextNonce(String account) {
        return inTransaction("next nonce", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT next_nonce FROM oracle_accounts WHERE address = ?")) {
                bind(ps, account.toLowerCase(Locale.ROOT));
                try (ResultSet r = ps.executeQuery()) {
                    return r.next() ? r.getLong(1) : 0L;
                }
            }
        });
    }

    @Override
    public void raiseNonce(String account, long floor) {
        inTransaction("raise nonce", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO oracle_accounts (address, next_nonce) VALUES (?, ?) "
                    + "ON CONFLICT (address) DO UPDATE SET next_nonce = greatest(oracle_accounts.next_nonce, excluded.next_nonce)")) {
                bind(ps, account.toLowerCase(Locale.ROOT), floor);
                ps.executeUpdate();
            }
            return null;
        });
    }
}
