package io.sensorproof.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.authlete.cbor.CBORByteArray;
import com.authlete.cbor.CBORInteger;
import com.authlete.cbor.CBORLong;
import com.authlete.cbor.CBORPair;
import com.authlete.cbor.CBORPairList;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sensorproof.gateway.EmbeddedBrokerTestResource;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.protocol.ack.Acknowledgement;
import io.sensorproof.protocol.ack.AcknowledgementCodec;
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
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;

/**
 * Every rejection reason, reproduced with a real message published to the running gateway, ends
 * in the quarantine table with its code; the authenticated ones come back as signed rejections.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
@WithTestResource(EmbeddedBrokerTestResource.class)
class IngestRejectionsIT {
    @Inject
    AgroalDataSource db;
    @Inject
    IngestService ingest;

    @Test
    void eachRejectionReasonLandsInQuarantineWithItsCode() throws Exception {
        SigningKey victim = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        SigningKey other = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        SigningKey edKey = Keys.generate(SignatureAlgorithm.EDDSA, new SecureRandom());
        execute("INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex') ON CONFLICT DO NOTHING");
        register("acme", "victim-1", victim);
        register("globex", "other-1", other);

        long now = System.currentTimeMillis();
        ReadingPack good = pack("victim-1", now - 1000);
        String up = Topics.up("acme", "victim-1");
        Map<String, byte[]> cases = new java.util.LinkedHashMap<>();
        cases.put("BAD_SIGNATURE", CoseSign1.sign(header(victim.algorithm().coseId(), victim.verificationKey().kid(), 1, 1),
                SenmlCodec.encode(good), other));
        cases.put("UNKNOWN_KEY", ReadingMessages.sign(good, 1, 2, now, Keys.generate(SignatureAlgorithm.ES256, new SecureRandom())));
        cases.put("ALG_MISMATCH", CoseSign1.sign(header(SignatureAlgorithm.EDDSA.coseId(), victim.verificationKey().kid(), 1, 3),
                SenmlCodec.encode(good), edKey));
        cases.put("BN_MISMATCH", ReadingMessages.sign(pack("other-1", now - 1000), 1, 4, now, victim));
        cases.put("FUTURE_TIMESTAMP", ReadingMessages.sign(pack("victim-1", now + 3_600_000), 1, 5, now, victim));
        cases.put("OVERSIZED", new byte[16 * 1024 + 1]);
        cases.put("MALFORMED_CBOR", new byte[] {(byte) 0x9f, 0x01});

        List<byte[]> acks = new CopyOnWriteArrayList<>();
        MqttClient client = new MqttClient(EmbeddedBrokerTestResource.url(), "rejections-test", new MemoryPersistence());
        client.setCallback(new Recorder(acks));
        client.connect();
        client.subscribe(Topics.ack("acme", "victim-1"), 1);
        for (byte[] payload : cases.values()) {
            client.publish(up, qos1(payload));
        }
        // a message of victim-1 published under globex's topic
        client.publish(Topics.up("globex", "victim-1"), qos1(ReadingMessages.sign(good, 1, 6, now, victim)));
        // stored, then the same (boot, seq) with other content
        client.publish(up, qos1(ReadingMessages.sign(good, 1, 7, now, victim)));
        waitForRows("SELECT count(*) FROM messages WHERE device_id = 'victim-1' AND seq = 7", 1);
        client.publish(up, qos1(ReadingMessages.sign(pack("victim-1", now - 500), 1, 7, now, victim)));

        Map<String, Long> expected = new HashMap<>();
        cases.keySet().forEach(code -> expected.put(code, 1L));
        expected.put("TOPIC_MISMATCH", 1L);
        expected.put("CONFLICTING_DUPLICATE", 1L);
        waitForRows("SELECT count(*) FROM quarantine WHERE topic LIKE '%/victim-1/%'", expected.size());
        Map<String, Long> actual = new HashMap<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT reason, count(*) FROM quarantine WHERE topic LIKE '%/victim-1/%' GROUP BY reason");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                actual.put(rs.getString(1), rs.getLong(2));
            }
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(count("SELECT count(*) FROM quarantine WHERE topic LIKE '%/victim-1/%' AND raw IS NULL AND reason <> 'OVERSIZED'")).isZero();
        assertThat(count("SELECT count(*) FROM operator_alerts WHERE kind = 'CONFLICTING_DUPLICATE' AND device_id = 'victim-1'")).isEqualTo(1);

        // signed answers: stored seq 7, rejections for the authenticated refusals only
        List<Acknowledgement> verified = new ArrayList<>();
        await("the signed rejection of seq 7").atMost(Duration.ofSeconds(10)).until(() -> {
            verified.clear();
            for (byte[] a : acks) {
                verified.add(AcknowledgementCodec.verify(a, ingest.ackKey()));
            }
            return verified.stream().anyMatch(a -> a.rejection(1, 7).isPresent());
        });
        assertThat(verified).anyMatch(a -> a.isStored(1, 7));
        assertThat(verified).anyMatch(a -> a.rejection(1, 7).map(r -> r.code().equals("CONFLICTING_DUPLICATE")).orElse(false));
        assertThat(verified).anyMatch(a -> a.rejection(1, 5).map(r -> r.code().equals("FUTURE_TIMESTAMP")).orElse(false));
        assertThat(verified).as("no signed rejection names the forged (1, 1)").noneMatch(a -> a.rejection(1, 1).isPresent());
        client.disconnect();
        client.close();
    }

    @Test
    void readingTimeTakenAndRegisterGoingDownAreSignedRejectionsKeptInQuarantine() throws Exception {
        SigningKey meter = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        execute("INSERT INTO tenants (id, name) VALUES ('acme', 'Acme') ON CONFLICT DO NOTHING");
        register("acme", "meter-1", meter);
        long t = System.currentTimeMillis() - 60_000;
        byte[] first = ReadingMessages.sign(new ReadingPack("meter-1", List.of(new Reading(Quantity.TEMPERATURE, 4.5, t),
                new Reading(Quantity.CO2E_REGISTER, 1_000, t))), 1, 1, t, meter);
        byte[] sameTime = ReadingMessages.sign(new ReadingPack("meter-1", List.of(new Reading(Quantity.TEMPERATURE, 5.5, t))),
                1, 2, t, meter);
        byte[] lower = ReadingMessages.sign(new ReadingPack("meter-1", List.of(new Reading(Quantity.CO2E_REGISTER, 999, t + 1_000))),
                1, 3, t, meter);
        long timesBefore = ingest.metrics().count("rejected.DUPLICATE_READING_TIME");
        long registersBefore = ingest.metrics().count("rejected.REGISTER_DECREASED");

        List<byte[]> acks = new CopyOnWriteArrayList<>();
        MqttClient client = new MqttClient(EmbeddedBrokerTestResource.url(), "reading-rules-test", new MemoryPersistence());
        client.setCallback(new Recorder(acks));
        client.connect();
        client.subscribe(Topics.ack("acme", "meter-1"), 1);
        String up = Topics.up("acme", "meter-1");
        client.publish(up, qos1(first));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM messages WHERE device_id = 'meter-1'"), n -> n == 1);
        client.publish(up, qos1(sameTime));
        client.publish(up, qos1(lower));
        // a retransmission of the stored message: acknowledged again, not a repeated reading time
        client.publish(up, qos1(first));

        await().atMost(Duration.ofSeconds(30)).until(() -> verified(acks), a -> a.stream().anyMatch(x -> x.rejection(1, 2).isPresent())
                && a.stream().anyMatch(x -> x.rejection(1, 3).isPresent()) && a.stream().filter(x -> x.isStored(1, 1)).count() >= 2);
        List<Acknowledgement> verified = verified(acks);
        assertThat(verified).anyMatch(a -> a.rejection(1, 2).map(r -> r.code().equals("DUPLICATE_READING_TIME")).orElse(false));
        assertThat(verified).anyMatch(a -> a.rejection(1, 3).map(r -> r.code().equals("REGISTER_DECREASED")).orElse(false));
        assertThat(verified).filteredOn(a -> a.isStored(1, 1)).hasSize(2);
        client.disconnect();
        client.close();

        Map<Long, String> reasons = new HashMap<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT seq, reason, raw, detail FROM quarantine WHERE claimed_device = 'meter-1' ORDER BY seq");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                reasons.put(rs.getLong(1), rs.getString(2));
                assertThat(rs.getBytes(3)).isEqualTo(rs.getLong(1) == 2 ? sameTime : lower);
                assertThat(rs.getString(4)).contains("record 0");
            }
        }
        assertThat(reasons).containsOnly(Map.entry(2L, "DUPLICATE_READING_TIME"), Map.entry(3L, "REGISTER_DECREASED"));
        assertThat(count("SELECT count(*) FROM readings WHERE device_id = 'meter-1'")).isEqualTo(2);
        assertThat(ingest.metrics().count("rejected.DUPLICATE_READING_TIME")).isEqualTo(timesBefore + 1);
        assertThat(ingest.metrics().count("rejected.REGISTER_DECREASED")).isEqualTo(registersBefore + 1);
    }

    private List<Acknowledgement> verified(List<byte[]> acks) {
        List<Acknowledgement> verified = new ArrayList<>();
        for (byte[] a : acks) {
            verified.add(AcknowledgementCodec.verify(a, ingest.ackKey()));
        }
        return verified;
    }

    private static ReadingPack pack(String device, long time) {
        return new ReadingPack(device, List.of(new Reading(Quantity.TEMPERATURE, 4.5, time)));
    }

    private static CBORPairList header(int alg, byte[] kid, long boot, long seq) {
        return new CBORPairList(List.of(
                new CBORPair(new CBORInteger(1), new CBORInteger(alg)),
                new CBORPair(new CBORInteger(3), new CBORInteger(112)),
                new CBORPair(new CBORInteger(4), new CBORByteArray(kid)),
                new CBORPair(new CBORInteger(-65537), new CBORLong(boot)),
                new CBORPair(new CBORInteger(-65538), new CBORLong(seq)),
                new CBORPair(new CBORInteger(-65539), new CBORLong(System.currentTimeMillis()))));
    }

    private static MqttMessage qos1(byte[] payload) {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        return m;
    }

    private void register(String tenant, String device, SigningKey key) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO devices (tenant_id, device_id, kid, spki, alg, status) VALUES (?, ?, ?, ?, ?, 'ACTIVE')")) {
            ps.setString(1, tenant);
            ps.setString(2, device);
            ps.setBytes(3, key.verificationKey().kid());
            ps.setBytes(4, key.verificationKey().spki());
            ps.setString(5, key.algorithm().label());
            ps.executeUpdate();
        }
    }

    private void waitForRows(String sql, long expected) {
        await(sql).atMost(Duration.ofSeconds(30)).until(() -> count(sql) >= expected);
    }

    private void execute(String sql) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private record Recorder(List<byte[]> sink) implements MqttCallback {
        @Override
        public void messageArrived(String topic, MqttMessage message) {
            sink.add(message.getPayload());
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}
