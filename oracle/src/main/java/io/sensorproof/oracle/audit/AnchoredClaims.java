package io.sensorproof.oracle.audit;

import java.util.Optional;

/**
 * The port "what does the chain hold for this claim": one AnchorRegistry on one chain, read with
 * {@code eth_call} ({@link Web3jAnchoredBatches}, which reads batches and claims of the same registry).
 * Implementations throw {@link AuditException} {@code CHAIN_UNREACHABLE} when the node does not answer and
 * {@code CHAIN_ERROR} when it answers with an error other than the registry's "not anchored".
 */
public interface AnchoredClaims {
    /** The chain id the node reports. */
    long chainId();

    /** The registry's address (0x + 40 lowercase hex digits). */
    String registry();

    /**
     * {@code AnchorRegistry.runClaim(claimId)} for circuit {@code excursion}, {@code emissionsClaim(claimId)} for
     * {@code emissions}; empty when the registry reverts {@code ClaimNotAnchored} (no claim of that circuit).
     *
     * @param circuit {@code excursion} or {@code emissions} (zk-circuits' circuit names)
     * @param claimId 0x + 64 hex digits
     */
    Optional<ChainClaim> claim(String circuit, String claimId);
}
