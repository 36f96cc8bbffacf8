package io.sensorproof.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sensorproof.broker.TestPki.Ca;
import io.sensorproof.broker.TestPki.Identity;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone broker with device access on (ADR 019), as a real process with real TLS: devices by
 * certificate from the device CA on the TLS listener, the gateway by password on the plain one, and
 * the topic permissions of {@code DeviceAccessExtension}.
 */
class BrokerAccessIT {
    private static final Path JAR = Path.of("target", "embedded-broker.jar");
    private static final int NOT_AUTHORIZED = 0x87;
    private static final int BAD_USER_NAME_OR_PASSWORD = 0x86;
    private static final int CLIENT_IDENTIFIER_NOT_VALID = 0x85;

    @TempDir
    static Path dir;
    private static BrokerProcess broker;
    private static X509Certificate serverCertificate;
    private static Ca deviceCa;
    private static Identity deviceA;
    private static Identity deviceB;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = BrokerProcess.start(JAR, dir.resolve("broker"), "127.0.0.1", freePort(),
                new BrokerProcess.DeviceListener("127.0.0.1", freePort()), Duration.ofSeconds(90));
        serverCertificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(broker.credentials().orElseThrow().serverCertificate()));
        deviceCa = TestPki.ca("test device CA");
        deviceA = TestPki.device(deviceCa, "urn:sensorproof:device:acme:dev-a");
        deviceB = TestPki.device(deviceCa, "urn:sensorproof:device:acme:dev-b");
        // the broker starts with an empty trust store (first start: the gateway has not created its CA
        // yet): no device is accepted until the trust store names the CA
        assertThatThrownBy(() -> device("acme/dev-a", deviceA)).isInstanceOf(MqttException.class);
        BrokerCredentials.writeDeviceTrust(broker.credentials().orElseThrow().deviceTrustStore(), List.of(deviceCa.certificate()));
        await("the broker reloads the device trust store").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions().until(() -> {
                    MqttClient c = device("acme/dev-a", deviceA);
                    c.disconnect();
                    c.close();
                    return true;
                });
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void deliversADevicesReadingsToTheGatewayAndTheGatewaysAcknowledgementsToTheDevice() throws Exception {
        List<String> uplink = new CopyOnWriteArrayList<>();
        List<String> acks = new CopyOnWriteArrayList<>();
        MqttClient gateway = gateway("gw-1", uplink);
        MqttClient device = device("acme/dev-a", deviceA);
        collect(device, acks);
        assertThat(device.subscribe("t/acme/d/dev-a/ack", 1).getReasonCodes()[0]).isEqualTo(1);
        device.publish("t/acme/d/dev-a/up", message("a-1"));
        device.publish("t/acme/d/dev-a/status", message("a-status"));
        await().atMost(Duration.ofSeconds(20)).until(() -> uplink.containsAll(List.of("t/acme/d/dev-a/up a-1", "t/acme/d/dev-a/status a-status")));
        gateway.publish("t/acme/d/dev-a/ack", message("ack-1"));
        await().atMost(Duration.ofSeconds(20)).until(() -> acks.contains("t/acme/d/dev-a/ack ack-1"));
        close(gateway, device);
    }

    @Test
    void refusesADevicePublishingOnAnotherDevicesTopic() throws Exception {
        List<String> uplink = new CopyOnWriteArrayList<>();
        MqttClient gateway = gateway("gw-2", uplink);
        MqttClient device = device("acme/dev-a", deviceA);
        assertThat(publishResult(device, "t/acme/d/dev-b/up", "forged")).isEqualTo(NOT_AUTHORIZED);
        await("the broker closes the connection after a refused publish").atMost(Duration.ofSeconds(10)).until(() -> !device.isConnected());
        // the refusal happened before this marker was sent: once the marker is through, a delivered
        // forgery would be in the list already
        MqttClient again = device("acme/dev-a", deviceA);
        again.publish("t/acme/d/dev-a/up", message("marker"));
        await().atMost(Duration.ofSeconds(20)).until(() -> uplink.contains("t/acme/d/dev-a/up marker"));
        assertThat(uplink).noneMatch(m -> m.contains("forged"));
        for (String topic : List.of("t/acme/d/dev-a/ack", "t/acme/d/dev-b/status", "t/other/d/dev-a/up")) {
            MqttClient c = device("acme/dev-a", deviceA);
            assertThat(publishResult(c, topic, "forged")).as(topic).isEqualTo(NOT_AUTHORIZED);
            await().atMost(Duration.ofSeconds(10)).until(() -> !c.isConnected());
            c.close();
        }
        close(gateway, again);
    }

    @Test
    void refusesADeviceSubscribingToAnotherDevicesAcknowledgementsOrTheSharedUplink() throws Exception {
        MqttClient device = device("acme/dev-a", deviceA);
        for (String filter : List.of("t/acme/d/dev-b/ack", "t/acme/d/+/ack", "#", "t/acme/d/dev-a/up", "$share/gateway/t/+/d/+/up",
                "$share/gateway/t/+/d/+/status", "$share/x/t/acme/d/dev-a/ack")) {
            assertThat(subscribeResult(device, filter)).as(filter).isEqualTo(NOT_AUTHORIZED);
        }
        assertThat(subscribeResult(device, "t/acme/d/dev-a/ack")).isEqualTo(1);
        close(device);
    }

    @Test
    void theGatewaysClientIsTheOnlyOneOnTheSharedSubscription() throws Exception {
        List<String> uplink = new CopyOnWriteArrayList<>();
        MqttClient gateway = gateway("gw-3", uplink);
        assertThat(gateway.isConnected()).isTrue();
        MqttClient other = device("acme/dev-b", deviceB);
        assertThat(subscribeResult(other, "$share/gateway/t/+/d/+/up")).isEqualTo(NOT_AUTHORIZED);
        close(gateway, other);
    }

    @Test
    void refusesClientsWithoutCredentials() throws Exception {
        MqttClient anonymous = new MqttClient(broker.url(), "anyone", new MemoryPersistence());
        assertThatThrownBy(() -> anonymous.connect(options())).isInstanceOfSatisfying(MqttException.class,
                e -> assertThat(e.getReasonCode()).isEqualTo(NOT_AUTHORIZED));
        MqttConnectionOptions wrong = options();
        wrong.setUserName("sensorproof-gateway");
        wrong.setPassword("not-the-password-at-all".getBytes(StandardCharsets.UTF_8));
        MqttClient guesser = new MqttClient(broker.url(), "guesser", new MemoryPersistence());
        assertThatThrownBy(() -> guesser.connect(wrong)).isInstanceOfSatisfying(MqttException.class,
                e -> assertThat(e.getReasonCode()).isEqualTo(BAD_USER_NAME_OR_PASSWORD));
        // TLS without a client certificate: the handshake fails
        MqttClient noCertificate = new MqttClient(broker.deviceUrl().orElseThrow(), "acme/dev-a", new MemoryPersistence());
        MqttConnectionOptions tls = options();
        tls.setSocketFactory(TestPki.tls(null, serverCertificate).getSocketFactory());
        assertThatThrownBy(() -> noCertificate.connect(tls)).isInstanceOf(MqttException.class);
        assertThat(noCertificate.isConnected()).isFalse();
        for (MqttClient c : List.of(anonymous, guesser, noCertificate)) {
            c.close();
        }
    }

    @Test
    void refusesACertificateFromAnotherCa() throws Exception {
        Identity forged = TestPki.device(TestPki.ca("someone else's CA"), "urn:sensorproof:device:acme:dev-a");
        assertThatThrownBy(() -> device("acme/dev-a", forged)).isInstanceOf(MqttException.class);
    }

    @Test
    void refusesADeviceCertificateWithoutADeviceUriAndAClientIdOfAnotherClient() throws Exception {
        Identity nameless = TestPki.device(deviceCa);
        assertThatThrownBy(() -> device("acme/dev-a", nameless)).isInstanceOfSatisfying(MqttException.class,
                e -> assertThat(e.getReasonCode()).isEqualTo(NOT_AUTHORIZED));
        for (String clientId : List.of("acme/dev-b", "gw-1", "acme/dev-ab", "acme.dev-a")) {
            assertThatThrownBy(() -> device(clientId, deviceA)).as(clientId).isInstanceOfSatisfying(MqttException.class,
                    e -> assertThat(e.getReasonCode()).isEqualTo(CLIENT_IDENTIFIER_NOT_VALID));
        }
        MqttClient auxiliary = device("acme/dev-a/injector", deviceA);
        assertThat(auxiliary.isConnected()).isTrue();
        close(auxiliary);
    }

    private static MqttClient gateway(String clientId, List<String> uplink) throws Exception {
        MqttClient client = new MqttClient(broker.url(), clientId, new MemoryPersistence());
        MqttConnectionOptions o = options();
        o.setUserName("sensorproof-gateway");
        o.setPassword(broker.credentials().orElseThrow().gatewayPassword().getBytes(StandardCharsets.UTF_8));
        collect(client, uplink);
        client.connect(o);
        assertThat(client.subscribe("$share/gateway/t/+/d/+/up", 1).getReasonCodes()[0]).isEqualTo(1);
        assertThat(client.subscribe("$share/gateway/t/+/d/+/status", 1).getReasonCodes()[0]).isEqualTo(1);
        return client;
    }

    private static MqttClient device(String clientId, Identity identity) throws Exception {
        MqttClient client = new MqttClient(broker.deviceUrl().orElseThrow(), clientId, new MemoryPersistence());
        MqttConnectionOptions o = options();
        SSLContext tls = TestPki.tls(identity, serverCertificate);
        o.setSocketFactory(tls.getSocketFactory());
        client.connect(o);
        return client;
    }

    private static MqttConnectionOptions options() {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setConnectionTimeout(10);
        return o;
    }

    private static MqttMessage message(String text) {
        MqttMessage m = new MqttMessage(text.getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        return m;
    }

    private static int publishResult(MqttClient client, String topic, String text) {
        try {
            IMqttToken token = client.getTopic(topic).publish(message(text));
            token.waitForCompletion(10_000);
            return token.getReasonCodes() == null ? -1 : token.getReasonCodes()[0];
        } catch (MqttException e) {
            return e.getReasonCode();
        }
    }

    private static int subscribeResult(MqttClient client, String filter) {
        try {
            return client.subscribe(filter, 1).getReasonCodes()[0];
        } catch (MqttException e) {
            return e.getReasonCode();
        }
    }

    private static void collect(MqttClient client, List<String> sink) {
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                sink.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8));
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
        });
    }

    private static void close(MqttClient... clients) throws MqttException {
        for (MqttClient c : clients) {
            if (c.isConnected()) {
                c.disconnect();
            }
            c.close();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
