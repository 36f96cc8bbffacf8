package io.sensorproof.sim.fleet;

import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.agent.enroll.Enroller;
import io.sensorproof.agent.enroll.EnrollmentClient;
import io.sensorproof.agent.enroll.EnrollmentState;
import io.sensorproof.agent.keys.KeyFiles;
import io.sensorproof.agent.outbox.FileIo;
import io.sensorproof.agent.runtime.AgentRuntime;
import io.sensorproof.protocol.retry.Backoff;
import io.sensorproof.agent.transport.MqttTransport;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.sim.gateway.DeviceProvisioner;
import io.sensorproof.sim.scenario.AgentSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/** Starts real edge agents for simulated devices: one data directory, key and outbox each. */
public final class Agents {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Agents() {
    }

    /** The device key in {@code dataDir/device-key.p8}, where its provisioning put it (a re-key replaces it). */
    public static SigningKey deviceKey(Path dataDir) throws IOException {
        return KeyFiles.load(dataDir.resolve(DeviceProvisioner.KEY_FILE));
    }

    /**
     * A re-key done.
     *
     * @param at when (wall time)
     * @param oldKid hex kid of the replaced key
     * @param newKid hex kid of the new key
     * @param notAfter end of the new certificate
     */
    public record Rekeyed(Instant at, String oldKid, String newKid, Instant notAfter) {
    }

    /**
     * Replaces the device key in {@code dataDir} through the edge agent's {@link Enroller#rekey}
     * (new key, its CSR sent with the stored renewal token, the old key moved to
     * {@code retired-keys/}); the agent must not be running.
     */
    public static Rekeyed rekey(Path dataDir) throws IOException, InterruptedException {
        Enroller enroller = new Enroller(dataDir, dataDir.resolve(DeviceProvisioner.KEY_FILE), Clock.systemUTC());
        EnrollmentState state = enroller.state().orElseThrow(() -> new IOException(
                "not enrolled (" + dataDir + " holds no enrollment state): a re-key needs --provisioning enroll"));
        String oldKid = deviceKey(dataDir).verificationKey().kidHex();
        EnrollmentClient client = new EnrollmentClient(URI.create(state.gatewayUrl()), Optional.ofNullable(state.caFile()).map(Path::of));
        Enroller.Result result = enroller.rekey(client, SignatureAlgorithm.ES256);
        return new Rekeyed(Instant.now(), oldKid, result.state().kid(), result.state().notAfter());
    }

    /** The agent configuration of a simulated device. */
    public static AgentConfig config(String tenant, String device, Path dataDir, String mqttUrl, Optional<Path> mqttCaFile, byte[] ackKeySpki,
            AgentSettings s) {
        Properties p = new Properties();
        mqttCaFile.ifPresent(ca -> p.setProperty("mqtt.tls.ca-file", ca.toString()));
        p.setProperty("tenant", tenant);
        p.setProperty("device", device);
        p.setProperty("data.dir", dataDir.toString());
        p.setProperty("gateway.ack-key", Base64.getEncoder().encodeToString(ackKeySpki));
        p.setProperty("mqtt.url", mqttUrl);
        p.setProperty("pack.max-records", Integer.toString(s.packMaxRecords()));
        p.setProperty("pack.max-age-millis", Long.toString(s.packMaxAgeMillis()));
        p.setProperty("ack.timeout-millis", Long.toString(s.ackTimeoutMillis()));
        p.setProperty("status.interval-seconds", Long.toString(s.statusIntervalSeconds()));
        p.setProperty("reconnect.min-millis", "200");
        p.setProperty("reconnect.max-millis", "2000");
        p.setProperty("outbox.capacity-bytes", Long.toString(32L << 20));
        return AgentConfig.resolve(p, Map.of());
    }

    /** Starts an agent whose device clock is {@code clock}. */
    public static EdgeAgent start(AgentConfig config, SigningKey key, byte[] ackKeySpki, Clock clock) throws IOException {
        return start(config, key, ackKeySpki, clock, FileIo.SYSTEM);
    }

    /**
     * Starts an agent whose outbox and boot counter go through {@code outboxIo}: {@link FileIo#SYSTEM}
     * (durable, as on a real device) or, for load runs only, a {@link io.sensorproof.agent.outbox.NonDurableFileIo}.
     */
    public static EdgeAgent start(AgentConfig config, SigningKey key, byte[] ackKeySpki, Clock clock, FileIo outboxIo) throws IOException {
        return start(config, key, ackKeySpki, clock, outboxIo, Optional.empty());
    }

    /**
     * As above; with a {@code runtime}, the agent and its MQTT transport (Paho's threads and timers
     * included) run on the runtime's shared threads instead of about eight threads of their own (ADR 048).
     */
    public static EdgeAgent start(AgentConfig config, SigningKey key, byte[] ackKeySpki, Clock clock, FileIo outboxIo,
            Optional<AgentRuntime> runtime) throws IOException {
        AgentRuntime shared = runtime.orElse(null);
        return EdgeAgent.start(config, key, Keys.publicKeyFromSpki(ackKeySpki),
                metrics -> new MqttTransport(config, new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2), RANDOM), metrics::recordBackoff,
                        shared),
                clock, outboxIo, shared);
    }
}
