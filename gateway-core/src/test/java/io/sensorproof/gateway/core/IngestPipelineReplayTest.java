package io.sensorproof.gateway.core;

import static io.sensorproof.gateway.core.Harness.NOW;
import static io.sensorproof.gateway.core.Harness.minutesAgo;
import static io.sensorproof.gateway.core.Harness.verifiedAck;
import static io.sensorproof.gateway.core.TestDevice.temperature;
import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.ack.Acknowledgement;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.message.ReadingMessages;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Replay check on (device, boot, seq): retransmissions, conflicts, repeats within a batch. */
class IngestPipelineReplayTest {
    private final Harness h = new Harness();
    private final TestDevice device = h.register(new TestDevice("acme", "cold-room-7", SignatureAlgorithm.ES256));

    /** One reading time per seq: the store refuses a reading time stored from another message. */
    private byte[] message(long seq, double celsius) {
        return device.sign(1, seq, NOW, temperature(celsius, minutesAgo(1).plusMillis(seq)));
    }

    private static ContentDigest digest(byte[] bytes) {
        return ContentDigest.of(ReadingMessages.decode(bytes).contentDigest());
    }

    private static String reason(Outcome o) {
        return ((Outcome.Rejected) o).reason().name();
    }

    @Test
    void exactDuplicateIsAcknowledgedAgainAndStoredOnce() {
        byte[] bytes = message(5, 3.0);
        h.processOne(h.inbound(device, bytes));

        Outcome again = h.processOne(h.inbound(device, bytes));

        assertThat(again).isInstanceOf(Outcome.Duplicate.class);
        assertThat(verifiedAck(again.reply().orElseThrow()).isStored(1, 5)).isTrue();
        assertThat(h.store.messages()).hasSize(1);
        assertThat(h.sent).hasSize(2);
        assertThat(h.quarantine.entries()).isEmpty();
        assertThat(h.count("duplicates")).isEqualTo(1);
        assertThat(h.count("stored.messages")).isEqualTo(1);
    }

