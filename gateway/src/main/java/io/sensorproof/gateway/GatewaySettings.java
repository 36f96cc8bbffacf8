package io.sensorproof.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * All {@code sensorproof.*} settings of the gateway, each also settable as an environment
 * variable ({@code sensorproof.data-dir} = {@code SENSORPROOF_DATA_DIR}). The launcher reads the
 * database and standalone ones before Quarkus starts (see
 * {@link io.sensorproof.gateway.standalone.StandaloneConfig}); this mapping declares them, with
 * defaults, for the application.
 */
@ConfigMapping(prefix = "sensorproof")
public interface GatewaySettings {

    /** Directory for all standalone data; the embedded PostgreSQL cluster is its {@code postgres/} folder. */
    @WithDefault("./data")
    String dataDir();

    /** The embedded PostgreSQL server of standalone mode. */
    EmbeddedPostgres embeddedPostgres();

    /** The database. */
    Database database();

    /** The embedded MQTT broker of standalone mode (read by the launcher, declared here). */
    EmbeddedBroker embeddedBroker();

    /** Settings of the embedded PostgreSQL server. */
    interface EmbeddedPostgres {
        /** TCP port on localhost; 0 picks a free port at each start. */
        @WithDefault("0")
        int port();
    }

    /** Settings of the embedded broker (ADR 019). */
    interface EmbeddedBroker {
        /** Plain listener on 127.0.0.1: the gateway's own client, by password. */
        @WithDefault("1883")
        int port();

        /** Device listener: TLS with a client certificate from the device CA. */
        @WithDefault("8883")
        int tlsPort();

        /** Address of the device listener; 0.0.0.0 is every interface. */
        @WithDefault("0.0.0.0")
        String tlsBind();

        /** Path of embedded-broker.jar; default next to the application or the build's. */
        Optional<String> jar();
    }

    /** Settings of the database connection. */
    interface Database {
        /**
         * A real PostgreSQL server ({@code postgresql://host:port/db} or {@code jdbc:postgresql://...});
         * when set, or when the quarkus.datasource URLs are set, no embedded server starts.
         */
        Optional<String> url();

        /**
         * Readiness is DOWN while the server runs with {@code fsync}, {@code full_page_writes} or
         * {@code synchronous_commit} off, since an acknowledged message could then be lost.
         */
        @WithDefault("true")
        boolean requireDurable();
    }
}
