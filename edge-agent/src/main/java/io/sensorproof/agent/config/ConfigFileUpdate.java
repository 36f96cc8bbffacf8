package io.sensorproof.agent.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Sets keys in an agent properties file in place: a line that sets a given key is replaced, missing
 * keys are appended, every other line (comments, other settings, their order) is kept. The file is
 * written atomically; a missing file is created.
 */
public final class ConfigFileUpdate {
    private ConfigFileUpdate() {
    }

    /** Sets {@code values} (setting keys to values) in {@code file}. */
    public static void apply(Path file, Map<String, String> values) throws IOException {
        List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : new ArrayList<>();
        Map<String, String> missing = new LinkedHashMap<>(values);
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String key = keyOf(line);
            if (key != null && values.containsKey(key)) {
                if (missing.remove(key) != null) {
                    out.add(format(key, values.get(key)));
                }
                continue;
            }
            out.add(line);
        }
        missing.forEach((k, v) -> out.add(format(k, v)));
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".agent-config", ".tmp");
        try {
            Files.write(tmp, out, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The key a properties line sets, or null for comments, blanks and continuation-free oddities. */
    private static String keyOf(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("!")) {
            return null;
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(line));
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        return p.size() == 1 ? p.stringPropertyNames().iterator().next() : null;
    }

    private static String format(String key, String value) {
        StringBuilder escaped = new StringBuilder();
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\\' -> escaped.append("\\\\");
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                case '=', ':', '#', '!' -> escaped.append('\\').append(c);
                default -> escaped.append(c);
            }
        }
        return key + "=" + escaped;
    }
}
