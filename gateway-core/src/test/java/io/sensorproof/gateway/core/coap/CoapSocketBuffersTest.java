package io.sensorproof.gateway.core.coap;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DTLS socket's buffers come from the settings (ADR 043): the operating system's default receive
 * buffer overflows in bursts (UDP RcvbufErrors, resent by devices only after CoAP's ACK_TIMEOUT).
 * Sizes here stay below Linux's default cap ({@code net.core.rmem_max} 212,992), so the test holds on
 * any host.
 */
class CoapSocketBuffersTest {
    private static final int ASKED = 150_000;

    @Test
    void socketGetsTheConfiguredBuffersAndReportsWhatWasGranted(@TempDir Path dir) throws Exception {
        int osDefaultReceive;
        int osDefaultSend;
        try (DatagramSocket probe = new DatagramSocket()) {
            osDefaultReceive = probe.getReceiveBufferSize();
            osDefaultSend = probe.getSendBufferSize();
        }
        try (CoapFixture gateway = new CoapFixture(dir, s -> s.withSocketBuffers(ASKED, ASKED), s -> s)) {
            assertThat(gateway.adapter.receiveBufferBytes()).as("granted receive buffer").isGreaterThanOrEqualTo(ASKED)
                    .isNotEqualTo(osDefaultReceive);
            assertThat(gateway.adapter.sendBufferBytes()).as("granted send buffer").isGreaterThanOrEqualTo(ASKED)
                    .isNotEqualTo(osDefaultSend);
        }
        try (CoapFixture gateway = new CoapFixture(dir.resolve("os-default"), s -> s.withSocketBuffers(0, 0), s -> s)) {
            assertThat(gateway.adapter.receiveBufferBytes()).as("0 leaves the OS default").isEqualTo(osDefaultReceive);
        }
    }

    @Test
    void defaultsAskForFourMebibytesToReceive() {
        CoapIngestSettings d = CoapIngestSettings.defaults(new java.net.InetSocketAddress(0));
        assertThat(d.receiveBufferBytes()).isEqualTo(4 << 20);
        assertThat(d.sendBufferBytes()).isEqualTo(1 << 20);
    }

    @Test
    void shortfallNamesTheSysctlOnlyWhenTheKernelGrantedLess() {
        assertThat(CoapIngestAdapter.shortfall(4 << 20, 425_984, "net.core.rmem_max")).hasValueSatisfying(m -> assertThat(m)
                .contains("net.core.rmem_max", "4194304", "425984", "deploy/sysctl/90-sensorproof-coap.conf"));
        assertThat(CoapIngestAdapter.shortfall(4 << 20, 8 << 20, "net.core.rmem_max")).isEmpty();
        assertThat(CoapIngestAdapter.shortfall(0, 212_992, "net.core.rmem_max")).as("nothing asked").isEmpty();
    }
}
