package io.sensorproof.agent.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.agent.outbox.PowerCutFileIo;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.enroll.Pem;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class KeyFilesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void generatesAKeyOnlyTheOwnerCanReadAndLoadsIt(SignatureAlgorithm alg) throws IOException {
        Path file = dir.resolve("k.p8");
        SigningKey key = KeyFiles.generate(file, alg);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(KeyFiles.load(file).verificationKey()).isEqualTo(key.verificationKey());
        assertThat(key.toString()).doesNotContain(Base64.getEncoder().encodeToString(Files.readAllBytes(file)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-r-----", "rw----r--", "rw-rw----", "rw-----w-"})
    void refusesAKeyOthersCanAccess(String permissions) throws IOException {
        Path file = dir.resolve("k.p8");
        KeyFiles.generate(file, SignatureAlgorithm.ES256);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        assertThatThrownBy(() -> KeyFiles.load(file)).isInstanceOf(IOException.class).hasMessageContaining("accessible to others");
    }

    @Test
    void neverOverwritesAnExistingKey() throws IOException {
        Path file = dir.resolve("k.p8");
        KeyFiles.generate(file, SignatureAlgorithm.ES256);
        assertThatThrownBy(() -> KeyFiles.generate(file, SignatureAlgorithm.ES256)).isInstanceOf(FileAlreadyExistsException.class);
    }

    @Test
    void readsPublicKeysAsBase64DerOrPemFiles() throws IOException {
        SigningKey key = KeyFiles.generate(dir.resolve("k.p8"), SignatureAlgorithm.EDDSA);
        byte[] spki = key.verificationKey().spki();
        assertThat(KeyFiles.readPublicKey(Base64.getEncoder().encodeToString(spki))).isEqualTo(key.verificationKey());
        Path der = Files.write(dir.resolve("pub.der"), spki);
        assertThat(KeyFiles.readPublicKey(der.toString())).isEqualTo(key.verificationKey());
        Path pem = Files.writeString(dir.resolve("pub.pem"), Pem.encode("PUBLIC KEY", spki));
        assertThat(KeyFiles.readPublicKey(pem.toString())).isEqualTo(key.verificationKey());
        assertThatThrownBy(() -> KeyFiles.readPublicKey("not a key")).isInstanceOf(IOException.class);
    }

    /** Issue 17 item 5: the key is forced before its rename and the directory after it. */
    @Test
    void aKeyGeneratedBeforeAPowerCutIsStillThereAfterIt() throws IOException {
        PowerCutFileIo io = new PowerCutFileIo(dir);
        Path file = dir.resolve("agent-data/device-key.p8");
        SigningKey key = KeyFiles.generate(file, SignatureAlgorithm.ES256, io);
        assertThat(io.fileForces()).as("the key's bytes were forced").isEqualTo(1);
        assertThat(io.directoryForces()).as("its directory entry was forced").isEqualTo(1);
        io.powerCut();
        assertThat(KeyFiles.load(file).verificationKey()).isEqualTo(key.verificationKey());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void theSimulatedPowerCutLosesAKeyWhoseBytesWereNeverForced() throws IOException {
        PowerCutFileIo io = new PowerCutFileIo(dir).ignoreFileForces();
        Path file = dir.resolve("agent-data/device-key.p8");
        KeyFiles.generate(file, SignatureAlgorithm.ES256, io);
        io.powerCut();
        assertThatThrownBy(() -> KeyFiles.load(file)).isInstanceOf(IOException.class);
    }
}
