package io.sensorproof.gateway.standalone;

import io.quarkus.runtime.Application;
import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.sensorproof.broker.BrokerProcess;
import io.sensorproof.broker.access.AccessPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 * <p>Unless an MQTT URL is configured it starts the embedded broker (or keeps the one a killed
 * gateway left running, if it runs the same command: {@code BrokerProcess}), and unless
 * {@code sensorproof.chain.rpc-url} is configured, the local chain ({@link StandaloneChain}: anvil,
 * the contracts deployed once), both on threads of their own while the database starts, and hands
 * their URLs to the application the same way (ADR 028: a restart waits for the slowest of the three,
 * not for their sum).
 *
 * <p>The embedded servers stop after Quarkus: shutdown hooks wait for the application to finish
 * stopping (requests drained, pools closed) and then stop the broker, anvil and PostgreSQL.
 */
@QuarkusMain
public final class GatewayMain {
    private static final Logger LOG = Logger.getLogger(GatewayMain.class);

    private GatewayMain() {
    }

    public static void main(String... args) {
        long launched = System.nanoTime();
        StandaloneConfig config;
        try {
            config = StandaloneConfig.load();
        } catch (RuntimeException e) {
            LOG.error("cannot read the settings: " + e.getMessage(), e);
            System.err.println("cannot read the settings: " + e.getMessage());
            System.exit(1);
            return;
        }
        if (!config.externalDatabase()) {
            // a second gateway on a data directory in use must stop before it starts (or adopts) a
            // broker or anvil there, which would stop the running gateway's (their orphan handling)
            try {
                OrphanedPostmaster.refuseIfInUse(EmbeddedPostgresSettings.under(config.dataDirectory(), config.embeddedPort())
                        .clusterDirectory());
            } catch (RuntimeException e) {
                LOG.error("cannot prepare the database: " + e.getMessage(), e);
                System.err.println("cannot prepare the database: " + e.getMessage());
                System.exit(1);
                return;
            }
        }
        // The broker and the local chain do not need the database, nor each other: they start on
        // threads of their own while this one prepares the database (ADR 028). Quarkus starts when
        // all three are there, since it reads their URLs as it starts.
        CompletableFuture<Optional<BrokerProcess>> broker = config.externalBroker()
                ? CompletableFuture.completedFuture(Optional.empty())
                : inBackground("embedded-broker-start", () -> Optional.of(StandaloneBroker.start(config)));
        CompletableFuture<Optional<StandaloneChain.Started>> chain = config.externalChain()
                ? CompletableFuture.completedFuture(Optional.empty())
                : inBackground("local-chain-start", () -> Optional.of(StandaloneChain.start(config)));
        EmbeddedDatabase embedded = null;
        try {
            if (config.externalDatabase()) {
                setAll(config.derivedDatasourceProperties());
                LOG.info("a database server is configured; the embedded PostgreSQL server is not started");
            } else {
                embedded = EmbeddedPostgresLauncher.withDefaults()
                        .start(EmbeddedPostgresSettings.under(config.dataDirectory(), config.embeddedPort()));
                setAll(embedded.quarkusDatasourceProperties());
                EmbeddedDatabase toStop = embedded;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAfterQuarkus(toStop),
                        "embedded-postgres-shutdown"));
            }
        } catch (RuntimeException e) {
            LOG.error("cannot prepare the database: " + e.getMessage(), e);
            exitAfterFailedStart(embedded, broker, chain);
            return;
        }
        try {
            Optional<BrokerProcess> started = broker.join();
            if (started.isPresent()) {
                BrokerProcess b = started.get();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> stopBrokerAfterQuarkus(b), "embedded-broker-shutdown"));
                // the gateway's own client: the only one the plain listener accepts (ADR 019)
                System.setProperty(StandaloneConfig.MQTT_URL, b.url());
                System.setProperty("sensorproof.mqtt.username", AccessPolicy.GATEWAY_USERNAME);
                System.setProperty("sensorproof.mqtt.password", b.credentials().orElseThrow().gatewayPassword());
                if (config.mqttSessionExpiry().isEmpty()) {
                    // the gateway's session outlives a crash (ADR 028)
                    System.setProperty(StandaloneConfig.MQTT_SESSION_EXPIRY, StandaloneConfig.EMBEDDED_BROKER_SESSION_EXPIRY);
                }
                LOG.info("embedded MQTT broker (HiveMQ CE, pid " + b.pid() + (b.adopted() ? ", kept running from before the restart" : "")
                        + "): gateway client at " + b.url()
                        + ", devices with their enrollment certificate at " + b.deviceUrl().orElseThrow()
                        + " (listening on " + config.brokerTlsBind() + "; server certificate for agents' mqtt.tls.ca-file: "
                        + b.credentials().orElseThrow().serverCertificate() + ")");
            } else {
                LOG.info("an MQTT broker is configured; the embedded broker is not started");
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot start the embedded MQTT broker: " + rootMessage(e), e);
            System.err.println("cannot start the embedded MQTT broker: " + rootMessage(e));
            exitAfterFailedStart(embedded, broker, chain);
            return;
        }
        try {
            Optional<StandaloneChain.Started> local = chain.join();
            if (local.isPresent()) {
                StandaloneChain.Started c = local.get();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> stopChainAfterQuarkus(c), "local-chain-shutdown"));
                setAll(c.applicationProperties(config));
            } else {
                LOG.info("a chain is configured (" + StandaloneConfig.CHAIN_RPC_URL + "); the local chain is not started");
            }
        } catch (RuntimeException e) {
            LOG.error("cannot start the local chain: " + rootMessage(e), e);
            // log records written before Quarkus configured its handlers are dropped by System.exit
            System.err.println("cannot start the local chain: " + rootMessage(e));
            exitAfterFailedStart(embedded, broker, chain);
            return;
        }
        LOG.info("database, broker and chain ready " + Duration.ofNanos(System.nanoTime() - launched).toMillis()
                + " ms after the launcher started; starting the application");
        // exit with Quarkus' code when it stops or fails to start: the shutdown hooks then stop the
        // embedded broker and database, and no thread of theirs keeps a failed gateway alive
        Quarkus.run(null, (exitCode, failure) -> {
            if (failure != null) {
                LOG.error("gateway stopped: " + failure.getMessage(), failure);
            }
            System.exit(exitCode);
        }, args);
    }

    /** A part that starts on a thread of its own; its failure comes out of {@code join()}. */
    private interface Starter<T> {
        T start() throws IOException;
    }

    private static <T> CompletableFuture<T> inBackground(String name, Starter<T> starter) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(starter.start());
            } catch (IOException | RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return result;
    }

    /**
     * A part failed: waits for the parts still starting and stops what this start started (a broker
     * or anvil left running would hold the ports and data of the next start; an adopted broker was
     * running before and is left as it was), then exits with 1.
     */
    private static void exitAfterFailedStart(EmbeddedDatabase embedded, CompletableFuture<Optional<BrokerProcess>> broker,
            CompletableFuture<Optional<StandaloneChain.Started>> chain) {
        try {
            broker.join().filter(b -> !b.adopted()).ifPresent(BrokerProcess::close);
        } catch (RuntimeException e) {
            // it failed itself; nothing to stop
        }
        try {
            chain.join().ifPresent(c -> c.anvil().close());
        } catch (RuntimeException e) {
            // it failed itself; nothing to stop
        }
        if (embedded != null) {
            embedded.close();
        }
        System.exit(1);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return t.getMessage();
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
