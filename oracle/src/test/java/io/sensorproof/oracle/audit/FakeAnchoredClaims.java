package io.sensorproof.oracle.audit;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** An in-memory registry's claims on an in-memory chain. */
final class FakeAnchoredClaims implements AnchoredClaims {
    final Map<String, ChainClaim> claims = new HashMap<>();
    long chainId = 31337;
    String registry = ClaimAuditBundles.REGISTRY;

    @Override
    public long chainId() {
        return chainId;
    }

    @Override
    public String registry() {
        return registry;
    }

    @Override
    public Optional<ChainClaim> claim(String circuit, String claimId) {
        return Optional.ofNullable(claims.get(circuit + "/" + claimId));
    }

    void anchor(String circuit, String claimId, ChainClaim claim) {
        claims.put(circuit + "/" + claimId, claim);
    }
}
