package io.sensorproof.agent.enroll;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps an enrolled agent's certificate fresh while it runs: checks once at start and then every
 * interval, and renews (same key, renewal token) when less than a third of the lifetime remains. A
 * failed renewal is reported and retried at the next check; the agent keeps running meanwhile.
 */
public final class CertificateRenewer implements AutoCloseable {
    private final Enroller enroller;
    private final Consumer<String> log;
    private final ScheduledExecutorService timer;

    private CertificateRenewer(Enroller enroller, Consumer<String> log) {
        this.enroller = enroller;
        this.log = log;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "certificate-renewal");
            t.setDaemon(true);
            return t;
        });
    }

    /** Checks now, then every {@code interval}; {@code log} receives one line per renewal or failure. */
    public static CertificateRenewer start(Enroller enroller, Duration interval, Consumer<String> log) {
        Objects.requireNonNull(interval, "interval");
        CertificateRenewer renewer = new CertificateRenewer(enroller, log);
        renewer.checkNow();
        renewer.timer.scheduleWithFixedDelay(renewer::checkNow, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return renewer;
    }

    /** One check; returns the renewal, if one happened. */
    public Optional<Enroller.Result> checkNow() {
        try {
            Optional<EnrollmentState> state = enroller.state();
            if (state.isEmpty()) {
                return Optional.empty();
            }
            EnrollmentClient client = new EnrollmentClient(URI.create(state.get().gatewayUrl()),
                    Optional.ofNullable(state.get().caFile()).map(Path::of));
            Optional<Enroller.Result> renewed = enroller.renewIfDue(client);
            renewed.ifPresent(r -> log.accept("certificate renewed until " + r.state().notAfter()));
            return renewed;
        } catch (IOException | RuntimeException e) {
            log.accept("certificate renewal failed (retried at the next check): " + e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
