package io.sensorproof.gateway.standalone;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sensorproof.broker.BrokerCredentials;
import io.sensorproof.gateway.GatewaySettings;
import io.sensorproof.gateway.enroll.DeviceCertificateAuthority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Keeps the embedded broker's device trust store equal to the device CAs the gateway trusts
 * (current generation plus those in their rotation window, ADR 010), so that the broker's TLS
 * listener accepts exactly the devices the gateway enrolled (ADR 019). Written at start (the CA may
 * have just been created, after the broker started) and checked every {@value #CHECK_SECONDS} s for
 * a rotation or a replaced CA file; HiveMQ reloads a changed trust store within 10 s. Does nothing
 * unless the launcher started the embedded broker (its {@code broker/auth/} folder exists).
 */
@ApplicationScoped
public class EmbeddedBrokerTrust {
    private static final Logger LOG = Logger.getLogger(EmbeddedBrokerTrust.class);
    static final long CHECK_SECONDS = 10;

    @Inject
    GatewaySettings settings;

    @Inject
    DeviceCertificateAuthority ca;

    private ScheduledExecutorService timer;
    private Path trustStore;

    void start(@Observes StartupEvent event) {
        Path auth = StandaloneBroker.brokerDirectory(Path.of(settings.dataDir())).resolve("auth");
        if (!Files.isDirectory(auth)) {
            return;
        }
        trustStore = new BrokerCredentials(auth).deviceTrustStore();
        publish();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "broker-device-trust");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::publishQuietly, CHECK_SECONDS, CHECK_SECONDS, TimeUnit.SECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** Writes the trust store when the trusted CAs changed; true when it wrote. */
    boolean publish() {
        try {
            boolean written = BrokerCredentials.writeDeviceTrust(trustStore, ca.trustedCaCertificates());
            if (written) {
                LOG.infof("embedded broker trusts the device CA (%d certificate(s)) in %s", ca.trustedCaCertificates().size(), trustStore);
            }
            return written;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the embedded broker's device trust store " + trustStore + ": " + e.getMessage(), e);
        }
    }

    private void publishQuietly() {
        try {
            publish();
        } catch (RuntimeException e) {
            LOG.warnf("embedded broker device trust not updated (retried in %d s): %s", CHECK_SECONDS, e.getMessage());
        }
    }
}
