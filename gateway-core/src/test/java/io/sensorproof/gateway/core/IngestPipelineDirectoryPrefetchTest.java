package io.sensorproof.gateway.core;

import static io.sensorproof.gateway.core.Harness.NOW;
import static io.sensorproof.gateway.core.Harness.minutesAgo;
import static io.sensorproof.gateway.core.TestDevice.temperature;
import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.cose.SignatureAlgorithm;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The registry is asked for the kids of a whole batch at once, before any message's own lookup
 * (ADR 052): with one query per message, a fleet whose devices send less often than the directory's
 * cache lives (1 s) put a database round trip on the ingest worker for every message.
 */
class IngestPipelineDirectoryPrefetchTest {
    private final Harness h = new Harness();
    private final TestDevice a = h.register(new TestDevice("acme", "cold-room-1", SignatureAlgorithm.ES256));
    private final TestDevice b = h.register(new TestDevice("acme", "cold-room-2", SignatureAlgorithm.EDDSA));
    private final TestDevice c = h.register(new TestDevice("acme", "cold-room-3", SignatureAlgorithm.ES256));

    private static String kid(TestDevice d) {
        return HexFormat.of().formatHex(d.key.verificationKey().kid());
    }

    private byte[] message(TestDevice d, long seq) {
        return d.sign(1, seq, NOW, temperature(3.0, minutesAgo(10 - seq)));
    }

    @Test
    void aBatchFromSeveralDevicesAsksTheDirectoryForAllTheirKidsOnceBeforeAnyLookup() {
        List<Outcome> outcomes = h.process(h.inbound(a, message(a, 1)), h.inbound(b, message(b, 1)),
                h.inbound(a, new byte[] {0x18}), h.inbound(c, message(c, 1)), h.inbound(a, message(a, 2)));

        assertThat(outcomes).extracting(o -> o.getClass().getSimpleName())
                .containsExactly("Stored", "Stored", "Rejected", "Stored", "Stored");
        assertThat(h.directory.calls).first().as("one prefetch of every decoded message's kid, in batch order, first")
                .isEqualTo("prefetch " + String.join(",", kid(a), kid(b), kid(c), kid(a)));
        assertThat(h.directory.calls.subList(1, h.directory.calls.size())).as("then the lookups, each against what was prefetched")
                .containsExactly("byKid " + kid(a), "byKid " + kid(b), "byKid " + kid(c), "byKid " + kid(a));
    }

    @Test
    void aBatchWithNothingDecodableAsksNothing() {
        List<Outcome> outcomes = h.process(h.inbound(a, new byte[] {0x18}));

        assertThat(outcomes).singleElement().isInstanceOf(Outcome.Rejected.class);
        assertThat(h.directory.calls).isEmpty();
    }

    @Test
    void aFailingPrefetchDecidesNothingTheLookupsStillDo() {
        h.directory.failPrefetch = true;

        List<Outcome> outcomes = h.process(h.inbound(a, message(a, 3)), h.inbound(b, message(b, 3)));

        assertThat(outcomes).allMatch(o -> o instanceof Outcome.Stored);
        assertThat(h.count("failures.directory")).isZero();
    }
}
