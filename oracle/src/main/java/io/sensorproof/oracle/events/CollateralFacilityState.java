package io.sensorproof.oracle.events;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * A CollateralFinancing facility as its events on the chain say (not as the gateway intended):
 * {@code state} PROPOSED, ACTIVE or FROZEN (UNKNOWN when the follower started after its creation), the
 * ledger, the current or last freeze (with the run claims that froze it) and the last unfreeze (with the
 * bank's reason), and the last change with its transaction and block. {@link #fold} recomputes it from
 * the facility's events in chain order, so a rewind that removed events gives the state without them.
 */
public record CollateralFacilityState(BigInteger facilityId, String state, String bank, String borrower, BigInteger limit,
        BigInteger drawn, long termsVersion, Change lastChange, Freeze freeze, Unfreeze lastUnfreeze) {

    /** States. */
    public static final String PROPOSED = "PROPOSED";
    public static final String ACTIVE = "ACTIVE";
    public static final String FROZEN = "FROZEN";
    public static final String UNKNOWN = "UNKNOWN";

    /** An event that changed the facility: its name, transaction and block. */
    public record Change(String event, String transactionHash, long blockNumber, String blockHash) {
        static Change of(ChainEvent e) {
            return new Change(e.name(), e.transactionHash(), e.block().number(), e.block().hash());
        }
    }

    /** A freeze: the quantity, the devices and their run-claim ids, the oracle, where. */
    public record Freeze(long quantity, List<String> devices, List<String> claimIds, String oracle, String transactionHash,
            long blockNumber) {
    }

    /** An unfreeze: the bank, its reason, the chain's time (s), where. */
    public record Unfreeze(String bank, String reason, long unfrozenAt, String transactionHash, long blockNumber) {
    }

    /** True when the chain says the facility is frozen. */
    public boolean frozen() {
        return FROZEN.equals(state);
    }

    /**
     * The facility's state after {@code events} (its own CollateralFinancing events, in chain order);
     * empty when there are none.
     */
    public static Optional<CollateralFacilityState> fold(BigInteger facilityId, List<ChainEvent> events) {
        CollateralFacilityState s = null;
        for (ChainEvent e : events) {
            if (!ContractEvents.COLLATERAL.equals(e.contract()) || !facilityId.equals(e.args().get("id"))) {
                continue;
            }
            if (s == null) {
                s = new CollateralFacilityState(facilityId, UNKNOWN, null, null, null, BigInteger.ZERO, 0, null, null, null);
            }
            s = s.apply(e);
        }
        return Optional.ofNullable(s);
    }

    private CollateralFacilityState apply(ChainEvent e) {
        Change change = Change.of(e);
        switch (e.name()) {
            case "FacilityCreated":
                return new CollateralFacilityState(facilityId, PROPOSED, e.text("bank"), e.text("borrower"), e.uint("limit"),
                        drawn, 1, change, freeze, lastUnfreeze);
            case "FacilityAccepted":
                return new CollateralFacilityState(facilityId, ACTIVE, bank, e.text("borrower"), limit, drawn, termsVersion,
                        change, freeze, lastUnfreeze);
            case "TermsChanged":
                return new CollateralFacilityState(facilityId, state, bank, borrower, limit, drawn,
                        e.uint("termsVersion").longValueExact(), change, freeze, lastUnfreeze);
            case "Drawdown":
            case "Repaid":
                return new CollateralFacilityState(facilityId, state, bank, borrower, limit, e.uint("drawn"), termsVersion, change,
                        freeze, lastUnfreeze);
            case "Frozen":
                Freeze f = new Freeze(e.uint("quantity").longValueExact(), strings(e.list("devices")), strings(e.list("claimIds")),
                        e.text("oracle"), e.transactionHash(), e.block().number());
                return new CollateralFacilityState(facilityId, FROZEN, bank, borrower, limit, drawn, termsVersion, change, f,
                        lastUnfreeze);
            case "Unfrozen":
                Unfreeze u = new Unfreeze(e.text("bank"), e.text("reason"), e.uint("unfrozenAt").longValueExact(),
                        e.transactionHash(), e.block().number());
                return new CollateralFacilityState(facilityId, ACTIVE, bank, borrower, limit, drawn, termsVersion, change, freeze,
                        u);
            default:
                return this;
        }
    }

    static List<String> strings(List<?> values) {
        return values.stream().map(String::valueOf).toList();
    }
}
