package io.sensorproof.gateway.oracle;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sensorproof.gateway.GatewaySettings;
import io.sensorproof.zk.claims.CommittedReading;
import io.sensorproof.zk.claims.ProofRequest;
import io.sensorproof.zk.claims.RunClaimWitness;
import io.sensorproof.zk.prover.ProofResult;
import io.sensorproof.zk.prover.ProverClient;
import io.sensorproof.zk.prover.ProverConfig;
import io.sensorproof.zk.prover.ProverEngine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * "The prover" for the rest of the gateway: zk-circuits' {@link ProverClient} (a pool of Node.js
 * zokrates-js workers computing the witnesses, the Java Groth16 prover — or snarkjs in the workers, per
 * {@code sensorproof.prover.engine} — and every proof checked by the Java verifier against the committed
 * key) for the claim circuits. On in standalone mode (the launcher sets {@code sensorproof.prover.enabled}) and
 * when configured.
 *
 * <p>It starts in the background so that the API is up meanwhile: locate the tools
 * ({@link ProverTools}), build or check the circuits, load them into the workers, then prove one
 * run claim of two made-up readings as a self-check. Each step is logged with its duration;
 * readiness check {@code prover} is DOWN with the current step until the self-check passed.
 */
@ApplicationScoped
public class ProverPool {
    private static final Logger LOG = Logger.getLogger(ProverPool.class);

    @Inject
    GatewaySettings settings;

    @Inject
    MeterRegistry meters;

    /** Proof requests handed to the pool and not answered yet (queued or on a worker), for the busy-workers gauge. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile Timer proofsDone;
    private volatile Timer proofsFailed;
    private volatile Status status = new Status(State.DISABLED, "sensorproof.prover.enabled is false", Optional.empty());
    private volatile ProverClient client;
    private volatile boolean stopping;
    private Thread starter;

    /** Where the pool is. */
    public enum State {
        /** Switched off. */
        DISABLED,
        /** Starting: locating tools, building or loading circuits, self-check. */
        STARTING,
        /** Workers up and the self-check proof verified. */
        READY,
        /** Could not start (the detail says why); a restart of the gateway retries. */
        FAILED
    }

    /**
     * The pool's state for readiness and logs.
     *
     * @param state where it is
     * @param detail the current step, or the failure
     * @param selfCheck time of the self-check proof, once done
     */
    public record Status(State state, String detail, Optional<Duration> selfCheck) {
    }

    void start(@Observes StartupEvent event) {
        proofsDone = proofTimer("ok");
        proofsFailed = proofTimer("failed");
        if (!settings.prover().enabled().orElse(false)) {
            return;
        }
        status = new Status(State.STARTING, "locating the prover's tools", Optional.empty());
        starter = new Thread(this::startWorkers, "prover-start");
        starter.setDaemon(true);
        starter.start();
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        Thread t = starter;
        if (t != null) {
            t.interrupt();
        }
        ProverClient c = client;
        if (c != null) {
            c.close();
        }
    }

    private void startWorkers() {
        GatewaySettings.Prover p = settings.prover();
        long t0 = System.nanoTime();
        try {
            ProverTools tools = ProverTools.locate(p.repository().filter(s -> !s.isBlank()).map(Path::of),
                    p.circuitsDir().filter(s -> !s.isBlank()).map(Path::of));
            step("building or checking the claim circuits in " + tools.circuitsDirectory()
                    + " (seconds when cached; several minutes after a clone or a circuit change)");
            tools.ensureBuilt(p.node(), Duration.ofMinutes(30), LOG::info);
            LOG.infof("circuits ready in %d ms", elapsedMillis(t0));
            long t1 = System.nanoTime();
            int threads = p.threads().orElse(ProverConfig.defaultProverThreads());
            step("loading the circuits into " + p.workers() + " prover worker(s), engine " + p.engine().name().toLowerCase(Locale.ROOT)
                    + (p.engine() == ProverEngine.JAVA ? " (" + threads + " prover thread(s))" : ""));
            ProverConfig config = new ProverConfig(p.node(), tools.workerScript(), tools.artifacts(), p.workers(), p.queueCapacity(),
                    p.requestTimeout(), ProverConfig.DEFAULT_START_TIMEOUT.multipliedBy(3), p.engine(), threads);
            ProverClient started = ProverClient.start(config);
            if (stopping) {
                started.close();
                return;
            }
            client = started;
            LOG.infof("prover workers %s ready in %d ms", started.workerPids(), elapsedMillis(t1));
            long t2 = System.nanoTime();
            step("self-check: proving a run claim");
            ProofResult proof = started.prove(selfCheckRequest());
            Duration took = Duration.ofNanos(System.nanoTime() - t2);
            status = new Status(State.READY, "self-check proof verified (worker " + proof.workerPid() + ", witness "
                    + proof.witnessTime().toMillis() + " ms, proving " + proof.proveTime().toMillis() + " ms by "
                    + proof.engine().name().toLowerCase(Locale.ROOT) + ")", Optional.of(took));
            LOG.infof("prover ready: self-check run claim proved and verified in %d ms; start took %d ms in all", took.toMillis(),
                    elapsedMillis(t0));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = new Status(State.FAILED, "interrupted while starting", Optional.empty());
        } catch (RuntimeException e) {
            if (!stopping) {
                status = new Status(State.FAILED, e.getMessage(), Optional.empty());
                LOG.error("the prover did not start: " + e.getMessage(), e);
            }
        }
    }

