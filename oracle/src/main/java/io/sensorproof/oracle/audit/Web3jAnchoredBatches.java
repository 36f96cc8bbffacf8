package io.sensorproof.oracle.audit;

import io.sensorproof.oracle.chain.RevertDecoder;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.exceptions.ClientConnectionException;
import org.web3j.utils.Numeric;

/**
 * {@link AnchoredBatches} and {@link AnchoredClaims} over a web3j client: {@code eth_call} of
 * {@code AnchorRegistry.batch}, {@code batchOfRoot}, {@code runClaim} and {@code emissionsClaim} at the latest block, decoded with {@link FunctionReturnDecoder} and explicit
 * static types rather than the generated wrapper's struct (whose reflective decoding fails under the
 * Quarkus test classloader; the {@code Batch}, {@code RunClaim} and {@code EmissionsClaim} structs are static, so their ABI encodings
 * are six and ten words in line). A revert with {@code BatchNotAnchored(uint64)} is "no such batch",
 * {@code ClaimNotAnchored(bytes32)} "no such claim"; any other error is
 * {@code CHAIN_ERROR}, a transport error {@code CHAIN_UNREACHABLE}.
 */
public final class Web3jAnchoredBatches implements AnchoredBatches, AnchoredClaims {
    private static final String NOT_ANCHORED = RevertDecoder.selector("BatchNotAnchored(uint64)");
    private static final String CLAIM_NOT_ANCHORED = RevertDecoder.selector("ClaimNotAnchored(bytes32)");

    private final Web3j web3j;
    private final String registry;

    /**
     * @param web3j a client of the chain's node
     * @param registry the AnchorRegistry's address
     */
    public Web3jAnchoredBatches(Web3j web3j, String registry) {
        this.web3j = Objects.requireNonNull(web3j, "web3j");
        if (!Objects.requireNonNull(registry, "registry").matches("0x[0-9a-fA-F]{40}")) {
            throw new IllegalArgumentException("a registry address is 0x + 40 hex digits: " + registry);
        }
        this.registry = registry.toLowerCase(Locale.ROOT);
    }

    @Override
    public long chainId() {
        try {
            var response = web3j.ethChainId().send();
            failOnError(response, "eth_chainId");
            return response.getChainId().longValueExact();
        } catch (IOException e) {
            throw unreachable(e);
        } catch (ClientConnectionException e) {
            throw new AuditException(AuditException.Code.CHAIN_UNREACHABLE, "the chain's node refused the call: " + e.getMessage(), e);
        }
    }

    @Override
    public String registry() {
        return registry;
    }

    @Override
    public Optional<ChainBatch> batch(long batchId) {
        Function f = new Function("batch", List.of(new Uint64(batchId)), List.of());
        EthCall result = call(f);
        if (result.hasError() || result.isReverted()) {
            String data = revertData(result);
            if (data.startsWith(NOT_ANCHORED)) {
                return Optional.empty();
            }
            throw new AuditException(AuditException.Code.CHAIN_ERROR, "AnchorRegistry.batch(" + batchId + ") at " + registry
                    + " failed: " + (result.hasError() ? result.getError().getMessage() : result.getRevertReason()));
        }
        List<Type> words = decode(result.getValue(), List.of(new TypeReference<Uint256>() { }, new TypeReference<Uint32>() { },
                new TypeReference<Uint64>() { }, new TypeReference<Uint64>() { }, new TypeReference<Uint64>() { },
                new TypeReference<Uint64>() { }), "batch");
        return Optional.of(new ChainBatch((BigInteger) words.get(0).getValue(), number(words, 1), number(words, 2),
                number(words, 3), number(words, 4), number(words, 5)));
    }

    @Override
    public Optional<Long> batchOfRoot(BigInteger root) {
        Function f = new Function("batchOfRoot", List.of(new Uint256(root)), List.of());
        EthCall result = call(f);
        if (result.hasError() || result.isReverted()) {
            throw new AuditException(AuditException.Code.CHAIN_ERROR, "AnchorRegistry.batchOfRoot at " + registry + " failed: "
                    + (result.hasError() ? result.getError().getMessage() : result.getRevertReason()));
        }
        List<Type> words = decode(result.getValue(), List.of(new TypeReference<Bool>() { }, new TypeReference<Uint64>() { }),
                "batchOfRoot");
        return (Boolean) words.get(0).getValue() ? Optional.of(number(words, 1)) : Optional.empty();
    }

    @Override
    public Optional<ChainClaim> claim(String circuit, String claimId) {
        if (!Objects.requireNonNull(claimId, "claimId").matches("0x[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("a claim id is 0x + 64 hex digits: " + claimId);
        }
        String function = switch (Objects.requireNonNull(circuit, "circuit")) {
            case "excursion" -> "runClaim";
            case "emissions" -> "emissionsClaim";
            default -> throw new IllegalArgumentException("unknown circuit " + circuit);
        };
        Function f = new Function(function, List.of(new Bytes32(Numeric.hexStringToByteArray(claimId))), List.of());
        EthCall result = call(f);
        if (result.hasError() || result.isReverted()) {
            if (revertData(result).startsWith(CLAIM_NOT_ANCHORED)) {
                return Optional.empty();
            }
            throw new AuditException(AuditException.Code.CHAIN_ERROR, "AnchorRegistry." + function + "(" + claimId + ") at "
                    + registry + " failed: " + (result.hasError() ? result.getError().getMessage() : result.getRevertReason()));
        }
        // both structs are ten static words: the nine inputs in circuit order (narrower integers widened), anchoredAt
        List<TypeReference<?>> types = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            types.add(new TypeReference<Uint256>() { });
        }
        List<Type> words = decode(result.getValue(), types, function);
        List<BigInteger> inputs = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            inputs.add((BigInteger) words.get(i).getValue());
        }
        return Optional.of(new ChainClaim(inputs, number(words, 9)));
    }

    private EthCall call(Function f) {
        Transaction request = Transaction.createEthCallTransaction(null, registry, FunctionEncoder.encode(f));
        try {
            return web3j.ethCall(request, DefaultBlockParameterName.LATEST).send();
        } catch (IOException e) {
            throw unreachable(e);
        } catch (ClientConnectionException e) {
            throw new AuditException(AuditException.Code.CHAIN_UNREACHABLE, "the chain's node refused the call: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("rawtypes")
    private List<Type> decode(String value, List<TypeReference<?>> types, String function) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        List<TypeReference<Type>> refs = (List) types;
        List<Type> words = value == null || value.equals("0x") ? List.of() : FunctionReturnDecoder.decode(value, refs);
        if (words.size() != types.size()) {
            throw new AuditException(AuditException.Code.CHAIN_ERROR, "AnchorRegistry." + function + " at " + registry
                    + " returned " + value + ": no AnchorRegistry there?");
        }
        return words;
    }

    @SuppressWarnings("rawtypes")
    private static long number(List<Type> words, int i) {
        return ((BigInteger) words.get(i).getValue()).longValueExact();
    }

    private static String revertData(EthCall result) {
        Object data = result.getError() == null ? result.getRevertReason() : result.getError().getData();
        return data == null ? "" : data.toString().replace("\"", "").trim().toLowerCase(Locale.ROOT);
    }

    private static void failOnError(Response<?> response, String method) {
        if (response.hasError()) {
            throw new AuditException(AuditException.Code.CHAIN_ERROR, method + ": " + response.getError().getMessage());
        }
    }

    private static AuditException unreachable(IOException e) {
        return new AuditException(AuditException.Code.CHAIN_UNREACHABLE, "the chain's node does not answer: " + e, e);
    }
}