    @Test
    void retransmissionWithMalleatedEcdsaSignatureIsADuplicateNotAConflict() {
        byte[] bytes = message(6, 3.0);
        byte[] malleated = bytes.clone();
        // the signature r || s ends the message; (r, n - s) verifies too
        BigInteger n = new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length));
        byte[] flipped = n.subtract(s).toByteArray();
        Arrays.fill(malleated, malleated.length - 32, malleated.length, (byte) 0);
        System.arraycopy(flipped, Math.max(0, flipped.length - 32), malleated, malleated.length - Math.min(32, flipped.length),
                Math.min(32, flipped.length));
        assertThat(malleated).isNotEqualTo(bytes);
        h.processOne(h.inbound(device, bytes));

        Outcome again = h.processOne(h.inbound(device, malleated));

        assertThat(again).isInstanceOf(Outcome.Duplicate.class);
        assertThat(h.alerts).isEmpty();
        assertThat(h.store.messages()).singleElement().satisfies(m -> assertThat(m.raw()).isEqualTo(bytes));
    }

    @Test
    void randomisedSm2SignaturesOfTheSameContentAreDuplicates() {
        TestDevice sm2 = h.register(new TestDevice("acme", "sm2-room", SignatureAlgorithm.SM2_SM3));
        byte[] first = sm2.sign(1, 1, NOW, temperature(3, minutesAgo(1)));
        byte[] second = sm2.sign(1, 1, NOW, temperature(3, minutesAgo(1)));
        assertThat(second).isNotEqualTo(first);

        List<Outcome> outcomes = h.process(h.inbound(sm2, first), h.inbound(sm2, second));

        assertThat(outcomes.get(0)).isInstanceOf(Outcome.Stored.class);
        assertThat(outcomes.get(1)).isInstanceOf(Outcome.Duplicate.class);
    }

    @Test
    void otherContentUnderAStoredBootAndSeqIsAConflictingDuplicateWithAlertAndSignedRejection() {
        byte[] original = message(7, 3.0);
        byte[] conflicting = message(7, 30.0);
        h.processOne(h.inbound(device, original));
        h.events.clear();
        h.sent.clear();

        Outcome outcome = h.processOne(h.inbound(device.up(), conflicting, "mqtt:cold-room-7"));

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Rejected.class, r -> {
            assertThat(r.reason().name()).isEqualTo("CONFLICTING_DUPLICATE");
            assertThat(r.authenticated()).isTrue();
            assertThat(r.kept()).isTrue();
            assertThat(r.detail()).contains(digest(original).hex()).contains(digest(conflicting).hex());
        });
        // the stored message stands
        assertThat(h.store.messages()).singleElement().satisfies(m -> assertThat(m.raw()).isEqualTo(original));
        assertThat(h.quarantine.entries()).singleElement().satisfies(e -> {
            assertThat(e.raw()).isEqualTo(conflicting);
            assertThat(e.authenticated()).isTrue();
            assertThat(e.claimedDevice()).contains(device.id);
        });
        assertThat(h.alerts).singleElement().satisfies(a -> {
            assertThat(a.tenant()).isEqualTo("acme");
            assertThat(a.key()).isEqualTo(new MessageKey(device.id, 1, 7));
            assertThat(a.storedDigest()).isEqualTo(digest(original));
            assertThat(a.receivedDigest()).isEqualTo(digest(conflicting));
            assertThat(a.sourceConnectionId()).isEqualTo("mqtt:cold-room-7");
        });
        // device signed it, so it is told (signed) that this (boot, seq) is taken
        Acknowledgement ack = verifiedAck(outcome.reply().orElseThrow());
        assertThat(ack.rejection(1, 7)).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo("CONFLICTING_DUPLICATE"));
        assertThat(ack.isStored(1, 7)).isFalse();
        assertThat(h.events).containsExactly("store begin 1", "store committed", "alert " + new MessageKey(device.id, 1, 7),
                "quarantine CONFLICTING_DUPLICATE", "send " + device.ack(), "observed 1");
        assertThat(h.count("conflicts")).isEqualTo(1);
        assertThat(h.count("rejected.CONFLICTING_DUPLICATE")).isEqualTo(1);
    }

    @Test
    void invalidContentUnderAStoredBootAndSeqIsReportedAsConflictBecauseReplayIsCheckedFirst() {
        h.processOne(h.inbound(device, message(8, 3.0)));

        Outcome outcome = h.processOne(h.inbound(device, message(8, Double.NaN)));

        assertThat(reason(outcome)).isEqualTo("CONFLICTING_DUPLICATE");
        assertThat(h.alerts).hasSize(1);
        assertThat(h.events).contains("store lookup 1");
    }

    @Test
    void invalidContentUnderAFreeBootAndSeqIsAValidationRejection() {
        Outcome outcome = h.processOne(h.inbound(device, message(9, Double.POSITIVE_INFINITY)));

        assertThat(reason(outcome)).isEqualTo("INVALID_VALUE");
        assertThat(h.alerts).isEmpty();
    }

    @Test
    void batchWithRepeatsStoresEachKeyOnceAndDecidesTheRestAsDuplicateOrConflict() {
        byte[] a = message(10, 3.0);
        byte[] conflicting = message(10, 4.0);
        byte[] b = message(11, 3.0);

        List<Outcome> outcomes = h.process(h.inbound(device, a), h.inbound(device, a), h.inbound(device, conflicting),
                h.inbound(device, b), h.inbound(device, b));

        assertThat(outcomes.get(0)).isInstanceOf(Outcome.Stored.class);
        assertThat(outcomes.get(1)).isInstanceOf(Outcome.Duplicate.class);
        assertThat(reason(outcomes.get(2))).isEqualTo("CONFLICTING_DUPLICATE");
        assertThat(outcomes.get(3)).isInstanceOf(Outcome.Stored.class);
        assertThat(outcomes.get(4)).isInstanceOf(Outcome.Duplicate.class);
        // every valid message goes to the store in batch order, which compares repeats with the first
        assertThat(h.store.batches).singleElement().satisfies(batch ->
                assertThat(batch).extracting(AcceptedMessage::seq).containsExactly(10L, 10L, 10L, 11L, 11L));
        assertThat(h.store.messages()).hasSize(2);
        assertThat(h.alerts).singleElement().satisfies(al -> assertThat(al.storedDigest()).isEqualTo(digest(a)));
        // one acknowledgement names seq 10 and 11 for all four stored/duplicate copies, plus the signed rejection
        assertThat(h.sent).hasSize(2);
    }

    @Test
    void batchDecidesAsIfMessagesCameOneByOne() {
        byte[] invalid = message(12, Double.NaN);
        byte[] valid = message(12, 3.0);

        List<Outcome> invalidFirst = h.process(h.inbound(device, invalid), h.inbound(device, valid));
        assertThat(reason(invalidFirst.get(0))).isEqualTo("INVALID_VALUE");
        assertThat(invalidFirst.get(1)).isInstanceOf(Outcome.Stored.class);

        byte[] invalid2 = message(13, Double.NaN);
        byte[] valid2 = message(13, 3.0);
        List<Outcome> validFirst = h.process(h.inbound(device, valid2), h.inbound(device, invalid2));
        assertThat(validFirst.get(0)).isInstanceOf(Outcome.Stored.class);
        assertThat(reason(validFirst.get(1))).isEqualTo("CONFLICTING_DUPLICATE");
    }

    @Test
    void batchRepeatingAKeyThatConflictsWithTheStoreComparesEveryCopyWithTheStoredContent() {
        byte[] stored = message(14, 3.0);
        byte[] other = message(14, 5.0);
        h.processOne(h.inbound(device, stored));

        List<Outcome> outcomes = h.process(h.inbound(device, other), h.inbound(device, other), h.inbound(device, stored));

        assertThat(reason(outcomes.get(0))).isEqualTo("CONFLICTING_DUPLICATE");
        assertThat(reason(outcomes.get(1))).isEqualTo("CONFLICTING_DUPLICATE");
        assertThat(outcomes.get(2)).isInstanceOf(Outcome.Duplicate.class);
        assertThat(h.alerts).hasSize(2).allSatisfy(al -> assertThat(al.storedDigest()).isEqualTo(digest(stored)));
    }

    @Test
    void sameMessageThroughTwoReplicasAtOnceIsStoredOnce() throws Exception {
        IngestPipeline replica = IngestPipeline.builder().directory(h.directory).store(h.store).quarantine(h.quarantine)
                .acknowledger(r -> { }).alerts(a -> { }).ackKey(Harness.GATEWAY_KEY).clock(h.clock).build();
        byte[] bytes = message(15, 3.0);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Callable<Outcome>> tasks = List.of(() -> h.processOne(h.inbound(device, bytes)),
                    () -> replica.process(List.of(h.inbound(device, bytes))).get(0));
            List<Outcome> outcomes = pool.invokeAll(tasks).stream().map(IngestPipelineReplayTest::get).toList();

            assertThat(outcomes).hasAtLeastOneElementOfType(Outcome.Stored.class).hasAtLeastOneElementOfType(Outcome.Duplicate.class);
            assertThat(h.store.messages()).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Outcome get(Future<Outcome> f) {
        try {
            return f.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
