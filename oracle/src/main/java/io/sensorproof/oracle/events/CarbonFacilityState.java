package io.sensorproof.oracle.events;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A CarbonCredit facility as its events on the chain say: its periods (set, closed with the emissions,
 * voided with the regulator's reason, minted with amount and transaction, units retired) and the holders'
 * balances of its credit tokens (ERC-1155 transfers, mints and burns). {@link #fold} recomputes it from
 * the facility's events in chain order.
 */
public record CarbonFacilityState(BigInteger facilityId, String owner, List<Period> periods) {

    /** Period states, in the order a period goes through them. */
    public static final String OPEN = "OPEN";
    public static final String CLOSED = "CLOSED";
    public static final String VOIDED = "VOIDED";
    public static final String MINTED = "MINTED";

    /** Where an event is. */
    public record At(String transactionHash, long blockNumber) {
        static At of(ChainEvent e) {
            return new At(e.transactionHash(), e.block().number());
        }
    }

    /** The close: emissions (g), substitute (g) for the charged gap (ms), end of the challenge window (s). */
    public record Closed(BigInteger massGrams, BigInteger chargedGapMs, BigInteger substituteGrams, BigInteger emissionsGrams,
            BigInteger windowEnd, At at) {
    }

    /** The void: the regulator and the reason. */
    public record Voided(String regulator, String reason, At at) {
    }

    /** The mint: units to the owner. */
    public record Minted(BigInteger amount, String owner, At at) {
    }

    /** A retirement of units of the period's token. */
    public record Retirement(BigInteger index, String holder, BigInteger amount, BigInteger serialFrom, BigInteger serialTo,
            String beneficiary, String reason, At at) {
    }

    /** A holder's balance of the period's token. */
    public record Holding(String holder, BigInteger balance) {
    }

    /**
     * One period: its terms, claims counted, state, and credits: minted, held (sum of balances) and
     * retired units.
     */
    public record Period(BigInteger periodId, BigInteger tokenId, long start, long end, long baselineKg, int claimCount,
            String state, Closed closed, Voided voided, Minted minted, List<Holding> holdings, List<Retirement> retirements) {
        /** Units held now (minted minus retired). */
        public BigInteger held() {
            return holdings.stream().map(Holding::balance).reduce(BigInteger.ZERO, BigInteger::add);
        }

        /** Units retired. */
        public BigInteger retired() {
            return retirements.stream().map(Retirement::amount).reduce(BigInteger.ZERO, BigInteger::add);
        }
    }

    private static final class Builder {
        BigInteger periodId;
        BigInteger tokenId;
        long start;
        long end;
        long baselineKg;
        int claims;
        Closed closed;
        Voided voided;
        Minted minted;
        final Map<String, BigInteger> balances = new TreeMap<>();
        final List<Retirement> retirements = new ArrayList<>();

        Period build() {
            String state = minted != null ? MINTED : voided != null ? VOIDED : closed != null ? CLOSED : OPEN;
            List<Holding> holdings = balances.entrySet().stream().filter(h -> h.getValue().signum() != 0)
                    .map(h -> new Holding(h.getKey(), h.getValue())).toList();
            return new Period(periodId, tokenId, start, end, baselineKg, claims, state, closed, voided, minted, holdings,
                    List.copyOf(retirements));
        }
    }

    private static final String ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

    /** The facility after {@code events} (in chain order; others' events are skipped); empty when none. */
    public static Optional<CarbonFacilityState> fold(BigInteger facilityId, List<ChainEvent> events) {
        String owner = null;
        boolean any = false;
        Map<BigInteger, Builder> periods = new TreeMap<>();
        for (ChainEvent e : events) {
            if (!ContractEvents.CARBON.equals(e.contract()) || !e.subjects().contains("carbon:" + facilityId)) {
                continue;
            }
            any = true;
            switch (e.name()) {
                case "FacilityCreated" -> owner = e.text("owner");
                case "PeriodSet" -> {
                    Builder p = period(periods, e.uint("periodId"), facilityId);
                    p.start = e.uint("start").longValueExact();
                    p.end = e.uint("end").longValueExact();
                    p.baselineKg = e.uint("baselineKg").longValueExact();
                }
                case "ClaimSubmitted" -> period(periods, e.uint("periodId"), facilityId).claims++;
                case "PeriodClosed" -> period(periods, e.uint("periodId"), facilityId).closed = new Closed(e.uint("massGrams"),
                        e.uint("chargedGapMs"), e.uint("substituteGrams"), e.uint("emissionsGrams"), e.uint("windowEnd"), At.of(e));
                case "PeriodVoided" -> period(periods, e.uint("periodId"), facilityId).voided =
                        new Voided(e.text("regulator"), e.text("reason"), At.of(e));
                case "Minted" -> period(periods, e.uint("periodId"), facilityId).minted =
                        new Minted(e.uint("amount"), e.text("owner"), At.of(e));
                case "Retired" -> period(periods, periodOf(e.uint("tokenId")), facilityId).retirements.add(new Retirement(
                        e.uint("index"), e.text("holder"), e.uint("amount"), e.uint("serialFrom"), e.uint("serialTo"),
                        e.text("beneficiary"), e.text("reason"), At.of(e)));
                case "TransferSingle" -> transfer(periods, facilityId, e.text("from"), e.text("to"), e.uint("id"), e.uint("value"));
                case "TransferBatch" -> {
                    List<?> ids = e.list("ids");
                    List<?> values = e.list("values");
                    for (int i = 0; i < ids.size(); i++) {
                        transfer(periods, facilityId, e.text("from"), e.text("to"), (BigInteger) ids.get(i), (BigInteger) values.get(i));
                    }
                }
                default -> {
                }
            }
        }
        if (!any) {
            return Optional.empty();
        }
        return Optional.of(new CarbonFacilityState(facilityId, owner, periods.values().stream().map(Builder::build).toList()));
    }

    private static void transfer(Map<BigInteger, Builder> periods, BigInteger facilityId, String from, String to, BigInteger id,
            BigInteger value) {
        if (!id.shiftRight(128).equals(facilityId)) {
            return;
        }
        Builder p = period(periods, periodOf(id), facilityId);
        if (!ZERO_ADDRESS.equals(from)) {
            p.balances.merge(from, value.negate(), BigInteger::add);
        }
        if (!ZERO_ADDRESS.equals(to)) {
            p.balances.merge(to, value, BigInteger::add);
        }
    }

    private static BigInteger periodOf(BigInteger tokenId) {
        return tokenId.subtract(tokenId.shiftRight(128).shiftLeft(128));
    }

    private static Builder period(Map<BigInteger, Builder> periods, BigInteger periodId, BigInteger facilityId) {
        return periods.computeIfAbsent(periodId, id -> {
            Builder b = new Builder();
            b.periodId = id;
            b.tokenId = facilityId.shiftLeft(128).or(id);
            return b;
        });
    }
}
