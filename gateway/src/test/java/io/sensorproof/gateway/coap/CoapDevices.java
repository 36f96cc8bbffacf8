package io.sensorproof.gateway.coap;

import io.agroal.api.AgroalDataSource;
import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.agent.keys.KeyFiles;
import io.sensorproof.protocol.retry.Backoff;
import io.sensorproof.agent.transport.CoapTransport;
import io.sensorproof.gateway.core.coap.TestPki;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.CoapEndpoint;

/** Devices registered in PostgreSQL with agent configurations for the running gateway's CoAP endpoint. */
final class CoapDevices {
    private final AgroalDataSource db;
    private final CoapService coap;
    private final VerificationKey ackKey;

    CoapDevices(AgroalDataSource db, CoapService coap, VerificationKey ackKey) {
        this.db = db;
        this.coap = coap;
        this.ackKey = ackKey;
    }

    final class Device {
        final String tenant;
        final String id;
        final Path home;
        final SigningKey key;

        Device(String tenant, String id) throws Exception {
            this(tenant, id, SignatureAlgorithm.ES256);
        }

        Device(String tenant, String id, SignatureAlgorithm alg) throws Exception {
            this.tenant = tenant;
            this.id = id;
            this.home = Files.createTempDirectory("coap-" + id);
            this.key = KeyFiles.generate(home.resolve("device-key.p8"), alg);
            execute("INSERT INTO tenants (id, name) VALUES ('" + tenant + "', 'Tenant') ON CONFLICT DO NOTHING");
            try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO devices (tenant_id, device_id, kid, spki, alg, status) VALUES (?, ?, ?, ?, ?, 'ACTIVE')")) {
                ps.setString(1, tenant);
                ps.setString(2, id);
                ps.setBytes(3, key.verificationKey().kid());
                ps.setBytes(4, key.verificationKey().spki());
                ps.setString(5, key.algorithm().label());
                ps.executeUpdate();
            }
        }

        void setStatus(String status) throws Exception {
            execute("UPDATE devices SET status = '" + status + "' WHERE device_id = '" + id + "'");
        }

        AgentConfig config(boolean rawPublicKey, Map<String, String> extra) throws Exception {
            Properties p = new Properties();
            p.setProperty("tenant", tenant);
            p.setProperty("device", id);
            p.setProperty("data.dir", home.toString());
            p.setProperty("gateway.ack-key", Base64.getEncoder().encodeToString(ackKey.spki()));
            p.setProperty("transport", "coap");
            p.setProperty("coap.uri", "coaps://127.0.0.1:" + coap.adapter().orElseThrow().address().getPort());
            p.setProperty("coap.dtls.mode", rawPublicKey ? "rpk" : "x509");
            p.setProperty("coap.dtls.trust-file", TestPki.writePem(home.resolve("gateway.pem"),
                    coap.adapter().orElseThrow().serverCertificates()).toString());
            p.setProperty("pack.max-age-millis", "100");
            p.setProperty("ack.timeout-millis", "5000");
            extra.forEach(p::setProperty);
            if (!rawPublicKey) {
                X509Certificate cert = CoapTestProfile.PKI.issueDevice(TestPki.jca(key.verificationKey()), tenant, id, true);
                p.setProperty("coap.dtls.certificate-file",
                        TestPki.writePem(home.resolve("chain.pem"), List.of(cert, CoapTestProfile.PKI.ca)).toString());
            }
            return AgentConfig.resolve(p, Map.of());
        }

        EdgeAgent agent(AgentConfig config) throws Exception {
            return EdgeAgent.start(config, key, ackKey,
                    metrics -> new CoapTransport(config, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), new SecureRandom()),
                            metrics::recordBackoff), Clock.systemUTC());
        }

        byte[] sign(int records, long boot, long seq, long timeMillis) {
            List<Reading> readings = new ArrayList<>();
            for (int i = 0; i < records; i++) {
                readings.add(new Reading(Quantity.TEMPERATURE, 4.25 + i % 7, timeMillis - records + i));
            }
            return ReadingMessages.sign(new ReadingPack(id, readings), boot, seq, System.currentTimeMillis(), key);
        }
    }

    /** A hand-driven DTLS client with a device's credentials. */
    static final class RawClient implements AutoCloseable {
        private final CoapEndpoint endpoint;
        private final CoapClient client;
        private final String base;

        RawClient(AgentConfig config) throws Exception {
            this.endpoint = CoapTransport.endpoint(config);
            this.client = new CoapClient();
            this.client.setEndpoint(endpoint);
            this.client.setTimeout(30_000L);
            this.base = config.coap().uri();
        }

        boolean handshake() {
            client.setURI(base);
            return client.ping(15_000);
        }

        CoapResponse post(String path, byte[] payload) {
            Request request = Request.newPost();
            request.setURI(base + "/" + path);
            request.setPayload(payload);
            request.getOptions().setContentFormat(18);
            try {
                return client.advanced(request);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            client.shutdown();
            endpoint.destroy();
        }
    }

    void execute(String sql) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }

    long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
