package io.sensorproof.sim.fleet;

import com.authlete.cbor.CBORByteArray;
import com.authlete.cbor.CBORItemList;
import com.authlete.cbor.CBORPairList;
import com.authlete.cbor.CBORTaggedItem;
import io.sensorproof.agent.enroll.EnrollmentState;
import io.sensorproof.agent.transport.MqttTransport;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.ack.Acknowledgement;
import io.sensorproof.protocol.ack.AcknowledgementCodec;
import io.sensorproof.protocol.ack.Rejection;
import io.sensorproof.protocol.cbor.CborLimits;
import io.sensorproof.protocol.cose.CoseSign1;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.message.MessageHeader;
import io.sensorproof.protocol.message.ReadingMessage;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import io.sensorproof.protocol.senml.SenmlCodec;
import io.sensorproof.sim.SimError;
import io.sensorproof.sim.SimException;
import io.sensorproof.sim.gateway.DeviceProvisioner;
import io.sensorproof.sim.gateway.GatewayClient;
import io.sensorproof.sim.scenario.Fault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.MqttToken;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * Publishes what an attacker or a broken device would, beside the agents, straight to the broker:
 * tampered copies of stored messages (payload altered, signature kept), byte-identical replays,
 * conflicting contents signed with the device's own key under a stored (boot, seq), and messages
 * signed by a key the device was never registered with. It works from messages the gateway has
 * stored (read back through the API), as a man in the middle would from captured traffic, and for a
 * replay or a conflicting duplicate it listens on the device's acknowledgement topic for the
 * gateway's signed answer.
 *
 * <p>It connects as the device it works on ({@code <tenant>/<device>/injector}, with that device's
 * enrollment certificate on an {@code ssl://} broker), since the standalone broker serves nobody else
 * on a device's topics (ADR 019); a publish the broker refuses (a replay onto another device's topic)
 * is recorded with the reply {@value #REFUSED_BY_BROKER} and never reaches the gateway.
 */
public final class Injector implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final long REPLY_WAIT_MILLIS = 15_000;

    /** The reply recorded for a publish the broker answered with "not authorized". */
    static final String REFUSED_BY_BROKER = "REFUSED_BY_BROKER";
    private static final int NOT_AUTHORIZED = 0x87;

    private final GatewayClient gateway;
    private final String brokerUrl;
    private final Optional<Path> caFile;
    private final Function<String, Path> dataDirOf;
    private final String tenant;
    private final VerificationKey gatewayKey;
    private final Map<String, MqttClient> clients = new HashMap<>();
    private final BlockingQueue<byte[]> replies = new LinkedBlockingQueue<>();
    private final Set<String> subscribed = new HashSet<>();
    /** (device, boot, seq) of every stored message an injection of this injector has worked from. */
    private final Set<String> workedFrom = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param caFile trusted certificates for an {@code ssl://} broker
     * @param dataDirOf a device's data directory (its key and enrollment certificate)
     */
    public Injector(String brokerUrl, Optional<Path> caFile, String tenant, GatewayClient gateway, byte[] ackKeySpki,
            Function<String, Path> dataDirOf) {
        this.gateway = gateway;
        this.brokerUrl = brokerUrl;
        this.caFile = caFile;
        this.dataDirOf = dataDirOf;
        this.tenant = tenant;
        this.gatewayKey = Keys.publicKeyFromSpki(ackKeySpki);
    }

    /** The connection as {@code device}, opened (again) when needed: the broker closes it after a refused publish. */
    private synchronized MqttClient client(String device) {
        MqttClient existing = clients.get(device);
        if (existing != null && existing.isConnected()) {
            return existing;
        }
        if (existing != null) {
            closeQuietly(existing);
            subscribed.removeIf(t -> t.equals(Topics.ack(tenant, device)));
        }
        try {
            MqttClient client = new MqttClient(brokerUrl, MqttTransport.clientId(tenant, device) + "/injector", new MemoryPersistence());
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setCleanStart(true);
            options.setConnectionTimeout(10);
            if (brokerUrl.startsWith("ssl://")) {
                Path dir = dataDirOf.apply(device);
                Path chain = dir.resolve(EnrollmentState.CHAIN_FILE);
                options.setSocketFactory(MqttTransport.tlsContext(Files.isRegularFile(chain) ? Optional.of(chain) : Optional.empty(),
                        dir.resolve(DeviceProvisioner.KEY_FILE), caFile).getSocketFactory());
            }
            client.setCallback(new Replies());
            client.connect(options);
            clients.put(device, client);
            return client;
        } catch (MqttException | IOException | GeneralSecurityException e) {
            throw new SimException(SimError.FAULT_NOT_INJECTED, "injector cannot connect to " + brokerUrl + " as " + device + ": " + e.getMessage(), e);
        }
    }

    /** Carries out an injected fault against {@code victim}; waits (up to {@code waitMillis}) for a stored message to work from. */
    public List<Injection> inject(Fault fault, String victim, SigningKey victimKey, long waitMillis) throws InterruptedException {
        return inject(fault, victim, victimKey, waitMillis, 1);
    }

    /**
     * As {@link #inject(Fault, String, SigningKey, long)}, but a conflicting duplicate that gets no
     * answer within the reply wait is published again (the same bytes), up to {@code attempts} times
     * in all, as a device resends what is not acknowledged: a publish the gateway received but had
     * not answered when it was killed is gone with its clean session, and the chaos run counts an
     * injection only once the gateway has seen it or every attempt went unanswered.
     */
    public List<Injection> inject(Fault fault, String victim, SigningKey victimKey, long waitMillis, int attempts)
            throws InterruptedException {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
        }
        GatewayClient.StoredMessage stored = awaitStoredMessage(victim, waitMillis);
        byte[] raw = gateway.messageBytes(victim, stored.boot(), stored.seq());
        ReadingMessage original = ReadingMessages.decode(raw);
        MessageHeader header = original.header();
        String ownTopic = Topics.up(tenant, victim);
        List<Injection> done = new ArrayList<>();
        for (int i = 0; i < fault.count(); i++) {
            switch (fault.type()) {
                case TAMPERED -> {
                    byte[] tampered = withPayload(raw, SenmlCodec.encode(altered(original.pack(), i + 1)));
                    publish(victim, ownTopic, tampered);
                    done.add(new Injection(ownTopic, header.boot(), header.seq(), header.kidHex(), "payload altered, signature kept", null));
                }
                case REPLAY -> {
                    String topic = fault.toDevice().map(d -> Topics.up(tenant, d)).orElse(ownTopic);
                    String reply = null;
                    if (fault.toDevice().isEmpty()) {
                        listen(victim);
                        publish(victim, topic, raw);
                        reply = awaitReply(victim, header.boot(), header.seq());
                    } else if (!publish(victim, topic, raw)) {
                        reply = REFUSED_BY_BROKER;
                    }
                    done.add(new Injection(topic, header.boot(), header.seq(), header.kidHex(), "stored message published again, byte for byte", reply));
                }
                case CONFLICTING_DUPLICATE -> {
                    byte[] conflicting = ReadingMessages.sign(altered(original.pack(), i + 1), header.boot(), header.seq(),
                            header.deviceTimeMillis(), victimKey);
                    listen(victim);
                    String reply = "NONE";
                    int attempt = 0;
                    while ("NONE".equals(reply) && attempt < attempts) {
                        attempt++;
                        publish(victim, ownTopic, conflicting);
                        reply = awaitReply(victim, header.boot(), header.seq());
                    }
                    done.add(new Injection(ownTopic, header.boot(), header.seq(), header.kidHex(),
                            "other content signed by the device under a stored (boot, seq)"
                                    + (attempt > 1 ? ", published " + attempt + " times" : ""), reply));
                }
                case KEY_SWAP -> {
                    SigningKey swapped = Keys.generate(SignatureAlgorithm.ES256, RANDOM);
                    byte[] message = ReadingMessages.sign(original.pack(), header.boot(), header.seq() + 1 + i, header.deviceTimeMillis(), swapped);
                    publish(victim, ownTopic, message);
                    done.add(new Injection(ownTopic, header.boot(), header.seq() + 1 + i, swapped.verificationKey().kidHex(),
                            "signed by a key the device was never registered with", null));
                }
                default -> throw new IllegalArgumentException(fault.type().label() + " is not an injected fault");
            }
        }
        return done;
    }

    /** Subscribes to the device's acknowledgement topic (once) and forgets earlier replies. */
    private void listen(String device) {
        String topic = Topics.ack(tenant, device);
        try {
            MqttClient client = client(device);
            if (subscribed.add(topic)) {
                client.subscribe(topic, 1);
            }
        } catch (MqttException e) {
            throw new SimException(SimError.FAULT_NOT_INJECTED, "subscribing to " + topic + " failed: " + e.getMessage(), e);
        }
        replies.clear();
    }

    /** The gateway's verified answer about (boot, seq) of {@code device}, or NONE after the wait. */
    private String awaitReply(String device, long boot, long seq) throws InterruptedException {
        long deadline = System.currentTimeMillis() + REPLY_WAIT_MILLIS;
        while (true) {
            long left = deadline - System.currentTimeMillis();
            byte[] bytes = left > 0 ? replies.poll(left, TimeUnit.MILLISECONDS) : null;
            if (bytes == null) {
                return "NONE";
            }
            Acknowledgement ack;
            try {
                ack = AcknowledgementCodec.verify(bytes, gatewayKey);
            } catch (ProtocolException e) {
                continue;
            }
            if (!ack.deviceId().equals(device)) {
                continue;
            }
            Optional<Rejection> rejection = ack.rejection(boot, seq);
            if (rejection.isPresent()) {
                return "REJECTED " + rejection.get().code();
            }
            if (ack.isStored(boot, seq)) {
                return "ACKNOWLEDGED";
            }
        }
    }

    private GatewayClient.StoredMessage awaitStoredMessage(String device, long waitMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + waitMillis;
        while (true) {
            Optional<GatewayClient.StoredMessage> fresh = newestNotWorkedFrom(device, gateway.messages(device), workedFrom);
            if (fresh.isPresent()) {
                workedFrom.add(workedKey(device, fresh.get()));
                return fresh.get();
            }
            if (System.currentTimeMillis() > deadline) {
                throw new SimException(SimError.FAULT_NOT_INJECTED, "no stored message of " + device
                        + " that no earlier injection worked from, within " + waitMillis + " ms");
            }
            Thread.sleep(200);
        }
    }

    /**
     * The newest stored message of {@code device} that no earlier injection worked from. Two faults on the same
     * (boot, seq) could not be told apart afterwards (outcomes are matched to quarantine entries by topic, boot and
     * seq): a replay answered ACKNOWLEDGED would be charged with the CONFLICTING_DUPLICATE of a later conflicting
     * duplicate that picked the same message because the device had stored nothing newer in between.
     */
    static Optional<GatewayClient.StoredMessage> newestNotWorkedFrom(String device, List<GatewayClient.StoredMessage> messages,
            Set<String> workedFrom) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (!workedFrom.contains(workedKey(device, messages.get(i)))) {
                return Optional.of(messages.get(i));
            }
        }
        return Optional.empty();
    }

    private static String workedKey(String device, GatewayClient.StoredMessage m) {
        return device + "/" + m.boot() + "/" + m.seq();
    }

    /** The pack with its first value moved by {@code amount} (down when that keeps it in range). */
    static ReadingPack altered(ReadingPack pack, double amount) {
        List<Reading> readings = new ArrayList<>(pack.readings());
        Reading first = readings.get(0);
        double value = first.value() >= amount ? first.value() - amount : first.value() + amount;
        readings.set(0, new Reading(first.quantity(), DeviceSimulation.round(first.quantity(), value), first.timeMillis()));
        return new ReadingPack(pack.deviceId(), readings);
    }

    /** The same COSE_Sign1 message (protected header and signature untouched) with another payload. */
    static byte[] withPayload(byte[] message, byte[] payload) {
        CoseSign1 cose = CoseSign1.decode(message, CborLimits.MESSAGE);
        CBORItemList array = new CBORItemList(new CBORByteArray(cose.protectedBytes()), new CBORPairList(List.of()),
                new CBORByteArray(payload), new CBORByteArray(cose.signature()));
        return new CBORTaggedItem(CoseSign1.TAG, array).encode();
    }

    /** Publishes as {@code device}; false when the broker refused it (not authorized). */
    private boolean publish(String device, String topic, byte[] payload) {
        try {
            MqttMessage m = new MqttMessage(payload);
            m.setQos(1);
            MqttToken token = client(device).getTopic(topic).publish(m);
            token.waitForCompletion(REPLY_WAIT_MILLIS);
            int[] codes = token.getReasonCodes();
            if (codes != null && codes.length > 0 && codes[0] == NOT_AUTHORIZED) {
                return false;
            }
            if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                throw new SimException(SimError.FAULT_NOT_INJECTED, "the broker refused the publish to " + topic + " with reason " + codes[0]);
            }
            return true;
        } catch (MqttException e) {
            throw new SimException(SimError.FAULT_NOT_INJECTED, "publishing to " + topic + " failed: " + e.getMessage(), e);
        }
    }

    /** Collects what arrives on the subscribed acknowledgement topics. */
    private final class Replies implements MqttCallback {
        @Override
        public void messageArrived(String topic, MqttMessage message) {
            replies.add(message.getPayload());
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            // an injection after this fails with its own error
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            // reported by the failing call
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // publishes are synchronous
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            // nothing to restore: clean start
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            // no enhanced authentication
        }
    }

    @Override
    public synchronized void close() {
        for (MqttClient c : clients.values()) {
            closeQuietly(c);
        }
        clients.clear();
    }

    private static void closeQuietly(MqttClient client) {
        try {
            if (client.isConnected()) {
                client.disconnect();
            }
            client.close();
        } catch (MqttException e) {
            // closing anyway
        }
    }
}
