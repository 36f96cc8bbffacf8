package io.sensorproof.gateway.persistence;

import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Settings of the PostgreSQL adapters of the ingest ports ({@code sensorproof.persistence.*}, each
 * also an environment variable such as {@code SENSORPROOF_PERSISTENCE_STORE_TIMEOUT}): a group of
 * the one mapping {@link io.sensorproof.gateway.GatewaySettings}, injectable on its own through
 * {@link io.sensorproof.gateway.SettingsProducer}.
 */
public interface PersistenceSettings {

    /**
     * How long a caller of the ingest ports waits for the database (a whole store transaction,
     * including its commit, or one lookup or insert). Past it the call throws and the pipeline
     * defers the messages; the transaction may still commit later, which a resend then sees as a
     * duplicate.
     */
    @WithDefault("10s")
    Duration storeTimeout();

    /**
     * How long a device looked up by kid is reused before the registry is read again: the upper
     * bound for a suspension or revocation to take effect on every replica. 0 disables the cache.
     */
    @WithDefault("1s")
    Duration deviceCacheTtl();

    /** Upper bound of cached kids (known and unknown); past it, expired entries are dropped, then all. */
    @WithDefault("10000")
    int deviceCacheMaxEntries();
}
