package io.sensorproof.gateway.lots;

import io.sensorproof.gateway.core.lots.ChainFacilityMatch.ChainFacility;
import io.sensorproof.gateway.core.lots.ChainFacilityMatch.ChainWatch;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;

/**
 * Reads {@code CollateralFinancing.facility(id)} with {@code eth_call} for the lot link (ADR 024). The
 * return value is a dynamic struct ({@code FacilityView} holding {@code Terms} with two dynamic arrays),
 * and web3j's struct decoding fails under Quarkus' classloader, so it is decoded in three slices with
 * {@link FunctionReturnDecoder} and explicit static types, following the ABI's relative offsets: the
 * view's head (8 static words and the offset of its terms), the terms' head (limit, devices, offset of
 * the watches), and the watches (length, then 8 words per static {@code Watch}).
 */
public final class CollateralFacilityReader {
    private static final int WORD = 64; // hex chars
    private static final int WATCH_WORDS = 8;

    private final Web3j web3j;
    private final String contract;

    /**
     * @param web3j the node
     * @param contract the CollateralFinancing address
     */
    public CollateralFacilityReader(Web3j web3j, String contract) {
        this.web3j = Objects.requireNonNull(web3j, "web3j");
        this.contract = Objects.requireNonNull(contract, "contract");
    }

    /**
     * The facility, or empty when the call reverts (the contract reverts for an id it does not hold).
     *
     * @throws IllegalStateException when the node cannot be reached or returns data that is not a
     *     FacilityView
     */
    public Optional<ChainFacility> facility(BigInteger id) {
        Function f = new Function("facility", List.of(new Uint256(id)), List.of());
        EthCall result;
        try {
            result = web3j.ethCall(Transaction.createEthCallTransaction(null, contract, FunctionEncoder.encode(f)),
                    DefaultBlockParameterName.LATEST).send();
        } catch (IOException e) {
            throw new IllegalStateException("facility(" + id + "): " + e.getMessage(), e);
        }
        if (result.hasError() || result.isReverted()) {
            return Optional.empty();
        }
        return Optional.of(decode(result.getValue()));
    }

    /** Decodes the ABI return data of {@code facility(uint256)} (hex, with or without 0x). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static ChainFacility decode(String returnData) {
        String hex = returnData.startsWith("0x") ? returnData.substring(2) : returnData;
        try {
            int view = word(hex, 0) * 2;
            List<Type> head = FunctionReturnDecoder.decode(hex.substring(view), (List) List.of(
                    new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}, new TypeReference<Uint8>() {},
                    new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {},
                    new TypeReference<Uint64>() {}, new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}));
            int state = ((BigInteger) head.get(2).getValue()).intValueExact();
            int terms = view + intValue(head.get(8)) * 2;
            List<Type> termsHead = FunctionReturnDecoder.decode(hex.substring(terms), (List) List.of(
                    new TypeReference<Uint256>() {}, new TypeReference<DynamicArray<Uint256>>() {},
                    new TypeReference<Uint256>() {}));
            List<BigInteger> devices = ((List<Uint256>) termsHead.get(1).getValue()).stream().map(Uint256::getValue).toList();
            int watches = terms + intValue(termsHead.get(2)) * 2;
            int n = word(hex, watches);
            if (n > 1024) {
                throw new IllegalStateException("facility returned " + n + " watches");
            }
            List<TypeReference<?>> types = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                types.add(new TypeReference<Uint8>() {});
                for (int j = 0; j < 6; j++) {
                    types.add(new TypeReference<Uint64>() {});
                }
                types.add(new TypeReference<Uint8>() {});
            }
            List<Type> flat = n == 0 ? List.of() : FunctionReturnDecoder.decode(hex.substring(watches + WORD), (List) types);
            if (flat.size() != n * WATCH_WORDS) {
                throw new IllegalStateException("facility returned " + flat.size() + " watch words, not " + n * WATCH_WORDS);
            }
            List<ChainWatch> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int b = i * WATCH_WORDS;
                out.add(new ChainWatch(intValue(flat.get(b)), big(flat.get(b + 1)), big(flat.get(b + 2)), big(flat.get(b + 3)),
                        big(flat.get(b + 4)), big(flat.get(b + 5)), big(flat.get(b + 6)), intValue(flat.get(b + 7))));
            }
            return new ChainFacility(state, devices, out);
        } catch (RuntimeException e) {
            if (e instanceof IllegalStateException) {
                throw e;
            }
            throw new IllegalStateException("facility returned data that is not a FacilityView: " + e.getMessage(), e);
        }
    }

    private static int word(String hex, int at) {
        if (hex.length() < at + WORD) {
            throw new IllegalStateException("facility returned too little data (" + hex.length() / 2 + " bytes)");
        }
        return new BigInteger(hex.substring(at, at + WORD), 16).intValueExact();
    }

    private static int intValue(Type t) {
        return ((BigInteger) t.getValue()).intValueExact();
    }

    private static BigInteger big(Type t) {
        return (BigInteger) t.getValue();
    }
}
