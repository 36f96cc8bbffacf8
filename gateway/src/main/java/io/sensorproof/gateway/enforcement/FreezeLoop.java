package io.sensorproof.gateway.enforcement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sensorproof.gateway.GatewaySettings;
import io.sensorproof.gateway.carbon.PgCarbon;
import io.sensorproof.gateway.core.lots.ChainFacilityMatch.ChainWatch;
import io.sensorproof.gateway.enforcement.FacilityStatusReader.FacilityStatus;
import io.sensorproof.gateway.enforcement.PgFreezes.Freeze;
import io.sensorproof.gateway.enforcement.PgFreezes.LinkedLot;
import io.sensorproof.gateway.enforcement.PgRunClaims.RunKey;
import io.sensorproof.gateway.oracle.ChainConnection;
import io.sensorproof.gateway.oracle.OracleJobs;
import io.sensorproof.oracle.enforcement.DeviceEvidence;
import io.sensorproof.oracle.enforcement.FreezeEnforcement;
import io.sensorproof.oracle.enforcement.FreezeLoopRules;
import io.sensorproof.oracle.enforcement.FreezeLoopRules.FreezeAttempt;
import io.sensorproof.oracle.enforcement.FreezeLoopRules.FreezeState;
import io.sensorproof.oracle.enforcement.FreezeStep;
import io.sensorproof.oracle.jobs.JobException;
import io.sensorproof.oracle.jobs.JobStore;
import io.sensorproof.oracle.jobs.NewJob;
import io.sensorproof.oracle.jobs.kinds.FreezeHandler;
import io.sensorproof.oracle.planning.AccountedMessages;
import io.sensorproof.oracle.planning.PlanningException;
import io.sensorproof.oracle.planning.RunClaimPlanner;
import io.sensorproof.oracle.planning.RunPlanRequest;
import io.sensorproof.oracle.planning.RunTerms;
import io.sensorproof.oracle.planning.SettlementRule;
import io.sensorproof.oracle.planning.StoredReading;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.senml.Quantity;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The freeze loop (issue 15 "Claims", "Freeze and mint"; ADR 030): every
 * {@code sensorproof.oracle.enforcement-interval}, for each open lot linked to a CollateralFinancing
 * facility that is Active and not frozen, and each watch of the facility as the chain holds it, it plans
 * the run claims of every device with an out-of-range reading since the last unfreeze
 * ({@link FreezeLoopRules}, {@link FreezeEnforcement#step} with the claims stored before), stores the new
 * claims (one transaction per run) and then enqueues their run-claim jobs, and when the step returns a
 * freeze job records the freeze ({@code freezes}, keyed by the job's key) and then enqueues it. Recorded
 * freezes follow their job: confirmed ⇒ FROZEN with transaction and block, failed ⇒ FAILED with the
 * code, each with an alert event ({@link PgFreezes#settle}), and back to SUBMITTED when chain reconciliation
 * reopens the job ({@link FreezeFollower}). After a refusal (ADR 035) the runs whose evidence was refused are
 * passed over (each device's runs start after the last reading of its closed claims) and a refusal that may
 * clear gets a new job with a new key when the same runs are selected again ({@link FreezeLoopRules#nextAttempt}).
 * While a freeze of a watch is outstanding, the watch is not planned ({@link FreezeLoopRules#plans}).
 *
 * <p>Everything is keyed (claim id, job key), so replicas may run it at once and a round repeated after a
 * crash adds nothing. A round's failure is logged, counted and retried next round; a device whose readings
 * planning refuses is logged with the code and counted, never stops the round. Quarkus only wires: the
 * decisions are {@link FreezeEnforcement} and {@link FreezeLoopRules} in {@code oracle}.
 */
@ApplicationScoped
public class FreezeLoop {
    private static final Logger LOG = Logger.getLogger(FreezeLoop.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GatewaySettings settings;
    private final AgroalDataSource dataSource;
    private final ChainConnection chain;
    private final OracleJobs jobs;
    private final MeterRegistry meters;
    private final Counter rounds;
    private final Counter failedRounds;
    private final Clock clock = Clock.systemUTC();
    private volatile PgFreezes freezes;
    private volatile PgRunClaims runClaims;
    private volatile PgCarbon ledgers;
    private volatile FacilityStatusReader reader;
    private volatile RunClaimPlanner planner;
    private volatile FreezeEnforcement enforcement;
    private volatile FreezeFollower follower;
    private ScheduledExecutorService thread;

    FreezeLoop(GatewaySettings settings, AgroalDataSource dataSource, ChainConnection chain, OracleJobs jobs, MeterRegistry meters) {
        this.settings = settings;
        this.dataSource = dataSource;
        this.chain = chain;
        this.jobs = jobs;
        this.meters = meters;
        this.rounds = Counter.builder("sensorproof.freeze.rounds").description("freeze loop rounds run (failed ones included)")
                .register(meters);
        this.failedRounds = Counter.builder("sensorproof.freeze.rounds.failed").description("freeze loop rounds that failed")
                .register(meters);
    }

    void start(@Observes @Priority(3100) StartupEvent event) {
        GatewaySettings.Oracle o = settings.oracle();
        if (!o.enabled() || o.enforcementInterval().isZero() || !chain.configured()
                || !chain.deployment().contracts().containsKey("CollateralFinancing")) {
            LOG.info("freeze loop is off on this replica (needs sensorproof.oracle.enabled, a chain with a CollateralFinancing"
                    + " and an enforcement-interval above 0)");
            return;
        }
        useStores(o.settleWait());
        reader = new FacilityStatusReader(chain.web3j(), chain.address("CollateralFinancing"));
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "freeze-loop");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(100, o.enforcementInterval().toMillis());
        thread.scheduleWithFixedDelay(this::round, period, period, TimeUnit.MILLISECONDS);
        LOG.infof("freeze loop every %s (settlement wait %s) on CollateralFinancing %s", o.enforcementInterval(), o.settleWait(),
                chain.address("CollateralFinancing"));
    }

    /**
     * Builds the stores and the planner the rounds use; {@link #start} calls it, and tests that drive
     * {@link #watch} and {@link #followSubmitted} without a chain (the facility's state is the caller's).
     */
    void useStores(Duration settleWait) {
        freezes = new PgFreezes(dataSource);
        follower = new FreezeFollower(freezes);
        runClaims = new PgRunClaims(dataSource);
        ledgers = new PgCarbon(dataSource);
        planner = new RunClaimPlanner(new SettlementRule(settleWait));
        enforcement = new FreezeEnforcement(planner);
    }

    void stop(@Observes ShutdownEvent event) {
        if (thread != null) {
            thread.shutdownNow();
        }
    }

    /** One round over every linked lot; runs on the loop's thread. */
    void round() {
        rounds.increment();
        try {
            enqueueRecorded();
            followSubmitted();
            for (LinkedLot lot : freezes.linkedLots()) {
                try {
                    lot(lot);
                } catch (RuntimeException e) {
                    // one lot's trouble (an unknown quantity code, a device field that is no device id, a node
                    // error) never holds the other lots back
                    refusal("LOT_ROUND_FAILED");
                    LOG.warnf("freeze loop: lot %d failed this round, retried next round: %s", lot.lotId(), e.getMessage());
                }
            }
        } catch (RuntimeException e) {
            failedRounds.increment();
            LOG.warnf("freeze loop round failed, retried next round: %s", e.getMessage());
        }
    }

    private void lot(LinkedLot lot) {
        Optional<FacilityStatus> status = reader.status(lot.chainFacilityId());
        if (status.isEmpty()) {
            refusal("CHAIN_FACILITY_MISSING");
            LOG.warnf("CHAIN_FACILITY_MISSING: lot %d is linked to chain facility %s, which the chain does not hold", lot.lotId(),
                    lot.chainFacilityId());
            return;
        }
        FacilityStatus s = status.get();
        if (!FreezeLoopRules.looksAt(s.facility().state(), s.frozen())) {
            return;
        }
        long notBefore = FreezeLoopRules.notBeforeMillis(s.lastUnfreezeSeconds());
        for (ChainWatch w : s.facility().watches()) {
            try {
                watch(lot, s.facility().devices(), w, notBefore, clock.millis());
            } catch (PlanningException e) {
                refusal(e.code().name());
                LOG.warnf("%s: lot %d, quantity %d: %s", e.code(), lot.lotId(), w.quantity(), e.getMessage());
            }
        }
    }

    /**
     * One watch of a linked lot whose facility the chain says is Active and not frozen: plans, stores and enqueues
     * the devices' run claims and, when the step says so, records and enqueues the freeze.
     */
    void watch(LinkedLot lot, List<BigInteger> devices, ChainWatch w, long notBefore, long now) {
        RunTerms terms = new RunTerms(w.quantity(), w.lo().longValueExact(), w.hi().longValueExact(), w.maxGap().longValueExact(),
                w.minDuration().longValueExact(), w.samplingInterval().longValueExact(), w.maxAge().longValueExact());
        String quantity = Quantity.byCode(w.quantity()).senmlName();
        Map<BigInteger, DeviceEvidence> evidence = new LinkedHashMap<>();
        Map<BigInteger, RunKey> runs = new HashMap<>();
        List<KeyedAttempt> earlier = freezes.ofLot(lot.lotId()).stream().filter(f -> f.quantity().equals(quantity))
                .map(FreezeLoop::attempt).toList();
        if (!FreezeLoopRules.plans(earlier.stream().map(KeyedAttempt::attempt).toList())) {
            return;
        }
        Set<String> closed = FreezeLoopRules.closedClaims(earlier.stream().map(KeyedAttempt::attempt).toList());
        for (BigInteger field : devices) {
            String device = Identifiers.deviceIdOfField(field);
            // a run a refused freeze closed is never the current run again: the device's next run starts after it
            long runsAfter = FreezeLoopRules.runsAfter(notBefore, freezes.lastReadingOf(device, closed));
            if (!freezes.hasOutOfRange(device, w.quantity(), terms.lo(), terms.hi(),
                    FreezeLoopRules.excursionSince(runsAfter, terms, now))) {
                continue;
            }
            OptionalLong stored = freezes.latestRunStart(lot.lotId(), device, quantity, runsAfter);
            List<StoredReading> readings = freezes.readings(device, w.quantity(),
                    FreezeLoopRules.readingsFrom(runsAfter, stored, terms, now));
            AccountedMessages ledger = ledger(device, readings);
            OptionalLong runStart;
            try {
                runStart = FreezeLoopRules.currentRunStart(planner,
                        new RunPlanRequest(field, terms, readings, List.of(), ledger, runsAfter, 0, now));
            } catch (PlanningException e) {
                refusal(e.code().name());
                LOG.warnf("%s: lot %d, device %s: its readings are not planned: %s", e.code(), lot.lotId(), device, e.getMessage());
                continue;
            }
            if (runStart.isEmpty()) {
                continue;
            }
            RunKey run = new RunKey(lot.lotId(), device, quantity, Instant.ofEpochMilli(runStart.getAsLong()));
            runs.put(field, run);
            evidence.put(field, new DeviceEvidence(readings, ledger, runClaims.prior(run)));
        }
        if (evidence.isEmpty()) {
            return;
        }
        FreezeStep step = enforcement.step(lot.chainFacilityId(), devices, terms, w.k(), notBefore, now, evidence);
        step.refusals().forEach((device, e) -> {
            refusal(e.code().name());
            LOG.warnf("%s: lot %d, device %s: %s", e.code(), lot.lotId(), Identifiers.deviceIdOfField(device), e.getMessage());
        });
        JobStore js = jobs.store();
        for (Map.Entry<BigInteger, List<FreezeStep.NewClaim>> e : step.newClaims().entrySet()) {
            RunKey run = runs.get(e.getKey());
            int created = runClaims.store(run, e.getValue());
            for (FreezeStep.NewClaim claim : e.getValue()) {
                runClaims.jobEnqueued(claim.claimId(), js.enqueue(claim.job(), clock.instant()).job().id());
            }
            if (created > 0) {
                LOG.infof("lot %d: %d run claim(s) of %s planned (run from %s)", lot.lotId(), created, run.deviceId(), run.runFirstTime());
            }
        }
        if (step.freeze().isPresent()) {
            NewJob first = step.freeze().get();
            OptionalInt attempt = FreezeLoopRules.nextAttempt(earlier.stream()
                    .filter(a -> a.key().equals(first.idempotencyKey())).map(KeyedAttempt::attempt).toList());
            if (attempt.isEmpty()) {
                refusal("FREEZE_ATTEMPTS_USED");
                LOG.warnf("FREEZE_ATTEMPTS_USED: lot %d: the freeze %s was refused %d times; not sent again", lot.lotId(),
                        first.idempotencyKey(), FreezeLoopRules.MAX_FREEZE_ATTEMPTS);
                return;
            }
            List<List<String>> selected = runsOf(first);
            NewJob job = FreezeHandler.job(lot.chainFacilityId(), w.quantity(), selected, attempt.getAsInt());
            Freeze recorded = freezes.record(lot.lotId(), lot.chainFacilityId(), quantity, selected, job.idempotencyKey());
            enqueue(recorded);
        }
    }

    /** A recorded freeze as an attempt of the runs named by its first attempt's key. */
    private record KeyedAttempt(String key, FreezeAttempt attempt) {
    }

    private static KeyedAttempt attempt(Freeze f) {
        return new KeyedAttempt(FreezeHandler.firstAttemptKey(f.jobKey()),
                new FreezeAttempt(FreezeHandler.attemptOf(f.jobKey()), f.state(), f.failureCode(), f.runs()));
    }

    /** Freezes recorded by a round that died before enqueueing their job. */
    void enqueueRecorded() {
        for (Freeze f : freezes.unqueued()) {
            enqueue(f);
        }
    }

    private void enqueue(Freeze f) {
        if (f.jobId().isPresent()) {
            return;
        }
        NewJob job = FreezeHandler.job(f.chainFacilityId(), Quantity.bySenmlName(f.quantity()).code(), f.runs(),
                FreezeHandler.attemptOf(f.jobKey()));
        if (!job.idempotencyKey().equals(f.jobKey())) {
            refusal("FREEZE_KEY_MISMATCH");
            LOG.warnf("FREEZE_KEY_MISMATCH: freeze %d rebuilds to key %s, recorded %s: not enqueued", f.id(), job.idempotencyKey(),
                    f.jobKey());
            return;
        }
        long id = jobs.store().enqueue(job, clock.instant()).job().id();
        freezes.jobEnqueued(f.id(), id);
        LOG.infof("lot %d: freeze of chain facility %s enqueued (job %d, runs %s)", f.lotId(), f.chainFacilityId(), id, f.runs());
    }

    /**
     * Recorded freezes follow their jobs: back to SUBMITTED when reconciliation reopened the job, FROZEN or
     * FAILED with their alert event when it ended; a failure is counted as a refusal with its code.
     */
    void followSubmitted() {
        for (FreezeFollower.Move m : follower.follow(jobs.store())) {
            if (m.to() == FreezeState.FAILED) {
                refusal(m.failureCode().orElse("FAILED"));
            }
        }
    }

    private AccountedMessages ledger(String device, List<StoredReading> readings) {
        if (readings.isEmpty()) {
            return AccountedMessages.of(List.of());
        }
        long minBoot = readings.stream().mapToLong(r -> r.reading().boot()).min().orElseThrow();
        long maxBoot = readings.stream().mapToLong(r -> r.reading().boot()).max().orElseThrow();
        return AccountedMessages.of(ledgers.accountedMessages(device, minBoot, maxBoot));
    }

    private static List<List<String>> runsOf(NewJob job) {
        try {
            List<List<String>> out = new ArrayList<>();
            for (JsonNode run : JSON.readTree(job.payload()).path("runs")) {
                List<String> ids = new ArrayList<>();
                run.forEach(id -> ids.add(id.asText()));
                out.add(ids);
            }
            if (out.isEmpty()) {
                throw new JobException(JobException.Code.INVALID_JOB, "freeze job without runs: " + job.idempotencyKey());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void refusal(String code) {
        Counter.builder("sensorproof.freeze.refusals").description("linked lots, watches or devices the freeze loop refused, by code")
                .tag("code", code).register(meters).increment();
    }
}
