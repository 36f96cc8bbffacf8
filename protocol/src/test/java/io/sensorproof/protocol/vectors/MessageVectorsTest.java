package io.sensorproof.protocol.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.cbor.CborLimits;
import io.sensorproof.protocol.cose.CoseSign1;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.message.ReadingMessage;
import io.sensorproof.protocol.message.ReadingMessages;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MessageVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    static List<Path> vectors() throws IOException, URISyntaxException {
        Path dir = Path.of(MessageVectorsTest.class.getResource("/vectors").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().startsWith("message-")
                    && !p.getFileName().toString().startsWith("message-hybrid-")).sorted().toList();
            assertThat(found).hasSizeGreaterThanOrEqualTo(6);
            return found;
        }
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void storedMessageVerifiesAndDecodesToTheStatedReadings(Path file) throws IOException {
        MessageVector v = MessageVector.read(file);
        VerificationKey key = Keys.publicKeyFromSpki(HEX.parseHex(v.spki()));
        assertThat(key.kidHex()).isEqualTo(v.kid());
        ReadingMessage message = ReadingMessages.open(HEX.parseHex(v.message()), kid -> Optional.of(key));
        assertThat(message.pack()).isEqualTo(v.pack());
        assertThat(message.header().boot()).isEqualTo(v.boot());
        assertThat(message.header().seq()).isEqualTo(v.seq());
        assertThat(message.header().deviceTimeMillis()).isEqualTo(v.deviceTimeMillis());
        assertThat(HEX.formatHex(CoseSign1.decode(HEX.parseHex(v.message()), CborLimits.MESSAGE).toBeSigned())).isEqualTo(v.toBeSigned());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void deterministicAlgorithmsReproduceTheExactBytes(Path file) throws IOException {
        MessageVector v = MessageVector.read(file);
        SigningKey key = Keys.signingKeyFromPkcs8(HEX.parseHex(v.pkcs8()));
        assertThat(HEX.formatHex(key.verificationKey().spki())).isEqualTo(v.spki());
        byte[] again = ReadingMessages.sign(v.pack(), v.boot(), v.seq(), v.deviceTimeMillis(), key);
        if (v.deterministic()) {
            assertThat(HEX.formatHex(again)).isEqualTo(v.message());
        } else {
            assertThat(HEX.formatHex(CoseSign1.decode(again, CborLimits.MESSAGE).toBeSigned())).isEqualTo(v.toBeSigned());
        }
    }
}
