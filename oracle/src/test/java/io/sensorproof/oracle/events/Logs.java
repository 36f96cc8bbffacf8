package io.sensorproof.oracle.events;

import io.sensorproof.oracle.contracts.CarbonCredit;
import io.sensorproof.oracle.contracts.CollateralFinancing;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.utils.Numeric;

/** Logs of the contracts' events, ABI-encoded with web3j's encoders (as a node would deliver them). */
final class Logs {
    static final String COLLATERAL = "0x1000000000000000000000000000000000000001";
    static final String CARBON = "0x1000000000000000000000000000000000000002";
    static final String REGISTRY = "0x1000000000000000000000000000000000000003";
    static final String BANK = "0x00000000000000000000000000000000000000b1";
    static final String BORROWER = "0x00000000000000000000000000000000000000b2";
    static final String ORACLE = "0x00000000000000000000000000000000000000c1";
    static final String ZERO = "0x0000000000000000000000000000000000000000";

    private Logs() {
    }

    static ContractEvents decoder() {
        return new ContractEvents(Map.of(ContractEvents.COLLATERAL, COLLATERAL, ContractEvents.CARBON, CARBON,
                ContractEvents.REGISTRY, REGISTRY));
    }

    /** A log without position; {@link FakeChain} places it. */
    record Draft(String address, List<String> topics, String data) {
    }

    static Draft log(String address, Event event, List<Type> indexed, List<Type> data) {
        List<String> topics = new ArrayList<>();
        topics.add(EventEncoder.encode(event));
        for (Type t : indexed) {
            topics.add("0x" + TypeEncoder.encode(t));
        }
        return new Draft(address, topics, data.isEmpty() ? "0x" : "0x" + FunctionEncoder.encodeConstructor(data));
    }

    static Draft created(long id) {
        return log(COLLATERAL, CollateralFinancing.FACILITYCREATED_EVENT,
                List.of(uint(id), new Address(BANK), new Address(BORROWER)),
                List.of(uint(1_000_000), new Bytes32(new byte[32])));
    }

    static Draft accepted(long id) {
        return log(COLLATERAL, CollateralFinancing.FACILITYACCEPTED_EVENT, List.of(uint(id), new Address(BORROWER)), List.of());
    }

    static Draft frozen(long id, String claimIdHex) {
        return log(COLLATERAL, CollateralFinancing.FROZEN_EVENT, List.of(uint(id), new Uint8(1), new Address(ORACLE)),
                List.of(new DynamicArray<>(Uint256.class, List.of(uint(77))), new DynamicArray<>(Uint256.class, List.of(uint(2))),
                        new DynamicArray<>(Bytes32.class, List.of(new Bytes32(Numeric.hexStringToByteArray(claimIdHex))))));
    }

    static Draft unfrozen(long id, String reason, long at) {
        return log(COLLATERAL, CollateralFinancing.UNFROZEN_EVENT, List.of(uint(id), new Address(BANK)),
                List.of(new Utf8String(reason), new Uint64(at)));
    }

    static Draft minted(long facility, long period, long amount) {
        BigInteger token = BigInteger.valueOf(facility).shiftLeft(128).or(BigInteger.valueOf(period));
        return log(CARBON, CarbonCredit.MINTED_EVENT, List.of(uint(facility), uint(period), new Uint256(token)),
                List.of(new Address(BORROWER), uint(amount), uint(5_000_000), new Uint64(10_000),
                        new org.web3j.abi.datatypes.generated.Uint32(3)));
    }

    static Draft transfer(long facility, long period, String from, String to, long amount) {
        BigInteger token = BigInteger.valueOf(facility).shiftLeft(128).or(BigInteger.valueOf(period));
        return log(CARBON, CarbonCredit.TRANSFERSINGLE_EVENT, List.of(new Address(ORACLE), new Address(from), new Address(to)),
                List.of(new Uint256(token), uint(amount)));
    }

    static Uint256 uint(long v) {
        return new Uint256(BigInteger.valueOf(v));
    }
}
