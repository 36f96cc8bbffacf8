package io.sensorproof.protocol.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.protocol.TestKeys;
import io.sensorproof.protocol.cbor.CborLimits;
import io.sensorproof.protocol.cose.CoseSign1;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.message.ReadingMessages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * COSE_Sign1 interop with independent implementations from npm, {@code cose-kit} (ES256,
 * EdDSA), {@code cose-js} (ES256) and, for ML-DSA-44/65, {@code @noble/post-quantum} with the COSE
 * layer written on {@code cbor-x} in the script, pinned in the root {@code package.json} and installed by
 * {@code npm ci}: our messages verify there (and fail there when tampered), and theirs verify in
 * our COSE layer. This test fails, rather than skips, when Node or the packages are missing.
 */
class CoseInteropIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    static Path dir;
    private static final List<String> javaIds = new ArrayList<>();
    private static JsonNode nodeVerified;
    private static JsonNode nodeSigned;

    @BeforeAll
    static void runNode() throws Exception {
        ArrayNode messages = JSON.createArrayNode();
        for (SignatureAlgorithm alg : List.of(SignatureAlgorithm.ES256, SignatureAlgorithm.EDDSA,
                SignatureAlgorithm.ML_DSA_44, SignatureAlgorithm.ML_DSA_65)) {
            SigningKey key = TestKeys.key(alg);
            for (int records : new int[] {1, 10}) {
                String id = alg.label() + "-" + records;
                byte[] message = ReadingMessages.sign(TestKeys.samplePack(records), 1, records, 1_764_000_000_000L, key);
                add(messages, id, alg, key.verificationKey(), message);
            }
        }
        for (String vector : List.of("message-es256-1.json", "message-es256-3.json", "message-eddsa-1.json", "message-eddsa-3.json",
                "message-ml-dsa-44-3.json", "message-ml-dsa-65-3.json")) {
            JsonNode v = JSON.readTree(CoseInteropIT.class.getResourceAsStream("/vectors/" + vector));
            VerificationKey key = Keys.publicKeyFromSpki(HEX.parseHex(v.get("spki").asText()));
            add(messages, "vector-" + vector, key.algorithm(), key, HEX.parseHex(v.get("message").asText()));
        }
        JSON.writeValue(dir.resolve("java-signed.json").toFile(), messages);

        Path root = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();
        Path script = root.resolve("protocol/src/test/node/cose-interop.mjs");
        Process node = new ProcessBuilder("node", script.toString(), dir.toString())
                .directory(root.toFile()).redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(120, TimeUnit.SECONDS)).as("node finished").isTrue();
        assertThat(node.exitValue()).as("node output:\n%s", output).isZero();
        nodeVerified = JSON.readTree(dir.resolve("node-verified.json").toFile());
        nodeSigned = JSON.readTree(dir.resolve("node-signed.json").toFile());
    }

    private static void add(ArrayNode messages, String id, SignatureAlgorithm alg, VerificationKey key, byte[] message) throws IOException {
        ObjectNode m = messages.addObject();
        m.put("id", id);
        m.put("alg", alg.label());
        if (alg.isPostQuantum()) {
            m.put("publicKeyHex", HEX.formatHex(SubjectPublicKeyInfo.getInstance(key.spki()).getPublicKeyData().getOctets()));
        } else {
            m.set("jwk", jwk(key));
        }
        m.put("messageHex", HEX.formatHex(message));
        m.put("payloadHex", HEX.formatHex(CoseSign1.decode(message, CborLimits.MESSAGE).payload()));
        javaIds.add(id);
    }

    private static ObjectNode jwk(VerificationKey key) throws IOException {
        byte[] point = SubjectPublicKeyInfo.getInstance(key.spki()).getPublicKeyData().getOctets();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        ObjectNode jwk = JSON.createObjectNode();
        if (key.algorithm() == SignatureAlgorithm.EDDSA) {
            jwk.put("kty", "OKP").put("crv", "Ed25519").put("x", b64.encodeToString(point));
        } else {
            jwk.put("kty", "EC").put("crv", "P-256")
                    .put("x", b64.encodeToString(Arrays.copyOfRange(point, 1, 33)))
                    .put("y", b64.encodeToString(Arrays.copyOfRange(point, 33, 65)));
        }
        return jwk;
    }

    @Test
    void javaMessagesVerifyWithCoseKitAndCoseJsAndTheirPayloadsMatch() throws IOException {
        JsonNode input = JSON.readTree(dir.resolve("java-signed.json").toFile());
        int coseJsChecks = 0;
        int nobleChecks = 0;
        for (JsonNode result : nodeVerified) {
            if (result.get("tampered").asBoolean()) {
                continue;
            }
            assertThat(result.get("isValid").asBoolean()).as("%s with %s: %s", result.get("id"), result.get("library"), result).isTrue();
            String expected = find(input, result.get("id").asText()).get("payloadHex").asText();
            assertThat(result.get("payloadHex").asText()).isEqualTo(expected);
            coseJsChecks += "cose-js".equals(result.get("library").asText()) ? 1 : 0;
            nobleChecks += "@noble/post-quantum".equals(result.get("library").asText()) ? 1 : 0;
        }
        assertThat(coseJsChecks).as("ES256 messages checked by cose-js").isEqualTo(4);
        assertThat(nobleChecks).as("ML-DSA messages checked by @noble/post-quantum").isEqualTo(6);
        assertThat(nodeVerified.size()).isEqualTo(2 * (javaIds.size() + coseJsChecks));
    }

    @Test
    void tamperedJavaMessagesFailInBothLibraries() {
        for (JsonNode result : nodeVerified) {
            if (result.get("tampered").asBoolean()) {
                assertThat(result.get("isValid").asBoolean()).as("tampered %s with %s", result.get("id"), result.get("library")).isFalse();
            }
        }
    }

    @Test
    void nodeMessagesVerifyInJavaAndFailWhenTampered() {
        assertThat(nodeSigned).hasSize(5);
        assertThat(nodeSigned.findValuesAsText("alg")).contains("ML-DSA-44", "ML-DSA-65");
        for (JsonNode m : nodeSigned) {
            VerificationKey key = Keys.publicKeyFromSpki(HEX.parseHex(m.get("spkiHex").asText()));
            byte[] bytes = HEX.parseHex(m.get("messageHex").asText());
            CoseSign1 cose = CoseSign1.decode(bytes, CborLimits.MESSAGE);
            cose.verify(key);
            assertThat(cose.algorithm().label()).isEqualTo(m.get("alg").asText());
            assertThat(HEX.formatHex(cose.payload())).isEqualTo(m.get("payloadHex").asText());

            byte[] tampered = bytes.clone();
            tampered[tampered.length - 1] ^= 0x01;
            CoseSign1 bad = CoseSign1.decode(tampered, CborLimits.MESSAGE);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> bad.verify(key))
                    .isInstanceOfSatisfying(io.sensorproof.protocol.ProtocolException.class,
                            e -> assertThat(e.code()).isEqualTo(io.sensorproof.protocol.ErrorCode.BAD_SIGNATURE));
        }
    }

    private static JsonNode find(JsonNode array, String id) {
        for (JsonNode n : array) {
            if (id.equals(n.get("id").asText())) {
                return n;
            }
        }
        throw new AssertionError("no message " + id);
    }
}
