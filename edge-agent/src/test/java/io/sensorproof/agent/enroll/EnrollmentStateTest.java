package io.sensorproof.agent.enroll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.agent.outbox.PowerCutFileIo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The enrollment state holds the one-time renewal token: a power cut must never leave a spent token or an empty file. */
class EnrollmentStateTest {
    @TempDir
    Path dir;

    private static EnrollmentState state(String renewalToken) {
        return new EnrollmentState("https://gateway.example:8443", null, "acme", "cold-room-7", "00ff",
                Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2027-12-01T00:00:00Z"), "ab".repeat(32), "AAAA", renewalToken);
    }

    /** Issue 17 item 5: after a renewal the new token is stored durably (forced file, rename, forced directory). */
    @Test
    void theRenewalTokenStoredBeforeAPowerCutIsTheOneAfterIt() throws IOException {
        state("spent-token").store(dir);
        PowerCutFileIo io = new PowerCutFileIo(dir);
        state("fresh-token").store(dir, io);
        assertThat(io.fileForces()).isEqualTo(1);
        assertThat(io.directoryForces()).isEqualTo(1);
        io.powerCut();
        assertThat(EnrollmentState.load(dir)).hasValueSatisfying(s -> assertThat(s.renewalToken()).isEqualTo("fresh-token"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(EnrollmentState.FILE))))
                .isEqualTo("rw-------");
    }

    @Test
    void theSimulatedPowerCutBreaksAStateWhoseBytesWereNeverForced() throws IOException {
        state("spent-token").store(dir);
        PowerCutFileIo io = new PowerCutFileIo(dir).ignoreFileForces();
        state("fresh-token").store(dir, io);
        io.powerCut();
        assertThatThrownBy(() -> EnrollmentState.load(dir)).as("renamed in place but empty: unreadable").isNotNull();
    }
}
