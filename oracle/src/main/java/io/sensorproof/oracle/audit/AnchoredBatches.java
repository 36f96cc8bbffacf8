package io.sensorproof.oracle.audit;

import java.math.BigInteger;
import java.util.Optional;

/**
 * The port "what does the chain hold for this batch": one AnchorRegistry on one chain, read with
 * {@code eth_call} ({@link Web3jAnchoredBatches}). Implementations throw {@link AuditException}
 * {@code CHAIN_UNREACHABLE} when the node does not answer and {@code CHAIN_ERROR} when it answers
 * with an error other than the registry's "not anchored".
 */
public interface AnchoredBatches {
    /** The chain id the node reports. */
    long chainId();

    /** The registry's address (0x + 40 lowercase hex digits). */
    String registry();

    /** {@code AnchorRegistry.batch(batchId)}; empty when the registry reverts {@code BatchNotAnchored}. */
    Optional<ChainBatch> batch(long batchId);

    /** {@code AnchorRegistry.batchOfRoot(root)}: the batch id the root was anchored under, if any. */
    Optional<Long> batchOfRoot(BigInteger root);
}
