package io.sensorproof.gateway.enroll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.gateway.enroll.CaKeyStore.CaEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaKeyStoreTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] PASSWORD = "correct horse".toCharArray();

    @TempDir
    Path dir;

    @Test
    void createsAnOwnerOnlyKeyStoreWhoseCaIsASelfSignedP256Ca() throws Exception {
        Path file = dir.resolve("ca.p12");
        CaEntry created = CaKeyStore.addGeneration(file, PASSWORD, Instant.now(), Duration.ofDays(3650), RANDOM);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        List<CaEntry> loaded = CaKeyStore.load(file, PASSWORD);
        assertThat(loaded).hasSize(1);
        CaEntry ca = loaded.get(0);
        assertThat(ca.fingerprintHex()).isEqualTo(created.fingerprintHex()).hasSize(64);
        assertThat(ca.certificate().getBasicConstraints()).isEqualTo(0);
        assertThat(ca.certificate().getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(ca.certificate().getKeyUsage()[5]).as("keyCertSign").isTrue();
        ca.certificate().verify(ca.certificate().getPublicKey());
        assertThat(ca.key().getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void refusesAKeyStoreReadableByGroupOrOthers() throws Exception {
        Path file = dir.resolve("ca.p12");
        CaKeyStore.addGeneration(file, PASSWORD, Instant.now(), Duration.ofDays(10), RANDOM);
        for (String mode : new String[] {"rw-r-----", "rw----r--", "rw--w----"}) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            assertThatThrownBy(() -> CaKeyStore.load(file, PASSWORD)).isInstanceOf(CaStoreException.class)
                    .hasMessageContaining("group or others can access it").hasMessageContaining("chmod 600");
        }
    }

    @Test
    void refusesAWrongPassword() throws Exception {
        Path file = dir.resolve("ca.p12");
        CaKeyStore.addGeneration(file, PASSWORD, Instant.now(), Duration.ofDays(10), RANDOM);
        assertThatThrownBy(() -> CaKeyStore.load(file, "wrong".toCharArray())).isInstanceOf(CaStoreException.class)
                .hasMessageContaining("wrong password");
    }

    @Test
    void passwordFileMustBeOwnerOnlyAndNotEmpty() throws Exception {
        Path file = dir.resolve("ca.password");
        char[] created = CaKeyStore.createPasswordFile(file, RANDOM);
        assertThat(CaKeyStore.readPasswordFile(file)).isEqualTo(created);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> CaKeyStore.readPasswordFile(file)).isInstanceOf(CaStoreException.class)
                .hasMessageContaining("password file");
        Path empty = dir.resolve("empty");
        Files.createFile(empty, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        assertThatThrownBy(() -> CaKeyStore.readPasswordFile(empty)).hasMessageContaining("empty");
    }

    @Test
    void aRotationAddsAGenerationThatBecomesCurrentWhileTheOldStaysTrustedForTheWindow() throws Exception {
        Path file = dir.resolve("ca.p12");
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        CaEntry first = CaKeyStore.addGeneration(file, PASSWORD, t0, Duration.ofDays(3650), RANDOM);
        Instant rotation = t0.plus(Duration.ofDays(400));
        CaEntry second = CaKeyStore.addGeneration(file, PASSWORD, rotation, Duration.ofDays(3650), RANDOM);

        CaGenerations generations = new CaGenerations(CaKeyStore.load(file, PASSWORD), Duration.ofDays(90));
        assertThat(generations.current().fingerprintHex()).isEqualTo(second.fingerprintHex());
        assertThat(generations.trusted(rotation.plus(Duration.ofDays(1))).stream().map(CaEntry::fingerprintHex))
                .containsExactly(second.fingerprintHex(), first.fingerprintHex());
        assertThat(generations.trustedUntil(first.fingerprintHex())).contains(rotation.plus(Duration.ofDays(90)));
        assertThat(generations.trustedByFingerprint(first.fingerprintHex(), rotation.plus(Duration.ofDays(89)))).isPresent();
        assertThat(generations.trusted(rotation.plus(Duration.ofDays(90))).stream().map(CaEntry::fingerprintHex))
                .containsExactly(second.fingerprintHex());
        assertThat(generations.trustedByFingerprint(first.fingerprintHex(), rotation.plus(Duration.ofDays(91)))).isEmpty();
    }
}
