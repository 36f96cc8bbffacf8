package io.sensorproof.gateway.oracle;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sensorproof.gateway.GatewaySettings;
import io.sensorproof.gateway.chain.ChainEventFollower;
import io.sensorproof.gateway.chain.PgChainEvents;
import io.sensorproof.oracle.chain.ChainHead;
import io.sensorproof.oracle.chain.ChainReachability;
import io.sensorproof.oracle.chain.Web3jChainHead;
import io.sensorproof.oracle.events.FollowerLag;
import io.sensorproof.oracle.jobs.Job;
import io.sensorproof.oracle.jobs.JobBacklog;
import io.sensorproof.oracle.jobs.JobEvents;
import io.sensorproof.oracle.jobs.JobState;
import io.sensorproof.oracle.jobs.kinds.AnchorBatchHandler;
import io.sensorproof.oracle.jobs.kinds.ClosePeriodHandler;
import io.sensorproof.oracle.jobs.kinds.EmissionsClaimHandler;
import io.sensorproof.oracle.jobs.kinds.FreezeHandler;
import io.sensorproof.oracle.jobs.kinds.MintHandler;
import io.sensorproof.oracle.jobs.kinds.RegisterDeviceHandler;
import io.sensorproof.oracle.jobs.kinds.RunClaimHandler;
import io.sensorproof.oracle.jobs.kinds.SubmitClaimHandler;
import io.sensorproof.zk.prover.ProverClient;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import org.jboss.logging.Logger;

/**
 * The oracle's meters (issue 16 "deploy/", ADR 038): job backlog and oldest unfinished job, job outcomes
 * and signed transactions, chain reachability and head, chain event follower lag, prover pool health and
 * the carbon periods and credits on chain. Everything is registered at start with its zero (or NaN before
 * a first reading), so alert rules and dashboard panels find every name on a fresh replica.
 *
 * <p>Database figures (backlog, carbon, follower cursor) come from one grouped query each, refreshed on
 * one thread every {@code sensorproof.metrics.backlog-refresh}, never per scrape; the same thread probes
 * the chain node. Global figures (backlog, follower, carbon) are the same on every replica and alert rules
 * take their max; per-replica figures (job outcomes, transactions, chain probe, prover) are summed or
 * looked at per instance.
 */
@ApplicationScoped
public class OracleMetrics {
    private static final Logger LOG = Logger.getLogger(OracleMetrics.class);
    /** The job kinds the gateway runs, registered at start; a kind found only in the table is added when seen. */
    static final List<String> KINDS = List.of(AnchorBatchHandler.KIND, RegisterDeviceHandler.KIND, RunClaimHandler.KIND,
            FreezeHandler.KIND, EmissionsClaimHandler.KIND, SubmitClaimHandler.KIND, ClosePeriodHandler.KIND, MintHandler.KIND);
    static final List<JobState> UNFINISHED = List.of(JobState.ASSEMBLED, JobState.PROVED, JobState.SELF_VERIFIED, JobState.SUBMITTED);
    static final List<String> PERIOD_STATES = List.of("OPEN", "CLOSED", "VOIDED", "MINTED");
    static final String CARBON_QUERY = "SELECT state, count(*), coalesce(sum(minted), 0)::float8 FROM chain_carbon_periods GROUP BY state";
    static final String CURSOR_QUERY = "SELECT block_number FROM chain_cursor WHERE follower = ?";
    /** Longest failure code kept as a tag value (codes are stable names; this only bounds a misbehaving one). */
    private static final int MAX_CODE = 64;

    @Inject
    GatewaySettings settings;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ChainConnection chain;

    @Inject
    ProverPool prover;

    @Inject
    ChainEventFollower follower;

    @Inject
    MeterRegistry meters;

    private final Clock clock = Clock.systemUTC();
    private final AtomicReference<JobBacklog> backlog = new AtomicReference<>(JobBacklog.EMPTY);
    private final Map<String, Boolean> registeredKinds = new ConcurrentHashMap<>();
    private final AtomicLong backlogRefreshedMillis = new AtomicLong();
    private final Map<String, AtomicLong> periods = new ConcurrentHashMap<>();
    private final AtomicReference<Double> creditsMinted = new AtomicReference<>(0.0);
    private final AtomicReference<Optional<FollowerLag>> lag = new AtomicReference<>(Optional.empty());
    private final AtomicLong refreshFailures = new AtomicLong();
    private volatile ChainReachability reachability;
    private volatile ScheduledExecutorService thread;

