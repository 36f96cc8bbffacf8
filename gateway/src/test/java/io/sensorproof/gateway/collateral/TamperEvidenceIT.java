package io.sensorproof.gateway.collateral;

import static io.sensorproof.gateway.security.TenancyWorld.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.authlete.cbor.CBORByteArray;
import com.authlete.cbor.CBORInteger;
import com.authlete.cbor.CBORLong;
import com.authlete.cbor.CBORPair;
import com.authlete.cbor.CBORPairList;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.sensorproof.gateway.EmbeddedBrokerTestResource;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.security.TenancyTestSupport;
import io.sensorproof.protocol.cose.CoseSign1;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import io.sensorproof.protocol.senml.SenmlCodec;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tamper evidence → rules engine → TAMPERING alert, end to end over the broker with a real PostgreSQL
 * (issue 14): a lot device's conflicting duplicate and a message signed after its key's revocation each
 * open one TAMPERING alert for the lot's bank, showing the message keys; a forgery under the revoked kid
 * (bad signature: refused {@code DEVICE_INACTIVE} as before, no evidence) and a device of no lot open nothing.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
@WithTestResource(EmbeddedBrokerTestResource.class)
class TamperEvidenceIT extends TenancyTestSupport {
    private static final AtomicInteger DEVICES = new AtomicInteger();

    private MqttClient client;

    TamperEvidenceIT() {
        super("te-");
    }

    @BeforeEach
    void connect() throws Exception {
        client = new MqttClient(EmbeddedBrokerTestResource.url(), "tamper-evidence-it-" + DEVICES.incrementAndGet(),
                new MemoryPersistence());
        client.connect();
    }

    @AfterEach
    void disconnect() throws Exception {
        client.disconnect();
        client.close();
    }

    @Test
    void conflictingDuplicateOfALotDeviceIsOneTamperingAlertForTheBankAndADeviceOfNoLotGetsNone() throws Exception {
        String loose = device().id();
        SigningKey looseKey = keys.get(loose);
        String d = device().id();
        long lot = lotWithTerms(d);
        long now = System.currentTimeMillis();

        // the device of no lot first: its evidence is kept, but no lot's rules count it
        publishAndAwaitStored(loose, ReadingMessages.sign(pack(loose, now - 2000, 4.0), 1, 1, now, looseKey));
        byte[] looseConflict = ReadingMessages.sign(pack(loose, now - 2000, 5.0), 1, 1, now, looseKey);
        publish(loose, looseConflict);
        awaitQuarantined(loose, "CONFLICTING_DUPLICATE", 1);

        publishAndAwaitStored(d, ReadingMessages.sign(pack(d, now - 1000, 4.0), 1, 1, now, keys.get(d)));
        byte[] conflict = ReadingMessages.sign(pack(d, now - 1000, 9.0), 1, 1, now, keys.get(d));
        publish(d, conflict);
        awaitQuarantined(d, "CONFLICTING_DUPLICATE", 1);
        // a replay of the conflicting message is the same evidence
        publish(d, conflict);
        awaitQuarantined(d, "CONFLICTING_DUPLICATE", 2);

        await("the tampering alert").atMost(Duration.ofSeconds(30)).until(() -> tamperingAlerts(lot).size() == 1);
        await("all evidence of the lot device evaluated").atMost(Duration.ofSeconds(30)).until(() -> count(
                "SELECT count(*) FROM tamper_evidence WHERE device_id = '" + d + "' AND evaluated_at IS NULL") == 0);
        List<Map<String, Object>> alerts = tamperingAlerts(lot);
        assertThat(alerts).hasSize(1);
        JsonPath alert = as(world.bankKey).get("/api/v1/collateral-alerts/" + alerts.get(0).get("id")).then().statusCode(200)
                .extract().jsonPath();
        assertThat(alert.getString("deviceId")).isEqualTo(d);
        assertThat(alert.getString("state")).isEqualTo("OPEN");
        assertThat(alert.getString("quantity")).isNull();
        assertThat(alert.getList("messages")).hasSize(1);
        assertThat(alert.getString("messages[0].kind")).isEqualTo("CONFLICTING_DUPLICATE");
        assertThat(alert.getLong("messages[0].boot")).isEqualTo(1);
        assertThat(alert.getLong("messages[0].seq")).isEqualTo(1);
        assertThat(alert.getString("messages[0].kid")).isEqualTo(keys.get(d).verificationKey().kidHex());
        assertThat(alert.getString("messages[0].digest"))
                .isEqualTo(HexFormat.of().formatHex(ReadingMessages.decode(conflict).contentDigest()));

        // the device of no lot: evidence kept, never evaluated, no alert anywhere
        assertThat(count("SELECT count(*) FROM tamper_evidence WHERE device_id = '" + loose + "' AND evaluated_at IS NULL"))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM collateral_alerts WHERE device_id = '" + loose + "'")).isZero();
    }

