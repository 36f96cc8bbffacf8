package io.sensorproof.gateway.core;

import static io.sensorproof.gateway.core.Harness.verifiedAck;
import static io.sensorproof.gateway.core.Harness.NOW;
import static io.sensorproof.gateway.core.Harness.minutesAgo;
import static io.sensorproof.gateway.core.TestDevice.humidity;
import static io.sensorproof.gateway.core.TestDevice.register;
import static io.sensorproof.gateway.core.TestDevice.temperature;
import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.cose.SignatureAlgorithm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The pipeline never throws for any input and never accepts or answers anything it should not. */
class IngestPipelineFuzzTest {
    private static final long SEED = 0x5e45_0c0dL;
    private static final String[] TOPICS = {
        "t/acme/d/cold-room-7/up", "t/acme/d/cold-room-8/up", "t/globex/d/cold-room-7/up", "t/acme/d/cold-room-7/ack",
        "", "/", "t/acme/d//up", "t/ACME/d/x/up", "t/acme/d/x/up/extra", "#", "$share/gateway/t/+/d/+/up", "t/\u0000/d/x/up",
        "t/" + "a".repeat(200) + "/d/x/up"};

    private final Harness h = new Harness(new QuarantineQuota.Settings(1_000_000, Duration.ofMinutes(1), 1_000_000, 1_000),
            IngestSettings.defaults());

    private void assertEverythingRejected(List<Outcome> outcomes, int expected) {
        assertThat(outcomes).hasSize(expected).allSatisfy(o -> assertThat(o).isInstanceOfSatisfying(Outcome.Rejected.class, r -> {
            assertThat(r.kept()).isTrue();
            assertThat(r.authenticated()).isFalse();
            assertThat(r.reason().name()).isNotEqualTo("INTERNAL_ERROR");
        }));
        assertThat(h.store.messages()).isEmpty();
        assertThat(h.sent).isEmpty();
        assertThat(h.quarantine.entries()).hasSize(expected);
        assertThat(h.count("failures.internal")).isZero();
    }

    @Test
    void randomBytesOnRandomTopicsAreQuarantinedAndNeverThrow() {
        h.register(new TestDevice("acme", "cold-room-7", SignatureAlgorithm.ES256));
        Random random = new Random(SEED);
        List<InboundMessage> batch = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            int length = switch (random.nextInt(4)) {
                case 0 -> random.nextInt(8);
                case 1 -> random.nextInt(300);
                case 2 -> random.nextInt(4_000);
                default -> IngestPipeline.MAX_MESSAGE_BYTES - 2 + random.nextInt(4);
            };
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            if (length > 0 && random.nextBoolean()) {
                bytes[0] = (byte) 0xd2; // tag 18, to get past the first check more often
            }
            batch.add(h.inbound(TOPICS[random.nextInt(TOPICS.length)], bytes, "conn-" + random.nextInt(5)));
        }

        assertEverythingRejected(h.pipeline.process(batch), batch.size());
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void mutatedValidMessagesAreQuarantinedAndNeverThrow(SignatureAlgorithm alg) {
        TestDevice device = h.register(new TestDevice("acme", "cold-room-7", alg));
        byte[] valid = device.sign(7, 1234, NOW, temperature(4.25, minutesAgo(3)), humidity(40, minutesAgo(2)), register(500, minutesAgo(1)));
        Random random = new Random(SEED ^ alg.ordinal());
        List<InboundMessage> batch = new ArrayList<>();
        while (batch.size() < 2_000) {
            byte[] mutated = mutate(valid, random);
            if (!Arrays.equals(mutated, valid)) {
                String topic = random.nextInt(4) == 0 ? TOPICS[random.nextInt(TOPICS.length)] : device.up();
                batch.add(h.inbound(topic, mutated, "mqtt:cold-room-7"));
            }
        }

        List<Outcome> outcomes = new ArrayList<>();
        for (int from = 0; from < batch.size(); from += 100) {
            outcomes.addAll(h.pipeline.process(batch.subList(from, from + 100)));
        }

        assertEverythingRejected(outcomes, batch.size());
        assertThat(outcomes).extracting(o -> ((Outcome.Rejected) o).reason().name()).contains("BAD_SIGNATURE");
    }

    @Test
    void everyUnauthenticatedRejectionOfAMixedBatchIsSilentAndTheGenuineMessagesAreStored() {
        TestDevice device = h.register(new TestDevice("acme", "cold-room-7", SignatureAlgorithm.ES256));
        Random random = new Random(SEED + 1);
        List<InboundMessage> batch = new ArrayList<>();
        int genuine = 0;
        for (int i = 0; i < 300; i++) {
            byte[] valid = device.sign(1, i, NOW, temperature(random.nextInt(40) - 20, minutesAgo(1).plusMillis(i)));
            if (random.nextInt(3) == 0) {
                batch.add(h.inbound(device, valid));
                genuine++;
            } else {
                byte[] mutated = mutate(valid, random);
                if (Arrays.equals(mutated, valid)) {
                    genuine++;
                }
                batch.add(h.inbound(device, mutated));
            }
        }

        List<Outcome> outcomes = h.pipeline.process(batch);

        assertThat(outcomes).filteredOn(o -> o instanceof Outcome.Stored).hasSize(genuine);
        assertThat(outcomes).filteredOn(o -> o instanceof Outcome.Rejected)
                .allSatisfy(o -> assertThat(o.reply()).isEmpty());
        assertThat(h.store.messages()).hasSize(genuine);
        // every stored message is named by a signed acknowledgement that went out (one per device and boot)
        assertThat(outcomes).filteredOn(o -> o instanceof Outcome.Stored).allSatisfy(o -> {
            Outcome.Stored stored = (Outcome.Stored) o;
            assertThat(h.sent).contains(stored.ack());
            assertThat(verifiedAck(stored.ack()).isStored(stored.key().boot(), stored.key().seq())).isTrue();
        });
    }

    private static byte[] mutate(byte[] valid, Random random) {
        byte[] b = valid.clone();
        switch (random.nextInt(7)) {
            case 0 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            case 2 -> b = Arrays.copyOf(b, random.nextInt(b.length));
            case 3 -> {
                int at = random.nextInt(b.length + 1);
                byte[] longer = new byte[b.length + 1];
                System.arraycopy(b, 0, longer, 0, at);
                longer[at] = (byte) random.nextInt(256);
                System.arraycopy(b, at, longer, at + 1, b.length - at);
                b = longer;
            }
            case 4 -> {
                int at = random.nextInt(b.length);
                byte[] shorter = new byte[b.length - 1];
                System.arraycopy(b, 0, shorter, 0, at);
                System.arraycopy(b, at + 1, shorter, at, b.length - at - 1);
                b = shorter;
            }
            case 5 -> {
                for (int k = 0; k < 1 + random.nextInt(8); k++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
            }
            default -> {
                int from = random.nextInt(b.length);
                int to = random.nextInt(b.length);
                int len = Math.min(1 + random.nextInt(16), Math.min(b.length - from, b.length - to));
                System.arraycopy(valid, from, b, to, len);
            }
        }
        return b;
    }
}