    /** Before the oracle's runner (priority 3000) so that its events find the meters. */
    void start(@Observes @Priority(2900) StartupEvent event) {
        for (String kind : KINDS) {
            registerKind(kind);
        }
        Gauge.builder("sensorproof.oracle.jobs.refreshed", backlogRefreshedMillis, a -> a.get() / 1000.0)
                .description("when the job backlog was last read from the database (epoch seconds)").baseUnit("seconds").register(meters);
        FunctionCounter.builder("sensorproof.oracle.metrics.refresh.failures", refreshFailures, AtomicLong::get)
                .description("refreshes of the oracle gauges from the database that failed").register(meters);

        Gauge.builder("sensorproof.chain.configured", chain, c -> c.configured() ? 1 : 0)
                .description("1 when this replica has a chain configured").register(meters);
        chainGauge("sensorproof.chain.rpc.last.success", "when this replica's last call to the chain node succeeded (epoch seconds;"
                + " 0 if none since start)", "seconds", r -> r.lastSuccess().map(i -> i.toEpochMilli() / 1000.0).orElse(0.0));
        chainGauge("sensorproof.chain.head.block", "the chain node's newest block number, as last read", null,
                r -> r.lastHead().map(h -> (double) h.number()).orElse(Double.NaN));
        chainGauge("sensorproof.chain.head.age", "age of the newest block's timestamp when last read", "seconds",
                r -> r.headAge(clock.instant()).map(d -> d.toMillis() / 1000.0).orElse(Double.NaN));
        FunctionCounter.builder("sensorproof.chain.rpc.failures", this, m -> m.reachability == null ? 0 : m.reachability.failures())
                .description("probes of the chain node that failed").register(meters);

        Gauge.builder("sensorproof.follower.enabled", this, m -> m.follower.running() ? 1 : 0)
                .description("1 when this replica runs the chain event follower").register(meters);
        Gauge.builder("sensorproof.follower.lag", lag, l -> l.get().map(f -> (double) f.blocksBehind()).orElse(Double.NaN))
                .description("confirmed blocks the chain event follower has not applied yet; global").baseUnit("blocks").register(meters);
        Gauge.builder("sensorproof.follower.block", lag, l -> l.get().map(f -> (double) f.processedBlock()).orElse(Double.NaN))
                .description("the last block the chain event follower applied; global").register(meters);
        FunctionCounter.builder("sensorproof.follower.failures", follower, ChainEventFollower::failedTicks)
                .description("chain event follower ticks on this replica that failed").register(meters);

        Gauge.builder("sensorproof.prover.enabled", prover, p -> p.enabled() ? 1 : 0)
                .description("1 when this replica runs a prover pool").register(meters);
        Gauge.builder("sensorproof.prover.ready", prover, p -> p.status().state() == ProverPool.State.READY ? 1 : 0)
                .description("1 when the prover pool's workers are up and its self-check proof verified").register(meters);
        Gauge.builder("sensorproof.prover.workers", prover, p -> ready(p).map(c -> c.workerPids().size()).orElse(0))
                .description("prover worker processes up").register(meters);
        Gauge.builder("sensorproof.prover.workers.busy", prover, OracleMetrics::busyWorkers)
                .description("prover workers on a request (requests handed to the pool less those queued)").register(meters);
        Gauge.builder("sensorproof.prover.queue.depth", prover, p -> ready(p).map(ProverClient::queued).orElse(0))
                .description("proof requests waiting for a prover worker").register(meters);
        Gauge.builder("sensorproof.prover.queue.capacity", settings, s -> s.prover().queueCapacity())
                .description("proof requests the prover pool queues before refusing").register(meters);
        FunctionCounter.builder("sensorproof.prover.worker.restarts", prover, p -> ready(p).map(ProverClient::restarts).orElse(0))
                .description("prover workers replaced after a timeout or crash").register(meters);

        for (String state : PERIOD_STATES) {
            AtomicLong holder = new AtomicLong();
            periods.put(state, holder);
            Gauge.builder("sensorproof.carbon.periods", holder, AtomicLong::get).tag("state", state)
                    .description("CarbonCredit periods on chain by state, as the chain event follower projected them; global")
                    .register(meters);
        }
        Gauge.builder("sensorproof.carbon.credits.minted", creditsMinted, AtomicReference::get)
                .description("carbon credit units minted on chain, over all periods; global").register(meters);

        if (chain.configured()) {
            reachability = new ChainReachability(new Web3jChainHead(chain.web3j()), clock);
        }
        long every = Math.max(1000, settings.metrics().backlogRefresh().toMillis());
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "oracle-metrics");
            th.setDaemon(true);
            return th;
        });
        t.scheduleWithFixedDelay(this::refresh, 0, every, TimeUnit.MILLISECONDS);
        thread = t;
    }

    void stop(@Observes ShutdownEvent event) {
        ScheduledExecutorService t = thread;
        if (t != null) {
            t.shutdownNow();
        }
    }

    private void chainGauge(String name, String description, String unit, ToDoubleFunction<ChainReachability> value) {
        Gauge.Builder<OracleMetrics> b = Gauge.builder(name, this, m -> {
            ChainReachability r = m.reachability;
            return r == null ? Double.NaN : value.applyAsDouble(r);
        }).description(description);
        if (unit != null) {
            b.baseUnit(unit);
        }
        b.register(meters);
    }

    private void registerKind(String kind) {
        registeredKinds.computeIfAbsent(kind, k -> {
            for (JobState state : UNFINISHED) {
                Gauge.builder("sensorproof.oracle.jobs.backlog", backlog, b -> b.get().count(k, state)).tag("kind", k)
                        .tag("state", state.name())
                        .description("unfinished oracle jobs by kind and state; global (the same on every replica)").register(meters);
            }
            Gauge.builder("sensorproof.oracle.jobs.oldest.age", this, m -> m.oldestAgeSeconds(k)).tag("kind", k)
                    .description("how long the oldest unfinished job of this kind has waited since it was enqueued (0 with none); global")
                    .baseUnit("seconds").register(meters);
            finished(k, "confirmed");
            finished(k, "failed");
            Counter.builder("sensorproof.oracle.transactions.signed").tag("kind", k)
                    .description("oracle transactions signed and stored by this replica (each sent, and sent again if needed)")
                    .register(meters);
            Counter.builder("sensorproof.oracle.jobs.retries").tag("kind", k)
                    .description("oracle job steps this replica will retry (transport errors, a prover not ready)").register(meters);
            return Boolean.TRUE;
        });
    }

    private Counter finished(String kind, String outcome) {
        return Counter.builder("sensorproof.oracle.jobs.finished").tag("kind", kind).tag("outcome", outcome)
                .description("oracle jobs this replica finished, by kind and outcome (confirmed, failed)").register(meters);
    }

    private double oldestAgeSeconds(String kind) {
        return backlog.get().oldestAge(kind, clock.instant()).map(d -> d.toMillis() / 1000.0).orElse(0.0);
    }

    private static Optional<ProverClient> ready(ProverPool p) {
        return p.status().state() == ProverPool.State.READY ? Optional.ofNullable(p.client()) : Optional.empty();
    }

    private static double busyWorkers(ProverPool p) {
        return ready(p).map(c -> Math.max(0, Math.min(c.workerPids().size(), p.inFlight() - c.queued()))).orElse(0);
    }

    /** The hooks the oracle's runner calls: counts signed transactions, retries and finished jobs by kind (and failure code). */
    public JobEvents jobEvents() {
        return new JobEvents() {
            @Override
            public void signed(Job job) {
                registerKind(job.kind());
                meters.counter("sensorproof.oracle.transactions.signed", "kind", job.kind()).increment();
            }

            @Override
            public void finished(Job job) {
                registerKind(job.kind());
                if (job.state() == JobState.CONFIRMED) {
                    OracleMetrics.this.finished(job.kind(), "confirmed").increment();
                } else {
                    OracleMetrics.this.finished(job.kind(), "failed").increment();
                    String code = job.failure().map(f -> f.code()).orElse("UNKNOWN");
                    Counter.builder("sensorproof.oracle.jobs.failures").tag("kind", job.kind())
                            .tag("code", code.length() > MAX_CODE ? code.substring(0, MAX_CODE) : code)
                            .description("oracle jobs this replica saw fail, by kind and failure code (a series appears at its"
                                    + " first failure)").register(meters).increment();
                }
            }

            @Override
            public void retrying(Job job, RuntimeException cause) {
                registerKind(job.kind());
                meters.counter("sensorproof.oracle.jobs.retries", "kind", job.kind()).increment();
            }
        };
    }

    /** Reads the backlog, carbon periods and follower cursor from the database and probes the chain; never throws. */
    void refresh() {
        try {
            refreshDatabase();
            backlogRefreshedMillis.set(clock.millis());
        } catch (RuntimeException | SQLException e) {
            refreshFailures.incrementAndGet();
            LOG.warnf("oracle metrics: the database could not be read: %s", e.getMessage());
        }
        ChainReachability r = reachability;
        if (r == null) {
            return;
        }
        ChainReachability.Probe probe = r.probe();
        probe.error().ifPresent(e -> LOG.debugf("oracle metrics: chain probe failed: %s", e));
        Optional<ChainHead> head = probe.head();
        if (head.isPresent() && settings.chain().events().enabled()) {
            try {
                lag.set(Optional.of(FollowerLag.of(head.get().number(), settings.chain().events().confirmations(), cursor(),
                        chain.deployment().blockNumber())));
            } catch (RuntimeException | SQLException e) {
                refreshFailures.incrementAndGet();
                LOG.warnf("oracle metrics: the follower cursor could not be read: %s", e.getMessage());
            }
        }
    }

    private void refreshDatabase() throws SQLException {
        JobBacklog b = new PgJobStore(dataSource).backlog();
        b.groups().forEach(g -> registerKind(g.kind()));
        backlog.set(b);
        Map<String, Long> counts = new ConcurrentHashMap<>();
        double minted = 0;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(CARBON_QUERY);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
                minted += rs.getDouble(3);
            }
        }
        periods.forEach((state, holder) -> holder.set(counts.getOrDefault(state, 0L)));
        creditsMinted.set(minted);
    }

    private OptionalLong cursor() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(CURSOR_QUERY)) {
            ps.setString(1, PgChainEvents.FOLLOWER);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return OptionalLong.empty();
                }
                long n = rs.getLong(1);
                return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(n);
            }
        }
    }

    /** The backlog as last read. */
    public JobBacklog backlog() {
        return backlog.get();
    }
}
