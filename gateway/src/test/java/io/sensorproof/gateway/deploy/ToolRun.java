package io.sensorproof.gateway.deploy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of an external checking tool: its exit status and its merged output, which the tests
 * print on failure so the tool's own message says what is wrong with the file.
 *
 * @param command the command line
 * @param exitCode its exit status
 * @param output standard output and standard error, merged
 */
public record ToolRun(List<String> command, int exitCode, String output) {
    /** Runs {@code command} in {@code directory}, killing it after {@code timeout}. */
    public static ToolRun run(Path directory, Duration timeout, List<String> command) {
        Path out = null;
        try {
            out = Files.createTempFile("sensorproof-tool", ".out");
            Process p = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not end within " + timeout);
            }
            return new ToolRun(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (out != null) {
                out.toFile().delete();
            }
        }
    }

    /** For assertion messages. */
    public String describe() {
        return String.join(" ", command) + " → exit " + exitCode + "\n" + output;
    }
}
