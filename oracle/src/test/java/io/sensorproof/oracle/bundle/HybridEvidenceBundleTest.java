package io.sensorproof.oracle.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.authlete.cbor.CBORItem;
import com.authlete.cbor.CBORItemList;
import com.authlete.cbor.CBORTaggedItem;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.protocol.cbor.CborLimits;
import io.sensorproof.protocol.cbor.StrictCbor;
import io.sensorproof.protocol.cose.CoseSign;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.message.ReadingMessage;
import io.sensorproof.protocol.message.ReadingMessages;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An evidence bundle whose device {@code cold-room-a} is hybrid (ADR 029): the committed fixture with that
 * device's messages re-signed as hybrid messages (ES256 + ML-DSA-65, the same packs, boots, seqs and device
 * times, so the proven claims still hold), its two keys and the key hash over both. It is accepted; and
 * refused, naming the field, when the ML-DSA key is stripped or swapped, a message loses its ML-DSA
 * signature or is replaced by a classical-only one, the key hash covers the classical key only, or the
 * bundle claims version 1. The builder writes such a device as version 2 and refuses a classical-only message.
 */
class HybridEvidenceBundleTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static BundleVerifier verifier;
    private static SigningKey classical;
    private static SigningKey mlDsa;
    private static ObjectNode hybrid;

    @BeforeAll
    static void build() {
        verifier = new BundleVerifier(BundleFixtures.pinned());
        classical = Keys.generate(SignatureAlgorithm.ES256, RANDOM);
        mlDsa = Keys.generate(SignatureAlgorithm.ML_DSA_65, RANDOM);
        hybrid = BundleFixtures.tree("evidence.json");
        hybrid.put("version", EvidenceBundleBuilder.VERSION_HYBRID);
        ObjectNode device = (ObjectNode) hybrid.get("devices").get(0);
        assertThat(device.get("device").asText()).isEqualTo("cold-room-a");
        KeyGroup group = KeyGroup.hybrid(classical.verificationKey().spki(), mlDsa.verificationKey().spki());
        device.put("spki", b64(group.spki()));
        device.put("postQuantumSpki", b64(mlDsa.verificationKey().spki()));
        device.put("keyHash", "0x" + HexFormat.of().formatHex(group.keyHash()));
        for (JsonNode m : device.get("messages")) {
            ReadingMessage original = ReadingMessages.decode(Base64.getDecoder().decode(m.get("cose").asText()));
            ((ObjectNode) m).put("cose", b64(ReadingMessages.signHybrid(original.pack(), original.header().boot(),
                    original.header().seq(), original.header().deviceTimeMillis(), classical, mlDsa)));
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static Verdict verify(Consumer<ObjectNode> change) {
        return verifier.verify(BundleFixtures.mutated(hybrid, change));
    }

    private static void assertRefusedNaming(Verdict verdict, String code, String field) {
        assertThat(verdict.accepted()).as(verdict.reasons().toString()).isFalse();
        assertThat(verdict.reasons()).as(verdict.reasons().toString()).anyMatch(r -> r.code().equals(code) && r.names(field));
    }

    private static String cose(ObjectNode b, int m) {
        return b.get("devices").get(0).get("messages").get(m).get("cose").asText();
    }

    private static void setCose(ObjectNode b, int m, byte[] cose) {
        ((ObjectNode) b.get("devices").get(0).get("messages").get(m)).put("cose", b64(cose));
    }

    @Test
    void aBundleWithAHybridDeviceIsAccepted() {
        Verdict verdict = verifier.verify(hybrid.toString());
        assertThat(verdict.reasons()).isEmpty();
        assertThat(verdict.accepted()).isTrue();
    }

    @Test
    void strippingOrSwappingTheMlDsaKeyIsRefusedNamingIt() {
        assertRefusedNaming(verify(b -> ((ObjectNode) b.get("devices").get(0)).remove("postQuantumSpki")),
                "HYBRID_KEY_MISSING", "devices[0].postQuantumSpki");
        // another ML-DSA key with a key hash made to match it: the hash passes, the signatures do not
        SigningKey other = Keys.generate(SignatureAlgorithm.ML_DSA_65, RANDOM);
        Verdict swapped = verify(b -> {
            ObjectNode d = (ObjectNode) b.get("devices").get(0);
            d.put("postQuantumSpki", b64(other.verificationKey().spki()));
            d.put("keyHash", "0x" + HexFormat.of().formatHex(
                    KeyGroup.hybrid(classical.verificationKey().spki(), other.verificationKey().spki()).keyHash()));
        });
        assertRefusedNaming(swapped, "BAD_SIGNATURE", "devices[0].postQuantumSpki");
        assertThat(swapped.reasons()).noneMatch(r -> r.code().equals("KEY_HASH_MISMATCH"));
        // swapped without fixing the hash
        assertRefusedNaming(verify(b -> ((ObjectNode) b.get("devices").get(0)).put("postQuantumSpki",
                b64(other.verificationKey().spki()))), "KEY_HASH_MISMATCH", "devices[0].postQuantumSpki");
        // an ML-DSA key in the classical place
        assertRefusedNaming(verify(b -> ((ObjectNode) b.get("devices").get(0)).put("spki", b64(other.verificationKey().spki()))),
                "INVALID_KEY", "devices[0].spki");
    }

    @Test
    void aKeyHashOfTheClassicalKeyAloneIsRefused() {
        String classicalOnly = "0x" + HexFormat.of().formatHex(EvidenceBundleBuilder.sha256(classical.verificationKey().spki()));
        assertRefusedNaming(verify(b -> ((ObjectNode) b.get("devices").get(0)).put("keyHash", classicalOnly)),
                "KEY_HASH_MISMATCH", "devices[0].keyHash");
    }

    @Test
    void aMessageWithItsMlDsaSignatureStrippedIsRefusedNamingIt() {
        Verdict verdict = verify(b -> {
            CBORTaggedItem item = (CBORTaggedItem) StrictCbor.decode(Base64.getDecoder().decode(cose(b, 1)), CborLimits.MESSAGE);
            List<CBORItem> parts = new ArrayList<>(((CBORItemList) item.getTagContent()).getItems());
            List<CBORItem> signatures = new ArrayList<>(((CBORItemList) parts.get(3)).getItems());
            signatures.remove(1);
            parts.set(3, new CBORItemList(signatures));
            setCose(b, 1, new CBORTaggedItem(CoseSign.TAG, new CBORItemList(parts)).encode());
        });
        assertRefusedNaming(verdict, "MESSAGE_UNREADABLE", "devices[0].messages[1].cose");
    }

    @Test
    void aClassicalOnlyMessageOfTheHybridDeviceIsRefusedNamingIt() {
        // what a forger of ES256 alone could make: a valid COSE_Sign1 under the device's classical key
        Verdict verdict = verify(b -> {
            ReadingMessage original = ReadingMessages.decode(Base64.getDecoder().decode(cose(b, 2)));
            setCose(b, 2, ReadingMessages.sign(original.pack(), original.header().boot(), original.header().seq(),
                    original.header().deviceTimeMillis(), classical));
        });
        assertRefusedNaming(verdict, KeyGroup.HYBRID_REQUIRED, "devices[0].messages[2].cose");
    }

    @Test
    void aFlippedMlDsaSignatureByteIsABadSignatureOfThatMessage() {
        Verdict verdict = verify(b -> {
            byte[] raw = Base64.getDecoder().decode(cose(b, 0));
            raw[raw.length - 1] ^= 1; // the last byte belongs to the ML-DSA signature (the second, last item)
            setCose(b, 0, raw);
        });
        assertRefusedNaming(verdict, "BAD_SIGNATURE", "devices[0].messages[0].cose");
        assertThat(verdict.reasons()).anyMatch(r -> r.message().contains("ML-DSA"));
    }

    @Test
    void aHybridDeviceInAVersionOneBundleIsRefused() {
        assertRefusedNaming(verify(b -> b.put("version", EvidenceBundleBuilder.VERSION)), "HYBRID_KEY_MISSING",
                "devices[0].postQuantumSpki");
    }

    @Test
    void theBuilderWritesAHybridDeviceAsVersionTwoAndRefusesAClassicalOnlyMessage() {
        ObjectNode device = (ObjectNode) hybrid.get("devices").get(0);
        List<byte[]> raws = new ArrayList<>();
        device.get("messages").forEach(m -> raws.add(Base64.getDecoder().decode(m.get("cose").asText())));
        KeyGroup group = KeyGroup.hybrid(classical.verificationKey().spki(), mlDsa.verificationKey().spki());
        EvidenceBundleBuilder builder = new EvidenceBundleBuilder(BundleFixtureGenerator.CHAIN, 7,
                List.of("cold-room-a", "cold-room-b"), BundleFixtureGenerator.WATCH).device("cold-room-a", group, group.keyHash(), raws);
        assertThat(builder).isNotNull();
        ReadingMessage first = ReadingMessages.decode(raws.get(0));
        byte[] single = ReadingMessages.sign(first.pack(), first.header().boot(), first.header().seq(),
                first.header().deviceTimeMillis(), classical);
        assertThatThrownBy(() -> new EvidenceBundleBuilder(BundleFixtureGenerator.CHAIN, 7, List.of("cold-room-a"),
                BundleFixtureGenerator.WATCH).device("cold-room-a", group, group.keyHash(), List.of(single)))
                .isInstanceOf(BundleException.class).hasMessageContaining(KeyGroup.HYBRID_REQUIRED);
        assertThatThrownBy(() -> new EvidenceBundleBuilder(BundleFixtureGenerator.CHAIN, 7, List.of("cold-room-a"),
                BundleFixtureGenerator.WATCH).device("cold-room-a", group,
                EvidenceBundleBuilder.sha256(classical.verificationKey().spki()), raws))
                .isInstanceOf(BundleException.class).hasMessageContaining("key hash");
    }
}
