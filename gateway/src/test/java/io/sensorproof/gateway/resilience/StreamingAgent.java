package io.sensorproof.gateway.resilience;

import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.agent.enroll.EnrollmentClient;
import io.sensorproof.agent.enroll.Enroller;
import io.sensorproof.agent.keys.KeyFiles;
import io.sensorproof.protocol.retry.Backoff;
import io.sensorproof.agent.transport.MqttTransport;
import io.sensorproof.agent.transport.RecordingTransport;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process {@link EdgeAgent} with its own data directory and a feeder thread that submits a
 * reading every few milliseconds until {@link #stopFeeding()}. Its transport records, on the device
 * side, every acknowledgement that verifies with the gateway's key ({@link #acknowledged()}).
 */
final class StreamingAgent implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    final String tenant;
    final String device;
    SigningKey key;
    private EdgeAgent agent;
    private RecordingTransport recorder;
    private Thread feeder;
    private volatile boolean feeding;
    private final AtomicLong fed = new AtomicLong();
    private volatile Throwable feedFailure;

    StreamingAgent(String tenant, String device) {
        this.tenant = tenant;
        this.device = device;
        this.key = Keys.generate(SignatureAlgorithm.ES256, RANDOM);
    }

    /**
     * Enrolls the device through the gateway's exchange (new device, one-time token, key and CSR,
     * certificate chain in {@code dataDir}): the credentials the standalone broker asks for (ADR 019).
     */
    void enroll(GatewayProcess gateway, String apiKey, Path dataDir) throws Exception {
        Files.createDirectories(dataDir);
        String token = gateway.createDeviceForEnrollment(apiKey, tenant, device);
        Path keyFile = dataDir.resolve("device-key.p8");
        Enroller enroller = new Enroller(dataDir, keyFile, Clock.systemUTC());
        enroller.enroll(new EnrollmentClient(gateway.baseUri(), Optional.empty()), gateway.baseUri(), Optional.empty(), token,
                Optional.of(device), SignatureAlgorithm.ES256);
        key = KeyFiles.load(keyFile);
    }

    /** Starts the agent against {@code mqttUrl} and its feeder (one reading per {@code periodMillis}). */
    void start(Path dataDir, String mqttUrl, byte[] ackKeySpki, long periodMillis) throws IOException {
        start(dataDir, mqttUrl, Optional.empty(), ackKeySpki, periodMillis);
    }

    /**
     * Starts the agent against {@code mqttUrl} ({@code ssl://} with {@code brokerCa} trusted and the
     * enrollment certificate as client certificate) and its feeder.
     */
    void start(Path dataDir, String mqttUrl, Optional<Path> brokerCa, byte[] ackKeySpki, long periodMillis) throws IOException {
        Properties p = new Properties();
        brokerCa.ifPresent(ca -> p.setProperty("mqtt.tls.ca-file", ca.toString()));
        p.setProperty("tenant", tenant);
        p.setProperty("device", device);
        p.setProperty("data.dir", dataDir.toString());
        p.setProperty("gateway.ack-key", Base64.getEncoder().encodeToString(ackKeySpki));
        p.setProperty("mqtt.url", mqttUrl);
        p.setProperty("pack.max-records", "10");
        p.setProperty("pack.max-age-millis", "100");
        p.setProperty("ack.timeout-millis", "3000");
        p.setProperty("reconnect.min-millis", "200");
        p.setProperty("reconnect.max-millis", "2000");
        AgentConfig config = AgentConfig.resolve(p, Map.of());
        agent = EdgeAgent.start(config, key, Keys.publicKeyFromSpki(ackKeySpki),
                metrics -> recorder = new RecordingTransport(new MqttTransport(config,
                        new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2), RANDOM), metrics::recordBackoff),
                        Keys.publicKeyFromSpki(ackKeySpki)), Clock.systemUTC());
        feeding = true;
        feeder = new Thread(() -> feed(periodMillis), "feeder-" + device);
        feeder.setDaemon(true);
        feeder.start();
    }

    private void feed(long periodMillis) {
        Quantity[] quantities = {Quantity.TEMPERATURE, Quantity.HUMIDITY};
        try {
            while (feeding) {
                long i = fed.get();
                agent.submit(new Reading(quantities[(int) (i % 2)], 20 + (i % 30), System.currentTimeMillis()));
                fed.incrementAndGet();
                Thread.sleep(periodMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            feedFailure = e;
        }
    }

    /** Stops the feeder and seals the open pack (durable on return). */
    void stopFeeding() throws Exception {
        feeding = false;
        feeder.join(10_000);
        agent.flush();
        if (feedFailure != null) {
            throw new AssertionError("feeding " + device + " failed", feedFailure);
        }
    }

    EdgeAgent agent() {
        return agent;
    }

    /** Every (device, boot, seq) this device received a verified "stored" acknowledgement for, so far. */
    Set<RecordingTransport.AckedKey> acknowledged() {
        return recorder == null ? Set.of() : recorder.acknowledged();
    }

    long fed() {
        return fed.get();
    }

    @Override
    public void close() throws IOException {
        feeding = false;
        if (agent != null) {
            agent.close();
        }
    }
}
