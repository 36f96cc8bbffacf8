package io.sensorproof.gateway.core;

import static io.sensorproof.gateway.core.Harness.NOW;
import static io.sensorproof.gateway.core.Harness.minutesAgo;
import static io.sensorproof.gateway.core.Harness.verifiedAck;
import static io.sensorproof.gateway.core.TestDevice.humidity;
import static io.sensorproof.gateway.core.TestDevice.register;
import static io.sensorproof.gateway.core.TestDevice.temperature;
import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.ack.Acknowledgement;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The store's reading rules through the pipeline: one reading per device, quantity and time
 * ({@code DUPLICATE_READING_TIME}) and an emissions register that never decreases
 * ({@code REGISTER_DECREASED}), both authenticated final codes with a signed rejection, a
 * quarantine entry and a counter; batches decide as if their messages came one by one.
 */
class IngestPipelineReadingRulesTest {
    private static final Instant T1 = minutesAgo(3);
    private static final Instant T2 = minutesAgo(2);
    private static final Instant T3 = minutesAgo(1);

    private final Harness h = new Harness();
    private final TestDevice device = h.register(new TestDevice("acme", "stack-1", SignatureAlgorithm.ES256));

    private static String reason(Outcome o) {
        assertThat(o).isInstanceOf(Outcome.Rejected.class);
        return ((Outcome.Rejected) o).reason().name();
    }

    private void assertSignedRejection(Outcome outcome, byte[] bytes, long seq, String code) {
        assertThat(reason(outcome)).isEqualTo(code);
        Outcome.Rejected r = (Outcome.Rejected) outcome;
        assertThat(r.authenticated()).isTrue();
        assertThat(r.kept()).isTrue();
        Acknowledgement ack = verifiedAck(outcome.reply().orElseThrow());
        assertThat(ack.rejection(1, seq)).hasValueSatisfying(rej -> assertThat(rej.code()).isEqualTo(code));
        assertThat(ack.isStored(1, seq)).isFalse();
        assertThat(h.quarantine.entries()).filteredOn(e -> e.seq() == seq).singleElement().satisfies(e -> {
            assertThat(e.reason().name()).isEqualTo(code);
            assertThat(e.raw()).isEqualTo(bytes);
            assertThat(e.authenticated()).isTrue();
            assertThat(e.claimedDevice()).contains(device.id);
        });
        assertThat(h.store.messages()).noneSatisfy(m -> assertThat(m.seq()).isEqualTo(seq));
    }

    @Test
    void readingTimeStoredFromAnotherMessageWithAnotherValueIsRefusedSigned() {
        h.processOne(h.inbound(device, device.sign(1, 1, NOW, temperature(4.0, T1))));
        byte[] second = device.sign(1, 2, NOW, temperature(5.0, T1));

        Outcome outcome = h.processOne(h.inbound(device, second));

        assertSignedRejection(outcome, second, 2, "DUPLICATE_READING_TIME");
        assertThat(((Outcome.Rejected) outcome).detail()).contains("record 0").contains("(boot 1, seq 1)").contains("temperature");
        assertThat(h.count("rejected.DUPLICATE_READING_TIME")).isEqualTo(1);
        assertThat(h.store.delegate.readingCount()).isEqualTo(1);
    }

    @Test
    void sameValueAtAStoredTimeUnderAnotherKeyIsRefusedToo() {
        h.processOne(h.inbound(device, device.sign(1, 1, NOW, temperature(4.0, T1))));
        byte[] resigned = device.sign(1, 2, NOW, humidity(50, T1), temperature(4.0, T1));

        Outcome outcome = h.processOne(h.inbound(device, resigned));

        assertSignedRejection(outcome, resigned, 2, "DUPLICATE_READING_TIME");
        assertThat(((Outcome.Rejected) outcome).detail()).contains("record 1").contains("same value");
        // the message is refused whole: its humidity reading is not stored either
        assertThat(h.store.delegate.readingCount()).isEqualTo(1);
    }

