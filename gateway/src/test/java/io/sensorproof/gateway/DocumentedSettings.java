package io.sensorproof.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code sensorproof.*} keys of the configuration table in {@code gateway/README.md} (the first
 * table after "## Configuration"): every back-quoted {@code sensorproof.} name in a row's first cell.
 */
public final class DocumentedSettings {
    private static final Pattern KEY = Pattern.compile("`(sensorproof\\.[a-z0-9.-]+)`");

    private DocumentedSettings() {
    }

    /** The gateway module's README, from the module directory or the repository root. */
    public static Path readme() {
        Path inModule = Path.of("README.md");
        if (Files.isRegularFile(Path.of("pom.xml")) && Files.isDirectory(Path.of("src", "main", "java", "io", "sensorproof", "gateway"))) {
            return inModule;
        }
        return Path.of(System.getProperty("repo.root", ".."), "gateway", "README.md");
    }

    /** The documented keys, sorted. */
    public static Set<String> keys() throws IOException {
        List<String> lines = Files.readAllLines(readme(), StandardCharsets.UTF_8);
        int at = lines.indexOf("## Configuration");
        if (at < 0) {
            throw new IllegalStateException("no '## Configuration' section in " + readme());
        }
        Set<String> keys = new TreeSet<>();
        boolean inTable = false;
        for (int i = at + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("|")) {
                inTable = true;
                String firstCell = line.substring(1, line.indexOf('|', 1));
                Matcher m = KEY.matcher(firstCell);
                while (m.find()) {
                    keys.add(m.group(1));
                }
            } else if (inTable) {
                break;
            }
        }
        return keys;
    }
}
