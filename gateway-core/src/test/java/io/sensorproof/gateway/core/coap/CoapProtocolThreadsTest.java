package io.sensorproof.gateway.core.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sensorproof.protocol.cose.SignatureAlgorithm;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DTLS and CoAP's protocol stage run on the adapter's own threads, as many as the settings say (ADR 065), instead of
 * Scandium's DTLS workers and Californium's stage pool; the adapter shuts them down when it closes, so a gateway that
 * starts and stops its CoAP endpoint (tests, restarts of the service) does not leak a thread each time.
 */
class CoapProtocolThreadsTest {
    private static final String SHARED = "coap-dtls#";

    @BeforeEach
    void noThreadsOfEarlierAdapters() {
        await().atMost(Duration.ofSeconds(10)).until(() -> named(SHARED).isEmpty());
    }

    @Test
    void oneThreadCarriesDtlsAndTheProtocolStageAndEndsWithTheAdapter(@TempDir Path dir) throws Exception {
        try (CoapFixture gateway = new CoapFixture(dir)) {
            exchange(gateway);
            assertThat(named(SHARED)).as("threads of the shared executor").hasSize(1);
            assertThat(named("DTLS-Worker-")).as("Scandium's own workers").isEmpty();
            assertThat(named("CoapServer(main)#")).as("Californium's own stage pool").isEmpty();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(named(SHARED)).as("after close").isEmpty());
    }

    @Test
    void protocolThreadsSetTheSharedPoolsSize(@TempDir Path dir) throws Exception {
        try (CoapFixture gateway = new CoapFixture(dir, s -> s.withProtocolThreads(2), s -> s)) {
            exchange(gateway);
            assertThat(named(SHARED)).as("threads of the shared executor").hasSize(2);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(named(SHARED)).as("after close").isEmpty());
    }

    @Test
    void refusesFewerThanOneThread() {
        CoapIngestSettings d = CoapIngestSettings.defaults(new InetSocketAddress(0));
        assertThat(d.protocolThreads()).isEqualTo(1);
        assertThatThrownBy(() -> d.withProtocolThreads(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("protocol threads must be at least 1, was 0");
    }

    /** A DTLS handshake and a CoAP ping from a registered device: work for both the DTLS and the CoAP stage. */
    private static void exchange(CoapFixture gateway) throws Exception {
        CoapFixture.Device device = gateway.new Device("acme", "threads-1", SignatureAlgorithm.ES256);
        try (CoapFixture.RawClient client = new CoapFixture.RawClient(device.config(true, Map.of()))) {
            assertThat(client.handshake()).as("handshake and ping").isTrue();
        }
    }

    private static List<String> named(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(prefix)).toList();
    }
}
