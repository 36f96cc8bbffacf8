package io.sensorproof.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.ack.Acknowledgement;
import io.sensorproof.protocol.ack.AcknowledgementCodec;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The acknowledgement key file: created with the configured algorithm (ML-DSA included), kept as it is afterwards. */
class AckKeyFileTest {
    @TempDir
    Path dir;

    @Test
    void createsAnMlDsaKeyWhenConfiguredAndKeepsItAcrossRestarts() throws Exception {
        Path file = dir.resolve("keys/gateway-ack-key.p8");
        SigningKey created = AckKeyFile.loadOrCreate(file, AckKeyFile.algorithm("ML-DSA-65"));
        assertThat(created.algorithm()).isEqualTo(SignatureAlgorithm.ML_DSA_65);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        SigningKey again = AckKeyFile.loadOrCreate(file, SignatureAlgorithm.ES256);
        assertThat(again.verificationKey()).as("an existing file keeps its key whatever the setting").isEqualTo(created.verificationKey());
    }

    @Test
    void defaultAlgorithmIsEs256AndUnknownNamesAreRefused() {
        assertThat(AckKeyFile.algorithm("ES256")).isEqualTo(SignatureAlgorithm.ES256);
        assertThat(AckKeyFile.algorithm("ml-dsa-44")).isEqualTo(SignatureAlgorithm.ML_DSA_44);
        assertThatThrownBy(() -> AckKeyFile.algorithm("ML-DSA-87")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sensorproof.ack-key.alg");
    }

    @Test
    void acknowledgementsSignedWithAnMlDsaKeyVerifyWithItsPublicKeyOnly() throws Exception {
        SigningKey key = AckKeyFile.loadOrCreate(dir.resolve("ack.p8"), SignatureAlgorithm.ML_DSA_44);
        SigningKey other = AckKeyFile.loadOrCreate(dir.resolve("other.p8"), SignatureAlgorithm.ML_DSA_44);
        byte[] ack = AcknowledgementCodec.sign(Acknowledgement.stored("pq-room-1", 1_764_000_000_000L, 3, 7), key);
        assertThat(AcknowledgementCodec.verify(ack, key.verificationKey()).isStored(3, 7)).isTrue();
        assertThatThrownBy(() -> AcknowledgementCodec.verify(ack, other.verificationKey()))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_KEY));
    }
}
