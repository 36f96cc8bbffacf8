package io.sensorproof.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard's JSON as Grafana needs it (Grafana is not on Debian or Maven Central, so no
 * Grafana loads it here): unique panel ids, panels inside the 24-column grid, every query with a
 * refId and the dashboard's Prometheus data source variable, and every expression naming metrics
 * (DeployMetricsIT finds those in the gateway's /q/metrics).
 */
class GrafanaDashboardTest {
    private final JsonNode dashboard = DeployFiles.dashboard();

    @Test
    void panelsAreUniqueAndInsideTheGrid() {
        List<JsonNode> panels = panels(dashboard.path("panels"));
        assertThat(panels).hasSizeGreaterThan(10);
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : panels) {
            assertThat(ids.add(panel.path("id").asInt(-1))).as("unique id of %s", panel.path("title")).isTrue();
            JsonNode grid = panel.path("gridPos");
            assertThat(grid.path("x").asInt() + grid.path("w").asInt()).as("%s fits 24 columns", panel.path("title")).isBetween(1, 24);
            assertThat(grid.path("h").asInt()).isPositive();
        }
        assertThat(dashboard.path("uid").asText()).isNotBlank();
        assertThat(dashboard.path("templating").path("list")).anySatisfy(v -> {
            assertThat(v.path("type").asText()).isEqualTo("datasource");
            assertThat(v.path("query").asText()).isEqualTo("prometheus");
        });
    }

    @Test
    void everyQueryPanelQueriesPrometheusByTheDataSourceVariable() {
        for (JsonNode panel : panels(dashboard.path("panels"))) {
            if ("row".equals(panel.path("type").asText())) {
                continue;
            }
            assertThat(panel.path("targets")).as("queries of %s", panel.path("title")).isNotEmpty();
            assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("refId").asText()).isNotBlank();
                assertThat(PromQlMetricNames.of(target.path("expr").asText())).as("metrics of %s", target.path("expr")).isNotEmpty();
            }
        }
    }

    @Test
    void coversTheOperatorsTopics() {
        Map<String, String> exprs = DeployFiles.dashboardExpressions(dashboard);
        String all = String.join("\n", exprs.values());
        assertThat(all).contains("sensorproof_ingest_received_total", "sensorproof_ingest_latency_seconds_bucket",
                "sensorproof_ingest_rejected_total", "sensorproof_collateral_alert_changes_total", "sensorproof_freeze_rounds_total",
                "sensorproof_carbon_rounds_total", "sensorproof_webhooks_delivered_total", "jvm_memory_used_bytes");
    }

    private static List<JsonNode> panels(JsonNode list) {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode panel : list) {
            all.add(panel);
            all.addAll(panels(panel.path("panels")));
        }
        return all;
    }
}
