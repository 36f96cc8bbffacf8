package io.sensorproof.zk.claims;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.List;

/** ZoKrates ABI JSON for the circuits' argument types. */
final class Arguments {
    static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private Arguments() {
    }

    /** A {@code Reading} struct of {@code lib/leaf.zok}. */
    static ObjectNode reading(LeafFields leaf) {
        ObjectNode node = JSON.objectNode();
        node.put("device", leaf.device().toString());
        node.put("bootSeq", leaf.bootSeq().toString());
        node.put("indexQuantity", leaf.indexQuantity().toString());
        node.put("timeMillis", leaf.timeMillis().toString());
        node.put("value", leaf.value().toString());
        return node;
    }

    static ArrayNode fields(List<BigInteger> values) {
        ArrayNode array = JSON.arrayNode();
        values.forEach(v -> array.add(v.toString()));
        return array;
    }
}
