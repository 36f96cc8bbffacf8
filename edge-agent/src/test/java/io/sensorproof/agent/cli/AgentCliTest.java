package io.sensorproof.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.agent.IntervalEmission;
import io.sensorproof.agent.keys.KeyFiles;
import io.sensorproof.protocol.cbor.CborLimits;
import io.sensorproof.protocol.cose.CoseSign1;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.message.ReadingMessage;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class AgentCliTest {
    @TempDir
    Path dir;

    static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new AgentCli()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int code = cli.execute(args);
        assertThat(code).as("exit code; stderr: %s", err).isZero();
        return out.toString();
    }

    /** A setting out of range is the operator's mistake: one line naming it and exit 2, not a stack trace (exit 1). */
    @Test
    void anInvalidSettingIsOneLineAndExitTwo() throws Exception {
        Path config = dir.resolve("agent.properties");
        java.nio.file.Files.writeString(config, "tenant=acme\ndevice=dev-1\ngateway.ack-key=AAAA\ndata.dir=" + dir.resolve("data")
                + "\nstatus.interval-seconds=0\n");
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new AgentCli()).setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err))
                .setExecutionExceptionHandler(AgentCli::report);
        assertThat(cli.execute("run", "-c", config.toString())).as("stderr: %s", err).isEqualTo(2);
        assertThat(err.toString()).contains("status.interval-seconds must be at least 1").doesNotContain("\tat ");
        java.nio.file.Files.writeString(config, "tenant=acme\ndevice=dev-1\npack.max-records=many\n");
        err.getBuffer().setLength(0);
        assertThat(cli.execute("status", "-c", config.toString())).as("stderr: %s", err).isEqualTo(2);
        assertThat(err.toString()).contains("many").doesNotContain("\tat ");
    }

    /** A '%' in a description is a format conversion to picocli: "humidity (%RH)" printed a WARN and the raw, unformatted text. */
    @Test
    void everyCommandsHelpFormatsWithoutWarnings() {
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.err;
        StringBuilder usage = new StringBuilder();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            CommandLine cli = new CommandLine(new AgentCli());
            usage.append(cli.getUsageMessage());
            cli.getSubcommands().values().forEach(sub -> usage.append(sub.getUsageMessage()));
        } finally {
            System.setErr(original);
        }
        assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8)).as("picocli warnings").isEmpty();
        assertThat(usage.toString()).contains("humidity (%RH)");
    }

    @Test
    void keygenPrintsTheKidAndPublicKeyForRegistration() throws Exception {
        String out = run("keygen", "--key-file", dir.resolve("k.p8").toString(), "--alg", "EdDSA");
        SigningKey key = KeyFiles.load(dir.resolve("k.p8"));
        assertThat(out).contains("alg=EdDSA").contains("kid=" + key.verificationKey().kidHex());
    }

    @Test
    void keygenMakesAHybridPairWithBothKeysForRegistration() throws Exception {
        String out = run("keygen", "--key-file", dir.resolve("c.p8").toString(), "--alg", "ES256+ML-DSA-65",
                "--post-quantum-key-file", dir.resolve("pq.p8").toString());
        SigningKey classical = KeyFiles.load(dir.resolve("c.p8"));
        SigningKey pq = KeyFiles.load(dir.resolve("pq.p8"));
        assertThat(classical.algorithm().label()).isEqualTo("ES256");
        assertThat(pq.algorithm().label()).isEqualTo("ML-DSA-65");
        assertThat(out).contains("alg=ES256", "kid=" + classical.verificationKey().kidHex(), "postQuantumAlg=ML-DSA-65",
                "postQuantumKid=" + pq.verificationKey().kidHex(),
                "postQuantumSpki=" + java.util.Base64.getEncoder().encodeToString(pq.verificationKey().spki()));
    }

    @Test
    void keygenRefusesAHybridPairOtherThanClassicalThenMlDsa() {
        assertThat(new CommandLine(new AgentCli()).execute("keygen", "--key-file", dir.resolve("x.p8").toString(), "--alg",
                "ML-DSA-65+ES256", "--post-quantum-key-file", dir.resolve("y.p8").toString())).isNotZero();
        assertThat(new CommandLine(new AgentCli()).execute("keygen", "--key-file", dir.resolve("x.p8").toString(), "--alg",
                "ES256+ML-DSA-65")).as("the ML-DSA key needs a file").isNotZero();
        assertThat(dir.resolve("x.p8")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ML-DSA-44", "ML-DSA-65"})
    void keygenMakesMlDsaKeysAndEmitSignsWithThem(String alg) throws Exception {
        String out = run("keygen", "--key-file", dir.resolve("pq.p8").toString(), "--alg", alg);
        SigningKey key = KeyFiles.load(dir.resolve("pq.p8"));
        assertThat(key.algorithm().label()).isEqualTo(alg);
        assertThat(out).contains("alg=" + alg).contains("kid=" + key.verificationKey().kidHex());
        assertThat(Files.size(dir.resolve("pq.p8"))).as("seed-only PKCS#8 (RFC 9881)").isEqualTo(54);
        String hex = run("emit", "--key-file", dir.resolve("pq.p8").toString(), "--device", "cold-room-7", "--data-dir",
                dir.resolve("data").toString(), "temperature=4.25@1764000000").trim();
        byte[] message = HexFormat.of().parseHex(hex);
        ReadingMessage m = ReadingMessages.open(message, kid -> Optional.of(key.verificationKey()));
        assertThat(m.pack().readings()).containsExactly(new Reading(Quantity.TEMPERATURE, 4.25, 1_764_000_000_000L));
        assertThat(CoseSign1.decode(message, CborLimits.MESSAGE).signature())
                .hasSize(key.algorithm().signatureLength());
    }

    @Test
    void emitPrintsAMessageThatVerifiesWithTheProtocolModule() throws Exception {
        run("keygen", "--key-file", dir.resolve("k.p8").toString());
        SigningKey key = KeyFiles.load(dir.resolve("k.p8"));
        String hex = run("emit", "--key-file", dir.resolve("k.p8").toString(), "--device", "cold-room-7", "--data-dir",
                dir.resolve("data").toString(), "--seq", "4", "temperature=4.25@1764000000.5", "humidity=61.2@1764000000").trim();
        ReadingMessage m = ReadingMessages.open(HexFormat.of().parseHex(hex), kid -> Optional.of(key.verificationKey()));
        assertThat(m.header().boot()).isEqualTo(1);
        assertThat(m.header().seq()).isEqualTo(4);
        assertThat(m.pack().readings()).containsExactly(new Reading(Quantity.HUMIDITY, 61.2, 1_764_000_000_000L),
                new Reading(Quantity.TEMPERATURE, 4.25, 1_764_000_000_500L));
        String second = run("emit", "--key-file", dir.resolve("k.p8").toString(), "--device", "cold-room-7", "--data-dir",
                dir.resolve("data").toString(), "co2e-register=1500@1764000000").trim();
        assertThat(ReadingMessages.decode(HexFormat.of().parseHex(second)).header().boot()).as("a fresh boot each time").isEqualTo(2);
    }

    @Test
    void parsesJsonLinesAndRefusesBadOnes() {
        assertThat(AgentCli.parseInput("{\"n\":\"co2e\",\"v\":1.25,\"t\":1764000000.25}", 0))
                .isEqualTo(new AgentCli.Input.Interval(new IntervalEmission(1.25, 1_764_000_000_250L)));
        assertThat(AgentCli.parseInput("{\"n\":\"co2e\",\"u\":\"kg\",\"v\":2}", 1_764_000_000_000L))
                .isEqualTo(new AgentCli.Input.Interval(new IntervalEmission(2, 1_764_000_000_000L)));
        assertThat(AgentCli.parseInput("{\"n\":\"co2e-register\",\"u\":\"g\",\"v\":5000000123,\"t\":1764000000}", 0))
                .isEqualTo(new AgentCli.Input.Measured(new Reading(Quantity.CO2E_REGISTER, 5_000_000_123.0, 1_764_000_000_000L)));
        assertThat(AgentCli.parseInput("{\"n\":\"humidity\",\"u\":\"%RH\",\"v\":50}", 1_764_000_000_000L))
                .isEqualTo(new AgentCli.Input.Measured(new Reading(Quantity.HUMIDITY, 50, 1_764_000_000_000L)));
        for (String bad : new String[] {"", "[]", "{\"n\":\"pressure\",\"v\":1}", "{\"n\":\"humidity\",\"v\":\"x\"}",
                "{\"n\":\"humidity\",\"u\":\"Cel\",\"v\":1}", "{\"n\":\"humidity\",\"v\":1,\"t\":\"now\"}", "{oops",
                "{\"n\":\"co2e\",\"u\":\"g\",\"v\":1}", "{\"n\":\"co2e-register\",\"u\":\"kg\",\"v\":1}"}) {
            assertThatThrownBy(() -> AgentCli.parseInput(bad, 0)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void statusReportsAStoppedAgentsOutbox() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("a.properties"), "tenant=acme\ndevice=d1\ndata.dir=" + dir.resolve("data") + "\n");
        String out = run("status", "-c", dir.resolve("a.properties").toString());
        assertThat(out).contains("agent=stopped").contains("outbox_depth=0").contains("oldest_unacknowledged=");
    }
}
