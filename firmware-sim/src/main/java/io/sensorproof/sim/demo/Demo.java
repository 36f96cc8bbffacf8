package io.sensorproof.sim.demo;

import io.sensorproof.sim.demo.Narrative.Stage;
import io.sensorproof.sim.gateway.StandaloneGateway;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The demo (issue 16, ADR 034): starts the packaged gateway in standalone mode (embedded PostgreSQL and broker,
 * anvil with one-second blocks, the contracts, the prover) with its data under one directory, prepares every
 * {@link DemoAct} in order, plays them side by side and tells what happens through the {@link Narrative}.
 * {@link #play} returns the outcome; without {@code --once} the acts' devices keep streaming until
 * {@link #close} (the command calls it on SIGINT/SIGTERM). The gateway stays up until {@link #close}, so a
 * test can look at the chain and the API after the acts reached their outcomes.
 */
public final class Demo implements AutoCloseable {
    /** The narrative's name for the demo's own lines. */
    public static final String DEMO = "demo";

    /**
     * @param gatewayJar the packaged gateway, {@code gateway/target/quarkus-app/quarkus-run.jar}
     * @param dataDir everything of the demo: the gateway's data ({@code gateway/}), its log, the devices and acts' state ({@code demo/})
     * @param httpPort the gateway's HTTP port (fixed, so that printed links stay valid across starts)
     * @param reset delete {@code dataDir} first
     * @param timeout how long the acts (preparing and playing) and, separately, the gateway's start may take
     * @param challengeWindow the carbon challenge window of contracts deployed by this start
     */
    public record Options(Path gatewayJar, Path dataDir, int httpPort, boolean reset, Duration timeout, Duration challengeWindow) {
        public Options {
            Objects.requireNonNull(gatewayJar);
            Objects.requireNonNull(dataDir);
            Objects.requireNonNull(timeout);
            Objects.requireNonNull(challengeWindow);
        }
    }

    /**
     * How the acts ended.
     *
     * @param status 0 when every act reached its outcome, 1 otherwise
     * @param failures one line per failed or timed-out act, naming the step
     */
    public record Outcome(int status, List<String> failures) {
        public Outcome {
            failures = List.copyOf(failures);
        }
    }

    private final StandaloneGateway gateway;
    private final DemoContext context;
    private final List<DemoAct> acts;
    private final Options options;
    private final ExecutorService pool;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean closed;

    private Demo(StandaloneGateway gateway, DemoContext context, List<DemoAct> acts, Options options) {
        this.gateway = gateway;
        this.context = context;
        this.acts = acts;
        this.options = options;
        this.pool = Executors.newFixedThreadPool(acts.size() + 1, r -> {
            Thread t = new Thread(r, "demo-act");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts the gateway (after deleting the data directory with {@code reset}) and waits until it is ready.
     *
     * @param acts the acts, in the order they are prepared (the demo command's list)
     */
    public static Demo start(Options options, List<DemoAct> acts, PrintStream out) throws IOException, InterruptedException {
        if (acts.isEmpty()) {
            throw new IllegalArgumentException("a demo needs at least one act");
        }
        Path dataDir = options.dataDir().toAbsolutePath();
        if (options.reset()) {
            deleteTree(dataDir);
        }
        boolean resumed = Files.isDirectory(dataDir.resolve("gateway"));
        Files.createDirectories(dataDir);
        Narrative narrative = new Narrative(out, Clock.systemDefaultZone());
        narrative.say(DEMO, Stage.STARTING, (resumed ? "resuming the demo in " : "a new demo in ") + dataDir
                + ": standalone gateway (PostgreSQL, broker, anvil with 1 s blocks, contracts, prover); log in " + dataDir.resolve("gateway.log"));
        StandaloneGateway.Ports free = StandaloneGateway.Ports.free();
        StandaloneGateway gateway = StandaloneGateway.start(options.gatewayJar(), dataDir.resolve("gateway"),
                new StandaloneGateway.Ports(options.httpPort(), free.broker(), free.brokerTls(), free.postgres()), options.timeout(),
                Map.of("SENSORPROOF_PROVER_ENABLED", "true",
                        "SENSORPROOF_PROVER_WORKERS", "2",
                        "SENSORPROOF_CHAIN_LOCAL_BLOCK_TIME", "1",
                        "SENSORPROOF_CHAIN_LOCAL_CHALLENGE_WINDOW", options.challengeWindow().toSeconds() + "s",
                        "SENSORPROOF_ORACLE_POLL_INTERVAL", "200ms",
                        "SENSORPROOF_ORACLE_ENFORCEMENT_INTERVAL", "1s",
                        "SENSORPROOF_ORACLE_SETTLE_WAIT", "5s",
                        "SENSORPROOF_ORACLE_CARBON_INTERVAL", "1s"),
                line -> narrative.progress("gateway", line));
        try {
            Path chainJson = gateway.dataDir().resolve("chain").resolve("chain.json");
            narrative.say(DEMO, Stage.STARTING, "gateway ready at " + gateway.apiBase() + "; operator key in "
                    + gateway.dataDir().resolve("operator-api-key") + "; chain " + gateway.chainRpc() + " (" + chainJson + ")");
            narrative.say(DEMO, Stage.STARTING, "carbon challenge window " + options.challengeWindow().toSeconds()
                    + " s (sensorproof.chain.local.challenge-window, for contracts deployed by a new demo)");
            narrative.link("dashboard", gateway.apiBase().resolve("/dashboard/"));
            DemoContext context = new DemoContext(gateway, gateway.operatorKey(), gateway.chainRpc(), chainJson, dataDir.resolve("demo"),
                    narrative);
            Files.createDirectories(context.workDir());
            return new Demo(gateway, context, List.copyOf(acts), options);
        } catch (IOException | RuntimeException e) {
            gateway.close();
            throw e;
        }
    }

    /** What the acts work with. */
    public DemoContext context() {
        return context;
    }

    /** The acts of this demo (the same instances that play). */
    public List<DemoAct> acts() {
        return acts;
    }

    /**
     * Prepares every act in order, then plays them side by side, within the timeout. With {@code once}, the
     * acts' devices stop afterwards; the gateway runs until {@link #close}.
     */
    public Outcome play(boolean once) throws InterruptedException {
        Narrative narrative = context.narrative();
        List<String> failures = new ArrayList<>();
        long deadline = System.nanoTime() + options.timeout().toNanos();
        AtomicReference<String> preparing = new AtomicReference<>(acts.get(0).name());
        Future<?> preparation = pool.submit(() -> {
            for (DemoAct act : acts) {
                preparing.set(act.name());
                act.prepare(context);
            }
            return null;
        });
        String prepareFailure = outcome(preparation, deadline, preparing::get, "preparing");
        if (prepareFailure != null) {
            failures.add(prepareFailure);
        } else {
            List<Future<?>> plays = new ArrayList<>();
            for (DemoAct act : acts) {
                plays.add(pool.submit(() -> {
                    act.play(context);
                    return null;
                }));
            }
            for (int i = 0; i < acts.size(); i++) {
                String name = acts.get(i).name();
                String failure = outcome(plays.get(i), deadline, () -> name, "playing");
                if (failure != null) {
                    failures.add(failure);
                } else {
                    narrative.say(name, Stage.DONE, "reached its outcome");
                }
            }
        }
        for (String failure : failures) {
            narrative.say(DEMO, Stage.FAILED, failure);
        }
        if (failures.isEmpty()) {
            narrative.say(DEMO, Stage.DONE, once ? "every act reached its outcome" : "every act reached its outcome; the devices keep"
                    + " streaming until you stop the demo (Ctrl-C)");
        }
        if (once) {
            closeActs();
        }
        return new Outcome(failures.isEmpty() ? 0 : 1, failures);
    }

    /** Null when the act's future completed; otherwise the failure in words, naming the step. */
    private String outcome(Future<?> future, long deadline, Supplier<String> act, String phase)
            throws InterruptedException {
        try {
            future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return null;
        } catch (TimeoutException e) {
            future.cancel(true);
            return act.get() + ": timed out after " + options.timeout().toSeconds() + " s " + phase + ", waiting for: "
                    + context.narrative().waitingFor(act.get()).orElse("(no step started)");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof DemoStepFailed f) {
                return act.get() + ": step " + f.step() + " failed: " + f.getMessage();
            }
            return act.get() + ": failed " + phase + " while waiting for "
                    + context.narrative().waitingFor(act.get()).orElse("(no step started)") + ": " + cause;
        }
    }

    /** Blocks until {@link #close} was called (by the command's shutdown hook). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    private void closeActs() {
        for (DemoAct act : acts) {
            if (act instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    context.narrative().say(act.name(), Stage.FAILED, "stopping: " + e);
                }
            }
        }
    }

    /** Stops the acts' devices, then the gateway (and its database, broker, chain and prover). Idempotent. */
    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            context.narrative().progress(DEMO, "stopping: the devices, then the gateway (database, broker, chain, prover)");
            pool.shutdownNow();
            closeActs();
            gateway.close();
        } finally {
            stopped.countDown();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
