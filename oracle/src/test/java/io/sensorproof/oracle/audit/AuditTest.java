package io.sensorproof.oracle.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.oracle.audit.AuditFinding.Kind;
import io.sensorproof.oracle.audit.AuditPorts.StoredReading;
import io.sensorproof.oracle.audit.AuditPorts.StoredReadings;
import io.sensorproof.oracle.bundle.KeyGroup;
import io.sensorproof.oracle.bundle.ReadingKey;
import io.sensorproof.oracle.bundle.SignedReading;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import io.sensorproof.zk.claims.ClaimTree;
import io.sensorproof.zk.merkle.BatchTree;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit against in-memory ports holding real signed messages: a clean claim and batch, and each
 * kind of difference detected by reading key (a reading left out of a claim tree, a stored reading
 * altered after anchoring, a tampered or missing message, a deleted reading, a wrong recorded leaf,
 * another root on chain).
 */
class AuditTest {
    private static final String DEVICE = "cold-room-7";
    private static final long T0 = 1_893_456_000_000L;
    private static final SigningKey KEY = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());

    private final Map<String, byte[]> raw = new HashMap<>();
    private final Map<ReadingKey, StoredReading> stored = new HashMap<>();
    private final List<ReadingKey> keys = new ArrayList<>();
    private final List<BigInteger> leaves = new ArrayList<>();

    /** Five messages of one temperature record each, 12 °C every minute, all stored. */
    @BeforeEach
    void signAndStore() {
        for (int i = 0; i < 5; i++) {
            long time = T0 + i * 60_000L;
            byte[] message = ReadingMessages.sign(new ReadingPack(DEVICE, List.of(new Reading(Quantity.TEMPERATURE, 12.0,
                    time))), 1, 10 + i, time, KEY);
            raw.put("1/" + (10 + i), message);
            ReadingKey key = new ReadingKey(DEVICE, 1, 10 + i, 0);
            keys.add(key);
            stored.put(key, new StoredReading(key, 1, time, 28_515));
            leaves.add(SignedReading.of(ReadingMessages.decode(message).verify(KEY.verificationKey())).get(0).leaf());
        }
    }

    private AuditReport auditClaim(List<ReadingKey> slots, BigInteger root) {
        List<BigInteger> recorded = slots.stream().map(k -> leaves.get(keys.indexOf(k))).toList();
        AnchoredSet set = AnchoredSet.claim(8, slots, recorded, root,
                new AnchoredSet.Window(DEVICE, 1, stored.get(slots.get(0)).timeMillis(),
                        stored.get(slots.get(slots.size() - 1)).timeMillis()));
        return run(set);
    }

    private AuditReport run(AnchoredSet set) {
        StoredReadings readings = new StoredReadings() {
            @Override
            public Optional<StoredReading> find(ReadingKey key) {
                return Optional.ofNullable(stored.get(key));
            }

            @Override
            public List<StoredReading> inWindow(String deviceId, int quantity, long from, long to) {
                return stored.values().stream().filter(r -> r.key().deviceId().equals(deviceId) && r.quantity() == quantity
                        && r.timeMillis() >= from && r.timeMillis() <= to).collect(Collectors.toList());
            }
        };
        return Audit.audit(set, (device, boot, seq) -> Optional.ofNullable(raw.get(boot + "/" + seq)),
                device -> List.of(KeyGroup.single(KEY.verificationKey().spki())), readings);
    }

    private BigInteger claimRoot(List<ReadingKey> slots) {
        return ClaimTree.of(8, slots.stream().map(k -> leaves.get(keys.indexOf(k))).toList()).root();
    }

    @Test
    void aClaimWhoseDataAgreesWithTheChainIsClean() {
        AuditReport report = auditClaim(keys, claimRoot(keys));
        assertThat(report.findings()).isEmpty();
        assertThat(report.readingsChecked()).isEqualTo(5);
    }

    @Test
    void detectsAReadingLeftOutOfAClaimTreeByItsKey() {
        List<ReadingKey> withoutThird = List.of(keys.get(0), keys.get(1), keys.get(3), keys.get(4));
        AuditReport report = auditClaim(withoutThird, claimRoot(withoutThird));
        assertThat(report.findings()).extracting(AuditFinding::kind).containsExactly(Kind.MISSING_FROM_CLAIM);
        assertThat(report.about(keys.get(2))).extracting(AuditFinding::kind).containsExactly(Kind.MISSING_FROM_CLAIM);
    }

    @Test
    void detectsAStoredReadingAlteredAfterAnchoringByItsKey() {
        BigInteger root = claimRoot(keys);
        StoredReading was = stored.get(keys.get(3));
        stored.put(keys.get(3), new StoredReading(was.key(), was.quantity(), was.timeMillis(), 27_815));
        AuditReport report = auditClaim(keys, root);
        assertThat(report.findings()).extracting(AuditFinding::kind).containsExactly(Kind.ALTERED_AFTER_ANCHOR);
        assertThat(report.about(keys.get(3))).hasSize(1);
    }

    @Test
    void detectsATamperedRetainedMessageAsABadSignatureAndTheRootAsUnverifiable() {
        BigInteger root = claimRoot(keys);
        byte[] message = raw.get("1/11");
        message[message.length - 5] ^= 0x01;
        AuditReport report = auditClaim(keys, root);
        assertThat(report.about(keys.get(1))).extracting(AuditFinding::kind).containsExactly(Kind.BAD_SIGNATURE);
        assertThat(report.of(Kind.ROOT_MISMATCH)).hasSize(1);
    }

    @Test
    void detectsAMissingMessageADeletedReadingAndAWrongRecordedLeafByKey() {
        BigInteger root = claimRoot(keys);
        raw.remove("1/10");
        stored.remove(keys.get(4));
        List<BigInteger> recorded = new ArrayList<>(leaves);
        recorded.set(2, recorded.get(2).add(BigInteger.ONE));
        AuditReport report = run(AnchoredSet.claim(8, keys, recorded, root,
                new AnchoredSet.Window(DEVICE, 1, T0, T0 + 240_000)));
        assertThat(report.about(keys.get(0))).extracting(AuditFinding::kind).containsExactly(Kind.MISSING_RAW_MESSAGE);
        assertThat(report.about(keys.get(4))).extracting(AuditFinding::kind).containsExactly(Kind.DELETED_AFTER_ANCHOR);
        assertThat(report.about(keys.get(2))).extracting(AuditFinding::kind).containsExactly(Kind.LEAF_MISMATCH);
    }

    @Test
    void detectsAnotherRootOnChain() {
        AuditReport report = auditClaim(keys, claimRoot(keys).add(BigInteger.ONE));
        assertThat(report.findings()).extracting(AuditFinding::kind).containsExactly(Kind.ROOT_MISMATCH);
    }

    @Test
    void auditsACommitmentBatchAgainstItsDepth16Root() {
        BigInteger root = BatchTree.of(leaves).root();
        assertThat(run(AnchoredSet.batch(keys, leaves, root)).findings()).isEmpty();
        StoredReading was = stored.get(keys.get(0));
        stored.put(keys.get(0), new StoredReading(was.key(), was.quantity(), was.timeMillis() + 1, was.value()));
        AuditReport report = run(AnchoredSet.batch(keys, leaves, root.add(BigInteger.ONE)));
        assertThat(report.about(keys.get(0))).extracting(AuditFinding::kind).containsExactly(Kind.ALTERED_AFTER_ANCHOR);
        assertThat(report.of(Kind.ROOT_MISMATCH)).hasSize(1);
    }
}
