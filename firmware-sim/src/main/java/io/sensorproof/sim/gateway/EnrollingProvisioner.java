package io.sensorproof.sim.gateway;

import io.sensorproof.agent.enroll.Enroller;
import io.sensorproof.agent.enroll.EnrollmentClient;
import io.sensorproof.agent.enroll.EnrollmentRefusedException;
import io.sensorproof.agent.enroll.EnrollmentState;
import io.sensorproof.agent.keys.KeyFiles;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.sim.SimError;
import io.sensorproof.sim.SimException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import java.util.Properties;

/**
 * Provisioning by enrollment (protocol §6), split as in a factory: the operator side creates the
 * device without a key ({@code POST /api/v1/tenants/{t}/devices}, whose answer carries a one-time
 * token), and the device side is the edge agent's own {@link Enroller}: it generates the device key
 * in the data directory, sends its CSR with the token to {@code POST /api/v1/enroll}, checks the
 * chain against the CA the token pins, and stores the certificate chain, the acknowledgement key
 * and the renewal token there ({@code enrollment.properties}, {@code device-cert.pem}), exactly as
 * {@code edge-agent enroll} does. A device already enrolled in this data directory (a rerun with
 * the same work directory) keeps its certificate, renewed if due; a request whose answer was lost
 * is retried with the same token and CSR.
 */
public final class EnrollingProvisioner implements DeviceProvisioner {
    private static final int BUSY_RETRIES = 20;

    private final GatewayClient gateway;
    private final SignatureAlgorithm alg;

    public EnrollingProvisioner(GatewayClient gateway) {
        this(gateway, SignatureAlgorithm.ES256);
    }

    /**
     * @param alg the algorithm of the keys the devices generate
     */
    public EnrollingProvisioner(GatewayClient gateway, SignatureAlgorithm alg) {
        this.gateway = gateway;
        this.alg = alg;
    }

    @Override
    public void prepareTenant(String tenant) {
        gateway.ensureTenant(tenant, "Simulated " + tenant);
    }

    @Override
    public Provisioned provision(String tenant, String deviceId, Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path keyFile = dataDir.resolve(KEY_FILE);
        Enroller enroller = new Enroller(dataDir, keyFile, Clock.systemUTC());
        try {
            Optional<EnrollmentState> enrolled = enroller.state();
            if (enrolled.isPresent()) {
                EnrollmentState state = enrolled.get();
                if (!state.tenant().equals(tenant) || !state.device().equals(deviceId)) {
                    throw new SimException(SimError.PROVISIONING_FAILED, dataDir + " holds the enrollment of " + state.tenant() + "/"
                            + state.device() + ", not of " + tenant + "/" + deviceId);
                }
                Optional<Enroller.Result> renewed = withRetries(() -> enroller.renewIfDue(client()));
                EnrollmentState current = renewed.map(Enroller.Result::state).orElse(state);
                return new Provisioned(KeyFiles.load(keyFile), Base64.getDecoder().decode(current.ackKey()),
                        renewed.map(Enroller.Result::certificate));
            }
            String token = pendingEnrollmentToken(dataDir).orElseGet(() -> gateway.createDeviceForEnrollment(tenant, deviceId));
            Enroller.Result result = withRetries(() -> enroller.enroll(client(), gateway.base(), Optional.empty(), token,
                    Optional.of(deviceId), alg));
            return new Provisioned(KeyFiles.load(keyFile), Base64.getDecoder().decode(result.state().ackKey()),
                    Optional.of(result.certificate()));
        } catch (EnrollmentRefusedException e) {
            throw new SimException(SimError.PROVISIONING_FAILED, deviceId + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SimException(SimError.PROVISIONING_FAILED, "enrollment of " + deviceId + " interrupted", e);
        }
    }

    private EnrollmentClient client() throws IOException {
        return new EnrollmentClient(gateway.base(), Optional.empty());
    }

    /** An exchange of the enroller, again after a pause while the gateway answers 503 ENROLLMENT_BUSY. */
    private static <T> T withRetries(Exchange<T> exchange) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return exchange.run();
            } catch (EnrollmentRefusedException e) {
                if (e.status() != 503 || attempt >= BUSY_RETRIES) {
                    throw e;
                }
                // the enroller kept the request: the retry sends the same token and CSR
                Thread.sleep(Math.min(2000, 50L * attempt));
            }
        }
    }

    /** The token of a first enrollment sent earlier whose answer never came (the device exists since, its token is this one). */
    static Optional<String> pendingEnrollmentToken(Path dataDir) throws IOException {
        Path file = dataDir.resolve(Enroller.PENDING_FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties pending = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            pending.load(r);
        }
        return Enroller.Kind.ENROLL.name().equals(pending.getProperty("kind")) ? Optional.ofNullable(pending.getProperty("token"))
                : Optional.empty();
    }

    @FunctionalInterface
    private interface Exchange<T> {
        T run() throws IOException, InterruptedException;
    }
}
