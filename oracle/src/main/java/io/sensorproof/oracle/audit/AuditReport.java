package io.sensorproof.oracle.audit;

import io.sensorproof.oracle.bundle.ReadingKey;
import java.util.List;
import java.util.Optional;

/**
 * The audit of one anchored claim or batch: every difference found (empty when the stored data,
 * the retained signed messages and the chain agree) and how many anchored readings were re-checked.
 */
public record AuditReport(List<AuditFinding> findings, int readingsChecked) {
    public AuditReport {
        findings = List.copyOf(findings);
    }

    /** True when nothing differs. */
    public boolean clean() {
        return findings.isEmpty();
    }

    /** The findings about {@code key}. */
    public List<AuditFinding> about(ReadingKey key) {
        return findings.stream().filter(f -> f.key().equals(Optional.of(key))).toList();
    }

    /** The findings of {@code kind}. */
    public List<AuditFinding> of(AuditFinding.Kind kind) {
        return findings.stream().filter(f -> f.kind() == kind).toList();
    }
}
