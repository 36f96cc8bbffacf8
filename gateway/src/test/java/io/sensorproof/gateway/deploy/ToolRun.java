package io.sensorproof.gateway.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
        try {
            Process p = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not end within " + timeout);
            }
            return new ToolRun(command, p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** For assertion messages. */
    public String describe() {
        return String.join(" ", command) + " → exit " + exitCode + "\n" + output;
    }
}
