package io.sensorproof.oracle.audit;

import io.sensorproof.oracle.audit.AuditFinding.Kind;
import io.sensorproof.oracle.audit.AuditPorts.StoredReading;
import io.sensorproof.oracle.audit.AuditPorts.StoredReadings;
import io.sensorproof.oracle.audit.ClaimCompleteness.ArrivedReading;
import io.sensorproof.oracle.bundle.ClaimAuditBundle;
import io.sensorproof.oracle.bundle.ClaimIds;
import io.sensorproof.oracle.bundle.ReadingKey;
import io.sensorproof.oracle.bundle.SignedReading;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.zk.claims.RunClaimWitness;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The regulator's audit of one anchored run or emissions claim from its {@link ClaimAuditBundle} (ADR 027
 * "Claims"), framework-free, the same code in the gateway's endpoint and in {@code audit-claim}. The core
 * {@link Audit} re-verifies every reading's signature from the retained raw bytes, compares each stored reading
 * with its signed record ({@code ALTERED_AFTER_ANCHOR}, {@code DELETED_AFTER_ANCHOR}) and recomputes the claim
 * root from the signed records' leaves ({@code ROOT_MISMATCH}); this class compares that root and the recorded
 * public inputs with the claim the chain holds ({@code AnchorRegistry.runClaim} / {@code emissionsClaim} of the
 * claim id) when a chain is given, or with the recorded root otherwise; checks that the claim id is that of the
 * inputs and that the inputs are what the signed records give ({@code CLAIM_MISMATCH}); and checks completeness
 * with {@link ClaimCompleteness} against the arrival time the window was settled with: a stored reading of the
 * window outside the tree is {@code MISSING_FROM_CLAIM} if stored by then, {@code LATE_READING} if later.
 * Nothing is thrown for bad data, only {@link AuditException} when the chain cannot be read.
 */
public final class ClaimAudit {
    private ClaimAudit() {
    }

    /**
     * Audits {@code bundle}, against {@code chain} when present.
     *
     * @throws AuditException {@code CHAIN_UNREACHABLE} or {@code CHAIN_ERROR} when the chain cannot be read
     */
    public static ClaimAuditReport audit(ClaimAuditBundle bundle, Optional<AnchoredClaims> chain) {
        ClaimAuditBundle.Claim recorded = bundle.claim();
        List<String> names = recorded.inputNames();
        List<AuditFinding> claimFindings = new ArrayList<>();
        List<BigInteger> anchored = recorded.publicInputs();
        Optional<BatchAuditReport.ChainConsulted> consulted = Optional.empty();

        String idOfInputs = ClaimIds.of(recorded.circuit(), recorded.publicInputs());
        if (!idOfInputs.equals(recorded.id())) {
            claimFindings.add(whole(Kind.CLAIM_MISMATCH, "claim.id: recorded " + recorded.id() + ", the recorded inputs'"
                    + " id is " + idOfInputs));
        }
        if (chain.isPresent()) {
            AnchoredClaims c = chain.get();
            long chainId = c.chainId();
            consulted = Optional.of(new BatchAuditReport.ChainConsulted(chainId, c.registry()));
            if (bundle.chainId().isPresent() && bundle.chainId().get() != chainId) {
                claimFindings.add(whole(Kind.CHAIN_MISMATCH, "chain.chainId: the bundle says chain " + bundle.chainId().get()
                        + ", the node serves chain " + chainId));
            }
            if (bundle.anchorRegistry().isPresent() && !c.registry().equals(bundle.anchorRegistry().get())) {
                claimFindings.add(whole(Kind.CHAIN_MISMATCH, "chain.anchorRegistry: the gateway anchors at "
                        + bundle.anchorRegistry().get() + ", the registry consulted is " + c.registry()));
            }
            Optional<ChainClaim> onChain = c.claim(recorded.circuit(), recorded.id());
            if (onChain.isEmpty()) {
                claimFindings.add(whole(Kind.CHAIN_CLAIM_MISSING, "claim.id: registry " + c.registry() + " holds no "
                        + recorded.circuit() + " claim " + recorded.id()));
            } else {
                anchored = onChain.get().inputs();
                for (int i = 0; i < names.size(); i++) {
                    if (!recorded.publicInputs().get(i).equals(anchored.get(i))) {
                        claimFindings.add(whole(Kind.CHAIN_MISMATCH, "claim.publicInputs." + names.get(i) + ": the gateway"
                                + " recorded " + recorded.publicInputs().get(i) + ", the chain holds " + anchored.get(i)));
                    }
                }
            }
        }

        List<ReadingKey> slots = bundle.members().stream().map(ClaimAuditBundle.Member::key).toList();
        Map<ReadingKey, StoredReading> stored = new HashMap<>();
        for (ClaimAuditBundle.Member m : bundle.members()) {
            m.stored().ifPresent(s -> stored.put(m.key(), new StoredReading(m.key(), s.quantity(), s.time(), s.value())));
        }
        StoredReadings storedReadings = new StoredReadings() {
            @Override
            public Optional<StoredReading> find(ReadingKey key) {
                return Optional.ofNullable(stored.get(key));
            }

            @Override
            public List<StoredReading> inWindow(String deviceId, int quantity, long fromMillis, long toMillis) {
                // completeness is judged below by ClaimCompleteness, with arrival times
                return List.of();
            }
        };
        Map<String, byte[]> raws = new HashMap<>();
        bundle.messages().forEach(msg -> raws.put(SignedRecords.messageId(msg.deviceId(), msg.boot(), msg.seq()), msg.cose()));
        AnchoredSet set = new AnchoredSet(AnchoredSet.Kind.CLAIM, recorded.treeSize(), slots, List.of(), anchored.get(0),
                Optional.empty());
        AuditReport core = Audit.audit(set, (device, boot, seq) -> Optional.ofNullable(raws.get(SignedRecords.messageId(device,
                boot, seq))), bundle::keyGroups, storedReadings);

        List<AuditFinding> findings = new ArrayList<>(claimFindings);
        findings.addAll(core.findings());
        List<BigInteger> stated = anchored;
        SignedRecords.every(slots, raws, bundle::keyGroups).ifPresent(records -> findings.addAll(inputsOfRecords(recorded,
                stated, records)));

        long from = at(recorded, anchored, "firstTime");
        long to = at(recorded, anchored, "lastTime");
        AnchoredSet.Window window = new AnchoredSet.Window(recorded.deviceId(), recorded.quantity(), from, to);
        findings.addAll(ClaimCompleteness.check(new HashSet<>(slots), window, recorded.settledArrival(),
                (device, quantity, f, t) -> bundle.windowReadings().stream()
                        .filter(r -> r.key().deviceId().equals(device) && r.time() >= f && r.time() <= t)
                        .map(r -> new ArrivedReading(r.key(), quantity, r.time(), r.value(), r.storedAt())).toList()));
        return new ClaimAuditReport(recorded.id(), recorded.circuit(), consulted, new AuditReport(findings,
                core.readingsChecked()));
    }

