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
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IngestPipelineAcceptanceTest {
    private final Harness h = new Harness();
    private final TestDevice device = h.register(new TestDevice("acme", "cold-room-7", SignatureAlgorithm.ES256));

    @Test
    void storesValidMessageAndAcknowledgesOnlyAfterTheStoreTransactionReturns() {
        byte[] bytes = device.sign(7, 1234, NOW, temperature(4.25, minutesAgo(1)));

        Outcome outcome = h.processOne(h.inbound(device, bytes));

        assertThat(outcome).isInstanceOf(Outcome.Stored.class);
        assertThat(h.events).containsExactly("store begin 1", "store committed", "send " + device.ack(), "observed 1");
        Outcome.Stored stored = (Outcome.Stored) outcome;
        assertThat(stored.key()).isEqualTo(new MessageKey("cold-room-7", 7, 1234));
        assertThat(h.sent).containsExactly(stored.ack());
        assertThat(stored.ack().topic()).isEqualTo("t/acme/d/cold-room-7/ack");
        Acknowledgement ack = verifiedAck(stored.ack());
        assertThat(ack.deviceId()).isEqualTo("cold-room-7");
        assertThat(ack.issuedAtMillis()).isEqualTo(NOW.toEpochMilli());
        assertThat(ack.isStored(7, 1234)).isTrue();
        assertThat(ack.rejection(7, 1234)).isEmpty();
        assertThat(h.quarantine.entries()).isEmpty();
    }

    @Test
    void storedMessageKeepsRawBytesDigestTopicTimesAndFixedPointReadings() {
        Instant readingTime = minutesAgo(2);
        byte[] bytes = device.sign(1, 2, NOW.plusSeconds(42),
                temperature(4.25, readingTime), humidity(55.5, readingTime), register(9_007_199_254_740_991L, readingTime.plusSeconds(1)));
        InboundMessage in = h.inbound(device.up(), bytes, "mqtt-user:cold-room-7");

        h.processOne(in);

        assertThat(h.store.messages()).singleElement().satisfies(m -> {
            assertThat(m.tenant()).isEqualTo("acme");
            assertThat(m.deviceId()).isEqualTo("cold-room-7");
            assertThat(m.boot()).isEqualTo(1);
            assertThat(m.seq()).isEqualTo(2);
            assertThat(m.raw()).isEqualTo(bytes);
            assertThat(m.contentDigest()).isEqualTo(ContentDigest.of(ReadingMessages.decode(bytes).contentDigest()));
            assertThat(m.topic()).isEqualTo("t/acme/d/cold-room-7/up");
            assertThat(m.sourceConnectionId()).isEqualTo("mqtt-user:cold-room-7");
            assertThat(m.receivedAt()).isEqualTo(NOW);
            assertThat(m.deviceTime()).isEqualTo(NOW.plusSeconds(42));
            assertThat(m.clockSkew()).isEqualTo(Duration.ofSeconds(42));
            assertThat(m.readings()).containsExactly(
                    new AcceptedReading(0, Quantity.TEMPERATURE, 27740, readingTime, false),
                    new AcceptedReading(1, Quantity.HUMIDITY, 5550, readingTime, false),
                    new AcceptedReading(2, Quantity.CO2E_REGISTER, 9_007_199_254_740_991L, readingTime.plusSeconds(1), false));
        });
        assertThat(h.count("stored.messages")).isEqualTo(1);
        assertThat(h.count("stored.readings")).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void storesMessagesSignedWithEveryAlgorithm(SignatureAlgorithm alg) {
        TestDevice d = h.register(new TestDevice("acme", "dev-" + alg.name().toLowerCase(), alg));

        Outcome outcome = h.processOne(h.inbound(d, d.sign(1, 1, NOW, temperature(-18, minutesAgo(1)))));

        assertThat(outcome).isInstanceOf(Outcome.Stored.class);
        assertThat(verifiedAck(outcome.reply().orElseThrow()).isStored(1, 1)).isTrue();
    }

    @Test
    void recordsNegativeClockSkewWhenTheDeviceClockIsBehind() {
        h.processOne(h.inbound(device, device.sign(1, 1, NOW.minusSeconds(90), temperature(3, minutesAgo(2)))));

        assertThat(h.store.messages()).singleElement()
                .satisfies(m -> assertThat(m.clockSkew()).isEqualTo(Duration.ofSeconds(-90)));
    }

    @Test
    void flagsReadingsOlderThanLateAfterAndAcceptsThem() {
        Instant justLate = NOW.minus(Duration.ofMinutes(15)).minusMillis(1);
        Instant justInTime = NOW.minus(Duration.ofMinutes(15));
        Instant dayOld = NOW.minus(Duration.ofDays(1));
        byte[] bytes = device.sign(1, 1, NOW, temperature(3, dayOld), temperature(3, justLate), temperature(3, justInTime));

        Outcome outcome = h.processOne(h.inbound(device, bytes));

        assertThat(outcome).isInstanceOf(Outcome.Stored.class);
        assertThat(h.store.messages().get(0).readings()).extracting(AcceptedReading::late).containsExactly(true, true, false);
        assertThat(h.count("stored.late_readings")).isEqualTo(2);
    }

    @Test
    void acceptsReadingExactlyAtTheFutureSkewLimit() {
        byte[] bytes = device.sign(1, 1, NOW, temperature(3, NOW.plus(Duration.ofMinutes(5))));

        assertThat(h.processOne(h.inbound(device, bytes))).isInstanceOf(Outcome.Stored.class);
    }

    @Test
    void honoursConfiguredTimeWindows() {
        Harness strict = new Harness(QuarantineQuota.Settings.defaults(), new IngestSettings(Duration.ofSeconds(10), Duration.ofMinutes(1)));
        TestDevice d = strict.register(new TestDevice("acme", "strict", SignatureAlgorithm.EDDSA));

        Outcome tooEarly = strict.processOne(strict.inbound(d, d.sign(1, 1, NOW, temperature(3, NOW.plusSeconds(11)))));
        Outcome fine = strict.processOne(strict.inbound(d, d.sign(1, 2, NOW, temperature(3, NOW.minusSeconds(61)))));

        assertThat(tooEarly).isInstanceOfSatisfying(Outcome.Rejected.class,
                r -> assertThat(r.reason().name()).isEqualTo("FUTURE_TIMESTAMP"));
        assertThat(fine).isInstanceOf(Outcome.Stored.class);
        assertThat(strict.store.messages().get(0).readings().get(0).late()).isTrue();
    }

    @Test
    void storesEveryAcceptedMessageOfABatchInOneTransactionAndAcknowledgesThemAfterItWithOneSignaturePerDevice() {
        TestDevice other = h.register(new TestDevice("globex", "freezer-2", SignatureAlgorithm.EDDSA));
        List<InboundMessage> batch = List.of(
                h.inbound(device, device.sign(1, 1, NOW, temperature(3, minutesAgo(3)))),
                h.inbound(other, other.sign(9, 0, NOW, temperature(-20, minutesAgo(3)))),
                h.inbound("t/acme/d/cold-room-7/up", new byte[] {1, 2, 3}, "mqtt:cold-room-7"),
                h.inbound(device, device.sign(1, 2, NOW, temperature(3.5, minutesAgo(2)))));

        List<Outcome> outcomes = h.pipeline.process(batch);

        assertThat(outcomes).hasSize(4);
        assertThat(outcomes.get(0)).isInstanceOf(Outcome.Stored.class);
        assertThat(outcomes.get(1)).isInstanceOf(Outcome.Stored.class);
        assertThat(outcomes.get(2)).isInstanceOf(Outcome.Rejected.class);
        assertThat(outcomes.get(3)).isInstanceOf(Outcome.Stored.class);
        assertThat(h.store.batches).singleElement().satisfies(b -> assertThat(b).hasSize(3));
        // one signed acknowledgement per device and boot of the batch, naming both of cold-room-7's messages
        assertThat(h.events).containsExactly("store begin 3", "store committed", "quarantine TRAILING_BYTES",
                "send " + device.ack(), "send t/globex/d/freezer-2/ack", "observed 4");
        assertThat(verifiedAck(outcomes.get(1).reply().orElseThrow()).deviceId()).isEqualTo("freezer-2");
        assertThat(outcomes.get(3).reply()).isEqualTo(outcomes.get(0).reply());
        assertThat(verifiedAck(outcomes.get(0).reply().orElseThrow()).isStored(1, 1)).isTrue();
        assertThat(verifiedAck(outcomes.get(0).reply().orElseThrow()).isStored(1, 2)).isTrue();
    }

    @Test
    void observerSeesEachBatchWithItsOutcomesAfterTheRepliesWereSent() {
        byte[] good = device.sign(1, 1, NOW, temperature(4.0, minutesAgo(1)));
        byte[] bad = new byte[] {(byte) 0xd2, (byte) 0x84};
        InboundMessage first = h.inbound(device, good);
        InboundMessage second = h.inbound(device, bad);

        List<Outcome> outcomes = h.process(first, second);

        assertThat(h.observed).singleElement().satisfies(o -> {
            assertThat(o.getKey()).containsExactly(first, second);
            assertThat(o.getValue()).isEqualTo(outcomes);
        });
        assertThat(h.events).last().isEqualTo("observed 2");
    }

    @Test
    void failingObserverChangesNoOutcome() {
        h.failObserver = true;
        byte[] good = device.sign(1, 1, NOW, temperature(4.0, minutesAgo(1)));

        Outcome outcome = h.processOne(h.inbound(device, good));

        assertThat(outcome).isInstanceOf(Outcome.Stored.class);
        assertThat(h.sent).hasSize(1);
        assertThat(h.store.messages()).hasSize(1);
    }

    @Test
    void emptyBatchTouchesNoPort() {
        assertThat(h.pipeline.process(List.of())).isEmpty();
        assertThat(h.events).isEmpty();
    }
}
