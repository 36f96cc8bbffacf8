package io.sensorproof.oracle.audit;

import io.sensorproof.oracle.audit.AuditFinding.Kind;
import io.sensorproof.oracle.audit.AuditPorts.StoredReading;
import io.sensorproof.oracle.audit.AuditPorts.StoredReadings;
import io.sensorproof.oracle.bundle.AuditBundle;
import io.sensorproof.oracle.bundle.ReadingKey;
import io.sensorproof.oracle.bundle.SignedReading;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The regulator's audit of one anchored commitment batch from its {@link AuditBundle} (ADR 027),
 * framework-free, the same code in the gateway's endpoint and in {@code audit-batch}: the core
 * {@link Audit} re-verifies every member's signature from the retained raw bytes, re-derives each
 * leaf and compares it with the recorded leaf and the stored reading, and recomputes the root; this
 * class compares that root with the chain's ({@code AnchorRegistry.batch(batchId)}) when a chain is
 * given, or with the recorded root otherwise, and compares the batch as recorded (root, reading
 * count, times, block, registry, chain id) with the chain, and its recorded times with its signed
 * records'. Differences are findings; nothing is thrown for bad data, only {@link AuditException}
 * when the chain cannot be read.
 */
public final class BatchAudit {
    private BatchAudit() {
    }

    /**
     * Audits {@code bundle}, against {@code chain} when present.
     *
     * @throws AuditException {@code CHAIN_UNREACHABLE} or {@code CHAIN_ERROR} when the chain cannot be read
     */
    public static BatchAuditReport audit(AuditBundle bundle, Optional<AnchoredBatches> chain) {
        AuditBundle.Batch recorded = bundle.batch();
        List<AuditFinding> chainFindings = new ArrayList<>();
        BigInteger anchoredRoot = recorded.root();
        Optional<BatchAuditReport.ChainConsulted> consulted = Optional.empty();
        if (chain.isPresent()) {
            AnchoredBatches c = chain.get();
            long chainId = c.chainId();
            consulted = Optional.of(new BatchAuditReport.ChainConsulted(chainId, c.registry()));
            if (bundle.chainId().isPresent() && bundle.chainId().get() != chainId) {
                chainFindings.add(whole(Kind.CHAIN_MISMATCH, "chain.chainId: the bundle says chain " + bundle.chainId().get()
                        + ", the node serves chain " + chainId));
            }
            if (!c.registry().equals(bundle.anchorRegistry())) {
                chainFindings.add(whole(Kind.CHAIN_MISMATCH, "chain.anchorRegistry: the gateway recorded the anchor at "
                        + bundle.anchorRegistry() + ", the registry consulted is " + c.registry()));
            }
            Optional<ChainBatch> onChain = c.batch(recorded.id());
            if (onChain.isEmpty()) {
                Optional<Long> underOther = c.batchOfRoot(recorded.root());
                chainFindings.add(whole(Kind.CHAIN_BATCH_MISSING, "batch.id: registry " + c.registry() + " holds no batch "
                        + recorded.id() + underOther.map(o -> "; the recorded root is anchored there under batch " + o)
                                .orElse("; the recorded root is not anchored there either")));
            } else {
                ChainBatch b = onChain.get();
                anchoredRoot = b.root();
                compare(chainFindings, "batch.root", hex(recorded.root()), hex(b.root()));
                compare(chainFindings, "batch.readingCount", (long) recorded.readingCount(), b.readingCount());
                compare(chainFindings, "batch.firstTime", recorded.firstTime(), b.firstTime());
                compare(chainFindings, "batch.lastTime", recorded.lastTime(), b.lastTime());
                compare(chainFindings, "batch.anchor.block", recorded.anchorBlock(), b.blockNumber());
            }
        }

        List<ReadingKey> slots = bundle.members().stream().map(AuditBundle.Member::key).toList();
        List<BigInteger> leaves = bundle.members().stream().map(AuditBundle.Member::leaf).toList();
        Map<ReadingKey, StoredReading> stored = new HashMap<>();
        for (AuditBundle.Member m : bundle.members()) {
            m.stored().ifPresent(s -> stored.put(m.key(), new StoredReading(m.key(), s.quantity(), s.time(), s.value())));
        }
        StoredReadings storedReadings = new StoredReadings() {
            @Override
            public Optional<StoredReading> find(ReadingKey key) {
                return Optional.ofNullable(stored.get(key));
            }

            @Override
            public List<StoredReading> inWindow(String deviceId, int quantity, long fromMillis, long toMillis) {
                return List.of();
            }
        };
        Map<String, byte[]> raws = new HashMap<>();
        bundle.messages().forEach(msg -> raws.put(msg.deviceId() + "/" + msg.boot() + "/" + msg.seq(), msg.cose()));
        AuditReport core = Audit.audit(AnchoredSet.batch(slots, leaves, anchoredRoot),
                (device, boot, seq) -> Optional.ofNullable(raws.get(device + "/" + boot + "/" + seq)), bundle::keyGroups,
                storedReadings);

        List<AuditFinding> findings = new ArrayList<>(chainFindings);
        findings.addAll(core.findings());
        signedTimes(bundle).ifPresent(t -> {
            if (t[0] != recorded.firstTime() || t[1] != recorded.lastTime()) {
                findings.add(whole(Kind.BATCH_TIMES_MISMATCH, "batch.firstTime/lastTime: recorded [" + recorded.firstTime()
                        + ", " + recorded.lastTime() + "], the signed records span [" + t[0] + ", " + t[1] + "]"));
            }
        });
        return new BatchAuditReport(recorded.id(), consulted, new AuditReport(findings, core.readingsChecked()));
    }

    /** Earliest and latest time of the members' signed records, when every member has a verified one. */
    private static Optional<long[]> signedTimes(AuditBundle bundle) {
        Map<String, byte[]> raws = new HashMap<>();
        bundle.messages().forEach(msg -> raws.put(SignedRecords.messageId(msg.deviceId(), msg.boot(), msg.seq()), msg.cose()));
        List<ReadingKey> slots = bundle.members().stream().map(AuditBundle.Member::key).toList();
        return SignedRecords.every(slots, raws, bundle::keyGroups).map(records -> new long[] {
            records.stream().mapToLong(SignedReading::timeMillis).min().orElseThrow(),
            records.stream().mapToLong(SignedReading::timeMillis).max().orElseThrow()});
    }

    private static void compare(List<AuditFinding> findings, String field, Object recorded, Object onChain) {
        if (!recorded.equals(onChain)) {
            findings.add(whole(Kind.CHAIN_MISMATCH, field + ": the gateway recorded " + recorded + ", the chain holds " + onChain));
        }
    }

    private static String hex(BigInteger value) {
        return String.format("0x%064x", value);
    }

    private static AuditFinding whole(Kind kind, String detail) {
        return new AuditFinding(kind, Optional.empty(), detail);
    }
}
