package io.sensorproof.gateway.oracle;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sensorproof.gateway.GatewaySettings;
import io.sensorproof.gateway.batches.PgBatchLedger;
import io.sensorproof.gateway.enforcement.PgRunClaims;
import io.sensorproof.oracle.batches.BatchAnchoring;
import io.sensorproof.oracle.batches.SealedBatch;
import io.sensorproof.protocol.retry.Backoff;
import io.sensorproof.oracle.chain.TransactionSigner;
import io.sensorproof.oracle.chain.Web3jChainClient;
import io.sensorproof.oracle.jobs.JobHandler;
import io.sensorproof.oracle.jobs.JobRunner;
import io.sensorproof.oracle.jobs.JobRunnerSettings;
import io.sensorproof.oracle.jobs.JobStore;
import io.sensorproof.oracle.jobs.kinds.AnchorBatchHandler;
import io.sensorproof.oracle.jobs.kinds.ClosePeriodHandler;
import io.sensorproof.oracle.jobs.kinds.EmissionsClaimHandler;
import io.sensorproof.oracle.jobs.kinds.MintHandler;
import io.sensorproof.oracle.jobs.kinds.SubmitClaimHandler;
import io.sensorproof.oracle.jobs.kinds.ClaimProver;
import io.sensorproof.oracle.jobs.kinds.FreezeHandler;
import io.sensorproof.oracle.jobs.kinds.RegisterDeviceHandler;
import io.sensorproof.oracle.jobs.kinds.RunClaimHandler;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.jboss.logging.Logger;

/**
 * The oracle's durable jobs in the gateway (issue 15, ADR 022): sealed commitment batches become
 * "anchor batch" jobs in PostgreSQL ({@link PgJobStore}, enqueued whether or not a chain is
 * reachable, idempotent by batch id), and, when a chain is configured ({@link ChainConnection}), this
 * replica's {@link JobRunner} sends them with the oracle's account and records each confirmed anchor
 * in the batch ledger, so inclusion proofs show their anchor transaction. Any replica may resume a
 * job whose replica died (lease); nonces are allocated under the account's row lock.
 */
@ApplicationScoped
public class OracleJobs implements BatchAnchoring {
    private static final Logger LOG = Logger.getLogger(OracleJobs.class);

    @Inject
    GatewaySettings settings;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ChainConnection chain;

    @Inject
    ProverPool prover;

    @Inject
    OracleMetrics metrics;

    private volatile JobStore store;
    private volatile JobRunner runner;

    /** Starts the runner after {@link ChainConnection} connected (a later observer priority). */
    void start(@Observes @Priority(3000) StartupEvent event) {
        if (!settings.oracle().enabled()) {
            LOG.info("oracle jobs are not run on this replica (sensorproof.oracle.enabled=false)");
            return;
        }
        if (!chain.configured()) {
            LOG.info("no chain configured: anchor jobs are kept in PostgreSQL until a replica with a chain runs them");
            return;
        }
        GatewaySettings.Oracle o = settings.oracle();
        String owner = "gateway-" + ManagementFactory.getRuntimeMXBean().getName();
        JobRunnerSettings runnerSettings = new JobRunnerSettings(owner, o.workers(), o.chainWorkers(), o.lease(), o.pollInterval(),
                o.confirmations(), new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), RandomGenerator.getDefault()), 5, o.reconcileInterval());
        String registry = chain.address("AnchorRegistry");
        JobRunner r = new JobRunner(store(), Web3jChainClient.withDefaults(chain.web3j()),
                new TransactionSigner(chain.oracleCredentials(), chain.chainId()),
                handlers(registry),
                runnerSettings, Clock.systemUTC(), metrics.jobEvents());
        r.start();
        runner = r;
        LOG.infof("oracle jobs: %d workers and %d chain worker(s), %d confirmation(s), anchoring on %s", o.workers(),
                o.chainWorkers(), o.confirmations(), registry);
    }

    /** The kinds this replica runs: anchor batches, device registration and run claims, freeze with a CollateralFinancing, the carbon path's with a CarbonCredit. */
    private List<JobHandler> handlers(String registry) {
        List<JobHandler> handlers = new ArrayList<>(List.of(new AnchorBatchHandler(registry, new PgBatchLedger(dataSource)),
                new RegisterDeviceHandler(registry),
                new RunClaimHandler(registry, claimProver(), new PgRunClaims(dataSource))));
        if (chain.deployment().contracts().containsKey("CollateralFinancing")) {
            handlers.add(new FreezeHandler(chain.address("CollateralFinancing")));
        }
        if (chain.deployment().contracts().containsKey("CarbonCredit")) {
            String carbon = chain.address("CarbonCredit");
            handlers.addAll(List.of(new EmissionsClaimHandler(registry, claimProver()), new SubmitClaimHandler(carbon),
                    new ClosePeriodHandler(carbon), new MintHandler(carbon)));
        }
        return handlers;
    }

    /** Run and emissions claims are proven by the prover pool; while it is not ready, the job is retried with backoff. */
    private ClaimProver claimProver() {
        return request -> {
            try {
                return prover.prove(request).proofJson();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while proving", e);
            }
        };
    }

    void stop(@Observes ShutdownEvent event) {
        JobRunner r = runner;
        if (r != null) {
            r.close();
        }
    }

    /** Enqueues the batch's anchor job (a second request for the same batch id is the same job). */
    @Override
    public void anchor(SealedBatch batch) {
        store().enqueue(AnchorBatchHandler.job(batch), Clock.systemUTC().instant());
    }

    /** The job store (PostgreSQL). */
    public JobStore store() {
        JobStore s = store;
        if (s == null) {
            synchronized (this) {
                if (store == null) {
                    store = new PgJobStore(dataSource);
                }
                s = store;
            }
        }
        return s;
    }

    /** This replica's runner, when it runs one. */
    public Optional<JobRunner> runner() {
        return Optional.ofNullable(runner);
    }
}