    @Test
    void otherQuantityOrOtherDeviceAtTheSameTimeIsStored() {
        TestDevice other = h.register(new TestDevice("acme", "stack-2", SignatureAlgorithm.ES256));
        h.processOne(h.inbound(device, device.sign(1, 1, NOW, temperature(4.0, T1))));

        List<Outcome> outcomes = h.process(h.inbound(device, device.sign(1, 2, NOW, humidity(40, T1))),
                h.inbound(other, other.sign(1, 1, NOW, temperature(4.0, T1))));

        assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Stored.class));
        assertThat(h.store.delegate.readingCount()).isEqualTo(3);
    }

    @Test
    void retransmissionIsStillADuplicateThatIsAcknowledgedAgain() {
        byte[] bytes = device.sign(1, 1, NOW, temperature(4.0, T1), register(1_000, T1));
        h.processOne(h.inbound(device, bytes));

        Outcome again = h.processOne(h.inbound(device, bytes));

        assertThat(again).isInstanceOf(Outcome.Duplicate.class);
        assertThat(verifiedAck(again.reply().orElseThrow()).isStored(1, 1)).isTrue();
        assertThat(h.quarantine.entries()).isEmpty();
        assertThat(h.count("duplicates")).isEqualTo(1);
    }

    @Test
    void conflictingBootAndSeqStaysAConflictEvenWhenItsReadingTimeIsTaken() {
        h.processOne(h.inbound(device, device.sign(1, 1, NOW, temperature(4.0, T1))));
        h.processOne(h.inbound(device, device.sign(1, 2, NOW, register(1_000, T2))));
        // same key as seq 1 (other content), a reading time that seq 2 holds, a register below it
        byte[] conflicting = device.sign(1, 1, NOW, register(5, T2));

        Outcome outcome = h.processOne(h.inbound(device, conflicting));

        assertThat(reason(outcome)).isEqualTo("CONFLICTING_DUPLICATE");
        assertThat(h.alerts).hasSize(1);
    }

    @Test
    void twoMessagesOfOneBatchWithTheSameReadingTimeStoreTheFirstAndRefuseTheSecond() {
        byte[] first = device.sign(1, 1, NOW, temperature(4.0, T1));
        byte[] second = device.sign(1, 2, NOW, temperature(4.5, T1));

        List<Outcome> outcomes = h.process(h.inbound(device, first), h.inbound(device, second));

        assertThat(outcomes.get(0)).isInstanceOf(Outcome.Stored.class);
        assertSignedRejection(outcomes.get(1), second, 2, "DUPLICATE_READING_TIME");
        assertThat(((Outcome.Rejected) outcomes.get(1)).detail()).contains("(boot 1, seq 1)");
        assertThat(h.store.delegate.transactions()).isEqualTo(1);
    }

    @Test
    void refusedMessageOfABatchDoesNotCountAsStoredForLaterOnes() {
        h.processOne(h.inbound(device, device.sign(1, 1, NOW, register(1_000, T1))));
        // seq 2 is refused (register down), so its temperature at T2 is not stored and seq 3 may use T2
        byte[] refused = device.sign(1, 2, NOW, temperature(4.0, T2), register(999, T3));
        byte[] later = device.sign(1, 3, NOW, temperature(4.0, T2));

        List<Outcome> outcomes = h.process(h.inbound(device, refused), h.inbound(device, later));

        assertSignedRejection(outcomes.get(0), refused, 2, "REGISTER_DECREASED");
        assertThat(outcomes.get(1)).isInstanceOf(Outcome.Stored.class);
    }

    @Test
    void registerGoingDownAcrossTwoBatchesIsRefusedSigned() {
        h.processOne(h.inbound(device, device.sign(1, 1, NOW, register(1_000, T1))));
        byte[] lower = device.sign(1, 2, NOW, register(999, T2));

        Outcome outcome = h.processOne(h.inbound(device, lower));

        assertSignedRejection(outcome, lower, 2, "REGISTER_DECREASED");
        assertThat(((Outcome.Rejected) outcome).detail()).contains("999 g").contains("1000 g").contains("lower");
        assertThat(h.count("rejected.REGISTER_DECREASED")).isEqualTo(1);
    }

    @Test
    void registerGoingDownWithinOneBatchRefusesTheLaterMessage() {
        byte[] first = device.sign(1, 1, NOW, register(1_000, T1));
        byte[] lower = device.sign(1, 2, NOW, register(999, T2));

        List<Outcome> outcomes = h.process(h.inbound(device, first), h.inbound(device, lower));

        assertThat(outcomes.get(0)).isInstanceOf(Outcome.Stored.class);
        assertSignedRejection(outcomes.get(1), lower, 2, "REGISTER_DECREASED");
    }

    @Test
    void registerStayingEqualOrRisingIsStored() {
        List<Outcome> outcomes = h.process(h.inbound(device, device.sign(1, 1, NOW, register(1_000, T1))),
                h.inbound(device, device.sign(1, 2, NOW, register(1_000, T2))),
                h.inbound(device, device.sign(1, 3, NOW, register(1_001, T3))));

        assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Stored.class));
    }

    @Test
    void lateRegisterReadingBetweenTwoStoredOnesIsStoredWhenItFits() {
        h.processOne(h.inbound(device, device.sign(1, 1, NOW, register(1_000, T1), register(2_000, T3))));

        Outcome outcome = h.processOne(h.inbound(device, device.sign(1, 2, NOW, register(1_500, T2))));

        assertThat(outcome).isInstanceOf(Outcome.Stored.class);
    }

    @Test
    void lateRegisterReadingAboveItsLaterNeighbourIsRefused() {
        h.processOne(h.inbound(device, device.sign(1, 1, NOW, register(1_000, T1), register(2_000, T3))));
        byte[] tooHigh = device.sign(1, 2, NOW, register(2_001, T2));

        Outcome outcome = h.processOne(h.inbound(device, tooHigh));

        assertSignedRejection(outcome, tooHigh, 2, "REGISTER_DECREASED");
        assertThat(((Outcome.Rejected) outcome).detail()).contains("higher").contains("2000 g");
    }

    @Test
    void lateRegisterReadingBelowItsEarlierNeighbourIsRefused() {
        h.processOne(h.inbound(device, device.sign(1, 1, NOW, register(1_000, T1), register(2_000, T3))));
        byte[] tooLow = device.sign(1, 2, NOW, register(999, T2));

        Outcome outcome = h.processOne(h.inbound(device, tooLow));

        assertSignedRejection(outcome, tooLow, 2, "REGISTER_DECREASED");
    }

    @Test
    void registersOfTwoDevicesAreIndependent() {
        TestDevice other = h.register(new TestDevice("acme", "stack-2", SignatureAlgorithm.ES256));
        h.processOne(h.inbound(device, device.sign(1, 1, NOW, register(1_000_000, T1))));

        Outcome outcome = h.processOne(h.inbound(other, other.sign(1, 1, NOW, register(5, T2))));

        assertThat(outcome).isInstanceOf(Outcome.Stored.class);
    }
}
