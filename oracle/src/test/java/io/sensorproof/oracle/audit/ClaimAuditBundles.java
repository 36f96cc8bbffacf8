package io.sensorproof.oracle.audit;

import io.sensorproof.oracle.bundle.AuditBundle;
import io.sensorproof.oracle.bundle.ClaimAuditBundle;
import io.sensorproof.oracle.bundle.ClaimIds;
import io.sensorproof.oracle.bundle.SignedReading;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import io.sensorproof.zk.claims.RunClaimWitness;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Test claim audit bundles of real signed messages: a run claim of device {@code room-a} (five temperature
 * readings at 12 °C, one a minute, each in a message of its own, boot 1, seq 10…14), its public inputs built by
 * zk-circuits' {@link RunClaimWitness} (the prover's witness builder, independent of the audit), the window's
 * stored readings being exactly the claim's, stored one second apart, the last at the settlement's arrival time.
 */
public final class ClaimAuditBundles {
    /** The registry address of the test bundles. */
    public static final String REGISTRY = AuditBundles.REGISTRY;
    static final long T0 = AuditBundles.T0;
    /** The claim's range: 2–8 °C in centi-kelvin. */
    static final long LO = 27_515;
    static final long HI = 28_115;
    static final long MAX_GAP = 90_000;
    /** When the window was settled (gateway clock). */
    public static final long SETTLED = T0 + 300_000;

    private ClaimAuditBundles() {
    }

    /** A clean bundle of a run claim. */
    public static ClaimAuditBundle clean() {
        SigningKey key = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        return build(key, Optional.empty(), new AuditBundle.DeviceKeys("room-a", List.of(key.verificationKey().spki())));
    }

    /**
     * A clean bundle of a run claim of a hybrid device (ADR 029): every message signed by {@code classical} and
     * {@code postQuantum} (one COSE_Sign), listed with {@code keys}.
     */
    public static ClaimAuditBundle hybrid(SigningKey classical, SigningKey postQuantum, AuditBundle.DeviceKeys keys) {
        return build(classical, Optional.of(postQuantum), keys);
    }

    private static ClaimAuditBundle build(SigningKey key, Optional<SigningKey> postQuantum, AuditBundle.DeviceKeys keys) {
        List<AuditBundle.Message> messages = new ArrayList<>();
        List<SignedReading> signed = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            ReadingPack pack = new ReadingPack("room-a", List.of(new Reading(Quantity.TEMPERATURE, 12.0, T0 + k * 60_000L)));
            byte[] raw = postQuantum.isPresent()
                    ? ReadingMessages.signHybrid(pack, 1, 10 + k, T0 + k * 60_000L, key, postQuantum.get())
                    : ReadingMessages.sign(pack, 1, 10 + k, T0 + k * 60_000L, key);
            messages.add(new AuditBundle.Message("room-a", 1, 10 + k, raw));
            signed.addAll(SignedReading.of(postQuantum.isPresent()
                    ? ReadingMessages.decode(raw).verify(key.verificationKey(), postQuantum.get().verificationKey())
                    : ReadingMessages.decode(raw).verify(key.verificationKey())));
        }
        List<BigInteger> inputs = RunClaimWitness.of(signed.stream().map(SignedReading::committed).toList(), LO, HI, MAX_GAP)
                .request().publicInputs();
        ClaimAuditBundle.Claim claim = new ClaimAuditBundle.Claim(ClaimIds.of(RunClaimWitness.CIRCUIT, inputs),
                RunClaimWitness.CIRCUIT, "room-a", Quantity.TEMPERATURE.code(), inputs, "SEQUENCE", SETTLED,
                Optional.of(AuditBundles.TX), Optional.of(42L));
        List<ClaimAuditBundle.Member> members = new ArrayList<>();
        List<ClaimAuditBundle.WindowReading> window = new ArrayList<>();
        for (int k = 0; k < signed.size(); k++) {
            SignedReading r = signed.get(k);
            members.add(new ClaimAuditBundle.Member(r.key(), Optional.of(new AuditBundle.Stored(r.quantity().code(),
                    r.timeMillis(), r.value()))));
            window.add(new ClaimAuditBundle.WindowReading(r.key(), r.timeMillis(), r.value(), SETTLED - (4 - k) * 1000L));
        }
        return new ClaimAuditBundle(Optional.of(31337L), Optional.of(REGISTRY), claim, members, window, messages,
                List.of(keys));
    }

    /** {@code bundle} with one more stored reading in its window. */
    public static ClaimAuditBundle withWindowReading(ClaimAuditBundle bundle, ClaimAuditBundle.WindowReading extra) {
        List<ClaimAuditBundle.WindowReading> window = new ArrayList<>(bundle.windowReadings());
        window.add(extra);
        return new ClaimAuditBundle(bundle.chainId(), bundle.anchorRegistry(), bundle.claim(), bundle.members(), window,
                bundle.messages(), bundle.devices());
    }

    /** The claim as the chain would hold it for {@code bundle} anchored as recorded. */
    public static ChainClaim onChain(ClaimAuditBundle bundle) {
        return new ChainClaim(bundle.claim().publicInputs(), 1_893_456_200L);
    }
}
