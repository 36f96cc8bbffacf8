package io.sensorproof.oracle.audit;

import io.sensorproof.oracle.bundle.AuditBundle;
import io.sensorproof.oracle.bundle.SignedReading;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import io.sensorproof.zk.merkle.BatchTree;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Test audit bundles of real signed messages: a batch of two devices (an ES256 one, whose key was
 * renewed so two keys are listed, and an Ed25519 one), three messages of two records each, with the
 * leaves and root computed independently with zk-circuits' {@link BatchTree}.
 */
public final class AuditBundles {
    /** The registry address of the test bundles. */
    public static final String REGISTRY = "0x" + "ab".repeat(20);
    /** A transaction hash. */
    public static final String TX = "0x" + "cd".repeat(32);
    static final long T0 = 1_893_456_000_000L;

    private AuditBundles() {
    }

    /** A clean bundle of batch {@code batchId}. */
    public static AuditBundle clean(long batchId) {
        SigningKey old = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        SigningKey a = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        SigningKey b = Keys.generate(SignatureAlgorithm.EDDSA, new SecureRandom());
        List<AuditBundle.Message> messages = new ArrayList<>();
        List<SignedReading> signed = new ArrayList<>();
        add(messages, signed, "room-a", 1, 0, T0, a);
        add(messages, signed, "room-b", 2, 5, T0 + 500, b);
        add(messages, signed, "room-a", 1, 1, T0 + 60_000, a);
        List<AuditBundle.Member> members = new ArrayList<>();
        List<BigInteger> leaves = new ArrayList<>();
        for (SignedReading r : signed) {
            members.add(new AuditBundle.Member(r.key(), r.leaf(), Optional.of(new AuditBundle.Stored(r.quantity().code(),
                    r.timeMillis(), r.value()))));
            leaves.add(r.leaf());
        }
        long first = signed.stream().mapToLong(SignedReading::timeMillis).min().orElseThrow();
        long last = signed.stream().mapToLong(SignedReading::timeMillis).max().orElseThrow();
        AuditBundle.Batch batch = new AuditBundle.Batch(batchId, BatchTree.of(leaves).root(), members.size(), first, last,
                T0 + 120_000, TX, 42);
        return new AuditBundle(Optional.of(31337L), REGISTRY, batch, members, messages, List.of(
                new AuditBundle.DeviceKeys("room-a", List.of(old.verificationKey().spki(), a.verificationKey().spki())),
                new AuditBundle.DeviceKeys("room-b", List.of(b.verificationKey().spki()))));
    }

    private static void add(List<AuditBundle.Message> messages, List<SignedReading> signed, String device, long boot,
            long seq, long time, SigningKey key) {
        byte[] raw = ReadingMessages.sign(new ReadingPack(device, List.of(new Reading(Quantity.TEMPERATURE, 4.5 + seq, time),
                new Reading(Quantity.HUMIDITY, 61.25, time + 1))), boot, seq, time, key);
        messages.add(new AuditBundle.Message(device, boot, seq, raw));
        signed.addAll(SignedReading.of(ReadingMessages.decode(raw).verify(key.verificationKey())));
    }

    /** The batch as the chain would hold it for {@code bundle} anchored as recorded. */
    public static ChainBatch onChain(AuditBundle bundle) {
        AuditBundle.Batch b = bundle.batch();
        return new ChainBatch(b.root(), b.readingCount(), b.firstTime(), b.lastTime(), 1_893_456_200L, b.anchorBlock());
    }
}
