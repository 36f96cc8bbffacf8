package io.sensorproof.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.sensorproof.gateway.testing.ExternalTool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committed Prometheus files checked by Prometheus's own {@code promtool} (Debian package
 * {@code prometheus}, installed by {@code .ci/run}): the scrape configuration and the rules are
 * valid, and every alert fires on its failure input and stays quiet on its healthy twin
 * ({@code sensorproof.rules.test.yml}). That the rules' metrics exist is DeployMetricsIT's job.
 */
class PromtoolIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static Path promtool;
    private static Path prometheus;

    @BeforeAll
    static void findPromtool() {
        Optional<Path> found = DeployFiles.tool("promtool");
        ExternalTool.require(found.isPresent(), "promtool is not installed (Debian package prometheus)");
        promtool = found.get();
        prometheus = DeployFiles.directory().resolve("prometheus");
    }

    @Test
    void scrapeConfigurationIsValid() {
        ToolRun run = ToolRun.run(prometheus, TIMEOUT, List.of(promtool.toString(), "check", "config", "prometheus.yml"));
        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.output()).as("the configuration loads the rule file").contains("1 rule files found");
    }

    @Test
    void alertRulesAreValid() {
        ToolRun run = ToolRun.run(prometheus, TIMEOUT, List.of(promtool.toString(), "check", "rules", "rules/sensorproof.rules.yml"));
        assertThat(run.exitCode()).as(run.describe()).isZero();
    }

    @Test
    void everyAlertFiresOnItsFailureAndStaysQuietOnItsHealthyTwin() {
        ToolRun run = ToolRun.run(prometheus, TIMEOUT, List.of(promtool.toString(), "test", "rules", "rules/sensorproof.rules.test.yml"));
        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertHasAFiringAndAQuietCase() throws Exception {
        JsonNode tests = new YAMLMapper().readTree(prometheus.resolve("rules/sensorproof.rules.test.yml").toFile());
        Set<String> fires = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        for (JsonNode test : tests.path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                (check.path("exp_alerts").isEmpty() ? quiet : fires).add(check.path("alertname").asText());
            }
        }
        List<String> alerts = DeployFiles.ruleExpressions().keySet().stream().map(k -> k.substring("rule ".length())).toList();
        assertThat(fires).as("alerts with a firing case").containsAll(alerts);
        assertThat(quiet).as("alerts with a quiet case").containsAll(alerts);
    }
}
