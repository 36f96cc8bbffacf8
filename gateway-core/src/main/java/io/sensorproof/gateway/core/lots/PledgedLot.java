package io.sensorproof.gateway.core.lots;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An open lot as the rules engine and the oracle need it: its parties, devices, the bank's terms
 * (empty until set; nothing is watched before) with their version, and the on-chain facility id
 * (decimal uint256) once linked.
 */
public record PledgedLot(long lotId, String factoryTenant, String bankTenant, List<String> deviceIds,
        Optional<LotTerms> terms, int termsVersion, Optional<String> chainFacilityId) {
    public PledgedLot {
        Objects.requireNonNull(factoryTenant, "factoryTenant");
        Objects.requireNonNull(bankTenant, "bankTenant");
        deviceIds = List.copyOf(deviceIds);
        Objects.requireNonNull(terms, "terms");
        Objects.requireNonNull(chainFacilityId, "chainFacilityId");
    }
}
