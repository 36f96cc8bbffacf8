package io.sensorproof.sim.demo;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * What the demo's acts created that the gateway cannot tell them again on a second start: API keys
 * (shown once at creation), lot and facility ids. A properties file in the demo's work directory, written
 * through a temporary file and a rename after each change, so that a demo stopped at any point resumes
 * with what it had.
 */
public final class DemoState {
    private final Path file;
    private final Properties values = new Properties();

    private DemoState(Path file) {
        this.file = file;
    }

    /** The state in {@code workDir/demo-state.properties}, empty when the file does not exist. */
    public static DemoState in(Path workDir) {
        DemoState state = new DemoState(workDir.resolve("demo-state.properties"));
        if (Files.exists(state.file)) {
            try (Reader r = Files.newBufferedReader(state.file, StandardCharsets.UTF_8)) {
                state.values.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + state.file, e);
            }
        }
        return state;
    }

    /** The value stored under {@code key}. */
    public synchronized Optional<String> get(String key) {
        return Optional.ofNullable(values.getProperty(key));
    }

    /** Stores {@code value} under {@code key} and writes the file. */
    public synchronized void put(String key, String value) {
        values.setProperty(key, value);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                values.store(w, "sensorproof demo: keys and ids created by the acts (delete the data directory or use --reset to start over)");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }
}
