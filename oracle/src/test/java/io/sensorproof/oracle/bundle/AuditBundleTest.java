package io.sensorproof.oracle.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.oracle.audit.AuditBundles;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The audit bundle's strict reader: a written bundle reads back to the same text, and each field
 * missing, mistyped or out of range is refused as MALFORMED naming its JSON path.
 */
class AuditBundleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLEAN = AuditBundles.clean(3).toJson();

    @Test
    void aWrittenBundleReadsBackToTheSameText() {
        AuditBundle parsed = AuditBundle.parse(CLEAN);
        assertThat(parsed.toJson()).isEqualTo(CLEAN);
        assertThat(parsed.members()).hasSize(6);
        assertThat(parsed.spkis("room-a")).hasSize(2);
        assertThat(parsed.chainId()).contains(31337L);
    }

    @Test
    void aNullChainIdAndANullStoredReadingAreRead() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(CLEAN);
        ((ObjectNode) root.get("chain")).putNull("chainId");
        ((ObjectNode) root.get("members").get(2)).putNull("stored");
        AuditBundle parsed = AuditBundle.parse(root.toString());
        assertThat(parsed.chainId()).isEmpty();
        assertThat(parsed.members().get(2).stored()).isEmpty();
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                bad("format", r -> r.remove("format")),
                bad("chain.chainId", r -> ((ObjectNode) r.get("chain")).remove("chainId")),
                bad("chain.chainId", r -> ((ObjectNode) r.get("chain")).put("chainId", "31337")),
                bad("chain.anchorRegistry", r -> ((ObjectNode) r.get("chain")).put("anchorRegistry", "0x1234")),
                bad("batch.id", r -> batch(r).put("id", -1)),
                bad("batch.root", r -> batch(r).put("root", "12")),
                bad("batch.readingCount", r -> batch(r).put("readingCount", 0)),
                bad("batch.firstTime", r -> batch(r).put("firstTime", 1.5)),
                bad("batch.anchor.transaction", r -> ((ObjectNode) batch(r).get("anchor")).put("transaction", "0xabc")),
                bad("batch.anchor.block", r -> ((ObjectNode) batch(r).get("anchor")).remove("block")),
                bad("members", r -> ((ArrayNode) r.get("members")).remove(5)),
                bad("members[1].slot", r -> member(r, 1).put("slot", 2)),
                bad("members[1].device", r -> member(r, 1).put("device", "Not A Device!")),
                bad("members[1].record", r -> member(r, 1).put("record", 256)),
                bad("members[1].leaf", r -> member(r, 1).put("leaf", "0xZZ")),
                bad("members[1].stored", r -> member(r, 1).remove("stored")),
                bad("members[1].stored.value", r -> ((ObjectNode) member(r, 1).get("stored")).put("value", "7")),
                bad("members[1]", r -> member(r, 1).setAll(member(r, 0).deepCopy().put("slot", 1))),
                bad("messages[0].cose", r -> ((ObjectNode) r.get("messages").get(0)).put("cose", "not base64!")),
                bad("messages[1]", r -> ((ArrayNode) r.get("messages")).set(1, r.get("messages").get(0).deepCopy())),
                bad("devices[0].spkis[1]", r -> ((ArrayNode) r.get("devices").get(0).get("spkis")).set(1, JSON.getNodeFactory().numberNode(1))),
                bad("devices[1].device", r -> ((ObjectNode) r.get("devices").get(1)).put("device", "room-a")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void aBadFieldIsRefusedNamingIt(String field, Consumer<ObjectNode> change) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(CLEAN);
        change.accept(root);
        assertThatThrownBy(() -> AuditBundle.parse(root.toString())).isInstanceOfSatisfying(BundleException.class, e -> {
            assertThat(e.code()).isEqualTo(BundleException.Code.MALFORMED);
            assertThat(e.field()).isEqualTo(field);
        });
    }

    @Test
    void anotherFormatOrVersionIsUnsupportedAndNotJsonIsMalformed() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(CLEAN);
        root.put("version", 3);
        assertThatThrownBy(() -> AuditBundle.parse(root.toString())).isInstanceOfSatisfying(BundleException.class,
                e -> assertThat(e.code()).isEqualTo(BundleException.Code.UNSUPPORTED_VERSION));
        // version 2 (hybrid devices, ADR 029) requires each device's postQuantumSpkis
        root.put("version", 2);
        assertThatThrownBy(() -> AuditBundle.parse(root.toString())).isInstanceOfSatisfying(BundleException.class,
                e -> assertThat(e.field()).isEqualTo("devices[0].postQuantumSpkis"));
        assertThatThrownBy(() -> AuditBundle.parse("{\"format\": 1,")).isInstanceOfSatisfying(BundleException.class,
                e -> assertThat(e.field()).isEqualTo("$"));
    }

    private static Arguments bad(String field, Consumer<ObjectNode> change) {
        return Arguments.of(field, change);
    }

    private static ObjectNode batch(ObjectNode root) {
        return (ObjectNode) root.get("batch");
    }

    private static ObjectNode member(ObjectNode root, int i) {
        return (ObjectNode) root.get("members").get(i);
    }
}
