package io.sensorproof.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.agent.outbox.OverflowPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {

    private static Properties minimal() {
        Properties p = new Properties();
        p.setProperty("tenant", "acme");
        p.setProperty("device", "cold-room-7");
        return p;
    }

    @Test
    void defaultsHoldSevenDaysAtTheExpectedRateAndBlockWhenFull() {
        AgentConfig config = AgentConfig.resolve(minimal(), Map.of());
        assertThat(config.outboxCapacityBytes()).isEqualTo(AgentConfig.defaultCapacity(5, 168, 10));
        // 7 days at 5 readings/s in packs of 10, at the sizes the load test measured (52 bytes per reading with framing)
        assertThat(config.outboxCapacityBytes()).isGreaterThanOrEqualTo(5L * 7 * 24 * 3600 * 52);
        assertThat(AgentConfig.defaultCapacity(5, 168, 1)).as("packs of 1 take ~200 bytes per reading")
                .isGreaterThanOrEqualTo(5L * 7 * 24 * 3600 * 200);
        assertThat(config.overflow()).isEqualTo(OverflowPolicy.BLOCK);
        assertThat(config.keyFile()).isEqualTo(Path.of("agent-data", "device-key.p8"));
        assertThat(config.packMaxRecords()).isEqualTo(10);
    }

    @Test
    void theStatusFileIntervalIsTwoSecondsByDefaultAndAtLeastOne() {
        assertThat(AgentConfig.resolve(minimal(), Map.of()).statusInterval()).isEqualTo(java.time.Duration.ofSeconds(2));
        Properties p = minimal();
        p.setProperty("status.interval-seconds", "30");
        assertThat(AgentConfig.resolve(p, Map.of()).statusInterval()).isEqualTo(java.time.Duration.ofSeconds(30));
        p.setProperty("status.interval-seconds", "0");
        assertThatThrownBy(() -> AgentConfig.resolve(p, Map.of())).hasMessageContaining("status.interval-seconds");
    }

    @Test
    void environmentOverridesTheFile() {
        Properties p = minimal();
        p.setProperty("mqtt.url", "tcp://file:1883");
        AgentConfig config = AgentConfig.resolve(p, Map.of("SENSORPROOF_AGENT_MQTT_URL", "ssl://env:8883",
                "SENSORPROOF_AGENT_OUTBOX_OVERFLOW", "drop_oldest", "SENSORPROOF_AGENT_MQTT_PASSWORD", "secret"));
        assertThat(config.mqttUrl()).isEqualTo("ssl://env:8883");
        assertThat(config.overflow()).isEqualTo(OverflowPolicy.DROP_OLDEST);
        assertThat(new String(config.mqttPassword())).isEqualTo("secret");
        assertThat(config.toString()).doesNotContain("secret");
    }

    @Test
    void refusesMissingOrInvalidIdentity() {
        Properties p = new Properties();
        p.setProperty("tenant", "acme");
        assertThatThrownBy(() -> AgentConfig.resolve(p, Map.of())).hasMessageContaining("device");
        p.setProperty("device", "Bad/Id");
        assertThatThrownBy(() -> AgentConfig.resolve(p, Map.of())).hasMessageContaining("device id");
    }

    @Test
    void coapTransportIsSelectedByConfigurationAndNeedsDtls() {
        Properties p = minimal();
        assertThat(AgentConfig.resolve(p, Map.of()).transport()).isEqualTo("mqtt");
        p.setProperty("transport", "coap");
        p.setProperty("coap.dtls.mode", "rpk");
        AgentConfig config = AgentConfig.resolve(p, Map.of("SENSORPROOF_AGENT_COAP_URI", "coaps://gw.example:5684"));
        assertThat(config.transport()).isEqualTo("coap");
        assertThat(config.coap().uri()).isEqualTo("coaps://gw.example:5684");
        assertThat(config.coap().rawPublicKey()).isTrue();
        assertThat(config.coap().blockSize()).isEqualTo(512);
        assertThat(config.toString()).contains("coap=coaps://gw.example:5684 rpk");
        p.setProperty("coap.uri", "coap://gw.example:5683");
        assertThatThrownBy(() -> AgentConfig.resolve(p, Map.of())).hasMessageContaining("coaps://");
        p.setProperty("coap.uri", "coaps://gw.example");
        p.setProperty("coap.dtls.mode", "psk");
        assertThatThrownBy(() -> AgentConfig.resolve(p, Map.of())).hasMessageContaining("x509 or rpk");
        p.setProperty("coap.dtls.mode", "x509");
        p.setProperty("transport", "http");
        assertThatThrownBy(() -> AgentConfig.resolve(p, Map.of())).hasMessageContaining("mqtt or coap");
    }

    @Test
    void presentsTheEnrollmentCertificateByDefaultAndAnExplicitChainInstead(@TempDir Path dir) throws Exception {
        Properties p = minimal();
        p.setProperty("data.dir", dir.toString());
        assertThat(AgentConfig.resolve(p, Map.of()).mqttClientCertificate()).as("not enrolled: no client certificate").isEmpty();
        Files.writeString(dir.resolve("device-cert.pem"), "chain");
        assertThat(AgentConfig.resolve(p, Map.of()).mqttClientCertificate()).contains(dir.resolve("device-cert.pem"));
        p.setProperty("mqtt.tls.certificate-file", "/elsewhere/chain.pem");
        assertThat(AgentConfig.resolve(p, Map.of()).mqttClientCertificate()).contains(Path.of("/elsewhere/chain.pem"));
    }
}
