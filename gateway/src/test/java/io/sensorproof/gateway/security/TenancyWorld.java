package io.sensorproof.gateway.security;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.sensorproof.gateway.batches.BatchStoreException;
import io.sensorproof.gateway.batches.PgBatchLedger;
import io.sensorproof.gateway.core.AcceptedMessage;
import io.sensorproof.gateway.core.AcceptedReading;
import io.sensorproof.gateway.core.ConflictAlert;
import io.sensorproof.gateway.core.ContentDigest;
import io.sensorproof.gateway.core.DeviceStatus;
import io.sensorproof.gateway.core.MessageKey;
import io.sensorproof.gateway.core.MessageStore;
import io.sensorproof.gateway.core.OperatorAlerts;
import io.sensorproof.gateway.core.Quarantine;
import io.sensorproof.gateway.core.QuarantineEntry;
import io.sensorproof.gateway.core.ReasonCode;
import io.sensorproof.gateway.core.RegisteredDevice;
import io.sensorproof.gateway.core.StatusSink;
import io.sensorproof.gateway.core.collateral.AlertChange;
import io.sensorproof.gateway.core.collateral.CollateralAlerts;
import io.sensorproof.gateway.core.collateral.ReadingKey;
import io.sensorproof.oracle.batches.AnchorReceipt;
import io.sensorproof.oracle.batches.BatchPolicy;
import io.sensorproof.oracle.batches.CommitmentBatcher;
import io.sensorproof.oracle.batches.InMemoryBatchAnchoring;
import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import io.sensorproof.protocol.status.AgentStatus;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Tenants, keys, sites, devices and stored data for the tenancy tests, made through the API (with
 * the bootstrap operator key, then each tenant's own keys) and the ingest ports that store what the
 * pipeline accepts or refuses (real signed messages, quarantine entries, alerts, status). Every id
 * of the victim tenant's side contains {@link #marker}, so a response can be searched for leaks.
 *
 * <p>Tenants: victim (factory, with a site, devices {@link #victimDevice} and {@link #victimDevice2}),
 * other (factory, device {@link #otherDevice}), bank and exchange (no grants), bank2 (holds a grant
 * on {@link #victimDevice2}), a regulator tenant, exchange2 (holds the victim's emissions facility
 * {@link #victimFacilityId}). The victim has a lot {@link #victimLotId} financed by bank2 on
 * {@link #victimDevice2}, with terms, and an open collateral alert {@link #victimAlertId} on it.
 */
public final class TenancyWorld {
    private static final SecureRandom RANDOM = new SecureRandom();

    public final String marker;
    public final String victim;
    public final String victimSite;
    public final String victimDevice;
    public final String victimDevice2;
    public final String other;
    public final String otherDevice;
    public final String bank;
    public final String exchange;
    public final String bank2;
    public final String exchange2;
    public final String regulatorTenant;

    public String victimFactoryKey;
    public long victimFactoryKeyId;
    public String otherFactoryKey;
    public String bankKey;
    public String exchangeKey;
    public String bank2Key;
    public String regulatorKey;
    public long victimQuarantineId;
    public long unauthenticatedQuarantineId;
    public long otherQuarantineId;
    public long bank2GrantId;
    public long victimLotId;
    public long victimAlertId;
    public long victimFacilityId;
    /** A webhook endpoint of the victim tenant, with one pending delivery of {@link #victimWebhookEventId}. */
    public String victimWebhookId;
    public String victimWebhookEventId;
    /** (boot, seq) of a stored message of {@link #victimDevice}. */
    public final long boot = 3;
    public final long seq = 7;

    private final Map<String, SigningKey> deviceKeys = new HashMap<>();
    private DataSource db;
    private Long victimBatchId;

    private TenancyWorld(String prefix) {
        marker = prefix + "victim";
        victim = marker + "-t";
        victimSite = marker + "-site";
        victimDevice = marker + "-dev";
        victimDevice2 = marker + "-dev2";
        other = prefix + "other-t";
        otherDevice = prefix + "other-dev";
        bank = prefix + "bank-t";
        exchange = prefix + "exchange-t";
        bank2 = prefix + "bank2-t";
        exchange2 = prefix + "exchange2-t";
        regulatorTenant = prefix + "reg-t";
    }

    /** Builds the world under ids starting with {@code prefix} (a few lower-case letters, unique per test class). */
    public static TenancyWorld build(String prefix, DataSource db, MessageStore store, Quarantine quarantine,
            OperatorAlerts alerts, StatusSink statusSink, CollateralAlerts collateralAlerts) throws SQLException {
        TenancyWorld w = new TenancyWorld(prefix);
        w.tenant(w.victim, "factory");
        w.tenant(w.other, "factory");
        w.tenant(w.bank, "bank");
        w.tenant(w.exchange, "exchange");
        w.tenant(w.bank2, "bank");
        w.tenant(w.exchange2, "exchange");
        w.tenant(w.regulatorTenant, "regulator");

        Map<String, Object> victimKey = w.createKey(OperatorKey.bootstrap(), w.marker + " factory key", "factory", w.victim);
        w.victimFactoryKey = (String) victimKey.get("key");
        w.victimFactoryKeyId = ((Number) victimKey.get("id")).longValue();
        w.otherFactoryKey = (String) w.createKey(OperatorKey.bootstrap(), prefix + " other factory", "factory", w.other).get("key");
        w.bankKey = (String) w.createKey(OperatorKey.bootstrap(), prefix + " bank", "bank", w.bank).get("key");
        w.exchangeKey = (String) w.createKey(OperatorKey.bootstrap(), prefix + " exchange", "exchange", w.exchange).get("key");
        w.bank2Key = (String) w.createKey(OperatorKey.bootstrap(), prefix + " bank2", "bank", w.bank2).get("key");
        w.regulatorKey = (String) w.createKey(OperatorKey.bootstrap(), prefix + " regulator", "regulator", w.regulatorTenant)
                .get("key");

        as(w.victimFactoryKey).contentType(ContentType.JSON).body(Map.of("siteId", w.victimSite, "name", "Cold store"))
                .post("/api/v1/tenants/" + w.victim + "/sites").then().statusCode(201);
        w.device(w.victimFactoryKey, w.victim, w.victimDevice, w.victimSite);
        w.device(w.victimFactoryKey, w.victim, w.victimDevice2, null);
        w.device(w.otherFactoryKey, w.other, w.otherDevice, null);

        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        store.store(List.of(w.message(w.victim, w.victimDevice, w.boot, w.seq, now),
                w.message(w.victim, w.victimDevice, w.boot, w.seq + 1, now),
                w.message(w.victim, w.victimDevice2, 1, 0, now),
                w.message(w.other, w.otherDevice, 1, 0, now)));
        for (String[] d : new String[][] {{w.victim, w.victimDevice}, {w.victim, w.victimDevice2}, {w.other, w.otherDevice}}) {
            statusSink.record(w.registered(d[0], d[1]), new AgentStatus(d[1], w.boot, now.toEpochMilli(), 2, 300,
                    Optional.empty(), Optional.empty(), 0, 0), now);
        }
        Instant old = Instant.parse("2001-01-01T00:00:00Z");
        quarantine.put(w.rejected(w.victimDevice, true, old));
        quarantine.put(w.rejected(w.victimDevice2, true, old));
        quarantine.put(w.rejected(w.otherDevice, true, old));
        quarantine.put(w.rejected(w.marker + "-ghost", false, old));
        w.victimQuarantineId = quarantineId(db, w.victimDevice, true);
        w.otherQuarantineId = quarantineId(db, w.otherDevice, true);
        w.unauthenticatedQuarantineId = quarantineId(db, w.marker + "-ghost", false);
        for (String[] d : new String[][] {{w.victim, w.victimDevice}, {w.victim, w.victimDevice2}, {w.other, w.otherDevice}}) {
            byte[] stored = new byte[32];
            byte[] received = new byte[32];
            RANDOM.nextBytes(stored);
            RANDOM.nextBytes(received);
            alerts.conflictingDuplicate(new ConflictAlert(d[0], new MessageKey(d[1], w.boot, w.seq), ContentDigest.of(stored),
                    ContentDigest.of(received), "mqtt:" + d[1], now));
        }

        w.bank2GrantId = ((Number) as(w.victimFactoryKey).contentType(ContentType.JSON)
                .body(Map.of("grantee", w.bank2, "deviceIds", List.of(w.victimDevice2), "note", "pledge " + w.marker))
                .post("/api/v1/tenants/" + w.victim + "/grants").then().statusCode(201)
                .extract().path("items[0].id")).longValue();

        // a lot financed by bank2 on the device it already holds a grant on (the lot adds no grant)
        w.victimLotId = ((Number) as(w.victimFactoryKey).contentType(ContentType.JSON)
                .body(Map.of("tenant", w.victim, "siteId", w.victimSite, "bank", w.bank2, "name", "pledge " + w.marker,
                        "deviceIds", List.of(w.victimDevice2)))
                .post("/api/v1/lots").then().statusCode(201).extract().path("id")).longValue();
        as(w.bank2Key).contentType(ContentType.JSON).body(Map.of("watches", List.of(Map.of("quantity", "temperature",
                        "lo", 27515, "hi", 28115, "minDurationMs", 900_000, "maxGapMs", 90_000, "samplingIntervalMs", 60_000,
                        "maxAgeMs", 86_400_000, "k", 1))))
                .put("/api/v1/lots/" + w.victimLotId + "/terms").then().statusCode(200);
        w.victimAlertId = collateralAlerts.apply(new AlertChange(AlertChange.Kind.OPENED, w.victimLotId, w.victimDevice2,
                Optional.of(Quantity.TEMPERATURE), "THRESHOLD", Optional.of(now.minusSeconds(1200)), Optional.of(now),
                Optional.of(now.minusSeconds(1200)), Optional.of(now), List.of(new ReadingKey(w.victimDevice2, 1, 0, 0)),
                "rules", now)).alertId();
        w.victimFacilityId = ((Number) OperatorKey.authorized().contentType(ContentType.JSON)
                .body(Map.of("tenant", w.victim, "exchange", w.exchange2, "name", "kiln " + w.marker,
                        "deviceIds", List.of(w.victimDevice), "baselineKg", 100, "calendar", "MONTHLY_UTC", "maxGapMs", 900_000,
                        "substituteRateKgPerHour", 10))
                .post("/api/v1/emission-facilities").then().statusCode(201).extract().path("id")).longValue();
        // an endpoint nobody listens on (the discard port), with a delivery the test profile's idle dispatcher leaves pending
        w.victimWebhookId = as(w.victimFactoryKey).contentType(ContentType.JSON)
                .body(Map.of("url", "http://127.0.0.1:9/" + w.marker))
                .post("/api/v1/tenants/" + w.victim + "/webhooks").then().statusCode(201).extract().path("endpoint.id");
        w.victimWebhookEventId = w.marker + "-event";
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO webhook_deliveries"
                + " (endpoint_id, event_id, body, enqueued_at, next_attempt_at) VALUES (?, ?, ?, now(), now())")) {
            ps.setString(1, w.victimWebhookId);
            ps.setString(2, w.victimWebhookEventId);
            ps.setBytes(3, "{}".getBytes(StandardCharsets.UTF_8));
            ps.executeUpdate();
        }
        w.db = db;
        return w;
    }

    /** A request carrying {@code key}. */
    public static RequestSpecification as(String key) {
        return given().header("Authorization", "Bearer " + key);
    }

    /** A fresh public key, base64 SPKI, for registration bodies. */
    public static String freshPublicKey() {
        return Base64.getEncoder().encodeToString(Keys.generate(SignatureAlgorithm.ES256, RANDOM).verificationKey().spki());
    }

    /** A fresh ML-DSA-44 public key (SPKI, base64): the post-quantum half of a hybrid device's registration (ADR 029). */
    public static String freshPostQuantumPublicKey() {
        return Base64.getEncoder().encodeToString(Keys.generate(SignatureAlgorithm.ML_DSA_44, RANDOM).verificationKey().spki());
    }

    /** Creates an API key with the operator or factory {@code callerKey}; the response body as a map. */
    public Map<String, Object> createKey(String callerKey, String label, String role, String tenant) {
        Map<String, Object> body = new HashMap<>(Map.of("label", label, "role", role));
        if (tenant != null) {
            body.put("tenant", tenant);
        }
        return as(callerKey).contentType(ContentType.JSON).body(body).post("/api/v1/api-keys")
                .then().statusCode(201).extract().jsonPath().getMap("");
    }

    private void tenant(String id, String kind) {
        OperatorKey.authorized().contentType(ContentType.JSON).body(Map.of("id", id, "name", id, "kind", kind))
                .post("/api/v1/tenants").then().statusCode(201);
    }

    private ValidatableResponse device(String key, String tenant, String id, String site) {
        SigningKey deviceKey = Keys.generate(SignatureAlgorithm.ES256, RANDOM);
        deviceKeys.put(id, deviceKey);
        Map<String, Object> body = new HashMap<>(Map.of("deviceId", id,
                "publicKey", Base64.getEncoder().encodeToString(deviceKey.verificationKey().spki())));
        if (site != null) {
            body.put("siteId", site);
        }
        return as(key).contentType(ContentType.JSON).body(body).post("/api/v1/tenants/" + tenant + "/devices")
                .then().statusCode(201);
    }

    private RegisteredDevice registered(String tenant, String device) {
        return new RegisteredDevice(tenant, device, deviceKeys.get(device).verificationKey(), DeviceStatus.ACTIVE);
    }

    /** A really signed message of one temperature reading, as the pipeline hands it to the store. */
    /**
     * The id of an anchored commitment batch holding the victim's stored reading (boot, seq, 0), made
     * on first use: whatever is pending is sealed with the ledger (the world's readings among it) and
     * the batch is recorded as anchored with a fixed receipt (the same for every world, so a batch
     * shared by two worlds is recorded once). Only the batch endpoints' probes pay for the sealing.
     */
    public synchronized long victimBatchId() throws SQLException {
        if (victimBatchId == null) {
            PgBatchLedger ledger = new PgBatchLedger(db);
            CommitmentBatcher batcher = new CommitmentBatcher(ledger, new BatchPolicy(4096, Duration.ofMinutes(1)),
                    new InMemoryBatchAnchoring(), Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2)));
            long id;
            try {
                await("the victim's reading sealed").atMost(Duration.ofSeconds(300)).until(() -> {
                    batcher.sealDue();
                    return batchOfVictimReading().isPresent();
                });
                id = batchOfVictimReading().orElseThrow();
            } catch (RuntimeException e) {
                if (!(e instanceof BatchStoreException) && !(e.getCause() instanceof BatchStoreException)) {
                    throw e;
                }
                // Seen in the full suite after ReadApiIT's hand-inserted rows: the ledger offered a reading
                // already batched again (batch_members_pkey). The probes need an anchored batch, not this
                // one: take an existing batch rather than fail every probe on a batcher issue (reported).
                id = anyBatch().orElseThrow(() -> e);
            }
            if (!anchoredBatch(id)) {
                ledger.anchored(id, new AnchorReceipt("0x" + "7e".repeat(32), 1, "0x" + "7e".repeat(20)));
            }
            victimBatchId = id;
        }
        return victimBatchId;
    }

    /**
     * A CarbonCredit period (id 1) the gateway tracks for {@link #victimFacilityId}, OPEN, made on first use as
     * the carbon loop would record it (a chain facility id of the world's own). In-process there is no chain,
     * so it is never minted: the verification bundle answers 409 {@code CARBON_PERIOD_NOT_MINTED} to readers.
     */
    public synchronized long victimCarbonPeriodId() throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO carbon_periods (facility_id,"
                + " chain_facility_id, period_id, start_seconds, end_seconds, baseline_kg, max_gap_ms, substitute_rate_kg_per_hour,"
                + " devices, state) VALUES (?, ?, 1, 1893456000, 1893459600, 100, 900000, 10, ARRAY[?], 'OPEN') ON CONFLICT DO NOTHING")) {
            ps.setLong(1, victimFacilityId);
            ps.setLong(2, 1_000_000_000_000L + victimFacilityId);
            ps.setString(3, victimDevice);
            ps.executeUpdate();
        }
        return 1;
    }

    /**
     * A freeze of {@link #victimLotId}, SUBMITTED (never confirmed: in-process there is no chain), made on first
     * use as the freeze loop records one. Its evidence bundle answers 409 {@code FREEZE_NOT_CONFIRMED} to readers.
     */
    public synchronized long victimFreezeId() throws SQLException {
        try (Connection c = db.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO freezes (lot_id, chain_facility_id, quantity, runs, job_key)"
                    + " VALUES (?, ?, 'temperature', '[[\"0x" + "ab".repeat(32) + "\"]]'::jsonb, ?) ON CONFLICT (job_key) DO NOTHING")) {
                ps.setLong(1, victimLotId);
                ps.setLong(2, 1_000_000_000_000L + victimLotId);
                ps.setString(3, marker + "-victim-freeze");
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM freezes WHERE job_key = ?")) {
                ps.setString(1, marker + "-victim-freeze");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }
    }

    /**
     * A run claim of {@link #victimLotId} on {@link #victimDevice2}'s stored reading (1, 0, 0), PLANNED (never anchored:
     * in-process there is no chain), made on first use as the freeze loop records one. Its audit answers 409
     * {@code CLAIM_NOT_ANCHORED} to platform readers.
     */
    public synchronized String victimClaimId() throws SQLException {
        String claimId;
        try {
            claimId = "0x" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest((marker + "-victim-claim").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO run_claims (claim_id, lot_id,"
                + " device_id, quantity, run_first_time, position, reading_keys, public_inputs, arguments, settled_by, latest_arrival)"
                + " VALUES (?, ?, ?, 'temperature', now(), 0, '[[1, 0, 0]]'::jsonb, '[\"0\",\"0\",\"1\",\"27515\",\"28115\","
                + "\"0\",\"0\",\"1\",\"90000\"]'::jsonb, '{}'::jsonb, 'WAIT', now()) ON CONFLICT DO NOTHING")) {
            ps.setString(1, claimId);
            ps.setLong(2, victimLotId);
            ps.setString(3, victimDevice2);
            ps.executeUpdate();
        }
        return claimId;
    }

    /**
     * Removes the claim of {@link #victimClaimId} (a no-op when it was never made): the freeze path's sweep, which
     * other test classes in this JVM run, would otherwise give the stray claim a job.
     */
    public synchronized void removeVictimClaim() throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM run_claims WHERE lot_id = ? AND device_id = ? AND job_id IS NULL")) {
            ps.setLong(1, victimLotId);
            ps.setString(2, victimDevice2);
            ps.executeUpdate();
        }
    }

    private Optional<Long> anyBatch() throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM commitment_batches ORDER BY (state = 'ANCHORED') DESC, id LIMIT 1");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
        }
    }

    private boolean anchoredBatch(long id) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT state = 'ANCHORED' FROM commitment_batches WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private Optional<Long> batchOfVictimReading() throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT batch_id FROM batch_members WHERE device_id = ? AND boot = ? AND seq = ? AND record_index = 0")) {
            ps.setString(1, victimDevice);
            ps.setLong(2, boot);
            ps.setLong(3, seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    private AcceptedMessage message(String tenant, String device, long boot, long seq, Instant receivedAt) {
        Instant deviceTime = receivedAt.minusMillis(500);
        // one reading time per (boot, seq): the store keeps one reading per device, quantity and time
        Reading reading = new Reading(Quantity.TEMPERATURE, 4.5, receivedAt.minusSeconds(30).plusSeconds(boot).plusMillis(seq).toEpochMilli());
        byte[] raw = ReadingMessages.sign(new ReadingPack(device, List.of(reading)), boot, seq, deviceTime.toEpochMilli(),
                deviceKeys.get(device));
        var decoded = ReadingMessages.decode(raw);
        List<AcceptedReading> readings = new ArrayList<>();
        readings.add(new AcceptedReading(0, reading.quantity(), decoded.pack().readings().get(0).fixedValue(),
                Instant.ofEpochMilli(reading.timeMillis()), false));
        return new AcceptedMessage(tenant, device, boot, seq, ContentDigest.of(decoded.contentDigest()), raw,
                Topics.up(tenant, device), "mqtt:" + device, receivedAt, deviceTime, readings);
    }

    private QuarantineEntry rejected(String device, boolean authenticated, Instant receivedAt) {
        byte[] raw = new byte[24];
        RANDOM.nextBytes(raw);
        return new QuarantineEntry(ReasonCode.of(ErrorCode.BAD_SIGNATURE), raw, Optional.of(device), authenticated,
                Optional.empty(), boot, seq + 100, "t/x/d/" + device + "/up", "mqtt:" + device, receivedAt,
                "tenancy test entry of " + device);
    }

    private static long quarantineId(DataSource db, String device, boolean authenticated) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT max(id) FROM quarantine WHERE claimed_device = ? AND authenticated = ?")) {
            s.setString(1, device);
            s.setBoolean(2, authenticated);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
