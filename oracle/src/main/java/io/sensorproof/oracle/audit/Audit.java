package io.sensorproof.oracle.audit;

import io.sensorproof.oracle.audit.AuditFinding.Kind;
import io.sensorproof.oracle.audit.AuditPorts.DeviceKeys;
import io.sensorproof.oracle.audit.AuditPorts.RetainedMessages;
import io.sensorproof.oracle.audit.AuditPorts.StoredReading;
import io.sensorproof.oracle.audit.AuditPorts.StoredReadings;
import io.sensorproof.oracle.bundle.KeyGroup;
import io.sensorproof.oracle.bundle.ReadingKey;
import io.sensorproof.oracle.bundle.SignedReading;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.message.ReadingMessage;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.zk.claims.ClaimTree;
import io.sensorproof.zk.merkle.BatchTree;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The regulator's audit of one anchored claim or commitment batch (issue 15), framework-free: for
 * every anchored reading it re-verifies the device's signature over the retained raw bytes (both
 * signatures for a hybrid device, ADR 029: a key group with an ML-DSA key verifies only hybrid messages),
 * re-derives the leaf from the signed record and compares it with the leaf the gateway recorded (when it
 * recorded leaves: a batch does, a claim records its keys and root only) and with the stored reading as it
 * is now; it recomputes the root from the signed records and compares
 * it with the chain's; and for a claim it checks completeness: every stored reading of the claim's
 * device and quantity inside its window is in the claim tree. Each difference is reported by reading
 * key; nothing is thrown for bad data.
 */
public final class Audit {
    private Audit() {
    }

    /** Audits {@code set} against the retained messages, the device keys and the stored readings. */
    public static AuditReport audit(AnchoredSet set, RetainedMessages messages, DeviceKeys keys, StoredReadings stored) {
        List<AuditFinding> findings = new ArrayList<>();
        List<BigInteger> signedLeaves = new ArrayList<>();
        boolean everyLeafSigned = true;
        for (int s = 0; s < set.slots().size(); s++) {
            ReadingKey key = set.slots().get(s);
            Optional<SignedReading> signed = signed(key, messages, keys, findings);
            Optional<StoredReading> now = stored.find(key);
            if (now.isEmpty()) {
                findings.add(finding(Kind.DELETED_AFTER_ANCHOR, key, "the anchored reading is no longer stored"));
            }
            if (signed.isEmpty()) {
                everyLeafSigned = false;
                continue;
            }
            SignedReading r = signed.get();
            BigInteger leaf = r.leaf();
            signedLeaves.add(leaf);
            if (!set.recordedLeaves().isEmpty() && !leaf.equals(set.recordedLeaves().get(s))) {
                findings.add(finding(Kind.LEAF_MISMATCH, key, "slot " + s + ": recorded leaf "
                        + set.recordedLeaves().get(s).toString(16) + ", the signed record's is " + leaf.toString(16)));
            }
            now.ifPresent(n -> {
                if (n.quantity() != r.quantity().code() || n.timeMillis() != r.timeMillis() || n.value() != r.value()) {
                    findings.add(finding(Kind.ALTERED_AFTER_ANCHOR, key, "stored (quantity " + n.quantity() + ", time "
                            + n.timeMillis() + ", value " + n.value() + "), signed (quantity " + r.quantity().code()
                            + ", time " + r.timeMillis() + ", value " + r.value() + ")"));
                }
            });
        }
        if (everyLeafSigned) {
            BigInteger root = set.kind() == AnchoredSet.Kind.CLAIM ? ClaimTree.of(set.treeSize(), signedLeaves).root()
                    : BatchTree.of(signedLeaves).root();
            if (!root.equals(set.chainRoot())) {
                findings.add(new AuditFinding(Kind.ROOT_MISMATCH, Optional.empty(), "the signed records give root "
                        + root.toString(16) + ", the chain holds " + set.chainRoot().toString(16)));
            }
        } else {
            findings.add(new AuditFinding(Kind.ROOT_MISMATCH, Optional.empty(),
                    "the root cannot be recomputed: not every anchored reading has a verified signed record"));
        }
        set.completeness().ifPresent(w -> {
            Set<ReadingKey> claimed = new HashSet<>(set.slots());
            for (StoredReading r : stored.inWindow(w.deviceId(), w.quantity(), w.fromMillis(), w.toMillis())) {
                if (!claimed.contains(r.key())) {
                    findings.add(finding(Kind.MISSING_FROM_CLAIM, r.key(), "stored reading at " + r.timeMillis()
                            + " (value " + r.value() + ") lies in the claim's window [" + w.fromMillis() + ", "
                            + w.toMillis() + "] but not in its tree"));
                }
            }
        });
        return new AuditReport(findings, set.slots().size());
    }

    /** The signed record of {@code key}, verified with one of the device's keys. */
    private static Optional<SignedReading> signed(ReadingKey key, RetainedMessages messages, DeviceKeys keys,
            List<AuditFinding> findings) {
        Optional<byte[]> raw = messages.raw(key.deviceId(), key.boot(), key.seq());
        if (raw.isEmpty()) {
            findings.add(finding(Kind.MISSING_RAW_MESSAGE, key, "no retained message (boot " + key.boot() + ", seq "
                    + key.seq() + ")"));
            return Optional.empty();
        }
        ReadingMessage message;
        try {
            message = ReadingMessages.decode(raw.get());
        } catch (ProtocolException e) {
            findings.add(finding(Kind.UNREADABLE_MESSAGE, key, e.getMessage()));
            return Optional.empty();
        }
        boolean verified = false;
        for (KeyGroup group : keys.keyGroups(key.deviceId())) {
            try {
                group.verify(message);
                verified = true;
                break;
            } catch (ProtocolException e) {
                // another key of the device (before or after a renewal) may be the one
            }
        }
        if (!verified || !message.pack().deviceId().equals(key.deviceId()) || message.header().boot() != key.boot()
                || message.header().seq() != key.seq()) {
            findings.add(finding(Kind.BAD_SIGNATURE, key, "no registered key (group) of " + key.deviceId()
                    + " verifies the retained message as this device's (boot, seq)"));
            return Optional.empty();
        }
        List<SignedReading> records = SignedReading.of(message);
        if (key.recordIndex() >= records.size()) {
            findings.add(finding(Kind.UNREADABLE_MESSAGE, key, "the message has " + records.size() + " records"));
            return Optional.empty();
        }
        return Optional.of(records.get(key.recordIndex()));
    }

    private static AuditFinding finding(Kind kind, ReadingKey key, String detail) {
        return new AuditFinding(kind, Optional.of(key), detail);
    }
}
