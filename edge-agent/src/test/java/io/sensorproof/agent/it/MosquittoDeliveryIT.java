package io.sensorproof.agent.it;

import org.junit.jupiter.api.BeforeAll;

/**
 * The delivery scenarios against Mosquitto, a broker nobody here wrote. Runs when
 * {@code MQTT_EXTERNAL_URL} is set; {@code .ci/run} installs Debian's mosquitto, starts it and sets
 * the variable, so CI always runs this class.
 */
class MosquittoDeliveryIT extends DeliveryScenarios {
    private static final String URL = System.getenv("MQTT_EXTERNAL_URL");

    @BeforeAll
    static void requireBroker() {
        ExternalTool.require(URL != null && !URL.isBlank(), "MQTT_EXTERNAL_URL is not set (CI sets it to a Mosquitto broker)");
    }

    @Override
    String brokerUrl() {
        return URL;
    }
}