    @Test
    void messageSignedWithTheRevokedKeyOpensATamperingAlertAndAForgeryUnderItsKidDoesNot() throws Exception {
        String forgedOn = device().id();
        long forgedLot = lotWithTerms(forgedOn);
        String d = device().id();
        long lot = lotWithTerms(d);
        revokeKeyAnHourAgo(forgedOn);
        revokeKeyAnHourAgo(d);
        long now = System.currentTimeMillis();

        // anyone can copy the revoked kid onto a message; without the key the signature does not verify
        SigningKey forger = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        byte[] forged = CoseSign1.sign(header(keys.get(forgedOn).verificationKey().kid(), 1, 1, now),
                SenmlCodec.encode(pack(forgedOn, now - 1000, 4.0)), forger);
        publish(forgedOn, forged);
        awaitQuarantined(forgedOn, "DEVICE_INACTIVE", 1);
        // the holder of the revoked key signs a message now, after the revocation
        publish(d, ReadingMessages.sign(pack(d, now - 1000, 4.0), 2, 1, now, keys.get(d)));
        awaitQuarantined(d, "REVOKED_KEY", 1);

        await("the tampering alert").atMost(Duration.ofSeconds(30)).until(() -> tamperingAlerts(lot).size() == 1);
        JsonPath alert = as(world.bankKey).get("/api/v1/collateral-alerts/" + tamperingAlerts(lot).get(0).get("id")).then()
                .statusCode(200).extract().jsonPath();
        assertThat(alert.getString("messages[0].kind")).isEqualTo("REVOKED_KEY");
        assertThat(alert.getLong("messages[0].boot")).isEqualTo(2);
        assertThat(alert.getLong("messages[0].seq")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM messages WHERE device_id = '" + d + "'")).isZero();

        // the forgery: no evidence was written with its quarantine row (same transaction), and after an
        // evaluation of the device that began later, still no alert
        assertThat(count("SELECT count(*) FROM tamper_evidence WHERE device_id = '" + forgedOn + "'")).isZero();
        await("an evaluation of the forged-on device after the forgery").atMost(Duration.ofSeconds(30)).until(() -> count(
                "SELECT count(*) FROM rule_state s WHERE s.device_id = '" + forgedOn + "' AND s.updated_at > (SELECT max(received_at)"
                        + " FROM quarantine q WHERE q.claimed_device = s.device_id)") == 1);
        assertThat(tamperingAlerts(forgedLot)).isEmpty();
        assertThat(count("SELECT count(*) FROM collateral_alerts WHERE device_id = '" + forgedOn + "'")).isZero();
    }

    // ---- helpers ----

    private final Map<String, SigningKey> keys = new java.util.concurrent.ConcurrentHashMap<>();

    private record Device(String id) {
    }

    private Device device() throws Exception {
        String id = "te-dev-" + DEVICES.incrementAndGet();
        SigningKey key = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO devices (tenant_id, device_id, kid, spki, alg, status, site_id) VALUES (?, ?, ?, ?, ?, 'ACTIVE', ?)")) {
            ps.setString(1, world.victim);
            ps.setString(2, id);
            ps.setBytes(3, key.verificationKey().kid());
            ps.setBytes(4, key.verificationKey().spki());
            ps.setString(5, key.algorithm().label());
            ps.setString(6, world.victimSite);
            ps.executeUpdate();
        }
        keys.put(id, key);
        return new Device(id);
    }

