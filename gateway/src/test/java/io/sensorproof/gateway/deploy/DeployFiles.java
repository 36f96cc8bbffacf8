package io.sensorproof.gateway.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The repository's {@code deploy/} directory as the tests read it: where it is, the PromQL
 * expressions of the alert rules and of the Grafana dashboard, and where Debian puts the tools
 * that check the files ({@code promtool}, {@code mosquitto}, {@code systemd-analyze}).
 */
public final class DeployFiles {
    /** Prometheus scrape configuration. */
    public static final String PROMETHEUS_CONFIG = "prometheus/prometheus.yml";
    /** Alert rules. */
    public static final String RULES = "prometheus/rules/sensorproof.rules.yml";
    /** promtool unit tests of the rules. */
    public static final String RULES_TEST = "prometheus/rules/sensorproof.rules.test.yml";
    /** Grafana dashboard. */
    public static final String DASHBOARD = "grafana/sensorproof-dashboard.json";

    private DeployFiles() {
    }

    /** {@code <repository>/deploy}, from the {@code repo.root} system property or the module's parent. */
    public static Path directory() {
        Path root = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();
        Path deploy = root.resolve("deploy");
        if (!Files.isDirectory(deploy.resolve("prometheus"))) {
            throw new IllegalStateException("no deploy/ directory under " + root + " (set -Drepo.root)");
        }
        return deploy;
    }

    /** Alert name → expression, in file order. */
    public static Map<String, String> ruleExpressions() {
        JsonNode rules = read(new YAMLMapper(), RULES);
        Map<String, String> exprs = new LinkedHashMap<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.hasNonNull("alert") ? rule.get("alert").asText() : rule.path("record").asText();
                exprs.put("rule " + name, rule.path("expr").asText());
            }
        }
        return exprs;
    }

    /** The dashboard's JSON document. */
    public static JsonNode dashboard() {
        return read(new ObjectMapper(), DASHBOARD);
    }

    /** "panel title / refId" → expression for every query target of every panel (rows' nested panels too). */
    public static Map<String, String> dashboardExpressions(JsonNode dashboard) {
        Map<String, String> exprs = new LinkedHashMap<>();
        collectPanels(dashboard.path("panels"), exprs);
        return exprs;
    }

    private static void collectPanels(JsonNode panels, Map<String, String> into) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                into.put("panel " + panel.path("title").asText() + " / " + target.path("refId").asText(), target.path("expr").asText());
            }
            collectPanels(panel.path("panels"), into);
        }
    }

    private static JsonNode read(ObjectMapper mapper, String relative) {
        try {
            return mapper.readTree(directory().resolve(relative).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An executable on the PATH or in Debian's sbin directories (where {@code mosquitto} lives). */
    public static Optional<Path> tool(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.concat(Stream.of(path.split(java.io.File.pathSeparator)), List.of("/usr/sbin", "/sbin", "/usr/bin").stream())
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
