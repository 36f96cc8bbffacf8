package io.sensorproof.agent.enroll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnrollerTest {
    @TempDir
    Path dir;

    @Test
    void renewalIsDueWhenLessThanAThirdOfTheLifetimeRemains() {
        Instant notBefore = Instant.parse("2026-01-01T00:00:00Z");
        Instant notAfter = notBefore.plus(Duration.ofDays(90));
        assertThat(Enroller.renewalDue(notBefore, notAfter, notBefore.plus(Duration.ofDays(59)))).isFalse();
        assertThat(Enroller.renewalDue(notBefore, notAfter, notBefore.plus(Duration.ofDays(60)))).isFalse();
        assertThat(Enroller.renewalDue(notBefore, notAfter, notBefore.plus(Duration.ofDays(60)).plusSeconds(1))).isTrue();
        assertThat(Enroller.renewalDue(notBefore, notAfter, notAfter.plusSeconds(1))).isTrue();
    }

    @Test
    void stateRoundTripsWithOwnerOnlyModeAndIsRefusedWhenExposed() throws IOException {
        EnrollmentState state = new EnrollmentState("https://gw:8443", null, "acme", "cold-room-7", "00".repeat(16),
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-04-01T00:00:00Z"), "ab".repeat(32), "AAAA", "et1.x");
        state.store(dir);
        assertThat(EnrollmentState.load(dir)).contains(state);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(EnrollmentState.FILE)))).isEqualTo("rw-------");
        assertThat(state.toString()).doesNotContain("et1.x");
        Files.setPosixFilePermissions(dir.resolve(EnrollmentState.FILE), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> EnrollmentState.load(dir)).hasMessageContaining("chmod 600");
    }

    @Test
    void renewalWithoutEnrollmentSaysSo() {
        Enroller enroller = new Enroller(dir, dir.resolve("device-key.p8"), Clock.systemUTC());
        assertThatThrownBy(() -> enroller.renew(null)).hasMessageContaining("not enrolled");
    }

    @Test
    void plainHttpOnlyToLoopback() throws IOException {
        new EnrollmentClient(URI.create("http://localhost:8080"), Optional.empty());
        new EnrollmentClient(URI.create("http://127.0.0.1:8080/"), Optional.empty());
        new EnrollmentClient(URI.create("http://[::1]:8080"), Optional.empty());
        new EnrollmentClient(URI.create("https://gateway.example:8443"), Optional.empty());
        assertThatThrownBy(() -> new EnrollmentClient(URI.create("http://gateway.example:8080"), Optional.empty()))
                .hasMessageContaining("https://");
        assertThatThrownBy(() -> new EnrollmentClient(URI.create("http://10.0.0.1:8080"), Optional.empty()))
                .hasMessageContaining("https://");
        assertThatThrownBy(() -> new EnrollmentClient(URI.create("ftp://localhost"), Optional.empty())).isInstanceOf(IOException.class);
    }

    @Test
    void responseWithoutChainIsRefused() {
        assertThatThrownBy(() -> EnrollmentClient.parse(new ObjectMapper().readTree("{\"tenantId\":\"a\"}")))
                .hasMessageContaining("certificateChain");
    }
}
