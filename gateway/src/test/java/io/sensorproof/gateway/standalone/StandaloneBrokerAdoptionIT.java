package io.sensorproof.gateway.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.broker.BrokerProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone broker left running by a gateway that died (ADR 040): the next start adopts it as
 * it runs when it has the same arguments and accepts the gateway's credentials, and replaces it
 * (stop, fresh start) when it was started with other settings.
 */
class StandaloneBrokerAdoptionIT {

    @TempDir
    Path dataDir;

    @Test
    void adoptsTheOrphanedBrokerAndReplacesOneWithOtherSettings() throws Exception {
        int port = freePort();
        int tlsPort = freePort();
        BrokerProcess first = StandaloneBroker.start(config(port, tlsPort));
        BrokerProcess adopted = null;
        BrokerProcess replaced = null;
        try {
            assertThat(first.adopted()).isFalse();
            // the gateway that started it dies without stopping it: nothing in this JVM owns it any more
            adopted = StandaloneBroker.start(config(port, tlsPort));
            assertThat(adopted.adopted()).as("the same broker is kept").isTrue();
            assertThat(adopted.pid()).isEqualTo(first.pid());
            assertThat(StandaloneBroker.mqttProblems(adopted)).isEmpty();

            int otherTlsPort = freePort();
            replaced = StandaloneBroker.start(config(port, otherTlsPort));
            assertThat(replaced.adopted()).as("a broker with another device listener is not adopted").isFalse();
            assertThat(replaced.pid()).isNotEqualTo(first.pid());
            assertThat(first.isAlive()).as("the orphan with other settings was stopped").isFalse();
            assertThat(replaced.deviceUrl()).hasValue("ssl://127.0.0.1:" + otherTlsPort);
        } finally {
            if (replaced != null) {
                replaced.close();
            }
            first.close();
        }
    }

    private StandaloneConfig config(int port, int tlsPort) {
        return StandaloneConfig.fromProperties(Map.of(StandaloneConfig.DATA_DIR, dataDir.toString(),
                StandaloneConfig.BROKER_PORT, Integer.toString(port), StandaloneConfig.BROKER_TLS_PORT, Integer.toString(tlsPort),
                StandaloneConfig.BROKER_TLS_BIND, "127.0.0.1"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
