package io.sensorproof.zk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Path copy(String circuit, String file) throws IOException {
        Path target = dir.resolve(circuit + "-" + file);
        try (InputStream in = getClass().getResourceAsStream("/circuits/" + circuit + "/" + file)) {
            Files.copy(in, target);
        }
        return target;
    }

    private int run(String... args) {
        return VerifyCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void acceptsValidBundle() throws IOException {
        int status = run("verify", "--vk", copy("linear4", "verification.key").toString(),
                "--proof", copy("linear4", "proof.json").toString());
        assertThat(status).isEqualTo(VerifyCommand.ACCEPTED);
        assertThat(output()).startsWith("ACCEPTED");
    }

    @Test
    void rejectsProofOfAnotherCircuitWithNonZeroStatus() throws IOException {
        int status = run("verify", "--vk", copy("cube1", "verification.key").toString(),
                "--proof", copy("square1", "proof.json").toString());
        assertThat(status).isEqualTo(VerifyCommand.REJECTED);
        assertThat(output()).startsWith("REJECTED");
    }

    @Test
    void reportsInvalidInputWithItsCode() throws IOException {
        Path proof = dir.resolve("broken.json");
        Files.writeString(proof, "{\"proof\": 1");
        int status = run("verify", "--vk", copy("square1", "verification.key").toString(), "--proof", proof.toString());
        assertThat(status).isEqualTo(VerifyCommand.INVALID);
        assertThat(output()).startsWith("INVALID: MALFORMED_JSON");
    }

    @Test
    void reportsMissingFileAndUsage() {
        assertThat(run("verify", "--vk", dir.resolve("nope").toString(), "--proof", "x")).isEqualTo(VerifyCommand.UNREADABLE);
        assertThat(run("verify", "--vk")).isEqualTo(VerifyCommand.USAGE);
        assertThat(run()).isEqualTo(VerifyCommand.USAGE);
        assertThat(run("check", "--vk", "a", "--proof", "b")).isEqualTo(VerifyCommand.USAGE);
    }
}
