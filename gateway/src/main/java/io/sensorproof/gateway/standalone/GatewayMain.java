package io.sensorproof.gateway.standalone;

import io.quarkus.runtime.Application;
import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.sensorproof.broker.BrokerProcess;
import io.sensorproof.broker.access.AccessPolicy;
import java.io.IOException;
import java.util.Map;
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
 */
@QuarkusMain
public final class GatewayMain {
    private static final Logger LOG = Logger.getLogger(GatewayMain.class);

    private GatewayMain() {
    }

    public static void main(String... args) {
        StandaloneConfig config;
        EmbeddedDatabase embedded = null;
        try {
            config = StandaloneConfig.load();
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
            if (embedded != null) {
                embedded.close();
            }
            System.exit(1);
            return;
        }
        if (!config.externalBroker()) {
            try {
                BrokerProcess broker = StandaloneBroker.start(config);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> stopBrokerAfterQuarkus(broker), "embedded-broker-shutdown"));
                // the gateway's own client: the only one the plain listener accepts (ADR 019)
                System.setProperty(StandaloneConfig.MQTT_URL, broker.url());
                System.setProperty("sensorproof.mqtt.username", AccessPolicy.GATEWAY_USERNAME);
                System.setProperty("sensorproof.mqtt.password", broker.credentials().orElseThrow().gatewayPassword());
                LOG.info("embedded MQTT broker (HiveMQ CE, pid " + broker.pid() + "): gateway client at " + broker.url()
                        + ", devices with their enrollment certificate at " + broker.deviceUrl().orElseThrow()
                        + " (listening on " + config.brokerTlsBind() + "; server certificate for agents' mqtt.tls.ca-file: "
                        + broker.credentials().orElseThrow().serverCertificate() + ")");
            } catch (IOException | RuntimeException e) {
                LOG.error("cannot start the embedded MQTT broker: " + e.getMessage(), e);
                if (embedded != null) {
                    embedded.close();
                }
                System.exit(1);
                return;
            }
        } else {
            LOG.info("an MQTT broker is configured; the embedded broker is not started");
        }
        if (!config.externalChain()) {
            try {
                StandaloneChain.Started chain = StandaloneChain.start(config);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> stopChainAfterQuarkus(chain), "local-chain-shutdown"));
                setAll(chain.applicationProperties(config));
            } catch (IOException | RuntimeException e) {
                LOG.error("cannot start the local chain: " + e.getMessage(), e);
                // log records written before Quarkus configured its handlers are dropped by System.exit
                System.err.println("cannot start the local chain: " + e.getMessage());
                if (embedded != null) {
                    embedded.close();
                }
                System.exit(1);
                return;
            }
        } else {
            LOG.info("a chain is configured (" + StandaloneConfig.CHAIN_RPC_URL + "); the local chain is not started");
        }
        // exit with Quarkus' code when it stops or fails to start: the shutdown hooks then stop the
        // embedded broker and database, and no thread of theirs keeps a failed gateway alive
        Quarkus.run(null, (exitCode, failure) -> {
            if (failure != null) {
                LOG.error("gateway stopped: " + failure.getMessage(), failure);
            }
            System.exit(exitCode);
        }, args);
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
