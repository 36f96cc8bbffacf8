package io.sensorproof.zk.claims;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.List;

/** ZoKrates ABI JSON for the claim circuits' argument types. */
final class Arguments {
    static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private Arguments() {
    }

    /** A {@code Slot} struct of {@code lib/leaf.zok}. */
    static ObjectNode slot(ClaimSlot slot) {
        ObjectNode node = JSON.objectNode();
        node.put("bootSeq", slot.bootSeq().toString());
        node.put("recordIndex", slot.recordIndex().toString());
        node.put("timeMillis", slot.timeMillis().toString());
        node.put("value", slot.value().toString());
        return node;
    }

    /** The arguments: public inputs (decimal strings), then the slots and the boolean arrays. */
    static ArrayNode claim(List<BigInteger> publicInputs, List<ClaimSlot> slots, List<List<Boolean>> flags) {
        ArrayNode args = JSON.arrayNode();
        publicInputs.forEach(v -> args.add(v.toString()));
        ArrayNode slotArray = args.addArray();
        slots.forEach(s -> slotArray.add(slot(s)));
        for (List<Boolean> list : flags) {
            ArrayNode array = args.addArray();
            list.forEach(array::add);
        }
        return args;
    }
}
