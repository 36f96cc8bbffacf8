package io.sensorproof.gateway.core;

import static io.sensorproof.gateway.core.Harness.NOW;
import static io.sensorproof.gateway.core.Harness.minutesAgo;
import static io.sensorproof.gateway.core.TestDevice.temperature;
import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The quarantine quota is keyed by what the connection proved, never by what a message claims. */
class IngestPipelineQuotaTest {
    private static final String INTRUDER = "mqtt-user:intruder";
    private static final String VICTIM_CONNECTION = "mqtt-user:cold-room-7";

    private final Harness h = new Harness(new QuarantineQuota.Settings(3, Duration.ofMinutes(1), 1_000, 100), IngestSettings.defaults());
    private final TestDevice victim = h.register(new TestDevice("acme", "cold-room-7", SignatureAlgorithm.ES256));
    private final SigningKey attackerKey = TestDevice.freshKey(SignatureAlgorithm.ES256);

    private InboundMessage forgedFromIntruder(long seq) {
        byte[] forged = victim.forge(victim.key.verificationKey().kid(), attackerKey, 1, seq, NOW, temperature(50, minutesAgo(1)));
        return h.inbound(victim.up(), forged, INTRUDER);
    }

    @Test
    void intruderSendingGarbageUnderTheVictimsKidIsThrottledWithoutAffectingTheVictimsConnection() {
        List<InboundMessage> flood = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            flood.add(forgedFromIntruder(i));
        }

        List<Outcome> outcomes = h.pipeline.process(flood);

        assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOfSatisfying(Outcome.Rejected.class,
                r -> assertThat(r.reason().name()).isEqualTo("BAD_SIGNATURE")));
        assertThat(outcomes).filteredOn(o -> ((Outcome.Rejected) o).kept()).hasSize(3);
        assertThat(h.quarantine.entries()).hasSize(3).allSatisfy(e -> assertThat(e.sourceConnectionId()).isEqualTo(INTRUDER));
        assertThat(h.pipeline.quota().overQuota(INTRUDER)).isEqualTo(7);
        assertThat(h.count("quarantine.over_quota")).isEqualTo(7);
        assertThat(h.count("rejected.BAD_SIGNATURE")).isEqualTo(10);

        // the victim's own connection still has its whole budget, and its genuine messages flow
        Outcome garbage1 = h.processOne(h.inbound(victim.up(), new byte[] {0x18}, VICTIM_CONNECTION));
        Outcome garbage2 = h.processOne(h.inbound(victim.up(), new byte[] {(byte) 0xd2}, VICTIM_CONNECTION));
        Outcome genuine = h.processOne(h.inbound(victim.up(), victim.sign(1, 0, NOW, temperature(4, minutesAgo(1))), VICTIM_CONNECTION));

        assertThat(((Outcome.Rejected) garbage1).kept()).isTrue();
        assertThat(((Outcome.Rejected) garbage2).kept()).isTrue();
        assertThat(genuine).isInstanceOf(Outcome.Stored.class);
        assertThat(h.pipeline.quota().overQuota(VICTIM_CONNECTION)).isZero();
        assertThat(h.pipeline.quota().overQuotaByConnection()).containsOnlyKeys(INTRUDER);
    }

    @Test
    void budgetRefillsOverTheWindow() {
        for (int i = 0; i < 4; i++) {
            h.processOne(forgedFromIntruder(i));
        }
        assertThat(h.quarantine.entries()).hasSize(3);

        h.clock.advance(Duration.ofSeconds(20));
        Outcome afterOneThird = h.processOne(forgedFromIntruder(5));
        Outcome beyond = h.processOne(forgedFromIntruder(6));

        assertThat(((Outcome.Rejected) afterOneThird).kept()).isTrue();
        assertThat(((Outcome.Rejected) beyond).kept()).isFalse();
    }

    @Test
    void authenticatedRejectionsAreKeptAndAnsweredEvenWhenTheConnectionIsOverQuota() {
        for (int i = 0; i < 5; i++) {
            h.processOne(h.inbound(victim.up(), new byte[] {(byte) i}, VICTIM_CONNECTION));
        }
        assertThat(h.pipeline.quota().overQuota(VICTIM_CONNECTION)).isEqualTo(2);

        Outcome nan = h.processOne(h.inbound(victim.up(), victim.sign(1, 1, NOW, temperature(Double.NaN, minutesAgo(1))), VICTIM_CONNECTION));

        assertThat(nan).isInstanceOfSatisfying(Outcome.Rejected.class, r -> {
            assertThat(r.kept()).isTrue();
            assertThat(r.signedRejection()).isPresent();
        });
        assertThat(h.quarantine.entries()).filteredOn(QuarantineEntry::authenticated).hasSize(1);
    }

    @Test
    void globalBudgetCapsManyConnectionsTogether() {
        Harness capped = new Harness(new QuarantineQuota.Settings(3, Duration.ofMinutes(1), 5, 100), IngestSettings.defaults());
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            outcomes.add(capped.processOne(capped.inbound("t/acme/d/x/up", new byte[] {0x18}, "mqtt-user:bot-" + i)));
        }

        assertThat(outcomes).filteredOn(o -> ((Outcome.Rejected) o).kept()).hasSize(5);
        assertThat(capped.quarantine.entries()).hasSize(5);
        assertThat(capped.pipeline.quota().overQuotaTotal()).isEqualTo(3);
    }
}
