package io.sensorproof.gateway.chain;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/** The JSON shapes of chain events and on-chain credits in the API. */
public final class ChainViews {
    private ChainViews() {
    }

    /**
     * One event of a deployed contract as read from the chain: where it is, its arguments by Solidity name
     * (integers as JSON numbers, addresses and bytes32 as hex), and {@code removed} when the chain no longer
     * has its block (a reorganisation or a local chain that lost its last blocks).
     */
    public record ChainEventView(long id, String contract, String event, long blockNumber, String blockHash,
            String transactionHash, long logIndex, JsonNode args, boolean removed, Instant readAt, Instant removedAt) {
    }

    /**
     * One period's credits on chain: state (OPEN, CLOSED, VOIDED, MINTED), units minted, held (by all
     * holders) and retired, and the detail (close with emissions, void with reason, mint with its
     * transaction, holders, retirements).
     */
    public record PeriodCredits(String periodId, String tokenId, String state, String minted, String held, String retired,
            JsonNode detail) {
    }

    /** An emissions facility's credits per period as the chain says; empty until it is linked and has events. */
    public record FacilityCredits(long facilityId, String chainFacilityId, List<PeriodCredits> periods) {
    }
}
