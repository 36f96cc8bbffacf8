package io.sensorproof.oracle.events;

import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One decoded event of the deployed contracts, where it is on the chain, and its arguments by their
 * Solidity names in declaration order. Values are normalised: integers {@link BigInteger}, addresses
 * and {@code bytes32} lower-case {@code 0x}-hex strings, strings as such, arrays as lists. The typed
 * accessors ({@link #uint}, {@link #text}, {@link #list}) refuse a missing or mistyped argument with
 * {@link ChainEventException.Code#UNDECODABLE}, so a projection never guesses.
 *
 * @param contract the contract's deployment name ({@code CollateralFinancing}, {@code CarbonCredit},
 *     {@code AnchorRegistry})
 * @param name the event's name ({@code Frozen}, {@code Minted}, ...)
 * @param block the block it is in
 * @param transactionHash the emitting transaction
 * @param logIndex the log's index in its block
 * @param args the arguments, by name, in declaration order
 */
public record ChainEvent(String contract, String name, BlockRef block, String transactionHash, long logIndex,
        Map<String, Object> args) {
    public ChainEvent {
        Objects.requireNonNull(contract, "contract");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(transactionHash, "transactionHash");
        args = Collections.unmodifiableMap(new LinkedHashMap<>(args));
    }

    /** The identity of the log across deliveries: (transaction, index, block hash). */
    public String key() {
        return transactionHash + ":" + logIndex + ":" + block.hash();
    }

    /** An unsigned integer argument. */
    public BigInteger uint(String arg) {
        return typed(arg, BigInteger.class);
    }

    /** An address, bytes32 or string argument. */
    public String text(String arg) {
        return typed(arg, String.class);
    }

    /** An array argument. */
    @SuppressWarnings("unchecked")
    public List<Object> list(String arg) {
        return (List<Object>) typed(arg, List.class);
    }

    private <T> T typed(String arg, Class<T> type) {
        Object value = args.get(arg);
        if (!type.isInstance(value)) {
            throw new ChainEventException(ChainEventException.Code.UNDECODABLE, contract + "." + name + " at " + key()
                    + " has no " + type.getSimpleName() + " argument '" + arg + "'");
        }
        return type.cast(value);
    }

    /**
     * What the event is about, for the projections: {@code collateral:<id>} for a CollateralFinancing
     * facility, {@code carbon:<facilityId>} for a CarbonCredit facility (token ids carry their facility
     * id in the high 128 bits), {@code registry} for the AnchorRegistry. An ERC-1155 batch transfer can
     * touch several facilities.
     */
    public List<String> subjects() {
        switch (contract) {
            case ContractEvents.COLLATERAL:
                return args.containsKey("id") ? List.of("collateral:" + uint("id")) : List.of("collateral");
            case ContractEvents.CARBON:
                if (args.containsKey("facilityId")) {
                    return List.of("carbon:" + uint("facilityId"));
                }
                if (args.containsKey("tokenId")) {
                    return List.of("carbon:" + uint("tokenId").shiftRight(128));
                }
                if ("TransferSingle".equals(name)) {
                    return List.of("carbon:" + uint("id").shiftRight(128));
                }
                if ("TransferBatch".equals(name)) {
                    return list("ids").stream().map(id -> "carbon:" + ((BigInteger) id).shiftRight(128)).distinct().toList();
                }
                return List.of("carbon");
            default:
                return List.of("registry");
        }
    }
}
