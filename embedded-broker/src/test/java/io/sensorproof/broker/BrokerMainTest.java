package io.sensorproof.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The broker's command line and configuration for standalone mode and for tests (ADR 049). */
class BrokerMainTest {
    private static final Path JAR = Path.of("embedded-broker.jar");
    private static final Path DIR = Path.of("/data/broker");

    @Test
    void standaloneBrokerKeepsSessionsInMemory() {
        List<String> args = BrokerProcess.arguments(JAR, DIR, "127.0.0.1", 1883,
                Optional.of(new BrokerProcess.DeviceListener("0.0.0.0", 8883)));
        int i = args.indexOf("--persistence");
        assertThat(i).as("--persistence in %s", args).isPositive();
        assertThat(args.get(i + 1)).isEqualTo("in-memory");
    }

    @Test
    void anonymousBrokerForTestsKeepsFilePersistence() {
        List<String> args = BrokerProcess.arguments(JAR, DIR, "127.0.0.1", 1883, Optional.empty());
        assertThat(args).doesNotContain("--persistence").contains("--anonymous");
    }

    @Test
    void configurationNamesThePersistenceMode() throws Exception {
        assertThat(BrokerMain.config(1883, "127.0.0.1", null, BrokerMain.Persistence.IN_MEMORY))
                .contains("<persistence><mode>in-memory</mode></persistence>");
        assertThat(BrokerMain.config(1883, "127.0.0.1", null, BrokerMain.Persistence.FILE))
                .contains("<persistence><mode>file</mode></persistence>");
    }
}
