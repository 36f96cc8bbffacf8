package io.sensorproof.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone broker runs as its own process, shares a subscription, and replaces an orphan. */
class BrokerProcessIT {
    private static final Path JAR = Path.of("target", "embedded-broker.jar");
    private static final String SHARED_UP = "$share/gateway/t/+/d/+/up";

    @TempDir
    Path dir;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void deliversEachMessageToOneMemberOfASharedSubscription() throws Exception {
        try (BrokerProcess broker = BrokerProcess.startAnonymous(JAR, dir, "127.0.0.1", freePort(), Duration.ofSeconds(60))) {
            List<MqttMessage> first = new CopyOnWriteArrayList<>();
            List<MqttMessage> second = new CopyOnWriteArrayList<>();
            MqttClient a = subscriber(broker.url(), "replica-a", first);
            MqttClient b = subscriber(broker.url(), "replica-b", second);
            // as the gateway does (ADR 055): without it HiveMQ CE can leave a member that it polled at the CONNACK
            // believing it has no shared subscription, and the group stalls (1 run in 20 on a loaded machine)
            Thread.sleep(1500);
            a.subscribe(SHARED_UP, 1);
            b.subscribe(SHARED_UP, 1);
            MqttClient publisher = new MqttClient(broker.url(), "device", new MemoryPersistence());
            publisher.connect();
            for (int i = 0; i < 100; i++) {
                MqttMessage m = new MqttMessage(("m" + i).getBytes());
                m.setQos(1);
                publisher.publish("t/acme/d/d" + (i % 7) + "/up", m);
            }
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (first.size() + second.size() < 100 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(first.size() + second.size()).as("a: %s, b: %s", first.size(), second.size()).isEqualTo(100);
            // each message reaches exactly one member of the share (HiveMQ CE may favour one member
            // while it keeps up, so the split itself is not asserted here)
            java.util.Set<String> all = new java.util.HashSet<>();
            for (MqttMessage m : first) {
                all.add(new String(m.getPayload()));
            }
            for (MqttMessage m : second) {
                all.add(new String(m.getPayload()));
            }
            assertThat(all).as("no message reached both members").hasSize(100);
            for (MqttClient c : List.of(a, b, publisher)) {
                c.disconnect();
                c.close();
            }
        }
    }

    @Test
    void grantsNoTopicAliasesSoThatResentPublishesKeepTheirTopic() throws Exception {
        try (BrokerProcess broker = BrokerProcess.startAnonymous(JAR, dir, "127.0.0.1", freePort(), Duration.ofSeconds(60))) {
            MqttClient client = new MqttClient(broker.url(), "alias-probe", new MemoryPersistence());
            org.eclipse.paho.mqttv5.client.IMqttToken token = client.connectWithResult(new MqttConnectionOptions());
            Integer aliasMaximum = token.getResponseProperties() == null ? null : token.getResponseProperties().getTopicAliasMaximum();
            // absent or 0: the client may not use aliases (MQTT 5, 3.2.2.3.8); Paho would otherwise alias
            // publishes and resend them after a reconnect without their topic
            assertThat(aliasMaximum == null ? 0 : aliasMaximum).as("Topic Alias Maximum in CONNACK").isZero();
            client.disconnect();
            client.close();
        }
    }

    @Test
    void letsTheGatewayHaveAnAcknowledgementPerDeviceOfABatchInFlight() throws Exception {
        try (BrokerProcess broker = BrokerProcess.startAnonymous(JAR, dir, "127.0.0.1", freePort(), Duration.ofSeconds(60))) {
            MqttClient client = new MqttClient(broker.url(), "receive-maximum-probe", new MemoryPersistence());
            org.eclipse.paho.mqttv5.client.IMqttToken token = client.connectWithResult(new MqttConnectionOptions());
            // HiveMQ's default of 10 made the gateway wait for PUBACKs after every tenth acknowledgement it
            // publishes, one per device of a batch of up to 256 devices (ADR 054); absent would mean 65,535
            Integer receiveMaximum = token.getResponseProperties() == null ? null : token.getResponseProperties().getReceiveMaximum();
            assertThat(receiveMaximum == null ? 65_535 : receiveMaximum).as("Receive Maximum in CONNACK")
                    .isEqualTo(BrokerMain.SERVER_RECEIVE_MAXIMUM).isGreaterThanOrEqualTo(256);
            client.disconnect();
            client.close();
        }
    }

    @Test
    void sendsTheGatewayAsManyUnacknowledgedMessagesAsItsReceiveMaximumAllows() throws Exception {
        try (BrokerProcess broker = BrokerProcess.startAnonymous(JAR, dir, "127.0.0.1", freePort(), Duration.ofSeconds(60))) {
            List<MqttMessage> arrived = new CopyOnWriteArrayList<>();
            MqttClient gateway = gatewayMember(broker.url(), "window-probe-gateway", arrived);
            MqttClient devices = publishUp(broker.url(), "window-probe-devices", 300, 50);
            // the first went out alone (the queue was empty) and is held; HiveMQ polls a share group member again only
            // once it has nothing in flight, so the rest waits for its PUBACK
            waitUntilSettled(arrived, 1);
            assertThat(arrived).as("sent before the first PUBACK").hasSize(1);
            gateway.messageArrivedComplete(arrived.get(0).getId(), 1);
            // then as many as the gateway's Receive Maximum allows, and no more before the next PUBACK; HiveMQ CE's
            // internal window of 50 stopped it at 50 (ADR 055): the gateway's batches never grew past 50
            waitUntilSettled(arrived, 1 + 256);
            assertThat(arrived).as("sent after the first PUBACK, before the next").hasSize(1 + 256);
            for (MqttMessage m : List.copyOf(arrived).subList(1, arrived.size())) {
                gateway.messageArrivedComplete(m.getId(), m.getQos());
            }
            waitUntilSettled(arrived, 300);
            assertThat(arrived).as("all, once acknowledged").hasSize(300);
            for (MqttClient c : List.of(gateway, devices)) {
                c.disconnect();
                c.close();
            }
        }
    }

    @Test
    void queuesThousandsOfDeviceMessagesForAGatewayThatHoldsItsWindow() throws Exception {
        try (BrokerProcess broker = BrokerProcess.startAnonymous(JAR, dir, "127.0.0.1", freePort(), Duration.ofSeconds(60))) {
            List<MqttMessage> arrived = new CopyOnWriteArrayList<>();
            MqttClient gateway = gatewayMember(broker.url(), "queue-probe-gateway", arrived);
            // a fleet's messages of one second while the gateway holds the first (its batch not yet committed): the
            // broker PUBACKs every one, so a device will not send it again before its acknowledgement timeout
            int sent = 3000;
            MqttClient devices = publishUp(broker.url(), "queue-probe-devices", sent, 500);
            // the gateway catches up, acknowledging what it has; HiveMQ CE's default queue of 1,000 discarded the rest
            long deadline = System.nanoTime() + 60_000_000_000L;
            int acked = 0;
            long lastGrowth = System.nanoTime();
            while (arrived.size() < sent && System.nanoTime() < deadline && System.nanoTime() - lastGrowth < 3_000_000_000L) {
                List<MqttMessage> now = List.copyOf(arrived);
                for (MqttMessage m : now.subList(acked, now.size())) {
                    gateway.messageArrivedComplete(m.getId(), m.getQos());
                }
                if (now.size() > acked) {
                    lastGrowth = System.nanoTime();
                }
                acked = now.size();
                Thread.sleep(20);
            }
            assertThat(arrived).as("every message the broker acknowledged to the devices").hasSize(sent);
            for (MqttClient c : List.of(gateway, devices)) {
                c.disconnect();
                c.close();
            }
        }
    }

    /**
     * The gateway as the broker sees it: a member of the share group with Receive Maximum 256 (its default) that PUBACKs
     * only when told (after its batch is stored); what arrives goes to {@code arrived}.
     */
    private static MqttClient gatewayMember(String url, String id, List<MqttMessage> arrived) throws Exception {
        MqttClient gateway = new MqttClient(url, id, new MemoryPersistence());
        gateway.setManualAcks(true);
        gateway.setCallback(collecting(arrived, 0));
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setReceiveMaximum(256);
        gateway.connect(options);
        gateway.subscribe(SHARED_UP, 1);
        return gateway;
    }

    /** Publishes {@code count} QoS 1 messages on the up topics of {@code devices} devices in turn; returns the connected client. */
    private static MqttClient publishUp(String url, String id, int count, int devices) throws Exception {
        MqttClient client = new MqttClient(url, id, new MemoryPersistence());
        client.connect();
        for (int i = 0; i < count; i++) {
            client.publish("t/acme/d/d" + (i % devices) + "/up", new MqttMessage(("m" + i).getBytes(), 1, false, null));
        }
        return client;
    }

    /** Waits until {@code list} has {@code expected} elements or has not grown for a second (20 s at most). */
    private static void waitUntilSettled(List<?> list, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        int seen = -1;
        long stableSince = System.nanoTime();
        while (list.size() < expected && System.nanoTime() < deadline) {
            if (list.size() != seen) {
                seen = list.size();
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > 1_000_000_000L) {
                return;
            }
            Thread.sleep(20);
        }
        Thread.sleep(300); // and nothing more beyond it
    }

    @Test
    void stopsAnOrphanLeftInItsDataDirectory() throws Exception {
        int port = freePort();
        BrokerProcess orphan = BrokerProcess.startAnonymous(JAR, dir, "127.0.0.1", port, Duration.ofSeconds(60));
        long orphanPid = orphan.pid();
        assertThat(Files.readString(dir.resolve("broker.pid")).trim()).isEqualTo(Long.toString(orphanPid));
        // the parent "dies" without stopping it; the next start finds and stops the orphan
        try (BrokerProcess fresh = BrokerProcess.startAnonymous(JAR, dir, "127.0.0.1", port, Duration.ofSeconds(60))) {
            assertThat(orphan.isAlive()).isFalse();
            assertThat(fresh.pid()).isNotEqualTo(orphanPid);
            MqttClient client = new MqttClient(fresh.url(), "probe", new MemoryPersistence());
            client.connect();
            assertThat(client.isConnected()).isTrue();
            client.disconnect();
            client.close();
        }
    }

    /**
     * HiveMQ carries on when a listener cannot bind, and the port accepts connections anyway (another process's
     * socket): the start must fail and say so, not hand the port's owner to the gateway (CI run 63: another test's
     * broker answered the gateway's CONNECT with "Bad User Name or Password").
     */
    @Test
    void refusesToStartWhenAnotherProcessHoldsItsPort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> BrokerProcess.start(JAR, dir, "127.0.0.1", port, new BrokerProcess.DeviceListener("127.0.0.1", freePort()),
                    Duration.ofSeconds(60))).isInstanceOf(java.io.IOException.class)
                    .hasMessageContaining("broker exited with " + BrokerMain.EXIT_LISTENER_NOT_STARTED)
                    .hasMessageContaining("the broker does not listen on port(s) [" + port + "]");
        }
        assertThat(dir.resolve("broker.pid")).doesNotExist();
    }

    @Test
    void standaloneBrokerEndsOnSigtermWithoutHiveMqsGracefulShutdown() throws Exception {
        BrokerProcess broker = BrokerProcess.start(JAR, dir, "127.0.0.1", freePort(), new BrokerProcess.DeviceListener("127.0.0.1", freePort()),
                Duration.ofSeconds(60));
        broker.close();
        assertThat(broker.isAlive()).isFalse();
        String log = Files.readString(dir.resolve("broker.log"));
        // in memory there is nothing to flush (ADR 049): HiveMQ's graceful stop would wait 4 s for nothing
        assertThat(log).contains("Starting with in-memory persistence mode")
                .contains("broker phase stop: in-memory persistence, exiting without HiveMQ's graceful shutdown")
                .doesNotContain("Shutting down HiveMQ");
        assertThat(dir.resolve("broker.pid")).doesNotExist();
    }

    /** A callback that adds each message to {@code sink}, then waits {@code busyMillis} (a replica busy with its database). */
    private static org.eclipse.paho.mqttv5.client.MqttCallback collecting(List<MqttMessage> sink, long busyMillis) {
        return new org.eclipse.paho.mqttv5.client.MqttCallback() {
            @Override
            public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse r) {
            }

            @Override
            public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException e) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) throws InterruptedException {
                sink.add(message);
                Thread.sleep(busyMillis);
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties properties) {
            }
        };
    }

    private static MqttClient subscriber(String url, String id, List<MqttMessage> sink) throws Exception {
        MqttClient client = new MqttClient(url, id, new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        client.connect(options);
        client.subscribe(SHARED_UP, 1);
        // a replica busy with its database: the broker must spread the load
        client.setCallback(collecting(sink, 10));
        return client;
    }
}
