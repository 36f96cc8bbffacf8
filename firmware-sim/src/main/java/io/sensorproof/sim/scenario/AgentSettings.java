package io.sensorproof.sim.scenario;

/**
 * How the simulated devices configure their edge agents.
 *
 * @param packMaxRecords readings per signed message
 * @param packMaxAgeMillis seal an open pack after this long (wall time); the default (one day)
 *     seals by count only, which keeps message payloads deterministic
 * @param ackTimeoutMillis resend after this long without acknowledgement
 * @param statusIntervalSeconds how often the agent rewrites its status file (the agent's default: 2)
 */
public record AgentSettings(int packMaxRecords, long packMaxAgeMillis, long ackTimeoutMillis, long statusIntervalSeconds) {
    /** The agent's own status file interval. */
    public static final long DEFAULT_STATUS_INTERVAL_SECONDS = 2;

    /** With the agent's status file interval. */
    public AgentSettings(int packMaxRecords, long packMaxAgeMillis, long ackTimeoutMillis) {
        this(packMaxRecords, packMaxAgeMillis, ackTimeoutMillis, DEFAULT_STATUS_INTERVAL_SECONDS);
    }

    /** Packs of 10 readings, sealed by count, resend after 5 s. */
    public static final AgentSettings DEFAULT = new AgentSettings(10, 86_400_000L, 5_000L);
}
