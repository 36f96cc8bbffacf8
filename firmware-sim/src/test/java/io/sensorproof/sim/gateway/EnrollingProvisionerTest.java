package io.sensorproof.sim.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.agent.enroll.Enroller;
import io.sensorproof.agent.enroll.EnrollmentState;
import io.sensorproof.sim.SimError;
import io.sensorproof.sim.SimException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnrollingProvisionerTest {
    @TempDir
    Path dir;

    @Test
    void aFirstEnrollmentWhoseAnswerWasLostIsRetriedWithItsToken() throws Exception {
        assertThat(EnrollingProvisioner.pendingEnrollmentToken(dir)).isEmpty();
        Files.writeString(dir.resolve(Enroller.PENDING_FILE), "kind=ENROLL\ntoken=et1.abc.def\ncsr=x\n");
        assertThat(EnrollingProvisioner.pendingEnrollmentToken(dir)).contains("et1.abc.def");
        // a pending renewal's token is a renewal token, not the device's first one
        Files.writeString(dir.resolve(Enroller.PENDING_FILE), "kind=RENEW\ntoken=et1.abc.def\ncsr=x\n");
        assertThat(EnrollingProvisioner.pendingEnrollmentToken(dir)).isEmpty();
    }

    @Test
    void aDataDirectoryEnrolledAsAnotherDeviceIsRefusedBeforeAnyCall() throws Exception {
        new EnrollmentState("http://127.0.0.1:9", null, "sim", "room-1", "00".repeat(16), Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-04-01T00:00:00Z"), "ab".repeat(32), "AAAA", "et1.x").store(dir);
        // port 9 (discard): a call to the gateway would fail with GATEWAY_API, not with this
        EnrollingProvisioner provisioner = new EnrollingProvisioner(new GatewayClient(URI.create("http://127.0.0.1:9"), "spk_unused"));
        assertThatThrownBy(() -> provisioner.provision("sim", "room-2", dir)).isInstanceOfSatisfying(SimException.class, e -> {
            assertThat(e.code()).isEqualTo(SimError.PROVISIONING_FAILED);
            assertThat(e.getMessage()).contains("holds the enrollment of sim/room-1, not of sim/room-2");
        });
    }
}