    /** The anchored inputs (the chain's when read) against what the verified records give, by input name. */
    private static List<AuditFinding> inputsOfRecords(ClaimAuditBundle.Claim recorded, List<BigInteger> anchored,
            List<SignedReading> records) {
        List<AuditFinding> out = new ArrayList<>();
        expect(out, recorded, anchored, "count", BigInteger.valueOf(records.size()));
        if (records.isEmpty()) {
            return out;
        }
        SignedReading first = records.get(0);
        SignedReading last = records.get(records.size() - 1);
        expect(out, recorded, anchored, "device", Identifiers.deviceField(recorded.deviceId()));
        expect(out, recorded, anchored, "firstTime", BigInteger.valueOf(first.timeMillis()));
        expect(out, recorded, anchored, "lastTime", BigInteger.valueOf(last.timeMillis()));
        if (recorded.circuit().equals(RunClaimWitness.CIRCUIT)) {
            expect(out, recorded, anchored, "quantity", BigInteger.valueOf(recorded.quantity()));
        } else {
            expect(out, recorded, anchored, "firstTotal", BigInteger.valueOf(first.value()));
            expect(out, recorded, anchored, "lastTotal", BigInteger.valueOf(last.value()));
        }
        for (SignedReading r : records) {
            if (r.quantity().code() != recorded.quantity()) {
                out.add(new AuditFinding(Kind.CLAIM_MISMATCH, Optional.of(r.key()), "claim.quantity: the claim is of quantity "
                        + recorded.quantity() + ", the signed record of quantity " + r.quantity().code()));
            }
        }
        return out;
    }

    private static void expect(List<AuditFinding> out, ClaimAuditBundle.Claim recorded, List<BigInteger> anchored, String name,
            BigInteger ofRecords) {
        BigInteger value = anchored.get(recorded.inputNames().indexOf(name));
        if (!value.equals(ofRecords)) {
            out.add(whole(Kind.CLAIM_MISMATCH, "claim.publicInputs." + name + ": the claim states " + value
                    + ", its signed records give " + ofRecords));
        }
    }

    private static long at(ClaimAuditBundle.Claim recorded, List<BigInteger> anchored, String name) {
        BigInteger value = anchored.get(recorded.inputNames().indexOf(name));
        return value.bitLength() > 62 ? Long.MAX_VALUE : value.longValueExact();
    }

    private static AuditFinding whole(Kind kind, String detail) {
        return new AuditFinding(kind, Optional.empty(), detail);
    }
}
