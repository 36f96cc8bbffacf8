package io.sensorproof.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** This JVM's own listening ports, from /proc (Linux only). */
class OwnListenersTest {
    @Test
    void listsAPortThisProcessListensOnAndNotOneItClosed() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "Linux /proc");
        int closed;
        try (ServerSocket v4 = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
                ServerSocket any = new ServerSocket(0)) {
            assertThat(OwnListeners.ports()).hasValueSatisfying(ports -> assertThat(ports).contains(v4.getLocalPort(), any.getLocalPort()));
            assertThat(OwnListeners.missing(Set.of(v4.getLocalPort(), any.getLocalPort()))).isEmpty();
            closed = v4.getLocalPort();
        }
        assertThat(OwnListeners.ports()).hasValueSatisfying(ports -> assertThat(ports).doesNotContain(closed));
        assertThat(OwnListeners.missing(Set.of(closed))).hasValueSatisfying(m -> assertThat(m).contains("port(s) [" + closed + "]"));
    }

    @Test
    void saysNothingWhereProcIsAbsent(@org.junit.jupiter.api.io.TempDir Path notProc) throws Exception {
        assertThat(OwnListeners.ports(notProc)).isEmpty();
    }
}
