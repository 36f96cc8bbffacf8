package io.sensorproof.agent.config;

import io.sensorproof.agent.outbox.OverflowPolicy;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.senml.SenmlCodec;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;

/**
 * The agent's configuration, resolved from a properties file and the environment (see
 * {@link Setting}).
 */
public record AgentConfig(String tenant, String device, Path dataDir, Path keyFile, String gatewayAckKey, String mqttUrl,
        String mqttCaFile, String mqttUsername, char[] mqttPassword, int keepAliveSeconds, long sessionExpirySeconds,
        int packMaxRecords, Duration packMaxAge, Duration ackTimeout, int maxInFlight, Duration reconnectMin,
        Duration reconnectMax, double expectedReadingsPerSecond, long retentionHours, long outboxCapacityBytes,
        OverflowPolicy overflow, String alg, Duration enrollmentCheckInterval) {

    /**
     * Outbox bytes per message beyond its records: COSE header, signature, framing (measured with
     * ES256: about 150).
     */
    public static final long BYTES_PER_MESSAGE_ESTIMATE = 150;
    /** Outbox bytes per SenML record (measured: about 37 for temperature, the longest name). */
    public static final long BYTES_PER_RECORD_ESTIMATE = 50;

    public AgentConfig {
        Identifiers.requireValid(tenant, "tenant id");
        Identifiers.requireValid(device, "device id");
        if (packMaxRecords < 1 || packMaxRecords > SenmlCodec.MAX_RECORDS) {
            throw new IllegalArgumentException(Setting.PACK_MAX_RECORDS.key() + " must be 1.." + SenmlCodec.MAX_RECORDS);
        }
        if (enrollmentCheckInterval == null || enrollmentCheckInterval.isNegative() || enrollmentCheckInterval.isZero()) {
            throw new IllegalArgumentException(Setting.ENROLLMENT_CHECK_MINUTES.key() + " must be positive");
        }
        if (maxInFlight < 1 || outboxCapacityBytes < 1 || expectedReadingsPerSecond <= 0) {
            throw new IllegalArgumentException("send.max-in-flight, outbox capacity and expected rate must be positive");
        }
    }

    /** Reads {@code file} (may be null) and the environment. */
    public static AgentConfig load(Path file, Map<String, String> environment) throws IOException {
        Properties properties = new Properties();
        if (file != null) {
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            }
        }
        return resolve(properties, environment);
    }

    /** Resolves settings from properties, overridden by the environment. */
    public static AgentConfig resolve(Properties properties, Map<String, String> environment) {
        Map<Setting, String> v = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            String value = environment.getOrDefault(s.environmentVariable(), properties.getProperty(s.key(), s.defaultValue()));
            if (value == null && s != Setting.GATEWAY_ACK_KEY) {
                throw new IllegalArgumentException("setting " + s.key() + " is required: " + s.description());
            }
            v.put(s, value == null ? null : value.trim());
        }
        Path dataDir = Path.of(v.get(Setting.DATA_DIR));
        Path keyFile = v.get(Setting.KEY_FILE).isEmpty() ? dataDir.resolve("device-key.p8") : Path.of(v.get(Setting.KEY_FILE));
        double rate = Double.parseDouble(v.get(Setting.EXPECTED_READINGS_PER_SECOND));
        long retention = Long.parseLong(v.get(Setting.OUTBOX_RETENTION_HOURS));
        long capacity = Long.parseLong(v.get(Setting.OUTBOX_CAPACITY_BYTES));
        if (capacity == 0) {
            capacity = defaultCapacity(rate, retention, Integer.parseInt(v.get(Setting.PACK_MAX_RECORDS)));
        }
        String password = environment.get("SENSORPROOF_AGENT_MQTT_PASSWORD");
        return new AgentConfig(v.get(Setting.TENANT), v.get(Setting.DEVICE), dataDir, keyFile, v.get(Setting.GATEWAY_ACK_KEY),
                v.get(Setting.MQTT_URL), v.get(Setting.MQTT_TLS_CA_FILE), v.get(Setting.MQTT_USERNAME),
                password == null ? null : password.toCharArray(), Integer.parseInt(v.get(Setting.MQTT_KEEP_ALIVE_SECONDS)),
                Long.parseLong(v.get(Setting.MQTT_SESSION_EXPIRY_SECONDS)), Integer.parseInt(v.get(Setting.PACK_MAX_RECORDS)),
                Duration.ofMillis(Long.parseLong(v.get(Setting.PACK_MAX_AGE_MILLIS))),
                Duration.ofMillis(Long.parseLong(v.get(Setting.ACK_TIMEOUT_MILLIS))), Integer.parseInt(v.get(Setting.MAX_IN_FLIGHT)),
                Duration.ofMillis(Long.parseLong(v.get(Setting.RECONNECT_MIN_MILLIS))),
                Duration.ofMillis(Long.parseLong(v.get(Setting.RECONNECT_MAX_MILLIS))), rate, retention, capacity,
                OverflowPolicy.valueOf(v.get(Setting.OUTBOX_OVERFLOW).toUpperCase(java.util.Locale.ROOT)), v.get(Setting.ALG),
                Duration.ofMinutes(Long.parseLong(v.get(Setting.ENROLLMENT_CHECK_MINUTES))));
    }

    /**
     * Default outbox size: the readings expected over the retention period, in full packs, at the
     * measured message and record sizes, plus one 8 MiB segment of slack; at least 16 MiB. At the
     * defaults (5 readings/s, 7 days, packs of 10) that is about 205 MB; with packs of 1, about
     * 613 MB.
     */
    public static long defaultCapacity(double readingsPerSecond, long retentionHours, int packMaxRecords) {
        double readings = readingsPerSecond * retentionHours * 3600.0;
        double bytes = readings * (BYTES_PER_RECORD_ESTIMATE + (double) BYTES_PER_MESSAGE_ESTIMATE / packMaxRecords) + (8 << 20);
        return Math.max(16L << 20, (long) Math.ceil(bytes));
    }

    /** The configuration with a different data directory and key file (tests, emit). */
    public AgentConfig withDataDir(Path dir) {
        return new AgentConfig(tenant, device, dir, dir.resolve("device-key.p8"), gatewayAckKey, mqttUrl, mqttCaFile, mqttUsername,
                mqttPassword, keepAliveSeconds, sessionExpirySeconds, packMaxRecords, packMaxAge, ackTimeout, maxInFlight, reconnectMin,
                reconnectMax, expectedReadingsPerSecond, retentionHours, outboxCapacityBytes, overflow, alg, enrollmentCheckInterval);
    }

    @Override
    public String toString() {
        return "AgentConfig[" + tenant + "/" + device + ", dataDir=" + dataDir + ", mqtt=" + mqttUrl + ", pack=" + packMaxRecords
                + "/" + packMaxAge.toMillis() + "ms, outbox=" + outboxCapacityBytes + " bytes " + overflow + "]";
    }
}
