package io.sensorproof.gateway.core;

import static io.sensorproof.gateway.core.Harness.NOW;
import static io.sensorproof.gateway.core.Harness.minutesAgo;
import static io.sensorproof.gateway.core.TestDevice.temperature;
import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.cose.SignatureAlgorithm;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Port failures defer messages instead of losing them or answering too early. */
class IngestPipelineFailureTest {
    private final Harness h = new Harness();
    private final TestDevice device = h.register(new TestDevice("acme", "cold-room-7", SignatureAlgorithm.EDDSA));

    private byte[] message(long seq, double celsius) {
        return device.sign(1, seq, NOW, temperature(celsius, minutesAgo(1)));
    }

    @Test
    void storeFailureDefersAcceptedMessagesSendsNothingAndTheResendIsStored() {
        byte[] bytes = message(1, 3.0);
        h.store.fail = true;

        List<Outcome> outcomes = h.process(h.inbound(device, bytes), h.inbound(device, bytes), h.inbound(device, new byte[] {0x18}));

        assertThat(outcomes.get(0)).isInstanceOf(Outcome.Deferred.class);
        assertThat(outcomes.get(1)).isInstanceOf(Outcome.Deferred.class);
        assertThat(outcomes.get(2)).isInstanceOf(Outcome.Rejected.class);
        assertThat(h.sent).isEmpty();
        assertThat(h.count("deferred")).isEqualTo(2);
        assertThat(h.count("failures.store")).isEqualTo(1);

        h.store.fail = false;
        assertThat(h.processOne(h.inbound(device, bytes))).isInstanceOf(Outcome.Stored.class);
    }

    @Test
    void storeFailureDefersAuthenticatedRejectionsThatNeedTheReplayCheck() {
        h.store.fail = true;

        Outcome outcome = h.processOne(h.inbound(device, message(2, Double.NaN)));

        assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
        assertThat(h.quarantine.entries()).isEmpty();
        assertThat(h.sent).isEmpty();
    }

    @Test
    void quarantineFailureWithholdsTheSignedRejection() {
        h.quarantine.fail = true;

        Outcome outcome = h.processOne(h.inbound(device, message(3, Double.NaN)));

        assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
        assertThat(h.sent).isEmpty();
        assertThat(h.count("failures.quarantine")).isEqualTo(1);
    }

    @Test
    void quarantineFailureForGarbageIsCountedAndDeferred() {
        h.quarantine.fail = true;

        Outcome outcome = h.processOne(h.inbound(device, new byte[] {0x18}));

        assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
        assertThat(h.count("failures.quarantine")).isEqualTo(1);
    }

    @Test
    void directoryFailureDefersWithoutQuarantiningAGenuineMessage() {
        h.directory.fail = true;

        Outcome outcome = h.processOne(h.inbound(device, message(4, 3.0)));

        assertThat(outcome).isInstanceOf(Outcome.Deferred.class);
        assertThat(h.quarantine.entries()).isEmpty();
        assertThat(h.events).containsExactly("observed 1");
        assertThat(h.count("failures.directory")).isEqualTo(1);
    }

    @Test
    void acknowledgerFailureIsCountedAndTheStoredOutcomeStands() {
        h.failAcknowledger = true;

        Outcome outcome = h.processOne(h.inbound(device, message(5, 3.0)));

        assertThat(outcome).isInstanceOf(Outcome.Stored.class);
        assertThat(h.store.messages()).hasSize(1);
        assertThat(h.count("failures.acknowledger")).isEqualTo(1);
    }

    @Test
    void alertFailureIsCountedAndTheConflictIsStillRejectedAndAnswered() {
        h.processOne(h.inbound(device, message(6, 3.0)));
        h.failAlerts = true;

        Outcome outcome = h.processOne(h.inbound(device, message(6, 9.0)));

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Rejected.class, r -> assertThat(r.signedRejection()).isPresent());
        assertThat(h.count("failures.alerts")).isEqualTo(1);
    }

    @Test
    void storeAnsweringForOtherMessagesThanItWasGivenIsTreatedAsAFailure() {
        MessageStore broken = new MessageStore() {
            @Override
            public StoredOutcome store(List<AcceptedMessage> batch) {
                return new StoredOutcome(List.of());
            }

            @Override
            public Map<MessageKey, ContentDigest> storedDigests(Collection<MessageKey> keys) {
                return Map.of();
            }
        };
        IngestPipeline pipeline = IngestPipeline.builder().directory(h.directory).store(broken).quarantine(h.quarantine)
                .acknowledger(h.sent::add).alerts(a -> { }).ackKey(Harness.GATEWAY_KEY).clock(h.clock).build();

        List<Outcome> outcomes = pipeline.process(List.of(h.inbound(device, message(7, 3.0))));

        assertThat(outcomes).singleElement().isInstanceOf(Outcome.Deferred.class);
        assertThat(h.sent).isEmpty();
    }
}
