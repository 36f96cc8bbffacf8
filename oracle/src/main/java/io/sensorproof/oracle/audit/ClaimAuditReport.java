package io.sensorproof.oracle.audit;

import java.util.Objects;
import java.util.Optional;

/**
 * The audit of one anchored claim: the findings by reading key (the core's {@link AuditReport} with the
 * claim's own) and what the chain was, so a reader knows whether "no finding" includes the chain.
 *
 * @param claimId the claim audited
 * @param circuit {@code excursion} (run claim) or {@code emissions}
 * @param chain the chain consulted (chain id and registry), empty when the audit ran without one and compared
 *        with the root the gateway recorded instead
 * @param report the findings
 */
public record ClaimAuditReport(String claimId, String circuit, Optional<BatchAuditReport.ChainConsulted> chain,
        AuditReport report) {
    public ClaimAuditReport {
        Objects.requireNonNull(claimId);
        Objects.requireNonNull(circuit);
        Objects.requireNonNull(chain);
        Objects.requireNonNull(report);
    }

    /** True when nothing differs. */
    public boolean clean() {
        return report.clean();
    }
}