    /** The device is revoked (which revokes its keys, ADR 010), as if an hour ago. */
    private void revokeKeyAnHourAgo(String device) throws Exception {
        try (Connection c = db.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE devices SET status = 'REVOKED' WHERE device_id = ?")) {
                ps.setString(1, device);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE device_keys SET revoked_at = now() - interval '1 hour' WHERE device_id = ?")) {
                ps.setString(1, device);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
        }
    }

    /** A lot of the victim factory financed by {@code world.bank}, with terms 0–8 °C, 20 s, k = 1. */
    private long lotWithTerms(String device) {
        long id = as(world.victimFactoryKey).contentType(ContentType.JSON).body(Map.of("tenant", world.victim, "siteId",
                        world.victimSite, "bank", world.bank, "name", "cold room " + device, "deviceIds", List.of(device)))
                .post("/api/v1/lots").then().statusCode(201).extract().jsonPath().getLong("id");
        as(world.bankKey).contentType(ContentType.JSON).body(Map.of("watches", List.of(Map.of("quantity", "temperature",
                        "lo", 27315, "hi", 28115, "minDurationMs", 20_000, "maxGapMs", 900_000, "samplingIntervalMs", 600_000,
                        "maxAgeMs", 86_400_000, "k", 1))))
                .put("/api/v1/lots/" + id + "/terms").then().statusCode(200);
        return id;
    }

    private static ReadingPack pack(String device, long time, double celsius) {
        return new ReadingPack(device, List.of(new Reading(Quantity.TEMPERATURE, celsius, time)));
    }

    private static CBORPairList header(byte[] kid, long boot, long seq, long deviceTime) {
        return new CBORPairList(List.of(
                new CBORPair(new CBORInteger((int) CoseSign1.HEADER_ALG), new CBORInteger(SignatureAlgorithm.ES256.coseId())),
                new CBORPair(new CBORInteger((int) CoseSign1.HEADER_CONTENT_TYPE),
                        new CBORInteger(ReadingMessages.CONTENT_FORMAT_SENML_CBOR)),
                new CBORPair(new CBORInteger((int) CoseSign1.HEADER_KID), new CBORByteArray(kid)),
                new CBORPair(new CBORInteger((int) ReadingMessages.HEADER_BOOT), new CBORLong(boot)),
                new CBORPair(new CBORInteger((int) ReadingMessages.HEADER_SEQ), new CBORLong(seq)),
                new CBORPair(new CBORInteger((int) ReadingMessages.HEADER_DEVICE_TIME), new CBORLong(deviceTime))));
    }

    private void publish(String device, byte[] signed) throws Exception {
        MqttMessage m = new MqttMessage(signed);
        m.setQos(1);
        client.publish(Topics.up(world.victim, device), m);
    }

    private void publishAndAwaitStored(String device, byte[] signed) throws Exception {
        long before = count("SELECT count(*) FROM messages WHERE device_id = '" + device + "'");
        publish(device, signed);
        await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM messages WHERE device_id = '" + device + "'")
                == before + 1);
    }

    private void awaitQuarantined(String device, String reason, long expected) {
        await(reason + " of " + device + " quarantined").atMost(Duration.ofSeconds(30)).until(() -> count(
                "SELECT count(*) FROM quarantine WHERE claimed_device = '" + device + "' AND reason = '" + reason + "'") == expected);
    }

    private List<Map<String, Object>> tamperingAlerts(long lot) {
        List<Map<String, Object>> all = as(world.bankKey).queryParam("lot", lot).get("/api/v1/collateral-alerts").then()
                .statusCode(200).extract().jsonPath().getList("items");
        return all.stream().filter(a -> "TAMPERING".equals(a.get("rule"))).toList();
    }

    private long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
