package io.sensorproof.gateway.carbon;

import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Objects;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint128;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthCall;

/**
 * Reads what the carbon loop needs from {@code CarbonCredit} with {@code eth_call}: a facility's period
 * count, a period's terms and state, its devices, the challenge window, and the latest block's time.
 * Return data is decoded with {@link FunctionReturnDecoder} and explicit static types: web3j's struct
 * decoding fails under Quarkus' classloader, and a static struct is encoded exactly as its flat tuple.
 */
public final class CarbonChain {
    private final Web3j web3j;
    private final String carbon;

    /**
     * @param web3j the node
     * @param carbon the CarbonCredit contract's address
     */
    public CarbonChain(Web3j web3j, String carbon) {
        this.web3j = Objects.requireNonNull(web3j, "web3j");
        this.carbon = Objects.requireNonNull(carbon, "carbon");
    }

    /**
     * A period as {@code CarbonCredit.period(f, p)} returns it (times in Unix seconds, maxGap in ms, masses
     * in grams, amount in units).
     */
    public record ChainPeriod(long facilityId, long periodId, long startSeconds, long endSeconds, long baselineKg, long maxGapMs,
            long substituteRateKgPerHour, long closedAtSeconds, boolean closed, boolean voided, boolean minted,
            BigInteger emissionsGrams, BigInteger mintedAmount) {}

    /** The facility's number of periods (ids 1..n); {@code CHAIN_FACILITY_NOT_FOUND} if it does not exist. */
    public long periodCount(long facilityId) {
        List<Type> out = call("facility", List.of(uint(facilityId)),
                List.of(new TypeReference<Address>() {}, new TypeReference<Address>() {}, new TypeReference<Uint64>() {}),
                CarbonException.Code.CHAIN_FACILITY_NOT_FOUND);
        return ((BigInteger) out.get(2).getValue()).longValueExact();
    }

    /** The period's terms and state; {@code CHAIN_PERIOD_NOT_FOUND} if it does not exist. */
    public ChainPeriod period(long facilityId, long periodId) {
        List<Type> out = call("period", List.of(uint(facilityId), uint(periodId)), List.of(
                new TypeReference<Uint64>() {}, new TypeReference<Uint64>() {}, new TypeReference<Uint64>() {},
                new TypeReference<Uint64>() {}, new TypeReference<Uint64>() {}, new TypeReference<Uint64>() {},
                new TypeReference<Uint32>() {}, new TypeReference<Bool>() {}, new TypeReference<Bool>() {},
                new TypeReference<Bool>() {}, new TypeReference<Uint128>() {}, new TypeReference<Uint128>() {},
                new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {},
                new TypeReference<Uint256>() {}), CarbonException.Code.CHAIN_PERIOD_NOT_FOUND);
        return new ChainPeriod(facilityId, periodId, num(out, 0), num(out, 1), num(out, 2), num(out, 3), num(out, 4), num(out, 5),
                (Boolean) out.get(7).getValue(), (Boolean) out.get(8).getValue(), (Boolean) out.get(9).getValue(),
                (BigInteger) out.get(14).getValue(), (BigInteger) out.get(15).getValue());
    }

    /** The period's devices (protocol §7.4 fields) in the verifier's order. */
    @SuppressWarnings("unchecked")
    public List<BigInteger> periodDevices(long facilityId, long periodId) {
        List<Type> out = call("periodDevices", List.of(uint(facilityId), uint(periodId)),
                List.of(new TypeReference<DynamicArray<Uint256>>() {}), CarbonException.Code.CHAIN_PERIOD_NOT_FOUND);
        return ((List<Uint256>) out.get(0).getValue()).stream().map(Uint256::getValue).toList();
    }

    /** The contract's challenge window in seconds. */
    public long challengeWindowSeconds() {
        List<Type> out = call("challengeWindowSeconds", List.of(), List.of(new TypeReference<Uint64>() {}),
                CarbonException.Code.CHAIN_READ_FAILED);
        return num(out, 0);
    }

    /** The latest block's timestamp (Unix seconds): the time the contract's checks see. */
    public long blockTimeSeconds() {
        try {
            EthBlock block = web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send();
            if (block.hasError() || block.getBlock() == null) {
                throw new CarbonException(CarbonException.Code.CHAIN_READ_FAILED, "no latest block"
                        + (block.hasError() ? ": " + block.getError().getMessage() : ""));
            }
            return block.getBlock().getTimestamp().longValueExact();
        } catch (IOException e) {
            throw new CarbonException(CarbonException.Code.CHAIN_READ_FAILED, "reading the latest block: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private List<Type> call(String name, List<Type> args, List<TypeReference<?>> outputs, CarbonException.Code onRevert) {
        Function f = new Function(name, args, (List) outputs);
        EthCall result;
        try {
            result = web3j.ethCall(Transaction.createEthCallTransaction(null, carbon, FunctionEncoder.encode(f)),
                    DefaultBlockParameterName.LATEST).send();
        } catch (IOException e) {
            throw new CarbonException(CarbonException.Code.CHAIN_READ_FAILED, name + ": " + e.getMessage(), e);
        }
        if (result.hasError() || result.isReverted()) {
            String why = result.hasError() ? result.getError().getMessage() : result.getRevertReason();
            throw new CarbonException(onRevert, name + args.stream().map(a -> a.getValue().toString()).toList() + " reverted: " + why);
        }
        List<Type> out = FunctionReturnDecoder.decode(result.getValue(), f.getOutputParameters());
        if (out.size() != outputs.size()) {
            throw new CarbonException(CarbonException.Code.CHAIN_READ_FAILED, name + " returned " + out.size() + " values, not "
                    + outputs.size() + " (is " + carbon + " a CarbonCredit?)");
        }
        return out;
    }

    private static Uint256 uint(long v) {
        return new Uint256(BigInteger.valueOf(v));
    }

    private static long num(List<Type> out, int i) {
        return ((BigInteger) out.get(i).getValue()).longValueExact();
    }
}
