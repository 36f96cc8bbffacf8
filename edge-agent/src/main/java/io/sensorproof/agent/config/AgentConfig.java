package io.sensorproof.agent.config;

import io.sensorproof.agent.outbox.OutboxConfig;
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
import java.util.Optional;
import java.util.Optional;
import java.util.Properties;

/**
 * The agent's configuration, resolved from a properties file and the environment (see
 * {@link Setting}).
 */
public record AgentConfig(String tenant, String device, Path dataDir, Path keyFile, String gatewayAckKey, String mqttUrl,
        String mqttCaFile, String mqttUsername, char[] mqttPassword, int keepAliveSeconds, long sessionExpirySeconds,
        int packMaxRecords, Duration packMaxAge, Duration ackTimeout, int maxInFlight, Duration reconnectMin,
        Duration reconnectMax, double expectedReadingsPerSecond, long retentionHours, long outboxCapacityBytes,
        OverflowPolicy overflow, String alg, String transport, Coap coap, Duration enrollmentCheckInterval, LogBounds logBounds,
        String mqttCertificateFile, Optional<Path> postQuantumKeyFile, Duration statusInterval) {

    /**
     * Bounds of the outbox's logs of messages that left without an acknowledgement (see {@link OutboxConfig}).
     *
     * @param keptAsideMaxBytes bound of {@code kept-aside.log}
     * @param droppedLogMaxBytes bound of {@code dropped.log}
     */
    public record LogBounds(long keptAsideMaxBytes, long droppedLogMaxBytes) {
        public LogBounds {
            if (keptAsideMaxBytes < OutboxConfig.MIN_KEPT_ASIDE_MAX_BYTES || droppedLogMaxBytes < OutboxConfig.MIN_DROPPED_LOG_MAX_BYTES) {
                throw new IllegalArgumentException(Setting.OUTBOX_KEPT_ASIDE_MAX_BYTES.key() + " must be at least "
                        + OutboxConfig.MIN_KEPT_ASIDE_MAX_BYTES + " and " + Setting.OUTBOX_DROPPED_LOG_MAX_BYTES.key() + " at least "
                        + OutboxConfig.MIN_DROPPED_LOG_MAX_BYTES);
            }
        }
    }

    /**
     * Settings of the CoAP transport.
     *
     * @param uri gateway endpoint, {@code coaps://host:port}
     * @param rawPublicKey true for RPK client authentication, false for a certificate chain
     * @param keyFile DTLS private key, or empty for the default (see {@link Setting#COAP_DTLS_KEY_FILE})
     * @param certificateFile PEM chain of the DTLS key (x509 mode)
     * @param trustFile PEM certificates trusted for the gateway
     * @param maxInFlight confirmable requests outstanding at once
     * @param blockSize block size for block-wise transfer
     */
    public record Coap(String uri, boolean rawPublicKey, String keyFile, String certificateFile, String trustFile, int maxInFlight,
            int blockSize) {
        public Coap {
            if (!uri.startsWith("coaps://")) {
                throw new IllegalArgumentException(Setting.COAP_URI.key() + " must be a coaps:// URI (DTLS only): " + uri);
            }
            if (maxInFlight < 1 || blockSize < 16 || blockSize > 1024 || Integer.bitCount(blockSize) != 1) {
                throw new IllegalArgumentException("coap.max-in-flight must be positive and coap.block-size a power of two in 16..1024");
            }
        }
    }

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
        if (!"mqtt".equals(transport) && !"coap".equals(transport)) {
            throw new IllegalArgumentException(Setting.TRANSPORT.key() + " must be mqtt or coap: " + transport);
        }
        java.util.Objects.requireNonNull(logBounds, "logBounds");
        if (enrollmentCheckInterval == null || enrollmentCheckInterval.isNegative() || enrollmentCheckInterval.isZero()) {
            throw new IllegalArgumentException(Setting.ENROLLMENT_CHECK_MINUTES.key() + " must be positive");
        }
        if (statusInterval == null || statusInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException(Setting.STATUS_INTERVAL_SECONDS.key() + " must be at least 1");
        }
        if (maxInFlight < 1 || outboxCapacityBytes < 1 || expectedReadingsPerSecond <= 0) {
            throw new IllegalArgumentException("send.max-in-flight, outbox capacity and expected rate must be positive");
        }
    }

    /**
     * The TLS client certificate chain for {@code ssl://} brokers: {@code mqtt.tls.certificate-file},
     * else {@code <data.dir>/device-cert.pem} when enrollment wrote it; empty for none.
     */
    public Optional<Path> mqttClientCertificate() {
        if (mqttCertificateFile != null && !mqttCertificateFile.isEmpty()) {
            return Optional.of(Path.of(mqttCertificateFile));
        }
        Path enrolled = dataDir.resolve("device-cert.pem");
        return Files.isRegularFile(enrolled) ? Optional.of(enrolled) : Optional.empty();
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
                v.get(Setting.TRANSPORT).toLowerCase(java.util.Locale.ROOT), coap(v),
                Duration.ofMinutes(Long.parseLong(v.get(Setting.ENROLLMENT_CHECK_MINUTES))),
                new LogBounds(Long.parseLong(v.get(Setting.OUTBOX_KEPT_ASIDE_MAX_BYTES)), Long.parseLong(v.get(Setting.OUTBOX_DROPPED_LOG_MAX_BYTES))),
                v.get(Setting.MQTT_TLS_CERTIFICATE_FILE),
                Optional.of(v.get(Setting.POST_QUANTUM_KEY_FILE)).filter(f -> !f.isEmpty()).map(Path::of),
                Duration.ofSeconds(Long.parseLong(v.get(Setting.STATUS_INTERVAL_SECONDS))));
    }

    private static Coap coap(Map<Setting, String> v) {
        String mode = v.get(Setting.COAP_DTLS_MODE).toLowerCase(java.util.Locale.ROOT);
        if (!mode.equals("x509") && !mode.equals("rpk")) {
            throw new IllegalArgumentException(Setting.COAP_DTLS_MODE.key() + " must be x509 or rpk: " + mode);
        }
        return new Coap(v.get(Setting.COAP_URI), mode.equals("rpk"), v.get(Setting.COAP_DTLS_KEY_FILE),
                v.get(Setting.COAP_DTLS_CERTIFICATE_FILE), v.get(Setting.COAP_DTLS_TRUST_FILE),
                Integer.parseInt(v.get(Setting.COAP_MAX_IN_FLIGHT)), Integer.parseInt(v.get(Setting.COAP_BLOCK_SIZE)));
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
                reconnectMax, expectedReadingsPerSecond, retentionHours, outboxCapacityBytes, overflow, alg, transport, coap,
                enrollmentCheckInterval, logBounds, mqttCertificateFile, postQuantumKeyFile, statusInterval);
    }

    @Override
    public String toString() {
        return "AgentConfig[" + tenant + "/" + device + ", dataDir=" + dataDir + ", " + ("coap".equals(transport) ? "coap=" + coap.uri() + (coap.rawPublicKey() ? " rpk" : " x509") : "mqtt=" + mqttUrl) + ", pack=" + packMaxRecords
                + "/" + packMaxAge.toMillis() + "ms, outbox=" + outboxCapacityBytes + " bytes " + overflow + "]";
    }
}
