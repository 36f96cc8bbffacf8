package io.sensorproof.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.sensorproof.gateway.enroll.CaKeyStore.CaEntry;
import io.sensorproof.gateway.enroll.DeviceCertificates;
import io.sensorproof.gateway.enroll.DeviceCrls;
import io.sensorproof.gateway.testing.ExternalTool;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.enroll.CertificateRequests;
import io.sensorproof.protocol.enroll.Pem;
import io.sensorproof.protocol.ids.Topics;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The committed Mosquitto configuration ({@code deploy/mosquitto}) run by Debian's real
 * {@code mosquitto} with only its paths and ports substituted: devices holding certificates from
 * the device CA ({@link DeviceCertificates}, the profile enrollment issues) publish on their own
 * topics and nowhere else, the gateway's account reads everything, and clients without a
 * certificate, with a certificate of another CA, or with a wrong gateway password are refused.
 */
class MosquittoDeployIT {
    private static final int NOT_AUTHORIZED = 0x87;
    private static final String GATEWAY_USER = "sensorproof-gateway";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Path dir;
    private Process mosquitto;
    private final List<MqttClient> clients = new CopyOnWriteArrayList<>();

    @BeforeEach
    void tools() {
        ExternalTool.require(DeployFiles.tool("mosquitto").isPresent() && DeployFiles.tool("mosquitto_passwd").isPresent(),
                "mosquitto and mosquitto_passwd are not installed (Debian package mosquitto)");
    }

