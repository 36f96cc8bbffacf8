package io.sensorproof.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.ConfigMappings;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The configuration table of the gateway's README and the one settings mapping cannot drift apart. */
class SettingsDocumentationTest {

    @Test
    void readmeTableListsExactlyTheKeysOfTheSettingsMapping() throws Exception {
        Set<String> declared = new TreeSet<>(ConfigMappings.getProperties(ConfigMappings.ConfigClass.configClass(GatewaySettings.class))
                .keySet());
        assertThat(declared).as("keys declared by GatewaySettings").contains("sensorproof.data-dir", "sensorproof.embedded-broker.port");
        assertThat(DocumentedSettings.keys()).as("keys in the configuration table of %s", DocumentedSettings.readme())
                .containsExactlyElementsOf(declared);
    }
}
