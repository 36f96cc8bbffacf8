package io.sensorproof.gateway.ingest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Settings of MQTT ingestion; environment variables override (e.g. SENSORPROOF_MQTT_URL). */
@ConfigMapping(prefix = "sensorproof")
public interface IngestConfig {

    /** MQTT settings. */
    Mqtt mqtt();

    /** Acknowledgement key settings. */
    AckKey ackKey();

    /** Pipeline time windows. */
    Ingest ingest();

    /** Standalone data directory (the acknowledgement key defaults to a file in it). */
    @WithDefault("./data")
    String dataDir();

    interface Mqtt {
        /** Broker URL; absent means no MQTT ingestion (standalone mode sets it to its own broker). */
        Optional<String> url();

        /** This replica's client id; default gateway-<host>-<pid>. */
        Optional<String> clientId();

        /** Shared-subscription group of all replicas. */
        @WithDefault("gateway")
        String shareGroup();

        /** MQTT Receive Maximum: messages in flight from the broker before it waits for PUBACKs. */
        @WithDefault("256")
        int receiveMaximum();

        /** Most messages per pipeline batch (one database transaction). */
        @WithDefault("256")
        int batchMax();

        /** How long a partial batch waits for more messages. */
        @WithDefault("2ms")
        Duration batchLinger();

        /** Broker user name. */
        Optional<String> username();

        /** Broker password (from the environment: SENSORPROOF_MQTT_PASSWORD). */
        Optional<String> password();
    }

    interface AckKey {
        /** PKCS#8 file of the acknowledgement key; default <data-dir>/gateway-ack-key.p8, created on first start. */
        Optional<String> file();
    }

    interface Ingest {
        /** Readings further ahead of the receive time are rejected (FUTURE_TIMESTAMP). */
        @WithDefault("5m")
        Duration futureSkew();

        /** Readings older than this at receipt are stored and flagged late. */
        @WithDefault("15m")
        Duration lateAfter();

        /**
         * Appends COMMITTED / ACKED lines to {@code <data-dir>/ingest-audit.log} ({@link IngestAuditLog});
         * for crash and replica tests.
         */
        @WithDefault("false")
        boolean auditLog();
    }
}
