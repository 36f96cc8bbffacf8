package io.sensorproof.gateway.standalone;

import io.quarkus.runtime.Application;
import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.sensorproof.broker.BrokerProcess;
import io.sensorproof.broker.access.AccessPolicy;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Entry point of the gateway ({@code java -jar gateway/target/quarkus-app/quarkus-run.jar}).
 *
 * <p>Quarkus reads the datasource URLs, connects its pools and runs Flyway while it starts, so the
 * database must exist before {@link Quarkus#run}. This main therefore runs first: when no database
 * URL is configured it starts the embedded PostgreSQL server and hands its URLs to Quarkus as
 * system properties (the highest-priority configuration source), then starts Quarkus. When a URL is
 * configured it starts nothing and only derives the two Quarkus URLs from
 * {@code SENSORPROOF_DATABASE_URL} if that is the one given.
 *
 * <p>Then, unless an MQTT URL is configured, it starts the embedded broker, and unless
 * {@code sensorproof.chain.rpc-url} is configured, the local chain ({@link StandaloneChain}: anvil,
 * the contracts deployed once), and hands their URLs to the application the same way.
 *
 * <p>The embedded servers stop after Quarkus: shutdown hooks wait for the application to finish
 * stopping (requests drained, pools closed) and then stop the broker, anvil and PostgreSQL.
 *
 * <p>Restart after {@code kill -9} (ADR 040): the launcher first takes the data directory's
 * {@link GatewayLock}; services of that directory still running then belong to a dead gateway, and
 * each one that is healthy and configured as this start would configure it is adopted as it runs
 * (PostgreSQL, broker, anvil), so devices stay connected to the broker and only this JVM restarts.
 * The broker and the chain are started (or adopted) beside the database, and each phase logs its
 * duration ({@code startup phase ...}).
 */
@QuarkusMain
public final class GatewayMain {
    private static final Logger LOG = Logger.getLogger(GatewayMain.class);
    /**
     * JVM system property for measuring the start-up (ADR 040's before/after timeline): {@code false}
     * leaves Quarkus' static initialisation to {@link Quarkus#run}, after the embedded services, as
     * before. Not a setting: a diagnostic switch like {@code hivemq.log-level}.
     */
    static final String STATIC_INIT_IN_BACKGROUND = "gateway.quarkus-static-init-in-background";

    /** The data directory's lock, held for the JVM's life (released by the OS when it dies). */
    private static GatewayLock lock;

    private GatewayMain() {
    }

    public static void main(String... args) {
        StandaloneConfig config;
        try {
            config = StandaloneConfig.load();
        } catch (RuntimeException e) {
            LOG.error("invalid settings: " + e.getMessage(), e);
            // log records written before Quarkus configured its handlers are dropped by System.exit
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        if (!config.externalDatabase() || !config.externalBroker() || !config.externalChain()) {
            try {
                // held until this JVM dies: what makes a service found running here an orphan (ADR 040)
                lock = GatewayLock.acquire(config.dataDirectory());
            } catch (RuntimeException e) {
                LOG.error(e.getMessage(), e);
                System.err.println(e.getMessage());
                System.exit(1);
                return;
            }
        }
        // Quarkus' static initialisation needs none of the services: it runs beside them (ADR 040)
        Thread quarkusStaticInit = Boolean.parseBoolean(System.getProperty(STATIC_INIT_IN_BACKGROUND, "true"))
                ? initialiseQuarkusInBackground() : null;
        // The three services are independent: the broker and the chain start (or are adopted) beside
        // the database, so a restart costs the slowest of them, not their sum.
        ExecutorService starters = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "embedded-service-start");
            t.setDaemon(true);
            return t;
        });
        StandaloneConfig cfg = config;
        Future<BrokerProcess> brokerStart = config.externalBroker() ? null
                : starters.submit(() -> timed("broker", () -> StandaloneBroker.start(cfg)));
        Future<StandaloneChain.Started> chainStart = config.externalChain() ? null
                : starters.submit(() -> timed("chain", () -> StandaloneChain.start(cfg)));
        starters.shutdown();
        EmbeddedDatabase embedded = null;
        BrokerProcess broker = null;
        StandaloneChain.Started chain = null;
        String failed = "the database";
        try {
            if (config.externalDatabase()) {
                setAll(config.derivedDatasourceProperties());
                LOG.info("a database server is configured; the embedded PostgreSQL server is not started");
            } else {
                embedded = timed("database", () -> EmbeddedPostgresLauncher.withDefaults()
                        .start(EmbeddedPostgresSettings.under(cfg.dataDirectory(), cfg.embeddedPort())));
                setAll(embedded.quarkusDatasourceProperties());
                if (Boolean.parseBoolean(System.getProperty(SchemaStamp.SKIP_SWITCH, "true"))) {
                    EmbeddedDatabase database = embedded;
                    timed("schema check", () -> checkSchema(cfg, database));
                }
            }
            failed = "the embedded MQTT broker";
            if (brokerStart != null) {
                broker = await(brokerStart);
                // the gateway's own client: the only one the plain listener accepts (ADR 019)
                System.setProperty(StandaloneConfig.MQTT_URL, broker.url());
                System.setProperty("sensorproof.mqtt.username", AccessPolicy.GATEWAY_USERNAME);
                System.setProperty("sensorproof.mqtt.password", broker.credentials().orElseThrow().gatewayPassword());
                LOG.info("embedded MQTT broker (HiveMQ CE, pid " + broker.pid() + (broker.adopted() ? ", adopted" : "")
                        + "): gateway client at " + broker.url()
                        + ", devices with their enrollment certificate at " + broker.deviceUrl().orElseThrow()
                        + " (listening on " + config.brokerTlsBind() + "; server certificate for agents' mqtt.tls.ca-file: "
                        + broker.credentials().orElseThrow().serverCertificate() + ")");
            } else {
                LOG.info("an MQTT broker is configured; the embedded broker is not started");
            }
            failed = "the local chain";
            if (chainStart != null) {
                chain = await(chainStart);
                setAll(chain.applicationProperties(config));
            } else {
                LOG.info("a chain is configured (" + StandaloneConfig.CHAIN_RPC_URL + "); the local chain is not started");
            }
        } catch (Exception e) {
            LOG.error("cannot start " + failed + ": " + e.getMessage(), e);
            // log records written before Quarkus configured its handlers are dropped by System.exit
            System.err.println("cannot start " + failed + ": " + e.getMessage());
            // stop what did start (a start still under way is awaited first, so nothing is left behind)
            closeQuietly(chain != null ? chain.anvil() : awaitQuietly(chainStart, c -> c.anvil()));
            closeQuietly(broker != null ? broker : awaitQuietly(brokerStart, b -> b));
            closeQuietly(embedded);
            System.exit(1);
            return;
        }
        if (embedded != null) {
            EmbeddedDatabase toStop = embedded;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAfterQuarkus(toStop), "embedded-postgres-shutdown"));
        }
        if (broker != null) {
            BrokerProcess toStop = broker;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stopBrokerAfterQuarkus(toStop), "embedded-broker-shutdown"));
        }
        if (chain != null) {
            StandaloneChain.Started toStop = chain;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stopChainAfterQuarkus(toStop), "local-chain-shutdown"));
        }
        LOG.infof("startup phase embedded services done: JVM up %d ms; Quarkus starts%s", uptimeMillis(),
                quarkusStaticInit == null ? " (static initialisation not started)"
                        : quarkusStaticInit.isAlive() ? " (its static initialisation still under way)" : " (statically initialised)");
        // exit with Quarkus' code when it stops or fails to start: the shutdown hooks then stop the
        // embedded broker and database, and no thread of theirs keeps a failed gateway alive
        Quarkus.run(null, (exitCode, failure) -> {
            if (failure != null) {
                LOG.error("gateway stopped: " + failure.getMessage(), failure);
            }
            System.exit(exitCode);
        }, args);
    }

    /**
     * Starts Quarkus' static initialisation (the class initialiser of the generated application: the
     * CDI container, the ORM metadata, the REST deployment, recorded at build time) on a thread of
     * its own, so that it runs while the launcher starts or adopts the database, the broker and the
     * chain instead of after them. The runtime initialisation ({@link Quarkus#run}) builds the runtime
     * configuration afresh, so the URLs and credentials the launcher sets as system properties after
     * this started still reach the datasource, the MQTT client and the chain client (the split of
     * static and runtime initialisation that Quarkus itself offers with
     * {@code Quarkus.manualInitialize()}). {@link Quarkus#run} then finds the class initialised, or
     * waits for the initialisation under way (the JVM's class-initialisation lock). The two system
     * properties are those {@code Quarkus.run} sets before it loads the application.
     */
    private static Thread initialiseQuarkusInBackground() {
        System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        System.setProperty("java.util.concurrent.ForkJoinPool.common.threadFactory",
                "io.quarkus.bootstrap.forkjoin.QuarkusForkJoinWorkerThreadFactory");
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        Thread thread = new Thread(() -> {
            try {
                timed("quarkus static init", () -> Class.forName(Application.APP_CLASS_NAME, true, loader));
            } catch (Throwable e) {
                // Quarkus.run fails on the same class next; say why here, where the cause is still known
                LOG.error("Quarkus' static initialisation failed: " + e, e);
            }
        }, "quarkus-static-init");
        thread.setDaemon(true);
        thread.setContextClassLoader(loader);
        thread.start();
        return thread;
    }

    /**
     * Skips Flyway's migrate at start when the build, the Flyway settings and the schema history are those
     * of the last start ({@link SchemaStamp}), and asks the application to record them after this start. Any
     * doubt (not a packaged build, no history yet, a stamp that differs or cannot be read) leaves Flyway on.
     */
    private static Boolean checkSchema(StandaloneConfig config, EmbeddedDatabase database) {
        try {
            return skipFlywayIfUnchanged(config, database);
        } catch (RuntimeException e) {
            LOG.warn("schema stamp check failed (Flyway migrates at start): " + e, e);
            return false;
        }
    }

    private static boolean skipFlywayIfUnchanged(StandaloneConfig config, EmbeddedDatabase database) {
        List<Path> build = packagedBuildFiles();
        if (build.isEmpty()) {
            LOG.info("not a packaged build: Flyway migrates at start and no schema stamp is kept");
            return false;
        }
        Path file = config.dataDirectory().resolve(SchemaStamp.FILE_NAME);
        String buildFingerprint;
        try {
            buildFingerprint = SchemaStamp.buildFingerprint(build, config.flywaySettings());
        } catch (IOException e) {
            LOG.warn("cannot fingerprint the build (Flyway migrates at start): " + e.getMessage());
            return false;
        }
        System.setProperty(SchemaStamp.FILE_PROPERTY, file.toString());
        System.setProperty(SchemaStamp.BUILD_PROPERTY, buildFingerprint);
        Optional<SchemaStamp.Stamp> recorded = SchemaStamp.read(file);
        if (recorded.isEmpty()) {
            LOG.info("no schema stamp in " + file + ": Flyway migrates at start");
            return false;
        }
        String history;
        try (Connection c = database.connect()) {
            history = SchemaStamp.historyFingerprint(SchemaStamp.readHistory(c));
        } catch (SQLException e) {
            LOG.info("cannot read the schema history (Flyway migrates at start): " + e.getMessage());
            return false;
        }
        if (!SchemaStamp.unchanged(recorded, new SchemaStamp.Stamp(buildFingerprint, history))) {
            LOG.info("the build, the Flyway settings or the schema history changed since the schema stamp: Flyway migrates at start");
            return false;
        }
        // not only no migrate: no Flyway instance at all (nothing in the application uses one after start)
        System.setProperty("quarkus.flyway.active", "false");
        LOG.info("same build, Flyway settings and schema history as at the last start (" + file
                + "): Flyway's migrate at start is skipped (ADR 040)");
        return true;
    }

    /**
     * The packaged application's jar and Quarkus' generated bytecode and application index next to it
     * ({@code quarkus-app/app/*.jar}, {@code quarkus-app/quarkus/*}); empty when not running from a package.
     */
    static List<Path> packagedBuildFiles() {
        Path code;
        try {
            code = Path.of(GatewayMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return List.of();
        }
        Path appDir = code.getParent();
        if (!Files.isRegularFile(code) || appDir == null || !"app".equals(String.valueOf(appDir.getFileName())) || appDir.getParent() == null) {
            return List.of();
        }
        Path quarkus = appDir.getParent().resolve("quarkus");
        List<Path> files = new ArrayList<>();
        files.add(code);
        for (String name : List.of("generated-bytecode.jar", "quarkus-application.dat", "transformed-bytecode.jar")) {
            Path f = quarkus.resolve(name);
            if (Files.isRegularFile(f)) {
                files.add(f);
            } else if (!name.startsWith("transformed")) {
                return List.of();
            }
        }
        return files;
    }

    /** A start step that may throw. */
    @FunctionalInterface
    private interface Step<T> {
        T run() throws Exception;
    }

    /** Runs {@code step} and logs how long it took and the JVM's uptime when it ended (the restart timeline, ADR 040). */
    private static <T> T timed(String phase, Step<T> step) throws Exception {
        long t0 = System.nanoTime();
        T result = step.run();
        LOG.infof("startup phase %s: %d ms (JVM up %d ms)", phase, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), uptimeMillis());
        return result;
    }

    /** Milliseconds since this JVM started. */
    static long uptimeMillis() {
        return ManagementFactory.getRuntimeMXBean().getUptime();
    }

    private static <T> T await(Future<T> start) throws Exception {
        try {
            return start.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private static <T, C extends AutoCloseable> C awaitQuietly(Future<T> start, java.util.function.Function<T, C> closeable) {
        if (start == null) {
            return null;
        }
        try {
            return closeable.apply(start.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            return null; // it failed: nothing of it runs
        }
    }

    private static void closeQuietly(AutoCloseable service) {
        if (service == null) {
            return;
        }
        try {
            service.close();
        } catch (Exception e) {
            LOG.warn("stopping a service after a failed start failed: " + e.getMessage(), e);
        }
    }

    private static void setAll(Map<String, String> properties) {
        properties.forEach(System::setProperty);
    }

    /** Shutdown hook: the broker stops after Quarkus, so in-flight acknowledgements still go out. */
    private static void stopBrokerAfterQuarkus(BrokerProcess broker) {
        awaitQuarkusShutdown();
        broker.close();
    }

    /** Shutdown hook: anvil stops (and dumps its state) after Quarkus, so transactions in flight are still answered. */
    private static void stopChainAfterQuarkus(StandaloneChain.Started chain) {
        awaitQuarkusShutdown();
        chain.anvil().close();
    }

    /** Runs in a JVM shutdown hook: waits (bounded) until Quarkus has stopped, then stops PostgreSQL. */
    private static void stopAfterQuarkus(EmbeddedDatabase database) {
        awaitQuarkusShutdown();
        database.close();
    }

    /** Waits at most 60 s for the running Quarkus application to finish stopping. */
    private static void awaitQuarkusShutdown() {
        Application app = ApplicationLifecycleManager.getCurrentApplication();
        if (app == null) {
            return;
        }
        Thread waiter = new Thread(app::awaitShutdown, "await-quarkus-shutdown");
        waiter.setDaemon(true);
        waiter.start();
        try {
            waiter.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
