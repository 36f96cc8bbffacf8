package io.sensorproof.gateway.standalone;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The settings the launcher needs before Quarkus starts: whether a database server is configured
 * and, if not, where the embedded one keeps its data.
 *
 * <p>They are read the way Quarkus reads them (system properties, environment variables such as
 * {@code SENSORPROOF_DATABASE_URL}, {@code config/application.properties} in the working directory,
 * {@code application.properties} on the class path, with {@code %profile.} prefixes), but with a
 * plain SmallRye Config instance: Quarkus' own configuration does not exist yet at that point.
 *
 * @param dataDirectory {@value #DATA_DIR}: all standalone data (default {@value #DEFAULT_DATA_DIR})
 * @param embeddedPort {@value #EMBEDDED_PORT}: TCP port of the embedded server, 0 for a free one (default 0)
 * @param databaseUrl {@value #DATABASE_URL}: a real PostgreSQL server, {@code postgresql://host:port/db}
 *     or {@code jdbc:postgresql://host:port/db}; sets both Quarkus datasource URLs
 * @param jdbcUrl {@code quarkus.datasource.jdbc.url} when configured
 * @param reactiveUrl {@code quarkus.datasource.reactive.url} when configured
 * @param mqttUrl {@value #MQTT_URL}: an external broker; none starts the embedded one
 * @param brokerPort {@value #BROKER_PORT}: the embedded broker's plain listener on 127.0.0.1, the
 *     gateway's own client only (default 1883)
 * @param brokerJar {@value #BROKER_JAR}: path of embedded-broker.jar
 * @param brokerTlsPort {@value #BROKER_TLS_PORT}: the embedded broker's device listener, TLS with
 *     device certificates (default 8883; ADR 019)
 * @param brokerTlsBind {@value #BROKER_TLS_BIND}: address of the device listener (default 0.0.0.0)
 */
public record StandaloneConfig(Path dataDirectory, int embeddedPort, Optional<String> databaseUrl,
        Optional<String> jdbcUrl, Optional<String> reactiveUrl, Optional<String> mqttUrl, int brokerPort,
        Optional<String> brokerJar, int brokerTlsPort, String brokerTlsBind) {

    /** Directory for all standalone data; the embedded cluster lives in its {@code postgres/} folder. */
    public static final String DATA_DIR = "sensorproof.data-dir";
    /** Port of the embedded PostgreSQL server on localhost; 0 picks a free port at each start. */
    public static final String EMBEDDED_PORT = "sensorproof.embedded-postgres.port";
    /** URL of a real PostgreSQL server; switches the embedded one off (env SENSORPROOF_DATABASE_URL). */
    public static final String DATABASE_URL = "sensorproof.database.url";
    /** URL of a real MQTT broker; switches the embedded one off (env SENSORPROOF_MQTT_URL). */
    public static final String MQTT_URL = "sensorproof.mqtt.url";
    /** Port of the embedded broker on localhost (default 1883). */
    public static final String BROKER_PORT = "sensorproof.embedded-broker.port";
    /** Path of embedded-broker.jar; default: next to the application (quarkus-app/broker/) or the build's. */
    public static final String BROKER_JAR = "sensorproof.embedded-broker.jar";
    /** Port of the embedded broker's device listener (TLS, device certificates; default 8883). */
    public static final String BROKER_TLS_PORT = "sensorproof.embedded-broker.tls-port";
    /** Address of the embedded broker's device listener (default 0.0.0.0, every interface). */
    public static final String BROKER_TLS_BIND = "sensorproof.embedded-broker.tls-bind";
    /** Default of {@value #DATA_DIR}. */
    public static final String DEFAULT_DATA_DIR = "./data";

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
        SmallRyeConfig config = builder.build();
        return from(name -> config.getOptionalValue(name, String.class));
    }

    /** Builds the settings from a lookup (name to value). */
    public static StandaloneConfig from(Function<String, Optional<String>> lookup) {
        Path dataDirectory = Path.of(lookup.apply(DATA_DIR).filter(s -> !s.isBlank()).orElse(DEFAULT_DATA_DIR));
        int port;
        String rawPort = lookup.apply(EMBEDDED_PORT).filter(s -> !s.isBlank()).orElse("0");
        try {
            port = Integer.parseInt(rawPort.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(EMBEDDED_PORT + " must be a number, was '" + rawPort + "'", e);
        }
        int brokerPort = port(lookup, BROKER_PORT, "1883");
        int brokerTlsPort = port(lookup, BROKER_TLS_PORT, "8883");
        return new StandaloneConfig(dataDirectory, port, lookup.apply(DATABASE_URL),
                lookup.apply("quarkus.datasource.jdbc.url"), lookup.apply("quarkus.datasource.reactive.url"),
                lookup.apply(MQTT_URL), brokerPort, lookup.apply(BROKER_JAR), brokerTlsPort,
                lookup.apply(BROKER_TLS_BIND).filter(s -> !s.isBlank()).orElse("0.0.0.0").trim());
    }

    private static int port(Function<String, Optional<String>> lookup, String key, String defaultValue) {
        String raw = lookup.apply(key).filter(s -> !s.isBlank()).orElse(defaultValue);
        try {
            return Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, was '" + raw + "'", e);
        }
    }

    private static void requirePostgresUrl(String url) {
        if (!url.startsWith("postgresql://") && !url.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException(DATABASE_URL
                    + " must start with postgresql:// or jdbc:postgresql://, was '" + url + "'");
        }
    }
}
