package io.sensorproof.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.agent.keys.KeyFiles;
import io.sensorproof.protocol.cose.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code edge-agent emit} output verifies with cose-kit from npm, and fails there when tampered. */
class EmitInteropIT {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"ES256", "EdDSA"})
    void emittedMessageVerifiesWithCoseKit(String alg) throws Exception {
        Path keyFile = dir.resolve(alg + ".p8");
        AgentCliTest.run("keygen", "--key-file", keyFile.toString(), "--alg", alg);
        SigningKey key = KeyFiles.load(keyFile);
        String hex = AgentCliTest.run("emit", "--key-file", keyFile.toString(), "--device", "cold-room-7", "--boot", "3",
                "temperature=4.25@1764000000", "co2e-register=125@1764000001").trim();
        String spki = HexFormat.of().formatHex(key.verificationKey().spki());

        JsonNode valid = coseKit(spki, hex);
        assertThat(valid.get("isValid").asBoolean()).as("cose-kit verdict %s", valid).isTrue();

        byte[] tampered = HexFormat.of().parseHex(hex);
        tampered[tampered.length - 2] ^= 0x04;
        assertThat(coseKit(spki, HexFormat.of().formatHex(tampered)).get("isValid").asBoolean()).isFalse();
    }

    private static JsonNode coseKit(String spkiHex, String messageHex) throws Exception {
        Path root = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();
        Process node = new ProcessBuilder("node", root.resolve("edge-agent/src/test/node/verify-cose.mjs").toString(), spkiHex, messageHex)
                .directory(root.toFile()).redirectErrorStream(true).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).as("node output: %s", out).isZero();
        return new ObjectMapper().readTree(out);
    }
}
