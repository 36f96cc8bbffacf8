package io.sensorproof.gateway.deploy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.sensorproof.gateway.EmbeddedBrokerTestResource;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.webhooks.WebhooksEnabledProfile;
import io.sensorproof.protocol.ids.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;

/**
 * Every metric the committed alert rules and Grafana dashboard query is one this gateway exports at
 * {@code /q/metrics}: one in-process start (webhooks on, so their meters exist) serves both checks.
 * Some meters appear only once used (the ingest telemetry, a refusal reason, API errors), so one malformed
 * message is sent and one missing tenant requested first; a GC is requested for the GC pause timer. Grafana itself is not packaged
 * for Debian or Maven Central, so its side is checked by reading the JSON, not by loading it.
 */
@QuarkusTest
@TestProfile(WebhooksEnabledProfile.class)
@WithTestResource(EmbeddedPostgresTestResource.class)
@WithTestResource(EmbeddedBrokerTestResource.class)
class DeployMetricsIT {
    /** Series Prometheus adds to every scrape itself. */
    private static final Set<String> PROMETHEUS_SERIES = Set.of("up");

    @Test
    void everyMetricOfTheRulesAndTheDashboardIsExported() throws Exception {
        MqttClient device = new MqttClient(EmbeddedBrokerTestResource.url(), "deploy-metrics-probe", new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        device.connect(options);
        device.publish(Topics.up("deploy", "probe-1"), new MqttMessage(new byte[] {0x01, 0x02, 0x03}, 1, false, null));
        device.disconnect();
        device.close();
        // an API error response, so that sensorproof_api_errors_total (registered at the first error) is exported
        io.sensorproof.gateway.security.OperatorKey.authorized().get("/api/v1/tenants/deploy-metrics-no-such-tenant").then().statusCode(404);
        System.gc();

        Map<String, String> queries = new TreeMap<>(DeployFiles.ruleExpressions());
        queries.putAll(DeployFiles.dashboardExpressions(DeployFiles.dashboard()));
        assertThat(queries.keySet()).anyMatch(k -> k.startsWith("rule ")).anyMatch(k -> k.startsWith("panel "));

        await("every queried metric exported").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Set<String> exported = exportedNames(given().get("/q/metrics").then().statusCode(200).extract().asString());
            Map<String, Set<String>> missing = new TreeMap<>();
            queries.forEach((where, expr) -> {
                Set<String> absent = PromQlMetricNames.of(expr).stream()
                        .filter(name -> !exported.contains(name) && !PROMETHEUS_SERIES.contains(name))
                        .collect(Collectors.toCollection(TreeSet::new));
                if (!absent.isEmpty()) {
                    missing.put(where, absent);
                }
            });
            assertThat(missing).as("queries naming metrics the gateway does not export").isEmpty();
        });
    }

    /** Sample names of a Prometheus text exposition (the part of each sample line before labels or value). */
    static Set<String> exportedNames(String exposition) {
        return exposition.lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> line.split("[{ ]", 2)[0])
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
