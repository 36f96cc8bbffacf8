package io.sensorproof.agent.config;

/**
 * Every setting of the agent, declared once with its key, default and meaning. A setting comes
 * from the properties file given to the agent, or from the environment variable
 * {@code SENSORPROOF_AGENT_<KEY>} (key upper-cased, {@code .} and {@code -} as {@code _}), which
 * wins. Secrets (the MQTT password) are read from the environment only.
 */
public enum Setting {
    TENANT("tenant", null, "Tenant id (required)."),
    DEVICE("device", null, "Device id (required); also the SenML base name."),
    DATA_DIR("data.dir", "agent-data", "Directory for the boot counter and the outbox."),
    KEY_FILE("key.file", "", "Device private key, PKCS#8 DER, readable by the owner only; default <data.dir>/device-key.p8."),
    GATEWAY_ACK_KEY("gateway.ack-key", null, "Gateway acknowledgement key: SubjectPublicKeyInfo DER in base64, or a path to a DER or PEM file (required)."),
    MQTT_URL("mqtt.url", "tcp://localhost:1883", "Broker URL: tcp://host:port, or ssl://host:port for TLS."),
    MQTT_TLS_CA_FILE("mqtt.tls.ca-file", "", "PEM file of CA certificates trusted for ssl:// URLs; default: the JDK trust store."),
    MQTT_TLS_CERTIFICATE_FILE("mqtt.tls.certificate-file", "", "PEM certificate chain presented as TLS client certificate for ssl:// URLs, with the device key; default <data.dir>/device-cert.pem when it exists (written by enroll). The standalone gateway's broker accepts devices only this way."),
    MQTT_USERNAME("mqtt.username", "", "Broker user name; the password comes from SENSORPROOF_AGENT_MQTT_PASSWORD."),
    MQTT_KEEP_ALIVE_SECONDS("mqtt.keep-alive-seconds", "30", "MQTT keep-alive interval."),
    MQTT_SESSION_EXPIRY_SECONDS("mqtt.session-expiry-seconds", "604800", "Persistent session expiry on the broker (7 days)."),
    PACK_MAX_RECORDS("pack.max-records", "10", "Readings per signed message at most (1-256)."),
    PACK_MAX_AGE_MILLIS("pack.max-age-millis", "5000", "Oldest reading of an open pack waits at most this long before the pack is signed."),
    ACK_TIMEOUT_MILLIS("ack.timeout-millis", "30000", "Unacknowledged messages are resent, in order, after this long at the least (longer while the gateway acknowledges more slowly: RFC 6298 timer, ADR 040)."),
    MAX_IN_FLIGHT("send.max-in-flight", "64", "Messages sent and not yet acknowledged at most."),
    RECONNECT_MIN_MILLIS("reconnect.min-millis", "500", "First reconnect delay; doubles per failed attempt, with jitter."),
    RECONNECT_MAX_MILLIS("reconnect.max-millis", "60000", "Longest reconnect delay."),
    EXPECTED_READINGS_PER_SECOND("readings.expected-per-second", "5", "Expected reading rate, used to size the outbox."),
    OUTBOX_RETENTION_HOURS("outbox.retention-hours", "168", "Hours of readings the default outbox size holds while offline (7 days)."),
    OUTBOX_CAPACITY_BYTES("outbox.capacity-bytes", "0", "Outbox size; 0 = computed from the expected rate and retention."),
    OUTBOX_KEPT_ASIDE_MAX_BYTES("outbox.kept-aside-max-bytes", "16777216",
            "Bound of kept-aside.log (rejected messages); past it the oldest half is discarded and counted (kept_aside_discarded). At least 2.1 MB."),
    OUTBOX_DROPPED_LOG_MAX_BYTES("outbox.dropped-log-max-bytes", "1048576",
            "Bound of dropped.log (one 33-byte record per dropped message); past it the oldest half is discarded and counted (dropped_log_discarded)."),
    OUTBOX_OVERFLOW("outbox.overflow", "BLOCK", "When the outbox is full: BLOCK (stop taking readings, nothing dropped) or DROP_OLDEST (drop oldest, recorded and counted)."),
    ALG("alg", "ES256", "Key algorithm for keygen: ES256, EdDSA, SM2-SM3, ML-DSA-44 or ML-DSA-65."),
    TRANSPORT("transport", "mqtt", "How to reach the gateway: mqtt or coap (CoAP over DTLS)."),
    COAP_URI("coap.uri", "coaps://localhost:5684", "Gateway CoAP endpoint, coaps://host:port (DTLS only)."),
    COAP_DTLS_MODE("coap.dtls.mode", "x509", "DTLS client authentication: x509 (certificate chain) or rpk (raw public key)."),
    COAP_DTLS_KEY_FILE("coap.dtls.key-file", "", "DTLS private key, PKCS#8 DER; default: the device key for ES256 and EdDSA devices, <data.dir>/transport-key.p8 (P-256, created on first use) for SM2 and ML-DSA devices."),
    COAP_DTLS_CERTIFICATE_FILE("coap.dtls.certificate-file", "", "PEM certificate chain of the DTLS key, leaf first (x509 mode; required there)."),
    COAP_DTLS_TRUST_FILE("coap.dtls.trust-file", "", "PEM certificates: the CAs trusted for the gateway's certificate (x509), or the gateway's certificate whose key is trusted (rpk); required for coap."),
    COAP_MAX_IN_FLIGHT("coap.max-in-flight", "8", "Confirmable requests outstanding at once."),
    COAP_BLOCK_SIZE("coap.block-size", "512", "Block size for messages above 1 KiB (block-wise transfer, 16..1024)."),
    STATUS_INTERVAL_SECONDS("status.interval-seconds", "2",
            "How often the running agent rewrites <data.dir>/status.properties, which the status command reads (a new file renamed over the last each time)."),
    ENROLLMENT_CHECK_MINUTES("enrollment.check-interval-minutes", "60",
            "While running, how often an enrolled agent checks whether its certificate needs renewal (less than a third of its lifetime left)."),
    POST_QUANTUM_KEY_FILE("post-quantum-key.file", "",
            "ML-DSA private key (PKCS#8 DER) of a hybrid device (ADR 029): when set, every message is signed with key.file (ES256 or EdDSA) and this key; empty: one signature.");

    private final String key;
    private final String defaultValue;
    private final String description;

    Setting(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String key() {
        return key;
    }

    /** The default, or null for a required setting. */
    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** The environment variable that overrides this setting. */
    public String environmentVariable() {
        return "SENSORPROOF_AGENT_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
