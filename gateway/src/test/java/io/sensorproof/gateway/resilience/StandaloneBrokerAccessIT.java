package io.sensorproof.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttToken;
import org.eclipse.paho.mqttv5.client.MqttTopic;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;

/**
 * The packaged standalone gateway serves devices only with the certificate enrollment gave them
 * (ADR 019): an enrolled agent delivers end to end over the broker's TLS listener (the gateway
 * creates its device CA after the broker started, so this also shows the broker picking up the CA),
 * while an anonymous client, and an enrolled device on another device's topic, are refused.
 */
class StandaloneBrokerAccessIT {
    private static final Duration READY = Duration.ofSeconds(150);
    private static final int NOT_AUTHORIZED = 0x87;

    @Test
    void anEnrolledAgentDeliversAndNoOneElseGetsIn() throws Exception {
        Path root = Path.of("target", "resilience", "standalone-broker-access").toAbsolutePath();
        GatewayProcess.deleteTree(root);
        Files.createDirectories(root);
        int brokerPort = GatewayProcess.freePort();
        int brokerTlsPort = GatewayProcess.freePort();
        Map<String, String> env = Map.of("SENSORPROOF_EMBEDDED_BROKER_PORT", Integer.toString(brokerPort),
                "SENSORPROOF_EMBEDDED_BROKER_TLS_PORT", Integer.toString(brokerTlsPort),
                "SENSORPROOF_EMBEDDED_BROKER_TLS_BIND", "127.0.0.1",
                "SENSORPROOF_EMBEDDED_POSTGRES_PORT", Integer.toString(GatewayProcess.freePort()));
        String deviceUrl = "ssl://127.0.0.1:" + brokerTlsPort;
        try (GatewayProcess gateway = GatewayProcess.start("gateway", root.resolve("gateway-data"), GatewayProcess.freePort(), env,
                Map.of(), root.resolve("gateway.log")); StreamingAgent agent = new StreamingAgent("access", "meter-1")) {
            gateway.awaitReady(READY);
            String apiKey = gateway.operatorKey();
            byte[] ackKey = gateway.ackKeySpki(apiKey);
            gateway.createTenant(apiKey, "access");
            Path agentDir = root.resolve("agent-meter-1");
            agent.enroll(gateway, apiKey, agentDir);
            gateway.createDeviceForEnrollment(apiKey, "access", "meter-2");
            Path serverCertificate = gateway.brokerServerCertificate();
            assertThat(Files.getPosixFilePermissions(gateway.brokerAuthDirectory().resolve("gateway-password")))
                    .as("the gateway client's password is readable by its owner only")
                    .containsOnly(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

            agent.start(agentDir, deviceUrl, Optional.of(serverCertificate), ackKey, 20);
            double before = gateway.storedMessagesMetric();
            await("readings stored through the authenticated broker").atMost(Duration.ofSeconds(90))
                    .until(() -> gateway.storedMessagesMetric() >= before + 5);
            agent.stopFeeding();
            assertThat(agent.agent().awaitDrained(Duration.ofSeconds(60))).as("every reading acknowledged: %s", agent.agent().describe()).isTrue();

            MqttClient anonymous = new MqttClient("tcp://127.0.0.1:" + brokerPort, "anyone", new MemoryPersistence());
            assertThatThrownBy(() -> anonymous.connect(options())).isInstanceOfSatisfying(MqttException.class,
                    e -> assertThat(e.getReasonCode()).isEqualTo(NOT_AUTHORIZED));
            anonymous.close();

            MqttClient probe = new MqttClient(deviceUrl, "access/meter-1/probe", new MemoryPersistence());
            MqttConnectionOptions tls = options();
            tls.setSocketFactory(deviceTls(agentDir, serverCertificate).getSocketFactory());
            probe.connect(tls);
            MqttTopic other = probe.getTopic("t/access/d/meter-2/up");
            MqttMessage forged = new MqttMessage(new byte[] {1, 2, 3});
            forged.setQos(1);
            MqttToken token = other.publish(forged);
            token.waitForCompletion(10_000);
            assertThat(token.getReasonCodes()[0]).as("meter-1 publishing as meter-2").isEqualTo(NOT_AUTHORIZED);
            await().atMost(Duration.ofSeconds(10)).until(() -> !probe.isConnected());
            probe.close();
            assertThat(gateway.metric("sensorproof_ingest_rejected_total")).as("the forgery never reached the gateway").isZero();
        }
    }

    private static MqttConnectionOptions options() {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setConnectionTimeout(10);
        return o;
    }

    /** TLS with the enrolled device's certificate chain and key, trusting the broker's certificate. */
    private static SSLContext deviceTls(Path agentDir, Path serverCertificate) throws Exception {
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        Certificate[] chain = x509.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(agentDir.resolve("device-cert.pem"))))
                .toArray(new Certificate[0]);
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(agentDir.resolve("device-key.p8"))));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("device", key, new char[0], chain);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("broker", x509.generateCertificate(new ByteArrayInputStream(Files.readAllBytes(serverCertificate))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }
}
