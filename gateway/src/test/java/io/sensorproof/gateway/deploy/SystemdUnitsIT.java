package io.sensorproof.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.gateway.DocumentedSettings;
import io.sensorproof.gateway.testing.ExternalTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The systemd units of {@code deploy/systemd}: {@code systemd-analyze verify} loads the replica
 * template as instance 8081 and the target, and reports nothing about them (it exits 0 even for an
 * unknown key or an unparsable value, so its output is checked too); the environment file sets only
 * settings the gateway documents.
 */
class SystemdUnitsIT {
    private static final Set<String> NOT_SENSORPROOF_KEYS = Set.of("JAVA_OPTS", "QUARKUS_DATASOURCE_USERNAME");

    @Test
    void unitsVerifyCleanly() {
        Optional<Path> analyze = DeployFiles.tool("systemd-analyze");
        ExternalTool.require(analyze.isPresent(), "systemd-analyze is not installed (Debian package systemd)");
        Path units = DeployFiles.directory().resolve("systemd");
        ToolRun run = ToolRun.run(units, Duration.ofSeconds(30), List.of(analyze.get().toString(), "verify", "--man=no",
                "./sensorproof-gateway@8081.service", "./sensorproof-gateways.target",
                "./sensorproof-device-crl-refresh.service", "./sensorproof-device-crl-refresh.timer"));
        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.output().lines().filter(line -> line.contains("sensorproof"))).as(run.describe()).isEmpty();
    }

    @Test
    void environmentFileSetsOnlyDocumentedSettings() throws Exception {
        Set<String> documented = DocumentedSettings.keys().stream()
                .map(key -> key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'))
                .collect(Collectors.toSet());
        List<String> keys = Files.readAllLines(DeployFiles.directory().resolve("systemd/gateway.env")).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> line.substring(0, line.indexOf('=')))
                .toList();
        assertThat(keys).isNotEmpty().allSatisfy(key -> assertThat(documented.contains(key) || NOT_SENSORPROOF_KEYS.contains(key))
                .as("%s is a documented setting (gateway/README.md)", key).isTrue());
    }
}
