package io.sensorproof.gateway.enroll;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.agent.enroll.CertificateRenewer;
import io.sensorproof.agent.enroll.EnrollmentClient;
import io.sensorproof.agent.enroll.EnrollmentRefusedException;
import io.sensorproof.agent.enroll.Enroller;
import io.sensorproof.agent.keys.KeyFiles;
import io.sensorproof.protocol.retry.Backoff;
import io.sensorproof.agent.transport.MqttTransport;
import io.sensorproof.gateway.EmbeddedBrokerTestResource;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.ingest.IngestService;
import io.sensorproof.gateway.security.OperatorKey;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.enroll.CertificateRequests;
import io.sensorproof.protocol.enroll.EnrollmentToken;
import io.sensorproof.protocol.enroll.Pem;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

/**
 * Enrollment through the API and the real agent library: a device created without a key enrolls
 * with its token, its readings are then accepted and acknowledged; each refusal comes back with
 * its code and is counted; a retry is idempotent; renewal; re-key with messages signed by the old
 * key (still in the outbox) accepted afterwards; revocation revokes the certificates.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
@WithTestResource(EmbeddedBrokerTestResource.class)
class EnrollmentIT {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TestHTTPResource("/")
    URL base;
    @Inject
    AgroalDataSource db;
    @Inject
    IngestService ingest;

    @Test
    void agentEnrollsWithItsTokenAndItsReadingsAreAcceptedAndAcknowledged() throws Exception {
        tenant("enr-acme");
        JsonPath created = createPending("enr-acme", "cold-room-1");
        assertThat(created.getString("kid")).isNull();
        String token = created.getString("enrollment.token");
        assertThat(created.getString("enrollment.caFingerprint")).isEqualTo(currentCaFingerprint());
        assertThat(count("SELECT count(*) FROM enrollment_tokens WHERE token_hash = '" + EnrollmentToken.parse(token).storageHash()
                + "'")).as("stored as its hash").isEqualTo(1);
        assertThat(count("SELECT count(*) FROM enrollment_tokens WHERE token_hash = '" + token + "'")).isZero();

        Path agentDir = Files.createTempDirectory("enroll-agent");
        Path config = agentDir.resolve("agent.properties");
        Files.writeString(config, "# written by the test\nmqtt.url=" + EmbeddedBrokerTestResource.url() + "\npack.max-age-millis=100\n");
        Enroller enroller = new Enroller(agentDir.resolve("data"), agentDir.resolve("data/device-key.p8"), Clock.systemUTC());
        Enroller.Result result = enroller.enroll(client(), URI.create(base.toString()), Optional.empty(), token,
                Optional.of("cold-room-1"), SignatureAlgorithm.ES256);
        assertThat(result.kind()).isEqualTo(Enroller.Kind.ENROLL);
        assertThat(result.ackKey()).isEqualTo(ingest.ackKey());
        X509Certificate cert = result.certificate();
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=cold-room-1,O=enr-acme");
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(cert.getSubjectAlternativeNames()).anySatisfy(san -> assertThat(san.get(1))
                .isEqualTo("urn:sensorproof:device:enr-acme:cold-room-1"));
        assertThat(cert.getSerialNumber().bitLength()).isEqualTo(128);
        assertThat(Files.exists(agentDir.resolve("data/device-cert.pem"))).isTrue();

        // the same command-line path writes the configuration: run it from there
        io.sensorproof.agent.config.ConfigFileUpdate.apply(config, Map.of("tenant", result.state().tenant(), "device",
                result.state().device(), "data.dir", agentDir.resolve("data").toString(), "gateway.ack-key", result.state().ackKey()));
        AgentConfig agentConfig = AgentConfig.load(config, Map.of());
        SigningKey key = KeyFiles.load(agentConfig.keyFile());
        try (EdgeAgent agent = start(agentConfig, key)) {
            long t0 = System.currentTimeMillis() - 10_000;
            for (int i = 0; i < 20; i++) {
                agent.submit(new Reading(Quantity.TEMPERATURE, 4 + i * 0.1, t0 + i));
            }
            agent.flush();
            assertThat(agent.awaitDrained(Duration.ofSeconds(60))).as("acknowledged: %s", agent.describe()).isTrue();
        }
        assertThat(count("SELECT count(*) FROM readings WHERE device_id = 'cold-room-1'")).isEqualTo(20);
        OperatorKey.authorized().get("/api/v1/tenants/enr-acme/devices/cold-room-1").then().statusCode(200)
                .body("kid", org.hamcrest.Matchers.equalTo(key.verificationKey().kidHex()));
        List<Map<String, Object>> certs = OperatorKey.authorized().get("/api/v1/tenants/enr-acme/devices/cold-room-1/certificates")
                .then().statusCode(200).extract().jsonPath().getList("$");
        assertThat(certs).hasSize(1);
        assertThat(certs.get(0).get("serial")).isEqualTo(cert.getSerialNumber().toString(16));
    }

    /**
     * Issue 20 end to end: an agent generates an ML-DSA-65 key, enrolls with an ML-DSA CSR (the
     * ECDSA device CA certifies the ML-DSA key), and its ML-DSA-signed readings go through the broker,
     * are stored with the key's algorithm and acknowledged (the outbox drains only on verified acks).
     */
    @Test
    void mlDsaAgentEnrollsWithAnEcdsaCertifiedKeyAndItsSignedReadingsAreStoredAndAcknowledged() throws Exception {
        tenant("enr-pq");
        String token = createPending("enr-pq", "pq-room-1").getString("enrollment.token");
        Path agentDir = Files.createTempDirectory("enroll-pq-agent");
        Enroller enroller = new Enroller(agentDir.resolve("data"), agentDir.resolve("data/device-key.p8"), Clock.systemUTC());
        Enroller.Result result = enroller.enroll(client(), URI.create(base.toString()), Optional.empty(), token,
                Optional.of("pq-room-1"), SignatureAlgorithm.ML_DSA_65);
        X509Certificate cert = result.certificate();
        assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("ML-DSA-65");
        assertThat(cert.getSigAlgName()).isEqualToIgnoringCase("SHA256withECDSA");
        SigningKey key = KeyFiles.load(agentDir.resolve("data/device-key.p8"));
        assertThat(key.algorithm()).isEqualTo(SignatureAlgorithm.ML_DSA_65);
        assertThat(cert.getPublicKey().getEncoded()).isEqualTo(key.verificationKey().spki());

        Properties p = new Properties();
        p.setProperty("tenant", "enr-pq");
        p.setProperty("device", "pq-room-1");
        p.setProperty("data.dir", agentDir.resolve("data").toString());
        p.setProperty("gateway.ack-key", result.state().ackKey());
        p.setProperty("mqtt.url", EmbeddedBrokerTestResource.url());
        p.setProperty("pack.max-age-millis", "100");
        AgentConfig agentConfig = AgentConfig.resolve(p, Map.of());
        try (EdgeAgent agent = start(agentConfig, key)) {
            long t0 = System.currentTimeMillis() - 10_000;
            for (int i = 0; i < 30; i++) {
                agent.submit(new Reading(Quantity.TEMPERATURE, 4 + i * 0.1, t0 + i));
            }
            agent.flush();
            assertThat(agent.awaitDrained(Duration.ofSeconds(60))).as("acknowledged: %s", agent.describe()).isTrue();
        }
        assertThat(count("SELECT count(*) FROM readings WHERE device_id = 'pq-room-1'")).isEqualTo(30);
        assertThat(count("SELECT count(*) FROM device_keys WHERE device_id = 'pq-room-1' AND alg = 'ML-DSA-65'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM quarantine WHERE claimed_device = 'pq-room-1'")).isZero();
        OperatorKey.authorized().get("/api/v1/tenants/enr-pq/devices/pq-room-1").then().statusCode(200)
                .body("kid", org.hamcrest.Matchers.equalTo(key.verificationKey().kidHex()))
                .body("alg", org.hamcrest.Matchers.equalTo("ML-DSA-65"));
    }

    /**
     * A hybrid device (ADR 029), registered with both keys through the REST path (the CSR enrollment
     * carries one key), delivers through the broker: every message signed with ES256 and ML-DSA-65 is
     * stored and acknowledged; the same device signing with its classical key alone is refused
     * HYBRID_REQUIRED and quarantined.
     */
    @Test
    void hybridDeviceRegisteredWithBothKeysDeliversThroughTheBrokerAndASingleSignatureIsRefused() throws Exception {
        tenant("enr-hybrid");
        Path agentDir = Files.createTempDirectory("hybrid-agent");
        SigningKey classical = KeyFiles.generate(agentDir.resolve("device-key.p8"), SignatureAlgorithm.ES256);
        SigningKey pq = KeyFiles.generate(agentDir.resolve("pq-key.p8"), SignatureAlgorithm.ML_DSA_65);
        OperatorKey.authorized().contentType(ContentType.JSON).body(Map.of("deviceId", "hybrid-room-1",
                        "publicKey", Base64.getEncoder().encodeToString(classical.verificationKey().spki()),
                        "postQuantumPublicKey", Base64.getEncoder().encodeToString(pq.verificationKey().spki())))
                .post("/api/v1/tenants/enr-hybrid/devices").then().statusCode(201);
        Properties p = new Properties();
        p.setProperty("tenant", "enr-hybrid");
        p.setProperty("device", "hybrid-room-1");
        p.setProperty("data.dir", agentDir.resolve("data").toString());
        p.setProperty("gateway.ack-key", Base64.getEncoder().encodeToString(ingest.ackKey().spki()));
        p.setProperty("mqtt.url", EmbeddedBrokerTestResource.url());
        p.setProperty("pack.max-age-millis", "100");
        p.setProperty("post-quantum-key.file", agentDir.resolve("pq-key.p8").toString());
        try (EdgeAgent agent = start(AgentConfig.resolve(p, Map.of()), classical)) {
            long t0 = System.currentTimeMillis() - 10_000;
            for (int i = 0; i < 5; i++) {
                agent.submit(new Reading(Quantity.TEMPERATURE, 4 + i * 0.1, t0 + i));
            }
            agent.flush();
            assertThat(agent.awaitDrained(Duration.ofSeconds(30))).as("acknowledged: %s", agent.describe()).isTrue();
        }
        assertThat(count("SELECT count(*) FROM readings WHERE device_id = 'hybrid-room-1'")).isEqualTo(5);
        assertThat(count("SELECT count(*) FROM quarantine WHERE claimed_device = 'hybrid-room-1'")).isZero();

        p.setProperty("data.dir", agentDir.resolve("data-single").toString());
        p.remove("post-quantum-key.file");
        try (EdgeAgent single = start(AgentConfig.resolve(p, Map.of()), classical)) {
            single.submit(new Reading(Quantity.TEMPERATURE, 5.5, System.currentTimeMillis() - 1_000));
            single.flush();
            org.awaitility.Awaitility.await("the single-signature message is quarantined").atMost(Duration.ofSeconds(30))
                    .until(() -> count("SELECT count(*) FROM quarantine WHERE reason = 'HYBRID_REQUIRED'"
                            + " AND claimed_device = 'hybrid-room-1'") >= 1);
        }
        assertThat(count("SELECT count(*) FROM readings WHERE device_id = 'hybrid-room-1'")).isEqualTo(5);
    }

    /**
     * Hybrid enrollment (ADR 029) end to end: the agent enrolls with {@code ES256+ML-DSA-65} (a CSR for each key,
     * each signed by its own key), the device view shows both keys, its hybrid readings go through the broker and
     * are stored; a renewal keeps the ML-DSA key (the device stays hybrid), a renewal or re-key without the ML-DSA
     * key or with another one is refused, and a re-key replaces both keys and the device is still hybrid.
     */
    @Test
    void hybridAgentEnrollsRenewsAndRekeysAndStaysHybrid() throws Exception {
        tenant("enr-hyb");
        String token = createPending("enr-hyb", "hyb-room-1").getString("enrollment.token");
        Path agentDir = Files.createTempDirectory("enroll-hybrid-agent");
        Path data = agentDir.resolve("data");
        Path pqFile = data.resolve("post-quantum-key.p8");
        Enroller enroller = new Enroller(data, data.resolve("device-key.p8"), Optional.of(pqFile), Clock.systemUTC());
        Enroller.Result enrolled = enroller.enroll(client(), URI.create(base.toString()), Optional.empty(), token,
                Optional.of("hyb-room-1"), SignatureAlgorithm.ES256, Optional.of(SignatureAlgorithm.ML_DSA_65));
        SigningKey classical = KeyFiles.load(data.resolve("device-key.p8"));
        SigningKey pq = KeyFiles.load(pqFile);
        assertThat(pq.algorithm()).isEqualTo(SignatureAlgorithm.ML_DSA_65);
        assertThat(enrolled.postQuantumKid()).contains(pq.verificationKey().kidHex());
        assertThat(enrolled.certificate().getPublicKey().getEncoded()).isEqualTo(classical.verificationKey().spki());
        assertHybridView(classical, pq);

        Properties p = new Properties();
        p.setProperty("tenant", "enr-hyb");
        p.setProperty("device", "hyb-room-1");
        p.setProperty("data.dir", data.toString());
        p.setProperty("gateway.ack-key", enrolled.state().ackKey());
        p.setProperty("mqtt.url", EmbeddedBrokerTestResource.url());
        p.setProperty("pack.max-age-millis", "100");
        p.setProperty("post-quantum-key.file", pqFile.toString());
        long t0 = System.currentTimeMillis() - 20_000;
        try (EdgeAgent agent = start(AgentConfig.resolve(p, Map.of()), classical)) {
            for (int i = 0; i < 5; i++) {
                agent.submit(new Reading(Quantity.TEMPERATURE, 4 + i * 0.1, t0 + i));
            }
            agent.flush();
            assertThat(agent.awaitDrained(Duration.ofSeconds(60))).as("acknowledged: %s", agent.describe()).isTrue();
        }
        assertThat(count("SELECT count(*) FROM readings WHERE device_id = 'hyb-room-1'")).isEqualTo(5);
        assertThat(count("SELECT count(*) FROM quarantine WHERE claimed_device = 'hyb-room-1'")).isZero();
        assertThat(count("SELECT count(*) FROM messages WHERE device_id = 'hyb-room-1' AND get_byte(raw, 0) = 216"))
                .as("stored as COSE_Sign (tag 98 = 0xd8 0x62)").isPositive();

        Enroller.Result renewed = enroller.renew(client());
        assertThat(renewed.kind()).isEqualTo(Enroller.Kind.RENEW);
        assertThat(count("SELECT count(*) FROM device_hybrid_keys h JOIN devices d ON d.kid = h.classical_kid"
                + " WHERE d.device_id = 'hyb-room-1'")).as("still hybrid after the renewal").isEqualTo(1);
        assertHybridView(classical, pq);

        // with the renewal token: the classical key alone (a downgrade) and another ML-DSA key are refused, the token stays open
        String renewalToken = renewed.state().renewalToken();
        refused(enroll(renewalToken, CertificateRequests.create(classical, "hyb-room-1")), 409, "HYBRID_KEY_REQUIRED");
        refused(enroll(renewalToken, CertificateRequests.create(Keys.generate(SignatureAlgorithm.ES256, RANDOM), "hyb-room-1")), 409,
                "HYBRID_KEY_REQUIRED");
        SigningKey otherPq = Keys.generate(SignatureAlgorithm.ML_DSA_44, RANDOM);
        refused(given().contentType(ContentType.JSON).body(Map.of("token", renewalToken, "csr", CertificateRequests.create(classical,
                "hyb-room-1"), "postQuantumCsr", CertificateRequests.create(otherPq, "hyb-room-1"))).post("/api/v1/enroll"), 409,
                "HYBRID_KEY_MISMATCH");
        refused(given().contentType(ContentType.JSON).body(Map.of("token", renewalToken, "csr", CertificateRequests.create(otherPq,
                "hyb-room-1"), "postQuantumCsr", CertificateRequests.create(pq, "hyb-room-1"))).post("/api/v1/enroll"), 400,
                "HYBRID_ALGORITHMS");

        Enroller.Result rekeyed = enroller.rekey(client(), SignatureAlgorithm.EDDSA);
        SigningKey newClassical = KeyFiles.load(data.resolve("device-key.p8"));
        SigningKey newPq = KeyFiles.load(pqFile);
        assertThat(rekeyed.kind()).isEqualTo(Enroller.Kind.REKEY);
        assertThat(newClassical.algorithm()).isEqualTo(SignatureAlgorithm.EDDSA);
        assertThat(newPq.verificationKey()).isNotEqualTo(pq.verificationKey());
        assertThat(newPq.algorithm()).isEqualTo(SignatureAlgorithm.ML_DSA_65);
        assertThat(rekeyed.postQuantumKid()).contains(newPq.verificationKey().kidHex());
        assertThat(Files.exists(data.resolve("retired-keys").resolve(pq.verificationKey().kidHex() + ".p8"))).isTrue();
        assertHybridView(newClassical, newPq);
        p.setProperty("gateway.ack-key", rekeyed.state().ackKey());
        try (EdgeAgent agent = start(AgentConfig.resolve(p, Map.of()), newClassical)) {
            for (int i = 5; i < 10; i++) {
                agent.submit(new Reading(Quantity.TEMPERATURE, 4 + i * 0.1, t0 + i));
            }
            agent.flush();
            assertThat(agent.awaitDrained(Duration.ofSeconds(60))).as("acknowledged: %s", agent.describe()).isTrue();
        }
        assertThat(count("SELECT count(*) FROM readings WHERE device_id = 'hyb-room-1'")).isEqualTo(10);
        assertThat(count("SELECT count(*) FROM quarantine WHERE claimed_device = 'hyb-room-1'")).isZero();
        assertThat(count("SELECT count(*) FROM device_hybrid_keys WHERE device_id = 'hyb-room-1'")).as("old pair kept for audits")
                .isEqualTo(2);
    }

    /** The device resource (one device and the list) shows both keys of the hybrid device. */
    private static void assertHybridView(SigningKey classical, SigningKey pq) {
        String spki = Base64.getEncoder().encodeToString(pq.verificationKey().spki());
        OperatorKey.authorized().get("/api/v1/tenants/enr-hyb/devices/hyb-room-1").then().statusCode(200)
                .body("kid", org.hamcrest.Matchers.equalTo(classical.verificationKey().kidHex()))
                .body("alg", org.hamcrest.Matchers.equalTo(classical.algorithm().label()))
                .body("postQuantumKey.alg", org.hamcrest.Matchers.equalTo(pq.algorithm().label()))
                .body("postQuantumKey.kid", org.hamcrest.Matchers.equalTo(pq.verificationKey().kidHex()))
                .body("postQuantumKey.publicKey", org.hamcrest.Matchers.equalTo(spki));
        OperatorKey.authorized().get("/api/v1/tenants/enr-hyb/devices").then().statusCode(200)
                .body("items.find { it.deviceId == 'hyb-room-1' }.postQuantumKey.kid",
                        org.hamcrest.Matchers.equalTo(pq.verificationKey().kidHex()));
    }

    @Test
    void retryWithTheSameTokenAndCsrReturnsTheSameCertificateAndAnotherCsrIsRefused() throws Exception {
        tenant("enr-retry");
        String token = createPending("enr-retry", "retry-1").getString("enrollment.token");
        SigningKey key = Keys.generate(SignatureAlgorithm.EDDSA, RANDOM);
        String csr = CertificateRequests.create(key, "retry-1");
        JsonPath first = enroll(token, csr).then().statusCode(200).extract().jsonPath();
        JsonPath again = enroll(token, csr).then().statusCode(200).extract().jsonPath();
        assertThat(again.getList("certificateChain")).isEqualTo(first.getList("certificateChain"));
        assertThat(again.getString("renewalToken")).isNotEqualTo(first.getString("renewalToken"));
        // a fresh CSR for the same key is the same request too (EdDSA CSRs differ when their subject does)
        JsonPath sameKey = enroll(token, CertificateRequests.create(key, "")).then().statusCode(200).extract().jsonPath();
        assertThat(sameKey.getList("certificateChain")).isEqualTo(first.getList("certificateChain"));
        String other = CertificateRequests.create(Keys.generate(SignatureAlgorithm.ES256, RANDOM), "retry-1");
        refused(enroll(token, other), 409, "TOKEN_ALREADY_USED");
        assertThat(count("SELECT count(*) FROM device_certificates WHERE device_id = 'retry-1'")).isEqualTo(1);
        // past the retry window the used token is just used
        execute("UPDATE enrollment_tokens SET used_at = now() - interval '2 hours' WHERE token_hash = '"
                + EnrollmentToken.parse(token).storageHash() + "'");
        refused(enroll(token, csr), 409, "TOKEN_ALREADY_USED");
        // a retry does not void the renewal token the device may already hold; the first one used voids the others
        enroll(first.getString("renewalToken"), CertificateRequests.create(key, "retry-1")).then().statusCode(200);
        refused(enroll(again.getString("renewalToken"), CertificateRequests.create(key, "retry-1")), 401, "TOKEN_SUPERSEDED");
        assertThat(count("SELECT count(*) FROM device_certificates WHERE device_id = 'retry-1'")).as("enrollment and one renewal")
                .isEqualTo(2);
    }

    @Test
    void eachBadRequestIsRefusedWithItsCodeAndCounted() throws Exception {
        tenant("enr-bad");
        String tokenA = createPending("enr-bad", "bad-a").getString("enrollment.token");
        createPending("enr-bad", "bad-b");
        SigningKey key = Keys.generate(SignatureAlgorithm.ES256, RANDOM);
        double before = refusedMetric("TOKEN_FOR_OTHER_DEVICE");

        refused(given().contentType(ContentType.JSON).body("{\"token\": 1}").post("/api/v1/enroll"), 400, "MALFORMED_REQUEST");
        refused(enroll("et1.not-a-token", CertificateRequests.create(key, "")), 400, "MALFORMED_TOKEN");
        refused(enroll(tokenA, "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"), 400, "MALFORMED_CSR");
        refused(enroll(EnrollmentToken.generate(new byte[] {1}, RANDOM).value(), CertificateRequests.create(key, "")), 401,
                "UNKNOWN_TOKEN");
        // token for another device: the agent of bad-b presents bad-a's token
        refused(given().contentType(ContentType.JSON).queryParam("deviceId", "bad-b")
                .body(Map.of("token", tokenA, "csr", CertificateRequests.create(key, ""))).post("/api/v1/enroll"), 403,
                "TOKEN_FOR_OTHER_DEVICE");
        assertThat(refusedMetric("TOKEN_FOR_OTHER_DEVICE")).isEqualTo(before + 1);
        // forged subject: the CSR claims another device and tenant; the token decides, and refuses
        refused(enroll(tokenA, csrWithSubject(key, "CN=bad-b,O=enr-other")), 400, "CSR_SUBJECT_MISMATCH");
        // proof of possession: one flipped bit in the CSR's signature
        byte[] der = Pem.decode("CERTIFICATE REQUEST", CertificateRequests.create(key, "bad-a"));
        der[der.length - 3] ^= 0x01;
        refused(enroll(tokenA, Pem.encode("CERTIFICATE REQUEST", der)), 400, "BAD_PROOF_OF_POSSESSION");
        refused(enroll(tokenA, rsaCsr()), 400, "UNSUPPORTED_KEY");
        // a key registered to another device
        SigningKey taken = Keys.generate(SignatureAlgorithm.ES256, RANDOM);
        OperatorKey.authorized().contentType(ContentType.JSON).body(Map.of("deviceId", "bad-owner", "publicKey",
                Base64.getEncoder().encodeToString(taken.verificationKey().spki()))).post("/api/v1/tenants/enr-bad/devices")
                .then().statusCode(201);
        refused(enroll(tokenA, CertificateRequests.create(taken, "bad-a")), 409, "KEY_ALREADY_REGISTERED");
        // expired: the lifetime ran out (the row's expiry moved into the past)
        execute("UPDATE enrollment_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = '"
                + EnrollmentToken.parse(tokenA).storageHash() + "'");
        refused(enroll(tokenA, CertificateRequests.create(key, "bad-a")), 401, "TOKEN_EXPIRED");
        // a fresh token voids the old one; after one enrollment it is used
        String tokenA2 = OperatorKey.authorized().post("/api/v1/tenants/enr-bad/devices/bad-a/enrollment-tokens").then().statusCode(201)
                .extract().jsonPath().getString("token");
        enroll(tokenA2, CertificateRequests.create(key, "bad-a")).then().statusCode(200);
        refused(enroll(tokenA2, CertificateRequests.create(Keys.generate(SignatureAlgorithm.ES256, RANDOM), "bad-a")), 409,
                "TOKEN_ALREADY_USED");
        // suspended device
        String tokenB = OperatorKey.authorized().post("/api/v1/tenants/enr-bad/devices/bad-b/enrollment-tokens").then().statusCode(201)
                .extract().jsonPath().getString("token");
        OperatorKey.authorized().contentType(ContentType.JSON).body(Map.of("status", "SUSPENDED"))
                .patch("/api/v1/tenants/enr-bad/devices/bad-b").then().statusCode(200);
        refused(enroll(tokenB, CertificateRequests.create(Keys.generate(SignatureAlgorithm.ES256, RANDOM), "bad-b")), 403,
                "DEVICE_INACTIVE");
        assertThat(refusedMetric("TOKEN_EXPIRED")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void identityComesFromTheTokenWhateverTheCsrSubjectOmits() throws Exception {
        tenant("enr-subject");
        String token = createPending("enr-subject", "subj-1").getString("enrollment.token");
        SigningKey key = Keys.generate(SignatureAlgorithm.SM2_SM3, RANDOM);
        JsonPath response = enroll(token, csrWithSubject(key, "")).then().statusCode(200).extract().jsonPath();
        X509Certificate cert = parse(response.getList("certificateChain", String.class).get(0));
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=subj-1,O=enr-subject");
        assertThat(response.getString("deviceId")).isEqualTo("subj-1");
        assertThat(response.getString("tenantId")).isEqualTo("enr-subject");
    }

    @Test
    void renewalKeepsTheKeyAndRekeyKeepsMessagesSignedWithTheOldKeyAcceptable() throws Exception {
        tenant("enr-rekey");
        String token = createPending("enr-rekey", "rekey-1").getString("enrollment.token");
        Path dataDir = Files.createTempDirectory("rekey-agent");
        Enroller enroller = new Enroller(dataDir, dataDir.resolve("device-key.p8"), Clock.systemUTC());
        Enroller.Result enrolled = enroller.enroll(client(), URI.create(base.toString()), Optional.empty(), token, Optional.empty(),
                SignatureAlgorithm.ES256);
        SigningKey oldKey = KeyFiles.load(dataDir.resolve("device-key.p8"));
        String renewalToken = enrolled.state().renewalToken();

        Enroller.Result renewed = enroller.renew(client());
        assertThat(renewed.kind()).isEqualTo(Enroller.Kind.RENEW);
        assertThat(renewed.state().kid()).isEqualTo(oldKey.verificationKey().kidHex());
        assertThat(renewed.certificate().getSerialNumber()).isNotEqualTo(enrolled.certificate().getSerialNumber());
        assertThat(renewed.state().renewalToken()).isNotEqualTo(renewalToken);
        // the used renewal token: the same key again is an identical retry (the newest certificate), another key is refused
        assertThat(enroll(renewalToken, CertificateRequests.create(oldKey, "rekey-1")).then().statusCode(200).extract().jsonPath()
                .getList("certificateChain", String.class).get(0)).isEqualTo(Pem.encode("CERTIFICATE", renewed.certificate().getEncoded()));
        refused(enroll(renewalToken, CertificateRequests.create(Keys.generate(SignatureAlgorithm.ES256, RANDOM), "rekey-1")), 409,
                "TOKEN_ALREADY_USED");

        // messages signed with the old key wait in the outbox: the broker is unreachable
        AgentConfig offline = agentConfig(dataDir, "tcp://127.0.0.1:1", enrolled.state().ackKey());
        long t0 = System.currentTimeMillis() - 5_000;
        try (EdgeAgent agent = start(offline, oldKey)) {
            for (int i = 0; i < 10; i++) {
                agent.submit(new Reading(Quantity.HUMIDITY, 50 + i, t0 + i));
            }
            agent.flush();
            assertThat(agent.outboxStats().depth()).isEqualTo(1);
        }
        Enroller.Result rekeyed = enroller.rekey(client(), SignatureAlgorithm.EDDSA);
        SigningKey newKey = KeyFiles.load(dataDir.resolve("device-key.p8"));
        assertThat(rekeyed.kind()).isEqualTo(Enroller.Kind.REKEY);
        assertThat(newKey.verificationKey()).isNotEqualTo(oldKey.verificationKey());
        assertThat(Files.exists(dataDir.resolve("retired-keys").resolve(oldKey.verificationKey().kidHex() + ".p8"))).isTrue();
        assertThat(count("SELECT count(*) FROM device_keys WHERE device_id = 'rekey-1' AND retired_at IS NOT NULL"
                + " AND accepted_until >= now() + interval '80 days'")).as("old key accepted until its certificate expires").isEqualTo(1);

        AgentConfig online = agentConfig(dataDir, EmbeddedBrokerTestResource.url(), rekeyed.state().ackKey());
        try (EdgeAgent agent = start(online, newKey)) {
            for (int i = 10; i < 20; i++) {
                agent.submit(new Reading(Quantity.HUMIDITY, 50 + i, t0 + i));
            }
            agent.flush();
            assertThat(agent.awaitDrained(Duration.ofSeconds(60))).as("drained: %s", agent.describe()).isTrue();
        }
        assertThat(count("SELECT count(*) FROM readings WHERE device_id = 'rekey-1'")).isEqualTo(20);
        assertThat(count("SELECT count(*) FROM quarantine WHERE claimed_device = 'rekey-1'")).isZero();

        // revocation: every key and certificate of the device is revoked, its renewal token void
        OperatorKey.authorized().contentType(ContentType.JSON).body(Map.of("status", "REVOKED"))
                .patch("/api/v1/tenants/enr-rekey/devices/rekey-1").then().statusCode(200);
        assertThat(count("SELECT count(*) FROM device_certificates WHERE device_id = 'rekey-1' AND revoked_at IS NULL")).isZero();
        assertThat(count("SELECT count(*) FROM device_keys WHERE device_id = 'rekey-1' AND revoked_at IS NULL")).isZero();
        assertThatThrownBy(() -> enroller.renew(client())).isInstanceOfSatisfying(EnrollmentRefusedException.class,
                e -> assertThat(e.code()).isEqualTo("TOKEN_SUPERSEDED"));
        OperatorKey.authorized().post("/api/v1/tenants/enr-rekey/devices/rekey-1/enrollment-tokens").then().statusCode(409);
    }

    @Test
    void caRotationKeepsTheOldCaTrustedAndNewTokensPinTheNewOne() throws Exception {
        List<Map<String, Object>> before = OperatorKey.authorized().get("/api/v1/gateway/device-ca").then().statusCode(200)
                .extract().jsonPath().getList("$");
        tenant("enr-rotate");
        String oldToken = createPending("enr-rotate", "rot-1").getString("enrollment.token");
        JsonPath rotated = OperatorKey.authorized().post("/api/v1/gateway/device-ca/rotations").then().statusCode(201)
                .extract().jsonPath();
        assertThat(rotated.getBoolean("current")).isTrue();
        List<Map<String, Object>> after = OperatorKey.authorized().get("/api/v1/gateway/device-ca").then().statusCode(200)
                .extract().jsonPath().getList("$");
        assertThat(after).hasSize(before.size() + 1);
        assertThat(after.get(0).get("fingerprint")).isEqualTo(rotated.getString("fingerprint"));
        assertThat(after.get(1).get("fingerprint")).isEqualTo(before.get(0).get("fingerprint"));
        // a token issued before the rotation is served by the CA it pins (the agent's check passes)
        Path dataDir = Files.createTempDirectory("rotate-agent");
        Enroller enroller = new Enroller(dataDir, dataDir.resolve("device-key.p8"), Clock.systemUTC());
        Enroller.Result result = enroller.enroll(client(), URI.create(base.toString()), Optional.empty(), oldToken, Optional.empty(),
                SignatureAlgorithm.ES256);
        assertThat(result.state().caFingerprint()).isEqualTo(before.get(0).get("fingerprint"));
        // its renewal token pins the new CA: the device moves over at its next renewal
        Enroller.Result renewed = enroller.renew(client());
        assertThat(renewed.state().caFingerprint()).isEqualTo(rotated.getString("fingerprint"));
    }

    @Test
    void runningAgentRenewsWhenLessThanAThirdOfTheLifetimeRemains() throws Exception {
        tenant("enr-renew");
        String token = createPending("enr-renew", "renew-1").getString("enrollment.token");
        Path dataDir = Files.createTempDirectory("renew-agent");
        Enroller enroller = new Enroller(dataDir, dataDir.resolve("device-key.p8"), Clock.systemUTC());
        Enroller.Result enrolled = enroller.enroll(client(), URI.create(base.toString()), Optional.empty(), token, Optional.empty(),
                SignatureAlgorithm.ES256);
        List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (CertificateRenewer fresh = CertificateRenewer.start(enroller, Duration.ofHours(1), log::add)) {
            assertThat(log).as("a fresh certificate is not renewed").isEmpty();
        }
        // the agent's clock says 61 of the 90 days have passed
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofDays(61));
        Enroller agedEnroller = new Enroller(dataDir, dataDir.resolve("device-key.p8"), later);
        try (CertificateRenewer aged = CertificateRenewer.start(agedEnroller, Duration.ofHours(1), log::add)) {
            assertThat(log).singleElement().asString().startsWith("certificate renewed until");
        }
        assertThat(enroller.state().orElseThrow().notAfter()).isAfterOrEqualTo(enrolled.state().notAfter());
        assertThat(count("SELECT count(*) FROM device_certificates WHERE device_id = 'renew-1'")).isEqualTo(2);
    }

    private EdgeAgent start(AgentConfig config, SigningKey key) throws Exception {
        return EdgeAgent.start(config, key, KeyFiles.readPublicKey(config.gatewayAckKey()),
                metrics -> new MqttTransport(config, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), RANDOM), metrics::recordBackoff),
                Clock.systemUTC());
    }

    private static AgentConfig agentConfig(Path dataDir, String mqttUrl, String ackKey) {
        Properties p = new Properties();
        p.setProperty("tenant", "enr-rekey");
        p.setProperty("device", "rekey-1");
        p.setProperty("data.dir", dataDir.toString());
        p.setProperty("gateway.ack-key", ackKey);
        p.setProperty("mqtt.url", mqttUrl);
        p.setProperty("pack.max-records", "10");
        p.setProperty("pack.max-age-millis", "100");
        p.setProperty("reconnect.max-millis", "1000");
        return AgentConfig.resolve(p, Map.of());
    }

    private EnrollmentClient client() throws Exception {
        return new EnrollmentClient(URI.create(base.toString()), Optional.empty());
    }

    private static void tenant(String id) {
        OperatorKey.authorized().contentType(ContentType.JSON).body(Map.of("id", id, "name", id)).post("/api/v1/tenants");
    }

    private static JsonPath createPending(String tenant, String device) {
        return OperatorKey.authorized().contentType(ContentType.JSON).body(Map.of("deviceId", device))
                .post("/api/v1/tenants/" + tenant + "/devices").then().statusCode(201).extract().jsonPath();
    }

    private static Response enroll(String token, String csr) {
        return given().contentType(ContentType.JSON).body(Map.of("token", token, "csr", csr)).post("/api/v1/enroll");
    }

    private static void refused(Response response, int status, String code) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(status);
        assertThat(response.jsonPath().getString("code")).isEqualTo(code);
        assertThat(response.jsonPath().getString("message")).isNotBlank();
    }

    private static String currentCaFingerprint() {
        return OperatorKey.authorized().get("/api/v1/gateway/device-ca").then().statusCode(200).extract().jsonPath()
                .getString("[0].fingerprint");
    }

    private static double refusedMetric(String code) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("sensorproof_enrollment_refused_total{") && line.contains("code=\"" + code + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    private static String csrWithSubject(SigningKey key, String subject) throws Exception {
        return Pem.encode("CERTIFICATE REQUEST", new JcaPKCS10CertificationRequestBuilder(new X500Name(subject),
                CertificateRequests.toJcaPublic(key.verificationKey()))
                .build(new JcaContentSignerBuilder(CertificateRequests.signatureAlgorithm(key.algorithm()))
                        .setProvider(new BouncyCastleProvider()).build(CertificateRequests.toJcaPrivate(key))).getEncoded());
    }

    private static String rsaCsr() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, RANDOM);
        KeyPair pair = generator.generateKeyPair();
        return Pem.encode("CERTIFICATE REQUEST", new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), pair.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())).getEncoded());
    }

    private static X509Certificate parse(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509", new BouncyCastleProvider())
                .generateCertificate(new ByteArrayInputStream(Pem.decode("CERTIFICATE", pem)));
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
}
