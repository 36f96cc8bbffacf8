package io.sensorproof.gateway.enforcement;

import io.sensorproof.gateway.core.lots.ChainFacilityMatch.ChainFacility;
import io.sensorproof.gateway.lots.CollateralFacilityReader;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;

/**
 * Reads what the freeze loop needs of {@code CollateralFinancing.facility(id)} with one {@code eth_call}:
 * devices and watches (decoded by {@link CollateralFacilityReader#decode}, which avoids web3j's struct
 * decoding under Quarkus' classloader) and, from the same return data, the view's {@code frozen} flag and
 * {@code lastUnfreeze}. The chain, not the event projection, so a freeze or unfreeze counts as soon as it
 * is mined.
 */
public final class FacilityStatusReader {
    private static final int WORD = 64;

    private final Web3j web3j;
    private final String contract;

    public FacilityStatusReader(Web3j web3j, String contract) {
        this.web3j = Objects.requireNonNull(web3j, "web3j");
        this.contract = Objects.requireNonNull(contract, "contract");
    }

    /**
     * A facility as the loop sees it.
     *
     * @param facility state, devices, watches
     * @param frozen whether it is frozen now
     * @param lastUnfreezeSeconds block time of the last unfreeze, 0 if never
     */
    public record FacilityStatus(ChainFacility facility, boolean frozen, long lastUnfreezeSeconds) {
        public FacilityStatus {
            Objects.requireNonNull(facility, "facility");
        }
    }

    /**
     * The facility, or empty when the call reverts (no such facility).
     *
     * @throws IllegalStateException when the node cannot be reached or returns something else
     */
    public Optional<FacilityStatus> status(BigInteger id) {
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

    /** Decodes the return data of {@code facility(uint256)}. */
    public static FacilityStatus decode(String returnData) {
        ChainFacility facility = CollateralFacilityReader.decode(returnData);
        String hex = returnData.startsWith("0x") ? returnData.substring(2) : returnData;
        // FacilityView head, after the tuple's offset: bank, borrower, state, limit, drawn, frozen, lastUnfreeze, …
        int view = word(hex, 0).intValueExact() * 2;
        BigInteger frozen = word(hex, view + 5 * WORD);
        BigInteger lastUnfreeze = word(hex, view + 6 * WORD);
        if (frozen.compareTo(BigInteger.ONE) > 0 || lastUnfreeze.bitLength() > 63) {
            throw new IllegalStateException("facility returned data that is not a FacilityView (frozen " + frozen
                    + ", lastUnfreeze " + lastUnfreeze + ")");
        }
        return new FacilityStatus(facility, frozen.signum() == 1, lastUnfreeze.longValueExact());
    }

    private static BigInteger word(String hex, int at) {
        if (hex.length() < at + WORD) {
            throw new IllegalStateException("facility returned too little data (" + hex.length() / 2 + " bytes)");
        }
        return new BigInteger(hex.substring(at, at + WORD), 16);
    }
}
