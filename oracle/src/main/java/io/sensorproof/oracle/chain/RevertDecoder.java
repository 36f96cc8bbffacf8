package io.sensorproof.oracle.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * Decodes revert data into a {@link ChainRevert} using the errors of every compiled contract's ABI
 * ({@code io/sensorproof/oracle/contracts.json}, written by the build's solc step), so a failed
 * transaction is reported with the contract's own stable error name, not as hex.
 */
public final class RevertDecoder {
    private static final String RESOURCE = "/io/sensorproof/oracle/contracts.json";
    private static final String ERROR_STRING = "0x08c379a0";
    private static final String PANIC = "0x4e487b71";

    private record ErrorAbi(String name, String signature, List<String> types) {}

    private final Map<String, ErrorAbi> bySelector;

    private RevertDecoder(Map<String, ErrorAbi> bySelector) {
        this.bySelector = Map.copyOf(bySelector);
    }

    /** A decoder for the errors of every contract compiled by this module's build. */
    public static RevertDecoder forCompiledContracts() {
        try (InputStream in = RevertDecoder.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing: the oracle module's solc step did not run");
            }
            JsonNode contracts = new ObjectMapper().readTree(in).path("contracts");
            Map<String, ErrorAbi> map = new HashMap<>();
            contracts.forEach(contract -> contract.path("abi").forEach(entry -> {
                if (!"error".equals(entry.path("type").asText())) {
                    return;
                }
                List<String> types = new ArrayList<>();
                entry.path("inputs").forEach(input -> types.add(canonicalType(input)));
                String signature = entry.path("name").asText() + "(" + String.join(",", types) + ")";
                map.put(selector(signature), new ErrorAbi(entry.path("name").asText(), signature, types));
            }));
            return new RevertDecoder(map);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String canonicalType(JsonNode input) {
        String type = input.path("type").asText();
        if (type.startsWith("tuple")) {
            List<String> parts = new ArrayList<>();
            input.path("components").forEach(c -> parts.add(canonicalType(c)));
            return "(" + String.join(",", parts) + ")" + type.substring("tuple".length());
        }
        return type;
    }

    /** The 4-byte selector of an error or function signature, 0x-prefixed lower-case hex. */
    public static String selector(String signature) {
        return Hash.sha3String(signature).substring(0, 10);
    }

    /** The selector of a named error known to the compiled contracts, if any. */
    public Optional<String> selectorOf(String errorName) {
        return bySelector.entrySet().stream()
                .filter(e -> e.getValue().name().equals(errorName))
                .map(Map.Entry::getKey)
                .findFirst();
    }

    /** Decodes revert data (0x-prefixed hex; "0x" or null for a revert without data). */
    public ChainRevert decode(String data) {
        String hex = data == null ? "0x" : data.toLowerCase(java.util.Locale.ROOT);
        if (hex.length() < 10) {
            return new ChainRevert("UNKNOWN", "UNKNOWN", List.of(), hex);
        }
        String selector = hex.substring(0, 10);
        String body = "0x" + hex.substring(10);
        if (selector.equals(ERROR_STRING)) {
            return new ChainRevert("Error", "Error(string)", decodeArgs(body, List.of("string")), hex);
        }
        if (selector.equals(PANIC)) {
            return new ChainRevert("Panic", "Panic(uint256)", decodeArgs(body, List.of("uint256")), hex);
        }
        ErrorAbi abi = bySelector.get(selector);
        if (abi == null) {
            return new ChainRevert("UNKNOWN", "UNKNOWN", List.of(), hex);
        }
        return new ChainRevert(abi.name(), abi.signature(), decodeArgs(body, abi.types()), hex);
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static List<Object> decodeArgs(String body, List<String> types) {
        if (types.isEmpty()) {
            return List.of();
        }
        try {
            List<TypeReference<Type>> refs = new ArrayList<>();
            for (String t : types) {
                refs.add((TypeReference) TypeReference.makeTypeReference(t));
            }
            List<Type> values = FunctionReturnDecoder.decode(body, (List) refs);
            List<Object> out = new ArrayList<>();
            for (Type v : values) {
                out.add(unwrap(v.getValue()));
            }
            return out;
        } catch (ClassNotFoundException | RuntimeException e) {
            return List.of(Numeric.cleanHexPrefix(body));
        }
    }

    private static Object unwrap(Object value) {
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object o : list) {
                out.add(o instanceof Type<?> t ? unwrap(t.getValue()) : o);
            }
            return out;
        }
        return Objects.requireNonNullElse(value, "null");
    }
}
