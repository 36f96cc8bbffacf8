package io.sensorproof.gateway.standalone;

import io.quarkus.runtime.configuration.DurationConverter;
import io.sensorproof.gateway.GatewaySettings;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The settings the launcher needs before Quarkus starts: whether a database server and an MQTT
 * broker are configured and, if not, where and how the embedded ones run.
 *
 * <p>They come from the application's one mapping, {@link GatewaySettings}, read the way Quarkus
 * reads it (system properties, environment variables such as {@code SENSORPROOF_DATABASE_URL},
 * {@code config/application.properties} in the working directory, {@code application.properties}
 * on the class path, with {@code %profile.} prefixes), but with a plain SmallRye Config instance:
 * Quarkus' own configuration does not exist yet at that point. The launcher therefore accepts,
 * types and defaults every {@code sensorproof.*} key exactly as the application does.
 *
 * @param dataDirectory {@code sensorproof.data-dir}: all standalone data
 * @param embeddedPort {@code sensorproof.embedded-postgres.port}: TCP port of the embedded server, 0 for a free one
 * @param databaseUrl {@code sensorproof.database.url}: a real PostgreSQL server, {@code postgresql://host:port/db}
 *     or {@code jdbc:postgresql://host:port/db}; sets both Quarkus datasource URLs
 * @param jdbcUrl {@code quarkus.datasource.jdbc.url} when configured
 * @param reactiveUrl {@code quarkus.datasource.reactive.url} when configured
 * @param mqttUrl {@code sensorproof.mqtt.url}: a real broker; switches the embedded one off
 * @param brokerPort {@code sensorproof.embedded-broker.port}: port of the embedded broker on 127.0.0.1
 * @param brokerJar {@code sensorproof.embedded-broker.jar}: where the broker's jar is, if not found by itself
 * @param brokerTlsPort {@code sensorproof.embedded-broker.tls-port}: the embedded broker's device
 *     listener, TLS with device certificates (default 8883; ADR 019)
 * @param brokerTlsBind {@code sensorproof.embedded-broker.tls-bind}: address of the device listener
 *     (default 0.0.0.0)
 * @param chain {@code sensorproof.chain.*}: an external chain, or the local chain's settings
 * @param proverEnabled {@code sensorproof.prover.enabled} when configured
 * @param flywaySettings every configured property whose name mentions Flyway ({@code quarkus.flyway.*},
 *     {@code QUARKUS_FLYWAY_*}, profile-prefixed ones), name to raw value: part of {@link SchemaStamp}
 */
public record StandaloneConfig(Path dataDirectory, int embeddedPort, Optional<String> databaseUrl,
        Optional<String> jdbcUrl, Optional<String> reactiveUrl, Optional<String> mqttUrl, int brokerPort,
        Optional<String> brokerJar, int brokerTlsPort, String brokerTlsBind, GatewaySettings.Chain chain,
        Optional<Boolean> proverEnabled, SortedMap<String, String> flywaySettings) {

    /** Name of the data directory setting, for messages. */
    public static final String DATA_DIR = "sensorproof.data-dir";
    /** Name of the embedded PostgreSQL port setting, for messages. */
    public static final String EMBEDDED_PORT = "sensorproof.embedded-postgres.port";
    /** Name of the database URL setting, for messages. */
    public static final String DATABASE_URL = "sensorproof.database.url";
    /** Name of the MQTT URL setting; the launcher sets it to its own broker's URL. */
    public static final String MQTT_URL = "sensorproof.mqtt.url";
    /** Name of the embedded broker port setting, for messages. */
    public static final String BROKER_PORT = "sensorproof.embedded-broker.port";
    /** Name of the embedded broker jar setting, for messages. */
    public static final String BROKER_JAR = "sensorproof.embedded-broker.jar";
    /** Name of the embedded broker's device listener port setting, for messages. */
    public static final String BROKER_TLS_PORT = "sensorproof.embedded-broker.tls-port";
    /** Name of the embedded broker's device listener address setting, for messages. */
    public static final String BROKER_TLS_BIND = "sensorproof.embedded-broker.tls-bind";
    /** Name of the chain's RPC URL setting; the launcher sets it to its local chain's URL. */
    public static final String CHAIN_RPC_URL = "sensorproof.chain.rpc-url";
    /** Name of the deployment file setting. */
    public static final String CHAIN_DEPLOYMENT_FILE = "sensorproof.chain.deployment-file";
    /** Name of the oracle key file setting. */
    public static final String CHAIN_ORACLE_KEY_FILE = "sensorproof.chain.oracle-key-file";
    /** Name of the local chain's port setting. */
    public static final String CHAIN_LOCAL_PORT = "sensorproof.chain.local.port";
    /** Name of the prover switch. */
    public static final String PROVER_ENABLED = "sensorproof.prover.enabled";

    public StandaloneConfig {
        if (dataDirectory == null) {
            throw new IllegalArgumentException(DATA_DIR + " is required");
        }
        if (embeddedPort < 0 || embeddedPort > 65535) {
            throw new IllegalArgumentException(EMBEDDED_PORT + " must be 0-65535, was " + embeddedPort);
        }
        databaseUrl = databaseUrl.filter(s -> !s.isBlank());
        jdbcUrl = jdbcUrl.filter(s -> !s.isBlank());
        reactiveUrl = reactiveUrl.filter(s -> !s.isBlank());
        databaseUrl.ifPresent(StandaloneConfig::requirePostgresUrl);
        mqttUrl = mqttUrl.filter(u -> !u.isBlank());
        brokerJar = brokerJar.filter(u -> !u.isBlank());
        if (brokerPort < 1 || brokerPort > 65535) {
            throw new IllegalArgumentException(BROKER_PORT + " must be 1-65535, was " + brokerPort);
        }
        if (brokerTlsPort < 1 || brokerTlsPort > 65535 || brokerTlsPort == brokerPort) {
            throw new IllegalArgumentException(BROKER_TLS_PORT + " must be 1-65535 and differ from " + BROKER_PORT + ", was " + brokerTlsPort);
        }
        if (brokerTlsBind == null || brokerTlsBind.isBlank()) {
            throw new IllegalArgumentException(BROKER_TLS_BIND + " must be an address");
        }
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(proverEnabled, "proverEnabled");
        flywaySettings = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(flywaySettings));
        if (chain.local().port() < 1 || chain.local().port() > 65535) {
            throw new IllegalArgumentException(CHAIN_LOCAL_PORT + " must be 1-65535, was " + chain.local().port());
        }
    }

    /** True when a chain's RPC URL is configured, so no local chain starts. */
    public boolean externalChain() {
        return chain.rpcUrl().filter(u -> !u.isBlank()).isPresent();
    }

    /** Where the deployment is recorded: the setting, or {@code <data-dir>/chain/chain.json}. */
    public Path deploymentFile() {
        return chain.deploymentFile().filter(f -> !f.isBlank()).map(Path::of)
                .orElse(localChainDirectory().resolve("chain.json"));
    }

    /** The local chain's directory: anvil's state, pid file and log, chain.json and the oracle's development key. */
    public Path localChainDirectory() {
        return dataDirectory.resolve("chain");
    }

    /** True when an MQTT broker is configured, so no embedded one starts. */
    public boolean externalBroker() {
        return mqttUrl.isPresent();
    }

    /** True when a database server is configured, so no embedded server starts. */
    public boolean externalDatabase() {
        return databaseUrl.isPresent() || jdbcUrl.isPresent() || reactiveUrl.isPresent();
    }

    /**
     * Quarkus datasource URLs derived from {@value #DATABASE_URL} for those not configured directly.
     * Empty when that setting is absent.
     */
    public Map<String, String> derivedDatasourceProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        databaseUrl.ifPresent(url -> {
            String plain = url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url;
            if (jdbcUrl.isEmpty()) {
                props.put("quarkus.datasource.jdbc.url", "jdbc:" + plain);
            }
            if (reactiveUrl.isEmpty()) {
                props.put("quarkus.datasource.reactive.url", plain);
            }
        });
        return props;
    }

    /** Reads the settings from the current environment, system properties and properties files. */
    public static StandaloneConfig load() {
        String profile = Optional.ofNullable(System.getProperty("quarkus.profile"))
                .or(() -> Optional.ofNullable(System.getenv("QUARKUS_PROFILE")))
                .orElse("prod");
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .withProfile(profile)
                .addDefaultInterceptors()
                .addSystemSources();
        try {
            URL onClassPath = StandaloneConfig.class.getClassLoader().getResource("application.properties");
            if (onClassPath != null) {
                builder.withSources(new PropertiesConfigSource(onClassPath, 250));
            }
            Path inWorkingDirectory = Path.of("config", "application.properties");
            if (Files.isRegularFile(inWorkingDirectory)) {
                builder.withSources(new PropertiesConfigSource(inWorkingDirectory.toUri().toURL(), 260));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read application.properties", e);
        }
        return from(builder);
    }

    /** Builds the settings from {@code properties} alone (name to value), as if they were the only source. */
    public static StandaloneConfig fromProperties(Map<String, String> properties) {
        return from(new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(properties, "given", 100)));
    }

    private static StandaloneConfig from(SmallRyeConfigBuilder builder) {
        SmallRyeConfig config;
        try {
            // durations as Quarkus writes them ("5m", "90d"), not only ISO-8601
            config = builder.withConverter(Duration.class, 200, new DurationConverter()).withMapping(GatewaySettings.class).build();
        } catch (ConfigValidationException e) {
            throw new IllegalArgumentException("invalid settings: " + e.getMessage(), e);
        }
        GatewaySettings settings = config.getConfigMapping(GatewaySettings.class);
        return new StandaloneConfig(Path.of(settings.dataDir()), settings.embeddedPostgres().port(), settings.database().url(),
                config.getOptionalValue("quarkus.datasource.jdbc.url", String.class),
                config.getOptionalValue("quarkus.datasource.reactive.url", String.class),
                settings.mqtt().url(), settings.embeddedBroker().port(), settings.embeddedBroker().jar(),
                settings.embeddedBroker().tlsPort(), settings.embeddedBroker().tlsBind().trim(), settings.chain(),
                settings.prover().enabled(), flywaySettings(config));
    }

    private static SortedMap<String, String> flywaySettings(SmallRyeConfig config) {
        SortedMap<String, String> flyway = new TreeMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.toLowerCase(java.util.Locale.ROOT).contains("flyway")) {
                String value = config.getRawValue(name);
                flyway.put(name, value == null ? "" : value);
            }
        }
        return flyway;
    }

    private static void requirePostgresUrl(String url) {
        if (!url.startsWith("postgresql://") && !url.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException(DATABASE_URL
                    + " must start with postgresql:// or jdbc:postgresql://, was '" + url + "'");
        }
    }
}
