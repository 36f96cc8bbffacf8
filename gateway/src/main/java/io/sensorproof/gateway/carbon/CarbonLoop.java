package io.sensorproof.gateway.carbon;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sensorproof.gateway.GatewaySettings;
import io.sensorproof.gateway.carbon.CarbonChain.ChainPeriod;
import io.sensorproof.gateway.carbon.CarbonSteps.JobStatus;
import io.sensorproof.gateway.carbon.PgCarbon.LinkedFacility;
import io.sensorproof.gateway.carbon.PgCarbon.StoredClaim;
import io.sensorproof.gateway.carbon.PgCarbon.TrackedPeriod;
import io.sensorproof.gateway.oracle.ChainConnection;
import io.sensorproof.gateway.oracle.OracleJobs;
import io.sensorproof.oracle.bundle.ClaimIds;
import io.sensorproof.oracle.chain.SignedTransaction;
import io.sensorproof.oracle.jobs.Job;
import io.sensorproof.oracle.jobs.JobState;
import io.sensorproof.oracle.jobs.JobStore;
import io.sensorproof.oracle.jobs.kinds.ClosePeriodHandler;
import io.sensorproof.oracle.jobs.kinds.EmissionsClaimHandler;
import io.sensorproof.oracle.jobs.kinds.MintHandler;
import io.sensorproof.oracle.jobs.kinds.SubmitClaimHandler;
import io.sensorproof.oracle.planning.AccountedMessages;
import io.sensorproof.oracle.planning.ClaimKeys;
import io.sensorproof.oracle.planning.EmissionsChunk;
import io.sensorproof.oracle.planning.EmissionsClaimPlanner;
import io.sensorproof.oracle.planning.EmissionsPlan;
import io.sensorproof.oracle.planning.EmissionsPlanRequest;
import io.sensorproof.oracle.planning.PeriodTerms;
import io.sensorproof.oracle.planning.PlanningException;
import io.sensorproof.oracle.planning.ReadingKey;
import io.sensorproof.oracle.planning.SettlementRule;
import io.sensorproof.oracle.planning.StoredReading;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.zk.claims.CommittedReading;
import io.sensorproof.zk.claims.EmissionsClaimWitness;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The carbon loop (issue 15 "Claims", "Freeze and mint"; ADR 025): every
 * {@code sensorproof.oracle.carbon-interval}, for each emissions facility linked to a CarbonCredit
 * facility, it tracks the chain's periods of that facility, and for each period not yet minted or voided:
 * plans every device's emissions claims as its register readings fill a claim tree
 * ({@link EmissionsClaimPlanner}, with the claims planned before), stores new claims and enqueues their
 * anchor jobs (prove, self-verify, {@code anchorEmissionsClaim}), then lets {@link CarbonSteps} decide which
 * claim to submit, whether to close and whether to mint, and enqueues those jobs.
 *
 * <p>Exactly once: a claim row is keyed by its claim id and chain position and written before its job is
 * enqueued; every job has an idempotency key per action ({@code emissions-claim:<id>},
 * {@code submit-claim:<f>:<p>:<id>}, {@code close-period:<f>:<p>}, {@code mint:<f>:<p>}), so a round that
 * runs again after a crash or on another replica finds the same rows and jobs and adds nothing. A
 * round's failure (chain unreachable, a database error) is logged, counted and retried next round;
 * a device whose readings planning refuses is recorded with the code and counted, never crashes the round.
 */
@ApplicationScoped
public class CarbonLoop {
    private static final Logger LOG = Logger.getLogger(CarbonLoop.class);

    private final GatewaySettings settings;
    private final AgroalDataSource dataSource;
    private final ChainConnection chain;
    private final OracleJobs jobs;
    private final MeterRegistry meters;
    private final Counter failedRounds;
    private final Counter rounds;
    private final Clock clock = Clock.systemUTC();
    private volatile PgCarbon store;
    private volatile CarbonChain carbon;
    private volatile EmissionsClaimPlanner planner;
    private volatile Long challengeWindow;
    private ScheduledExecutorService thread;

