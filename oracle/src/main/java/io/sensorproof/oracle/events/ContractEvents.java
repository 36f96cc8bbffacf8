package io.sensorproof.oracle.events;

import io.sensorproof.oracle.contracts.AnchorRegistry;
import io.sensorproof.oracle.contracts.CarbonCredit;
import io.sensorproof.oracle.contracts.CollateralFinancing;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Array;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.BytesType;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.NumericType;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.utils.Numeric;

/**
 * Decodes the logs of the three deployed contracts into {@link ChainEvent}s with web3j's
 * {@link EventEncoder} (topic 0) and {@link FunctionReturnDecoder} (indexed topics and data), over the
 * {@link Event} definitions of the generated wrappers, so the ABI is never parsed by hand. The wrappers'
 * events carry types but not names: each definition here pairs a wrapper event with its Solidity
 * argument names in declaration order, and the constructor checks that the counts agree (a contract
 * change that adds an argument fails the start, not a projection). None of these events has a struct.
 * Events the gateway does not follow (role changes, terms proposals, URI) decode to nothing.
 */
public final class ContractEvents {
    /** Deployment name of the collateral contract. */
    public static final String COLLATERAL = "CollateralFinancing";
    /** Deployment name of the carbon contract. */
    public static final String CARBON = "CarbonCredit";
    /** Deployment name of the registry. */
    public static final String REGISTRY = "AnchorRegistry";

    private record Definition(String contract, Event event, List<String> names) {
    }

    private static final List<Definition> DEFINITIONS = List.of(
            def(COLLATERAL, CollateralFinancing.FACILITYCREATED_EVENT, "id", "bank", "borrower", "limit", "termsHash"),
            def(COLLATERAL, CollateralFinancing.FACILITYACCEPTED_EVENT, "id", "borrower"),
            def(COLLATERAL, CollateralFinancing.TERMSCHANGED_EVENT, "id", "termsHash", "termsVersion", "proposer", "acceptor"),
            def(COLLATERAL, CollateralFinancing.DRAWDOWN_EVENT, "id", "borrower", "amount", "drawn"),
            def(COLLATERAL, CollateralFinancing.REPAID_EVENT, "id", "borrower", "amount", "drawn"),
            def(COLLATERAL, CollateralFinancing.FROZEN_EVENT, "id", "quantity", "devices", "runLengths", "claimIds", "oracle"),
            def(COLLATERAL, CollateralFinancing.UNFROZEN_EVENT, "id", "bank", "reason", "unfrozenAt"),
            def(CARBON, CarbonCredit.FACILITYCREATED_EVENT, "facilityId", "owner", "createdBy"),
            def(CARBON, CarbonCredit.PERIODSET_EVENT, "facilityId", "periodId", "tokenId", "verifier", "start", "end", "devices",
                    "baselineKg", "maxGap", "substituteRateKgPerHour"),
            def(CARBON, CarbonCredit.CLAIMSUBMITTED_EVENT, "facilityId", "periodId", "claimId", "device", "firstTime", "lastTime",
                    "massGrams", "gapTime"),
            def(CARBON, CarbonCredit.PERIODCLOSED_EVENT, "facilityId", "periodId", "closedBy", "massGrams", "chargedGapMs",
                    "substituteGrams", "emissionsGrams", "windowEnd"),
            def(CARBON, CarbonCredit.PERIODVOIDED_EVENT, "facilityId", "periodId", "regulator", "reason"),
            def(CARBON, CarbonCredit.MINTED_EVENT, "facilityId", "periodId", "tokenId", "owner", "amount", "emissionsGrams",
                    "baselineKg", "claimCount"),
            def(CARBON, CarbonCredit.RETIRED_EVENT, "index", "holder", "tokenId", "amount", "serialFrom", "serialTo", "beneficiary",
                    "reason"),
            def(CARBON, CarbonCredit.TRANSFERSINGLE_EVENT, "operator", "from", "to", "id", "value"),
            def(CARBON, CarbonCredit.TRANSFERBATCH_EVENT, "operator", "from", "to", "ids", "values"),
            def(REGISTRY, AnchorRegistry.BATCHANCHORED_EVENT, "batchId", "root", "readingCount", "firstTime", "lastTime", "oracle"),
            def(REGISTRY, AnchorRegistry.CLAIMANCHORED_EVENT, "claimId", "circuit", "device", "inputs", "proof", "verifier",
                    "oracle"),
            def(REGISTRY, AnchorRegistry.DEVICEREGISTERED_EVENT, "device", "keyHash", "by"));

