package io.sensorproof.protocol.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.TestKeys;
import io.sensorproof.protocol.cbor.CborLimits;
import io.sensorproof.protocol.cbor.StrictCbor;
import io.sensorproof.protocol.cose.CoseSign;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.message.KeyResolver;
import io.sensorproof.protocol.message.ReadingMessage;
import io.sensorproof.protocol.message.ReadingMessages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hybrid messages (COSE_Sign, tag 98, two signatures; protocol.md §2.1, ADR 029) against an
 * independent implementation: {@code protocol/src/test/node/cose-sign-interop.mjs}, which writes the
 * COSE_Sign layer from RFC 9052 on {@code cbor-x}, with {@code @noble/curves} (ES256, Ed25519) and
 * {@code @noble/post-quantum} 0.7.1 (ML-DSA), all pinned in the root {@code package.json}. Both
 * directions: our hybrid messages (fresh keys, hedged ML-DSA, and the two hybrid vectors) verify
 * there with both signatures, and fail there when a byte of either signature is flipped; theirs
 * (fresh keys, their kid derivation) are accepted by {@link ReadingMessages#open} here and refused
 * {@code BAD_SIGNATURE} when flipped. Fails, rather than skips, when Node or the packages are missing.
 */
class CoseSignInteropIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();
    private static final String PAYLOAD_VECTOR = "message-es256-3.json";

    @TempDir
    static Path dir;
    private static final List<String> javaIds = new ArrayList<>();
    private static ArrayNode javaMessages;
    private static JsonNode nodeVerified;
    private static JsonNode nodeSigned;

    @BeforeAll
    static void runNode() throws Exception {
        javaMessages = JSON.createArrayNode();
        add("java-ES256+ML-DSA-65-10", TestKeys.key(SignatureAlgorithm.ES256), TestKeys.key(SignatureAlgorithm.ML_DSA_65), 10);
        add("java-EdDSA+ML-DSA-44-1", TestKeys.key(SignatureAlgorithm.EDDSA), TestKeys.key(SignatureAlgorithm.ML_DSA_44), 1);
        add("java-ES256+ML-DSA-44-3", TestKeys.key(SignatureAlgorithm.ES256), TestKeys.key(SignatureAlgorithm.ML_DSA_44), 3);
        for (String vector : List.of("message-hybrid-es256-ml-dsa-65-3.json", "message-hybrid-eddsa-ml-dsa-44-1.json")) {
            JsonNode v = JSON.readTree(CoseSignInteropIT.class.getResourceAsStream("/vectors/" + vector));
            add("vector-" + vector, Keys.signingKeyFromPkcs8(HEX.parseHex(v.get("classicalPkcs8").asText())).verificationKey(),
                    Keys.signingKeyFromPkcs8(HEX.parseHex(v.get("postQuantumPkcs8").asText())).verificationKey(),
                    HEX.parseHex(v.get("message").asText()));
        }
        JSON.writeValue(dir.resolve("java-hybrid.json").toFile(), javaMessages);

        Path root = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();
        Path script = root.resolve("protocol/src/test/node/cose-sign-interop.mjs");
        Path payloadVector = root.resolve("protocol/src/test/resources/vectors/" + PAYLOAD_VECTOR);
        Process node = new ProcessBuilder("node", script.toString(), dir.toString(), payloadVector.toString())
                .directory(root.toFile()).redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(120, TimeUnit.SECONDS)).as("node finished").isTrue();
        assertThat(node.exitValue()).as("node output:\n%s", output).isZero();
        nodeVerified = JSON.readTree(dir.resolve("node-verified-hybrid.json").toFile());
        nodeSigned = JSON.readTree(dir.resolve("node-signed-hybrid.json").toFile());
    }

    private static void add(String id, SigningKey classical, SigningKey postQuantum, int records) {
        byte[] message = ReadingMessages.signHybrid(TestKeys.samplePack(records), 3, records, 1_764_000_000_000L, classical, postQuantum);
        add(id, classical.verificationKey(), postQuantum.verificationKey(), message);
    }

    private static void add(String id, VerificationKey classical, VerificationKey postQuantum, byte[] message) {
        ObjectNode m = javaMessages.addObject();
        m.put("id", id);
        m.put("classicalAlg", classical.algorithm().label());
        m.put("pqAlg", postQuantum.algorithm().label());
        m.put("classicalPublicKeyHex", HEX.formatHex(rawKey(classical)));
        m.put("pqPublicKeyHex", HEX.formatHex(rawKey(postQuantum)));
        m.put("messageHex", HEX.formatHex(message));
        m.put("payloadHex", HEX.formatHex(CoseSign.fromItem(StrictCbor.decode(message, CborLimits.MESSAGE)).payload()));
        javaIds.add(id);
    }

    /** The key as the BIT STRING of its canonical SPKI: the uncompressed P-256 point, the Ed25519 key, the FIPS 204 key. */
    private static byte[] rawKey(VerificationKey key) {
        return SubjectPublicKeyInfo.getInstance(key.spki()).getPublicKeyData().getOctets();
    }

    private static List<JsonNode> results(String tamper) {
        List<JsonNode> out = new ArrayList<>();
        nodeVerified.forEach(r -> {
            if (tamper.equals(r.get("tamper").asText())) {
                out.add(r);
            }
        });
        return out;
    }

    @Test
    void javaHybridMessagesVerifyInNodeWithBothSignaturesAndTheirKids() {
        List<JsonNode> plain = results("none");
        assertThat(plain).extracting(r -> r.get("id").asText()).containsExactlyElementsOf(javaIds);
        for (JsonNode r : plain) {
            assertThat(r.get("classicalValid").asBoolean()).as("classical signature of %s: %s", r.get("id"), r).isTrue();
            assertThat(r.get("pqValid").asBoolean()).as("ML-DSA signature of %s: %s", r.get("id"), r).isTrue();
            assertThat(r.get("kidsMatch").asBoolean()).as("kids of %s derived by Node: %s", r.get("id"), r).isTrue();
            assertThat(r.get("isValid").asBoolean()).isTrue();
            String expected = find(javaMessages, r.get("id").asText()).get("payloadHex").asText();
            assertThat(r.get("payloadHex").asText()).isEqualTo(expected);
        }
    }

    @Test
    void javaHybridMessagesWithAFlippedByteInEitherSignatureFailInNode() {
        List<JsonNode> pq = results("ml-dsa-signature");
        List<JsonNode> classical = results("classical-signature");
        assertThat(pq).hasSize(javaIds.size());
        assertThat(classical).hasSize(javaIds.size());
        for (JsonNode r : pq) {
            assertThat(r.get("isValid").asBoolean()).as("%s", r).isFalse();
            assertThat(r.get("pqValid").asBoolean()).as("flipped ML-DSA signature %s", r).isFalse();
            assertThat(r.get("classicalValid").asBoolean()).as("untouched classical signature %s", r).isTrue();
        }
        for (JsonNode r : classical) {
            assertThat(r.get("isValid").asBoolean()).as("%s", r).isFalse();
            assertThat(r.get("classicalValid").asBoolean()).as("flipped classical signature %s", r).isFalse();
            assertThat(r.get("pqValid").asBoolean()).as("untouched ML-DSA signature %s", r).isTrue();
        }
    }

    @Test
    void nodeHybridMessagesAreAcceptedByTheJavaDecoder() throws Exception {
        JsonNode vector = JSON.readTree(CoseSignInteropIT.class.getResourceAsStream("/vectors/" + PAYLOAD_VECTOR));
        ReadingMessage reference = ReadingMessages.decode(HEX.parseHex(vector.get("message").asText()));
        assertThat(nodeSigned).hasSize(3);
        assertThat(nodeSigned.findValuesAsText("pqAlg")).contains("ML-DSA-44", "ML-DSA-65");
        assertThat(nodeSigned.findValuesAsText("classicalAlg")).contains("ES256", "EdDSA");
        for (JsonNode m : nodeSigned) {
            VerificationKey classical = Keys.publicKeyFromSpki(HEX.parseHex(m.get("classicalSpkiHex").asText()));
            VerificationKey postQuantum = Keys.publicKeyFromSpki(HEX.parseHex(m.get("pqSpkiHex").asText()));
            assertThat(classical.algorithm().label()).isEqualTo(m.get("classicalAlg").asText());
            assertThat(postQuantum.algorithm().label()).isEqualTo(m.get("pqAlg").asText());
            assertThat(classical.kidHex()).as("kid derivation").isEqualTo(m.get("classicalKidHex").asText());
            assertThat(postQuantum.kidHex()).as("kid derivation").isEqualTo(m.get("pqKidHex").asText());

            ReadingMessage opened = ReadingMessages.open(HEX.parseHex(m.get("messageHex").asText()), resolver(classical, postQuantum));
            assertThat(opened.isVerified()).isTrue();
            assertThat(opened.isHybrid()).isTrue();
            assertThat(opened.header().algorithm()).isEqualTo(classical.algorithm());
            assertThat(opened.postQuantumSigner().orElseThrow().algorithm()).isEqualTo(postQuantum.algorithm());
            assertThat(opened.header().boot()).isEqualTo(m.get("boot").asLong());
            assertThat(opened.header().seq()).isEqualTo(m.get("seq").asLong());
            assertThat(opened.header().deviceTimeMillis()).isEqualTo(m.get("deviceTime").asLong());
            assertThat(opened.pack()).isEqualTo(reference.pack());
        }
    }

    @Test
    void nodeHybridMessagesWithAFlippedByteInEitherSignatureAreRefusedByTheJavaDecoder() {
        for (JsonNode m : nodeSigned) {
            VerificationKey classical = Keys.publicKeyFromSpki(HEX.parseHex(m.get("classicalSpkiHex").asText()));
            VerificationKey postQuantum = Keys.publicKeyFromSpki(HEX.parseHex(m.get("pqSpkiHex").asText()));
            byte[] bytes = HEX.parseHex(m.get("messageHex").asText());

            byte[] pqFlipped = bytes.clone();
            pqFlipped[pqFlipped.length - 1] ^= 0x01;
            assertThatThrownBy(() -> ReadingMessages.open(pqFlipped, resolver(classical, postQuantum)))
                    .isInstanceOfSatisfying(ProtocolException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.BAD_SIGNATURE);
                        assertThat(e.getMessage()).contains("signature 1");
                    });

            byte[] classicalSignature = HEX.parseHex(m.get("classicalSignatureHex").asText());
            int at = indexOf(bytes, classicalSignature);
            assertThat(at).as("classical signature in the message").isPositive();
            byte[] classicalFlipped = bytes.clone();
            classicalFlipped[at + classicalSignature.length - 1] ^= 0x01;
            assertThatThrownBy(() -> ReadingMessages.open(classicalFlipped, resolver(classical, postQuantum)))
                    .isInstanceOfSatisfying(ProtocolException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.BAD_SIGNATURE);
                        assertThat(e.getMessage()).contains("signature 0");
                    });
        }
    }

    private static KeyResolver resolver(VerificationKey... keys) {
        return kid -> Arrays.stream(keys).filter(k -> Arrays.equals(k.kid(), kid)).findFirst().map(Optional::of).orElse(Optional.empty());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
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