    CarbonLoop(GatewaySettings settings, AgroalDataSource dataSource, ChainConnection chain, OracleJobs jobs, MeterRegistry meters) {
        this.settings = settings;
        this.dataSource = dataSource;
        this.chain = chain;
        this.jobs = jobs;
        this.meters = meters;
        this.failedRounds = Counter.builder("sensorproof.carbon.rounds.failed").description("carbon loop rounds that failed")
                .register(meters);
        this.rounds = Counter.builder("sensorproof.carbon.rounds").description("carbon loop rounds run (failed ones included)")
                .register(meters);
    }

    void start(@Observes @Priority(3100) StartupEvent event) {
        GatewaySettings.Oracle o = settings.oracle();
        if (!o.enabled() || o.carbonInterval().isZero() || !chain.configured()
                || !chain.deployment().contracts().containsKey("CarbonCredit")) {
            LOG.info("carbon loop is off on this replica (needs sensorproof.oracle.enabled, a chain with a CarbonCredit and a"
                    + " carbon-interval above 0)");
            return;
        }
        store = new PgCarbon(dataSource);
        carbon = new CarbonChain(chain.web3j(), chain.address("CarbonCredit"));
        planner = new EmissionsClaimPlanner(new SettlementRule(o.settleWait()));
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "carbon-loop");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(100, o.carbonInterval().toMillis());
        thread.scheduleWithFixedDelay(this::round, period, period, TimeUnit.MILLISECONDS);
        LOG.infof("carbon loop every %s (settlement wait %s) on CarbonCredit %s", o.carbonInterval(), o.settleWait(),
                chain.address("CarbonCredit"));
    }

    void stop(@Observes ShutdownEvent event) {
        if (thread != null) {
            thread.shutdownNow();
        }
    }

    /** One round over every linked facility; runs on the loop's thread. */
    void round() {
        rounds.increment();
        try {
            for (LinkedFacility f : store.linkedFacilities()) {
                trackNewPeriods(f);
                for (TrackedPeriod p : store.periods(f.id())) {
                    if (!p.state().equals("MINTED") && !p.state().equals("VOIDED")) {
                        period(p);
                    }
                }
            }
        } catch (RuntimeException e) {
            failedRounds.increment();
            LOG.warnf("carbon loop round failed, retried next round: %s", e.getMessage());
        }
    }

    private void trackNewPeriods(LinkedFacility f) {
        long known = store.periods(f.id()).stream().mapToLong(TrackedPeriod::periodId).max().orElse(0);
        long count = carbon.periodCount(f.chainFacilityId());
        for (long p = known + 1; p <= count; p++) {
            List<String> devices = CarbonLinks.deviceIds(carbon.periodDevices(f.chainFacilityId(), p));
            if (!new HashSet<>(f.devices()).containsAll(devices)) {
                refusal("CHAIN_FACILITY_DEVICES_MISMATCH");
                LOG.warnf("CHAIN_FACILITY_DEVICES_MISMATCH: period %d of chain facility %d lists devices %s, facility %d has %s:"
                        + " not tracked", p, f.chainFacilityId(), devices, f.id(), f.devices());
                return;
            }
            store.trackPeriod(f.id(), carbon.period(f.chainFacilityId(), p), devices);
        }
    }

    private void period(TrackedPeriod p) {
        ChainPeriod onChain = carbon.period(p.chainFacilityId(), p.periodId());
        long blockTime = carbon.blockTimeSeconds();
        if (challengeWindow == null) {
            challengeWindow = carbon.challengeWindowSeconds();
        }
        JobStore js = jobs.store();
        List<CarbonSteps.Device> devices = new ArrayList<>();
        for (String device : p.devices()) {
            CarbonSteps.DevicePlan plan = onChain.closed() ? CarbonSteps.DevicePlan.COMPLETE : plan(p, device);
            List<CarbonSteps.Claim> claims = new ArrayList<>();
            for (StoredClaim c : store.claims(p.facilityId(), p.periodId(), device)) {
                claims.add(claimStatus(js, c));
            }
            devices.add(new CarbonSteps.Device(device, plan, claims));
        }
        JobStatus close = p.closeJob().flatMap(js::find)
                .map(j -> status(j, ClosePeriodHandler.done(j))).orElse(JobStatus.NONE);
        JobStatus mint = p.mintJob().flatMap(js::find).map(j -> status(j, MintHandler.done(j))).orElse(JobStatus.NONE);
        CarbonSteps.Decision d = CarbonSteps.decide(new CarbonSteps.Input(p.endSeconds(), p.maxGapMs(),
                settings.oracle().settleWait().toMillis(), new CarbonSteps.ChainState(onChain.closed(), onChain.closedAtSeconds(),
                        onChain.voided(), onChain.minted(), blockTime, challengeWindow), devices, close, mint));
        for (String claimId : d.submit()) {
            Job job = js.enqueue(SubmitClaimHandler.job(p.chainFacilityId(), p.periodId(), claimId), clock.instant()).job();
            store.submitJob(claimId, job.id());
        }
        Optional<Long> closeJob = Optional.empty();
        Optional<Long> mintJob = Optional.empty();
        if (d.close()) {
            closeJob = Optional.of(js.enqueue(ClosePeriodHandler.job(p.chainFacilityId(), p.periodId()), clock.instant()).job().id());
            LOG.infof("closing period %d of chain facility %d", p.periodId(), p.chainFacilityId());
        }
        if (d.mint()) {
            mintJob = Optional.of(js.enqueue(MintHandler.job(p.chainFacilityId(), p.periodId()), clock.instant()).job().id());
            LOG.infof("minting period %d of chain facility %d", p.periodId(), p.chainFacilityId());
        }
        store.updatePeriod(p.facilityId(), p.periodId(), d.state().name(), closeJob, mintJob,
                onChain.minted() ? Optional.of(onChain.mintedAmount()) : Optional.empty());
    }

    /** Plans one device: stores and enqueues new claims; returns its planning outcome. */
    private CarbonSteps.DevicePlan plan(TrackedPeriod p, String device) {
        List<StoredReading> readings = store.registerReadings(device, p.startSeconds() * 1000, p.endSeconds() * 1000);
        List<StoredClaim> stored = store.claims(p.facilityId(), p.periodId(), device);
        try {
            long minBoot = readings.stream().mapToLong(r -> r.reading().boot()).min().orElse(0);
            long maxBoot = readings.stream().mapToLong(r -> r.reading().boot()).max().orElse(-1);
            AccountedMessages ledger = AccountedMessages.of(maxBoot < 0 ? List.of() : store.accountedMessages(device, minBoot, maxBoot));
            EmissionsPlan plan = planner.plan(new EmissionsPlanRequest(Identifiers.deviceField(device),
                    new PeriodTerms(p.startSeconds(), p.endSeconds(), p.maxGapMs()), readings,
                    stored.stream().map(StoredClaim::keys).toList(), ledger, clock.millis()));
            int index = stored.size();
            for (EmissionsChunk chunk : plan.newClaims()) {
                String claimId = ClaimIds.of(EmissionsClaimWitness.CIRCUIT, chunk.request().publicInputs());
                store.insertClaim(p.facilityId(), p.periodId(), device, index++, claimId, chunk);
                store.anchorJob(claimId, jobs.store().enqueue(EmissionsClaimHandler.job(chunk.request()), clock.instant()).job().id());
                LOG.infof("planned emissions claim %s of %s (%d readings, %s)", claimId, device, chunk.keys().size(),
                        chunk.settlement().basis());
            }
            enqueueMissingAnchors(p, device, readings);
            store.deviceStatus(p.facilityId(), p.periodId(), device, Optional.of(plan.status().name()), Optional.empty(),
                    Optional.empty());
            return CarbonSteps.DevicePlan.valueOf(plan.status().name());
        } catch (PlanningException e) {
            refusal(e.code().name());
            store.deviceStatus(p.facilityId(), p.periodId(), device, Optional.empty(), Optional.of(e.code().name()),
                    Optional.of(e.getMessage()));
            LOG.warnf("carbon: planning refused the readings of %s for period %d: %s", device, p.periodId(), e.getMessage());
            return CarbonSteps.DevicePlan.REFUSED;
        }
    }

    /** A claim stored by a round that died before enqueueing its anchor job: rebuild its witness from the stored readings. */
    private void enqueueMissingAnchors(TrackedPeriod p, String device, List<StoredReading> readings) {
        Map<ReadingKey, CommittedReading> byKey = new HashMap<>();
        readings.forEach(r -> byKey.put(r.key(), r.reading()));
        for (StoredClaim c : store.claims(p.facilityId(), p.periodId(), device)) {
            if (c.anchorJob().isPresent()) {
                continue;
            }
            ClaimKeys keys = c.keys();
            List<CommittedReading> window = keys.keys().stream().map(byKey::get).toList();
            if (window.contains(null)) {
                refusal("CLAIM_READINGS_MISSING");
                LOG.warnf("carbon: claim %s lists readings that are no longer stored: its anchor job cannot be made", c.claimId());
                continue;
            }
            EmissionsClaimWitness witness = EmissionsClaimWitness.of(window, p.maxGapMs());
            String id = ClaimIds.of(EmissionsClaimWitness.CIRCUIT, witness.request().publicInputs());
            if (!id.equals(c.claimId())) {
                refusal("CLAIM_ID_MISMATCH");
                LOG.warnf("carbon: claim %s rebuilt from its readings is %s: its anchor job is not made", c.claimId(), id);
                continue;
            }
            store.anchorJob(c.claimId(), jobs.store().enqueue(EmissionsClaimHandler.job(witness.request()), clock.instant()).job().id());
        }
    }

    private CarbonSteps.Claim claimStatus(JobStore js, StoredClaim c) {
        Optional<Job> anchorJob = c.anchorJob().flatMap(js::find);
        Optional<Job> submitJob = c.submitJob().flatMap(js::find);
        JobStatus anchor = anchorJob.map(j -> status(j, EmissionsClaimHandler.anchored(j))).orElse(JobStatus.NONE);
        JobStatus submit = submitJob.map(j -> status(j, j.state() == JobState.CONFIRMED)).orElse(JobStatus.NONE);
        String state = submit == JobStatus.DONE ? "SUBMITTED"
                : anchor == JobStatus.FAILED || submit == JobStatus.FAILED ? "FAILED"
                : anchor == JobStatus.DONE ? "ANCHORED" : "PLANNED";
        if (!state.equals(c.state()) || state.equals("ANCHORED")) {
            store.claimState(c.claimId(), state, anchorJob.flatMap(Job::proof), anchorJob.flatMap(Job::transaction)
                    .map(SignedTransaction::hash), submitJob.flatMap(Job::transaction).map(SignedTransaction::hash));
        }
        return new CarbonSteps.Claim(c.claimId(), anchor == JobStatus.NONE ? JobStatus.PENDING : anchor, submit);
    }

    private static JobStatus status(Job job, boolean done) {
        if (done) {
            return JobStatus.DONE;
        }
        return job.state() == JobState.FAILED ? JobStatus.FAILED : JobStatus.PENDING;
    }

    private void refusal(String code) {
        Counter.builder("sensorproof.carbon.refusals").description("carbon loop refusals by code").tag("code", code)
                .register(meters).increment();
    }
}