    private final Map<String, String> contractsByAddress;
    private final Map<String, Definition> bySignature = new HashMap<>();

    /**
     * @param addresses the deployment's addresses by contract name (at least the three contracts)
     */
    public ContractEvents(Map<String, String> addresses) {
        Map<String, String> byAddress = new HashMap<>();
        for (String contract : List.of(COLLATERAL, CARBON, REGISTRY)) {
            String address = Objects.requireNonNull(addresses.get(contract), "no address for " + contract);
            byAddress.put(address.toLowerCase(Locale.ROOT), contract);
        }
        this.contractsByAddress = Map.copyOf(byAddress);
        for (Definition d : DEFINITIONS) {
            bySignature.put(d.contract() + "/" + EventEncoder.encode(d.event()), d);
        }
    }

    private static Definition def(String contract, Event event, String... names) {
        if (event.getParameters().size() != names.length) {
            throw new IllegalStateException(contract + "." + event.getName() + " has " + event.getParameters().size()
                    + " arguments in the wrapper, " + names.length + " names here");
        }
        return new Definition(contract, event, List.of(names));
    }

    /** The addresses to ask {@code eth_getLogs} for. */
    public List<String> addresses() {
        return contractsByAddress.keySet().stream().sorted().toList();
    }

    /**
     * The log decoded, or empty for a log the gateway does not follow (another address, an event not in
     * the list).
     *
     * @throws ChainEventException {@code UNDECODABLE} for a followed event whose topics or data do not decode
     */
    public Optional<ChainEvent> decode(ChainLog log) {
        String contract = contractsByAddress.get(log.address());
        if (contract == null || log.topics().isEmpty()) {
            return Optional.empty();
        }
        Definition d = bySignature.get(contract + "/" + log.topics().get(0).toLowerCase(Locale.ROOT));
        if (d == null) {
            return Optional.empty();
        }
        try {
            List<TypeReference<Type>> indexed = d.event().getIndexedParameters();
            if (log.topics().size() != indexed.size() + 1) {
                throw new ChainEventException(ChainEventException.Code.UNDECODABLE, contract + "." + d.event().getName()
                        + " at " + log.key() + " has " + (log.topics().size() - 1) + " indexed topics, expected " + indexed.size());
            }
            List<Type> data = FunctionReturnDecoder.decode(log.data(), d.event().getNonIndexedParameters());
            if (data.size() != d.event().getNonIndexedParameters().size()) {
                throw new ChainEventException(ChainEventException.Code.UNDECODABLE, contract + "." + d.event().getName()
                        + " at " + log.key() + ": data does not decode");
            }
            Map<String, Object> args = new LinkedHashMap<>();
            int topic = 1;
            int value = 0;
            List<TypeReference<Type>> all = d.event().getParameters();
            for (int i = 0; i < all.size(); i++) {
                TypeReference<Type> ref = all.get(i);
                Type decoded = ref.isIndexed()
                        ? FunctionReturnDecoder.decodeIndexedValue(log.topics().get(topic++), ref)
                        : data.get(value++);
                args.put(d.names().get(i), normalise(decoded));
            }
            return Optional.of(new ChainEvent(contract, d.event().getName(), new BlockRef(log.blockNumber(), log.blockHash()),
                    log.transactionHash(), log.logIndex(), args));
        } catch (ChainEventException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ChainEventException(ChainEventException.Code.UNDECODABLE, contract + "." + d.event().getName() + " at "
                    + log.key() + ": " + e.getMessage(), e);
        }
    }

    private static Object normalise(Type<?> value) {
        if (value instanceof Address a) {
            return a.getValue().toLowerCase(Locale.ROOT);
        }
        if (value instanceof NumericType n) {
            return (BigInteger) n.getValue();
        }
        if (value instanceof BytesType b) {
            return Numeric.toHexString(b.getValue());
        }
        if (value instanceof Utf8String s) {
            return s.getValue();
        }
        if (value instanceof Bool b) {
            return b.getValue();
        }
        if (value instanceof Array<?> array) {
            List<Object> list = new ArrayList<>();
            for (Type<?> element : array.getValue()) {
                list.add(normalise(element));
            }
            return List.copyOf(list);
        }
        throw new ChainEventException(ChainEventException.Code.UNDECODABLE, "unexpected ABI type " + value.getTypeAsString());
    }
}