    private void step(String detail) {
        status = new Status(State.STARTING, detail, Optional.empty());
        LOG.info("prover: " + detail);
    }

    private static long elapsedMillis(long since) {
        return Duration.ofNanos(System.nanoTime() - since).toMillis();
    }

    /** A true run claim over two made-up readings above 8 °C (fixed point, centi-kelvin), one minute apart. */
    static ProofRequest selfCheckRequest() {
        BigInteger device = BigInteger.valueOf(0x5e1fc4ecL);
        long t = 1_700_000_000_000L;
        List<CommittedReading> readings = List.of(
                new CommittedReading(device, 1, 1, 0, CommittedReading.TEMPERATURE, t, 28_615),
                new CommittedReading(device, 1, 2, 0, CommittedReading.TEMPERATURE, t + 60_000, 28_700));
        return RunClaimWitness.of(readings, 27_315, 28_115, 120_000).request();
    }

    /** Whether the prover is switched on. */
    public boolean enabled() {
        return status.state() != State.DISABLED;
    }

    /** The current state. */
    public Status status() {
        return status;
    }

    /** The worker pool, once ready. */
    public ProverClient client() {
        Status s = status;
        switch (s.state()) {
            case DISABLED:
                throw new OracleSetupException(OracleSetupException.Code.PROVER_DISABLED, "the prover is switched off (sensorproof.prover.enabled)");
            case FAILED:
                throw new OracleSetupException(OracleSetupException.Code.PROVER_FAILED, s.detail());
            case STARTING:
                throw new OracleSetupException(OracleSetupException.Code.PROVER_NOT_READY, s.detail());
            default:
                return client;
        }
    }

    /** Queues a proof request ({@link ProverClient#submit}): the future holds a proof the Java verifier accepted. */
    public CompletableFuture<ProofResult> submit(ProofRequest request) {
        ProverClient c = client();
        long t0 = System.nanoTime();
        inFlight.incrementAndGet();
        try {
            return c.submit(request).whenComplete((proof, error) -> proofDone(t0, error == null));
        } catch (RuntimeException e) {
            proofDone(t0, false);
            throw e;
        }
    }

    /** Proves and waits ({@link ProverClient#prove}). */
    public ProofResult prove(ProofRequest request) throws InterruptedException {
        ProverClient c = client();
        long t0 = System.nanoTime();
        inFlight.incrementAndGet();
        boolean ok = false;
        try {
            ProofResult proof = c.prove(request);
            ok = true;
            return proof;
        } finally {
            proofDone(t0, ok);
        }
    }

    private void proofDone(long t0, boolean ok) {
        inFlight.decrementAndGet();
        Timer t = ok ? proofsDone : proofsFailed;
        if (t != null) {
            t.record(Duration.ofNanos(System.nanoTime() - t0));
        }
    }

    private Timer proofTimer(String outcome) {
        return Timer.builder("sensorproof.prover.proofs").description("claim proofs asked of the prover pool (queue wait, witness,"
                + " proving and the Java verifier's check), by outcome").tag("outcome", outcome).register(meters);
    }

    /** Proof requests handed to the pool and not answered yet (queued or on a worker). */
    public int inFlight() {
        return inFlight.get();
    }
}
