package io.sensorproof.oracle.audit;

import java.util.Objects;
import java.util.Optional;

/**
 * The audit of one anchored commitment batch: the core's {@link AuditReport} (findings by reading
 * key) and what the chain was, so a reader knows whether "no finding" includes the chain.
 *
 * @param batchId the batch audited
 * @param chain the chain consulted (chain id and registry), empty when the audit ran without one and
 *        compared with the root the gateway recorded instead
 * @param report the findings
 */
public record BatchAuditReport(long batchId, Optional<ChainConsulted> chain, AuditReport report) {
    /**
     * The chain the audit read.
     *
     * @param chainId the node's chain id
     * @param registry the AnchorRegistry read
     */
    public record ChainConsulted(long chainId, String registry) {
        public ChainConsulted {
            Objects.requireNonNull(registry);
        }
    }

    public BatchAuditReport {
        Objects.requireNonNull(chain);
        Objects.requireNonNull(report);
    }

    /** True when nothing differs. */
    public boolean clean() {
        return report.clean();
    }
}