    @AfterEach
    void stop() throws Exception {
        for (MqttClient c : clients) {
            try {
                if (c.isConnected()) {
                    c.disconnectForcibly(0, 1000, false);
                }
                c.close(true);
            } catch (MqttException ignored) {
                // best effort: the broker is stopped next anyway
            }
        }
        if (mosquitto != null) {
            mosquitto.destroy();
            if (!mosquitto.waitFor(5, TimeUnit.SECONDS)) {
                mosquitto.destroyForcibly();
            }
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void devicesReachOnlyTheirOwnTopicsAndStrangersAreRefused() throws Exception {
        Instant now = Instant.now();
        CaEntry deviceCa = selfSignedCa("sensorproof device CA", now);
        CaEntry otherCa = selfSignedCa("some other CA", now);
        KeyPair serverKey = ecKeyPair();
        X509Certificate serverCert = serverCertificate(serverKey, now);
        Broker broker = start(deviceCa, serverKey, serverCert, crlPem(deviceCa, 1, now, List.of()));
        int devicePort = broker.devicePort();
        int gatewayPort = broker.gatewayPort();
        String password = broker.password();

        String deviceUrl = "ssl://127.0.0.1:" + devicePort;
        String gatewayUrl = "ssl://127.0.0.1:" + gatewayPort;
        List<String> seen = new CopyOnWriteArrayList<>();
        MqttClient gateway = client(gatewayUrl, "gateway-replica-1");
        gateway.setCallback(collector(seen));
        gateway.connect(gatewayOptions(serverCert, password));
        IMqttToken sub = gateway.subscribe(new MqttSubscription[] {new MqttSubscription(Topics.SHARED_UPLINK_FILTER, 1)});
        assertThat(sub.getReasonCodes()).as("the gateway's shared subscription").containsOnly(1);

        SigningKey keyA = Keys.generate(SignatureAlgorithm.ES256, RANDOM);
        SigningKey keyB = Keys.generate(SignatureAlgorithm.ES256, RANDOM);
        MqttClient deviceA = client(deviceUrl, "acme/dev-a");
        deviceA.connect(tlsOptions(serverCert, keyA, DeviceCertificates.issue(deviceCa, keyA.verificationKey(), "acme", "dev-a", now,
                Duration.ofDays(1), deviceCa.certificate().getNotAfter().toInstant(), RANDOM)));
        MqttClient deviceB = client(deviceUrl, "acme/dev-b");
        deviceB.connect(tlsOptions(serverCert, keyB, DeviceCertificates.issue(deviceCa, keyB.verificationKey(), "acme", "dev-b", now,
                Duration.ofDays(1), deviceCa.certificate().getNotAfter().toInstant(), RANDOM)));

        assertThat(publish(deviceA, Topics.up("acme", "dev-a"), "a-own")).as("dev-a on its own topic").isLessThan(0x80);
        assertThat(publish(deviceB, Topics.up("acme", "dev-b"), "b-own")).as("dev-b on its own topic").isLessThan(0x80);
        await("the gateway receives both devices").atMost(Duration.ofSeconds(5))
                .until(() -> seen.containsAll(List.of("t/acme/d/dev-a/up a-own", "t/acme/d/dev-b/up b-own")));

        assertThat(publish(deviceA, Topics.up("acme", "dev-b"), "a-forged")).as("dev-a publishing as dev-b").isEqualTo(NOT_AUTHORIZED);
        assertThat(publish(deviceA, Topics.up("other", "dev-b"), "a-forged-2")).as("dev-a as dev-b of another tenant").isEqualTo(NOT_AUTHORIZED);
        // the broker handles one connection's packets in order: once the marker after the forgeries
        // has reached the gateway, any forgery it let through would have reached it before
        MqttClient marker = deviceA.isConnected() ? deviceA : reconnect(deviceA, serverCert, keyA, deviceCa, now);
        assertThat(publish(marker, Topics.up("acme", "dev-a"), "a-marker")).isLessThan(0x80);
        await("the marker after the forgeries").atMost(Duration.ofSeconds(5)).until(() -> seen.contains("t/acme/d/dev-a/up a-marker"));
        assertThat(seen).as("what the gateway's subscription saw").noneMatch(m -> m.contains("forged"))
                .containsExactly("t/acme/d/dev-a/up a-own", "t/acme/d/dev-b/up b-own", "t/acme/d/dev-a/up a-marker");

        // acknowledgements: Mosquitto 2.0 grants a subscription the ACL does not cover (SUBACK 1) and
        // drops each message its read ACL denies, so dev-a's subscription to dev-b's acknowledgements
        // must stay empty while dev-b gets them; dev-a's own acknowledgement, sent after, is the marker
        List<String> seenByA = new CopyOnWriteArrayList<>();
        List<String> seenByB = new CopyOnWriteArrayList<>();
        marker.setCallback(collector(seenByA));
        deviceB.setCallback(collector(seenByB));
        marker.subscribe(new MqttSubscription[] {new MqttSubscription(Topics.ack("acme", "dev-a"), 1),
            new MqttSubscription(Topics.ack("acme", "dev-b"), 1)});
        deviceB.subscribe(new MqttSubscription[] {new MqttSubscription(Topics.ack("acme", "dev-b"), 1)});
        assertThat(publish(gateway, Topics.ack("acme", "dev-b"), "ack-b")).as("the gateway acknowledging dev-b").isLessThan(0x80);
        assertThat(publish(gateway, Topics.ack("acme", "dev-a"), "ack-a")).as("the gateway acknowledging dev-a").isLessThan(0x80);
        await("each device's acknowledgement").atMost(Duration.ofSeconds(5))
                .until(() -> seenByA.contains("t/acme/d/dev-a/ack ack-a") && seenByB.contains("t/acme/d/dev-b/ack ack-b"));
        assertThat(seenByA).as("what dev-a's subscriptions received").containsExactly("t/acme/d/dev-a/ack ack-a");
        assertThat(publish(marker, Topics.ack("acme", "dev-b"), "a-fake-ack")).as("dev-a publishing an acknowledgement")
                .isEqualTo(NOT_AUTHORIZED);

        // dev-b claiming dev-a's client id gets its own (use_username_as_clientid): dev-a's session survives
        MqttClient takeover = client(deviceUrl, "acme/dev-a");
        takeover.connect(tlsOptions(serverCert, keyB, DeviceCertificates.issue(deviceCa, keyB.verificationKey(), "acme", "dev-b", now,
                Duration.ofDays(1), deviceCa.certificate().getNotAfter().toInstant(), RANDOM)));
        assertThat(publish(marker, Topics.up("acme", "dev-a"), "a-after-takeover")).as("dev-a still connected").isLessThan(0x80);
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains("t/acme/d/dev-a/up a-after-takeover"));

        MqttClient noCertificate = client(deviceUrl, "acme/dev-a");
        MqttConnectionOptions trustOnly = baseOptions();
        trustOnly.setSocketFactory(tls(serverCert, null, null).getSocketFactory());
        assertThatThrownBy(() -> noCertificate.connect(trustOnly)).as("a device without a certificate").isInstanceOf(MqttException.class);

        MqttClient stranger = client(deviceUrl, "acme/dev-a");
        X509Certificate foreign = DeviceCertificates.issue(otherCa, keyA.verificationKey(), "acme", "dev-a", now, Duration.ofDays(1),
                otherCa.certificate().getNotAfter().toInstant(), RANDOM);
        assertThatThrownBy(() -> stranger.connect(tlsOptions(serverCert, keyA, foreign))).as("dev-a's name certified by another CA")
                .isInstanceOf(MqttException.class);

        MqttClient wrongPassword = client(gatewayUrl, "gateway-replica-2");
        assertThatThrownBy(() -> wrongPassword.connect(gatewayOptions(serverCert, password + "x"))).as("a wrong gateway password")
                .isInstanceOf(MqttException.class);
        MqttClient anonymous = client(gatewayUrl, "anonymous");
        MqttConnectionOptions noUser = baseOptions();
        noUser.setSocketFactory(tls(serverCert, null, null).getSocketFactory());
        assertThatThrownBy(() -> anonymous.connect(noUser)).as("anonymous on the gateway listener").isInstanceOf(MqttException.class);
        MqttClient deviceOnGatewayListener = client(gatewayUrl, "acme/dev-a");
        MqttConnectionOptions deviceUser = tlsOptions(serverCert, keyA, null);
        deviceUser.setUserName("dev-a");
        assertThatThrownBy(() -> deviceOnGatewayListener.connect(deviceUser)).as("a device name without password on the gateway listener")
                .isInstanceOf(MqttException.class);
    }

    /**
     * ADR 039: dev-a's certificate revoked by the gateway's CRL builder, the list served like the
     * gateway serves {@code crls.pem}, installed by the committed refresh script (which checks it
     * with openssl and reloads mosquitto with SIGHUP): dev-a's next TLS handshake fails while dev-b
     * still connects. The script refuses a list of another CA and an older list, keeping the file.
     * Mosquitto does not re-check connections already open: dev-a's stays up.
     */
    @Test
    void aRevokedDeviceIsRefusedAfterTheCrlRefreshWhileAnotherStillConnects() throws Exception {
        Optional<Path> openssl = DeployFiles.tool("openssl");
        ExternalTool.require(openssl.isPresent() && DeployFiles.tool("curl").isPresent(), "openssl and curl are not installed");
        Instant now = Instant.now();
        CaEntry deviceCa = selfSignedCa("sensorproof device CA", now);
        KeyPair serverKey = ecKeyPair();
        X509Certificate serverCert = serverCertificate(serverKey, now);
        Broker broker = start(deviceCa, serverKey, serverCert, crlPem(deviceCa, 1, now, List.of()));
        String deviceUrl = "ssl://127.0.0.1:" + broker.devicePort();
        SigningKey keyA = Keys.generate(SignatureAlgorithm.ES256, RANDOM);
        SigningKey keyB = Keys.generate(SignatureAlgorithm.ES256, RANDOM);
        X509Certificate certA = DeviceCertificates.issue(deviceCa, keyA.verificationKey(), "acme", "dev-a", now, Duration.ofDays(1),
                deviceCa.certificate().getNotAfter().toInstant(), RANDOM);
        X509Certificate certB = DeviceCertificates.issue(deviceCa, keyB.verificationKey(), "acme", "dev-b", now, Duration.ofDays(1),
                deviceCa.certificate().getNotAfter().toInstant(), RANDOM);
        MqttClient connectedA = client(deviceUrl, "acme/dev-a");
        connectedA.connect(tlsOptions(serverCert, keyA, certA));
        assertThat(connectsWith(deviceUrl, serverCert, keyB, certB)).as("dev-b before the revocation").isTrue();

        String served = crlPem(deviceCa, 2, now, List.of(certA));
        HttpServer gateway = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicReference<String> body = new AtomicReference<>(served);
        gateway.createContext("/api/v1/gateway/device-ca/crls.pem", exchange -> {
            byte[] bytes = body.get().getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().set("Content-Type", "application/x-pem-file");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        gateway.start();
        try {
            String url = "http://127.0.0.1:" + gateway.getAddress().getPort() + "/api/v1/gateway/device-ca/crls.pem";
            ToolRun refresh = refresh(url);
            assertThat(refresh.exitCode()).as(refresh.describe()).isZero();
            assertThat(Files.readString(dir.resolve("device-crl.pem"))).isEqualTo(served);

            await("dev-a refused after the reload").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !connectsWith(deviceUrl, serverCert, keyA, certA));
            assertThat(connectsWith(deviceUrl, serverCert, keyB, certB)).as("dev-b after the revocation").isTrue();
            assertThat(connectedA.isConnected()).as("dev-a's connection opened before the reload (not re-checked)").isTrue();

            body.set(crlPem(selfSignedCa("sensorproof device CA", now), 3, now, List.of()));
            ToolRun foreign = refresh(url);
            assertThat(foreign.exitCode()).as(foreign.describe()).isEqualTo(1);
            assertThat(foreign.output()).contains("not signed by a CA");
            body.set(crlPem(deviceCa, 1, now, List.of()));
            ToolRun older = refresh(url);
            assertThat(older.exitCode()).as(older.describe()).isEqualTo(1);
            assertThat(older.output()).contains("older than the installed");
            assertThat(Files.readString(dir.resolve("device-crl.pem"))).as("the installed list is kept").isEqualTo(served);
            assertThat(connectsWith(deviceUrl, serverCert, keyA, certA)).as("dev-a still refused").isFalse();
        } finally {
            gateway.stop(0);
        }
    }

    /** Runs the committed refresh script against this test's files, reloading this test's mosquitto. */
    private ToolRun refresh(String url) {
        return ToolRun.run(dir, Duration.ofSeconds(30), List.of("env", "SENSORPROOF_CRL_URL=" + url,
                "SENSORPROOF_CRL_CA_FILE=" + dir.resolve("device-ca.pem"), "SENSORPROOF_CRL_FILE=" + dir.resolve("device-crl.pem"),
                "SENSORPROOF_CRL_RELOAD=kill -HUP " + mosquitto.pid(), "bash",
                DeployFiles.directory().resolve("mosquitto/sensorproof-device-crl-refresh").toString()));
    }

    /** Whether a fresh client with this certificate completes the TLS handshake and MQTT connect. */
    private boolean connectsWith(String url, X509Certificate serverCert, SigningKey key, X509Certificate certificate) throws Exception {
        MqttClient probe = client(url, "probe-" + HexFormat.of().formatHex(RANDOM.generateSeed(4)));
        try {
            probe.connect(tlsOptions(serverCert, key, certificate));
            probe.disconnect();
            return true;
        } catch (MqttException e) {
            return false;
        }
    }

    /** The broker's ports and the gateway account's password. */
    private record Broker(int devicePort, int gatewayPort, String password) {
    }

    /** Starts mosquitto with the committed files, {@code deviceCa} as the device CA and {@code crlPem} as its crlfile. */
    private Broker start(CaEntry deviceCa, KeyPair serverKey, X509Certificate serverCert, String crlPem) throws Exception {
        dir = Files.createTempDirectory("sensorproof-mosquitto");
        // Mosquitto started as root drops to its own user: it must read these test-only files
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        write("device-ca.pem", pem(deviceCa.certificate()));
        write("server.pem", pem(serverCert));
        write("server-key.pem", Pem.encode("PRIVATE KEY", serverKey.getPrivate().getEncoded()));
        write("device-crl.pem", crlPem);
        String password = HexFormat.of().formatHex(RANDOM.generateSeed(16));
        ToolRun passwd = ToolRun.run(dir, Duration.ofSeconds(10), List.of(DeployFiles.tool("mosquitto_passwd").orElseThrow().toString(),
                "-b", "-c", dir.resolve("gateway.passwd").toString(), GATEWAY_USER, password));
        assertThat(passwd.exitCode()).as(passwd.describe()).isZero();
        Files.setPosixFilePermissions(dir.resolve("gateway.passwd"), PosixFilePermissions.fromString("rw-r--r--"));
        Path deploy = DeployFiles.directory().resolve("mosquitto");
        for (String acl : List.of("acl-devices", "acl-gateway")) {
            write(acl, Files.readString(deploy.resolve(acl)));
        }
        int devicePort = freePort();
        int gatewayPort = freePort();
        String config = Files.readString(deploy.resolve("mosquitto.conf"));
        config = replaceOnce(config, "/etc/mosquitto/sensorproof/", dir + "/");
        config = replaceOnce(config, "persistence_location /var/lib/mosquitto/", "persistence_location " + dir + "/");
        config = replaceOnce(config, "log_dest syslog", "log_dest stdout");
        config = replaceOnce(config, "listener 8883\n", "listener " + devicePort + " 127.0.0.1\n");
        config = replaceOnce(config, "listener 8884\n", "listener " + gatewayPort + " 127.0.0.1\n");
        write("mosquitto.conf", config);
        Path log = dir.resolve("mosquitto.log");
        mosquitto = new ProcessBuilder(DeployFiles.tool("mosquitto").orElseThrow().toString(), "-c", dir.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await("mosquitto listening").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertThat(mosquitto.isAlive()).as("mosquitto exited: %s", Files.readString(log)).isTrue();
            return accepts(devicePort) && accepts(gatewayPort);
        });
        return new Broker(devicePort, gatewayPort, password);
    }

    /** A PEM CRL of {@code ca} built by the gateway's {@link DeviceCrls}, listing {@code revoked}. */
    private static String crlPem(CaEntry ca, long number, Instant now, List<X509Certificate> revoked) throws Exception {
        return Pem.encode("X509 CRL", DeviceCrls.build(ca.certificate(), ca.key(), BigInteger.valueOf(number), now.minusSeconds(60),
                now.plus(Duration.ofDays(7)), revoked.stream().map(c -> new DeviceCrls.Revoked(c.getSerialNumber(), now,
                        DeviceCrls.Reason.PRIVILEGE_WITHDRAWN)).toList()).getEncoded());
    }

    private MqttClient reconnect(MqttClient old, X509Certificate serverCert, SigningKey key, CaEntry ca, Instant now) throws Exception {
        MqttClient again = client(old.getServerURI(), "acme/dev-a");
        again.connect(tlsOptions(serverCert, key, DeviceCertificates.issue(ca, key.verificationKey(), "acme", "dev-a", now,
                Duration.ofDays(1), ca.certificate().getNotAfter().toInstant(), RANDOM)));
        return again;
    }

    /** Publishes at QoS 1 and returns the PUBACK's reason code (0 = accepted). */
    private static int publish(MqttClient client, String topic, String payload) throws MqttException {
        IMqttToken token = client.getTopic(topic).publish(new MqttMessage(payload.getBytes(StandardCharsets.UTF_8), 1, false, null));
        token.waitForCompletion(5000);
        int[] codes = token.getReasonCodes();
        return codes == null || codes.length == 0 ? 0 : codes[0];
    }

    private MqttClient client(String url, String clientId) throws MqttException {
        MqttClient c = new MqttClient(url, clientId, new MemoryPersistence());
        clients.add(c);
        return c;
    }

    private static MqttCallback collector(List<String> seen) {
        return new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                seen.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8));
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
            public void connectComplete(boolean reconnect, String serverUri) {
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        };
    }

    private static MqttConnectionOptions baseOptions() {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setConnectionTimeout(5);
        o.setAutomaticReconnect(false);
        return o;
    }

    private static MqttConnectionOptions gatewayOptions(X509Certificate serverCert, String password) throws Exception {
        MqttConnectionOptions o = baseOptions();
        o.setUserName(GATEWAY_USER);
        o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        o.setSocketFactory(tls(serverCert, null, null).getSocketFactory());
        return o;
    }

    private static MqttConnectionOptions tlsOptions(X509Certificate serverCert, SigningKey key, X509Certificate certificate) throws Exception {
        MqttConnectionOptions o = baseOptions();
        o.setSocketFactory(tls(serverCert, certificate == null ? null : CertificateRequests.toJcaPrivate(key), certificate).getSocketFactory());
        return o;
    }

    /** TLS trusting the broker's certificate, presenting {@code certificate} when given. */
    private static SSLContext tls(X509Certificate serverCert, PrivateKey key, X509Certificate certificate) throws Exception {
        KeyManagerFactory kmf = null;
        if (certificate != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("device", key, new char[0], new Certificate[] {certificate});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("broker", serverCert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), RANDOM);
        return context;
    }

    private static CaEntry selfSignedCa(String name, Instant now) throws Exception {
        KeyPair pair = ecKeyPair();
        X500Name subject = new X500Name("CN=" + name);
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(subject,
                new BigInteger(64, RANDOM).setBit(63), Date.from(now.minusSeconds(600)), Date.from(now.plus(Duration.ofDays(30))), subject,
                pair.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        return new CaEntry(name, pair.getPrivate(), cert);
    }

    private static X509Certificate serverCertificate(KeyPair pair, Instant now) throws Exception {
        X500Name subject = new X500Name("CN=localhost");
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(subject, new BigInteger(64, RANDOM).setBit(63),
                Date.from(now.minusSeconds(600)), Date.from(now.plus(Duration.ofDays(30))), subject, pair.getPublic())
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }

    private static KeyPair ecKeyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static String pem(X509Certificate cert) throws Exception {
        return Pem.encode("CERTIFICATE", cert.getEncoded());
    }

    private void write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }

    /** Replaces the one occurrence of {@code target}: a configuration that changed shape fails here, not later. */
    private static String replaceOnce(String text, String target, String replacement) {
        int first = text.indexOf(target);
        assertThat(first).as("'%s' in mosquitto.conf", target.strip()).isNotNegative();
        String rest = text.substring(first + target.length());
        if (!target.startsWith("/")) {
            assertThat(rest).as("'%s' only once in mosquitto.conf", target.strip()).doesNotContain(target);
            return text.substring(0, first) + replacement + rest;
        }
        return text.replace(target, replacement);
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
