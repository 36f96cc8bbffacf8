package io.sensorproof.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.agent.IntervalEmission;
import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.agent.config.Setting;
import io.sensorproof.agent.enroll.CertificateRenewer;
import io.sensorproof.agent.enroll.Enroller;
import io.sensorproof.agent.enroll.EnrollmentRefusedException;
import io.sensorproof.agent.keys.KeyFiles;
import io.sensorproof.agent.outbox.BootCounter;
import io.sensorproof.agent.outbox.Outbox;
import io.sensorproof.agent.outbox.OutboxConfig;
import io.sensorproof.agent.outbox.OutboxStats;
import io.sensorproof.protocol.retry.Backoff;
import io.sensorproof.agent.transport.CoapTransport;
import io.sensorproof.agent.transport.MqttTransport;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.encoding.DecimalRounding;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Command line of the edge agent: keygen, enroll, renew, rekey, run, emit, status. */
@Command(name = "edge-agent", mixinStandardHelpOptions = true, version = "edge-agent 0.1.0",
        description = "Signs sensor readings, keeps them in a crash-safe outbox and delivers them to the gateway over MQTT.",
        subcommands = {AgentCli.Keygen.class, EnrollCommands.Enroll.class, EnrollCommands.Renew.class, EnrollCommands.Rekey.class,
            AgentCli.Run.class, AgentCli.Emit.class, AgentCli.Status.class})
public final class AgentCli implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new AgentCli()).setExecutionExceptionHandler(AgentCli::report).execute(args));
    }

    /**
     * A refused enrollment prints the gateway's code and message (exit 4); an invalid setting one line naming it (exit 2,
     * as picocli's own usage errors); anything else its stack trace (exit 1).
     */
    static int report(Exception failure, CommandLine command, CommandLine.ParseResult parsed) {
        PrintWriter err = command.getErr();
        if (failure instanceof EnrollmentRefusedException refused) {
            err.println(refused.getMessage());
            err.flush();
            return 4;
        }
        if (failure instanceof InvalidSettingsException invalid) {
            err.println(invalid.getMessage());
            err.flush();
            return 2;
        }
        failure.printStackTrace(err);
        err.flush();
        return 1;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 0;
    }

    static AgentConfig config(Path file) throws IOException {
        try {
            return AgentConfig.load(file, System.getenv());
        } catch (IllegalArgumentException e) { // out of range, missing, or not a number (NumberFormatException)
            throw new InvalidSettingsException("edge-agent: invalid settings (" + (file == null ? "" : file + " and ")
                    + "SENSORPROOF_AGENT_* variables): " + e.getMessage(), e);
        }
    }

    /** Settings the agent cannot run with: the operator's to correct, reported in one line. */
    static final class InvalidSettingsException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidSettingsException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Generates the device key on this device. */
    @Command(name = "keygen", description = "Generate the device key (mode 0600) and print its public key and kid for registration.")
    static final class Keygen implements Callable<Integer> {
        @Option(names = "--key-file", required = true, description = "Where to write the PKCS#8 private key (must not exist).")
        Path keyFile;

        @Option(names = "--alg", defaultValue = "ES256", description = "ES256 (default), EdDSA, SM2-SM3, ML-DSA-44 or ML-DSA-65;"
                + " or a hybrid pair (ADR 029) CLASSICAL+ML-DSA, e.g. ES256+ML-DSA-65, with --post-quantum-key-file.")
        String alg;

        @Option(names = "--post-quantum-key-file", description = "For a hybrid --alg: where to write the ML-DSA key (must not exist);"
                + " the agent's setting post-quantum-key.file.")
        Path postQuantumKeyFile;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            String[] pair = alg.split("\\+", -1);
            if (pair.length > 2) {
                throw new IllegalArgumentException("--alg names one algorithm or a pair CLASSICAL+ML-DSA, not " + alg);
            }
            SignatureAlgorithm first = SignatureAlgorithm.fromLabel(pair[0].trim());
            SignatureAlgorithm second = pair.length == 2 ? SignatureAlgorithm.fromLabel(pair[1].trim()) : null;
            if (second != null && (!ReadingMessages.HYBRID_CLASSICAL.contains(first) || !second.isPostQuantum())) {
                throw new IllegalArgumentException("a hybrid pair is ES256 or EdDSA, then ML-DSA-44 or ML-DSA-65, not " + alg);
            }
            if ((second != null) != (postQuantumKeyFile != null)) {
                throw new IllegalArgumentException("--post-quantum-key-file goes with a hybrid --alg (e.g. ES256+ML-DSA-65), and only with one");
            }
            if (second != null && java.nio.file.Files.exists(postQuantumKeyFile)) {
                throw new IllegalArgumentException(postQuantumKeyFile + " exists; keygen never overwrites a key");
            }
            SigningKey key = KeyFiles.generate(keyFile, first);
            PrintWriter out = spec.commandLine().getOut();
            out.println("alg=" + key.algorithm().label());
            out.println("kid=" + key.verificationKey().kidHex());
            out.println("spki=" + Base64.getEncoder().encodeToString(key.verificationKey().spki()));
            if (second != null) {
                SigningKey pq = KeyFiles.generate(postQuantumKeyFile, second);
                out.println("postQuantumAlg=" + pq.algorithm().label());
                out.println("postQuantumKid=" + pq.verificationKey().kidHex());
                out.println("postQuantumSpki=" + Base64.getEncoder().encodeToString(pq.verificationKey().spki()));
            }
            out.flush();
            return 0;
        }
    }

    /** Runs the agent on readings from standard input. */
    @Command(name = "run", description = {"Run the agent. Readings come as JSON lines on standard input:",
            "  {\"n\": \"temperature\", \"v\": 4.2, \"t\": 1764000000.25}   (t optional: seconds since the epoch; default now)",
            "  names: temperature (Cel), humidity (%%RH), co2e-register (g, a meter's register), co2e (kg over an interval,",
            "  added to the agent's durable register, which is sent as co2e-register)",
            "At end of input the open pack is sealed and the agent waits for the outbox to drain."})
    static final class Run implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, description = "Properties file with the settings (environment overrides).")
        Path configFile;

        @Option(names = "--drain-timeout-seconds", defaultValue = "60", description = "How long to wait for acknowledgements after end of input.")
        long drainTimeoutSeconds;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            AgentConfig config = config(configFile);
            SigningKey key = KeyFiles.load(config.keyFile());
            if (config.gatewayAckKey() == null || config.gatewayAckKey().isEmpty()) {
                throw new IllegalArgumentException("setting " + Setting.GATEWAY_ACK_KEY.key() + " is required to verify acknowledgements");
            }
            VerificationKey gatewayKey = KeyFiles.readPublicKey(config.gatewayAckKey());
            PrintWriter err = spec.commandLine().getErr();
            CertificateRenewer renewer = CertificateRenewer.start(new Enroller(config.dataDir(), config.keyFile(), Clock.systemUTC()),
                    config.enrollmentCheckInterval(), line -> {
                        synchronized (err) {
                            err.println(line);
                            err.flush();
                        }
                    });
            EdgeAgent agent = EdgeAgent.start(config, key, gatewayKey,
                    metrics -> transport(config, metrics),
                    Clock.systemUTC());
            try {
                pump(agent, new InputStreamReader(System.in, StandardCharsets.UTF_8), err);
                agent.flush();
                boolean drained = agent.awaitDrained(Duration.ofSeconds(drainTimeoutSeconds));
                err.println("end of input; drained=" + drained + " " + agent.describe());
                err.flush();
                return drained ? 0 : 3;
            } finally {
                agent.close();
                renewer.close();
            }
        }

        /** The transport {@code transport=} selects. */
        static io.sensorproof.agent.transport.Transport transport(AgentConfig config, io.sensorproof.agent.AgentMetrics metrics) {
            Backoff backoff = new Backoff(config.reconnectMin(), config.reconnectMax(), new SecureRandom());
            return "coap".equals(config.transport()) ? new CoapTransport(config, backoff, metrics::recordBackoff)
                    : new MqttTransport(config, backoff, metrics::recordBackoff);
        }

        static void pump(EdgeAgent agent, Reader input, PrintWriter err) throws IOException {
            BufferedReader lines = new BufferedReader(input);
            String line;
            long lineNumber = 0;
            while ((line = lines.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    Input parsed = parseInput(line, agent.deviceTimeMillis());
                    if (parsed instanceof Input.Interval interval) {
                        agent.submit(interval.emission());
                    } else {
                        agent.submit(((Input.Measured) parsed).reading());
                    }
                } catch (ProtocolException | IllegalArgumentException e) {
                    err.println("line " + lineNumber + " refused: " + (e instanceof ProtocolException p ? p.code() + ": " : "") + e.getMessage());
                    err.flush();
                }
            }
        }
    }

    /** One line of the agent's input: a reading to send as is, or an interval mass for the register. */
    sealed interface Input {
        /** A reading of a wire quantity (temperature, humidity, co2e-register). */
        record Measured(Reading reading) implements Input {
        }

        /** {@code co2e} in kg: an interval mass, added to the emissions register. */
        record Interval(IntervalEmission emission) implements Input {
        }
    }

    /** Input name of an interval mass (the retired wire quantity, still accepted from sensors). */
    static final String INTERVAL_CO2E = "co2e";

    /**
     * Parses one JSON line: {@code {"n": name, "u": unit (optional), "v": number, "t": seconds
     * (optional)}} with name {@code temperature}, {@code humidity}, {@code co2e-register} (grams) or
     * {@code co2e} (kg over an interval).
     */
    static Input parseInput(String line, long nowMillis) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject() || !node.path("n").isTextual() || !node.path("v").isNumber()) {
            throw new IllegalArgumentException("expected {\"n\": name, \"v\": number, \"t\": seconds (optional)}");
        }
        String name = node.get("n").asText();
        Quantity quantity = Quantity.bySenmlName(name);
        if (quantity == null && !INTERVAL_CO2E.equals(name)) {
            throw new IllegalArgumentException("unknown quantity '" + name + "'; expected temperature, humidity, co2e-register or co2e");
        }
        String unit = quantity == null ? "kg" : quantity.unit();
        if (node.has("u") && !unit.equals(node.get("u").asText())) {
            throw new IllegalArgumentException(name + " is measured in " + unit);
        }
        long time = nowMillis;
        if (node.has("t")) {
            if (!node.get("t").isNumber()) {
                throw new IllegalArgumentException("t must be a number of seconds");
            }
            time = DecimalRounding.roundHalfEvenUnits(node.get("t").asDouble(), 3);
        }
        double value = node.get("v").asDouble();
        return quantity == null ? new Input.Interval(new IntervalEmission(value, time)) : new Input.Measured(new Reading(quantity, value, time));
    }

    /** Signs readings given as arguments and prints the message as hex. */
    @Command(name = "emit", description = {"Sign readings given as arguments and print the COSE_Sign1 message as hex (debugging, interop).",
            "Each reading is name=value or name=value@seconds, e.g. temperature=4.2@1764000000.5."})
    static final class Emit implements Callable<Integer> {
        @Option(names = "--key-file", required = true, description = "Device key (PKCS#8, mode 0600).")
        Path keyFile;

        @Option(names = "--device", required = true, description = "Device id (SenML base name).")
        String device;

        @Option(names = "--data-dir", description = "Take a fresh boot number from this agent data directory (never reuses an identity).")
        Path dataDir;

        @Option(names = "--boot", description = "Boot counter to use instead of --data-dir (you keep it unique).")
        Long boot;

        @Option(names = "--seq", defaultValue = "0", description = "Sequence number (default 0).")
        long seq;

        @Parameters(arity = "1..*", paramLabel = "READING")
        List<String> readings;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if ((dataDir == null) == (boot == null)) {
                throw new IllegalArgumentException("give exactly one of --data-dir and --boot");
            }
            SigningKey key = KeyFiles.load(keyFile);
            long now = Clock.systemUTC().millis();
            List<Reading> parsed = new ArrayList<>();
            for (String r : readings) {
                parsed.add(parseArgument(r, now));
            }
            parsed.sort(java.util.Comparator.comparingLong(Reading::timeMillis));
            ReadingPack pack = new ReadingPack(device, parsed);
            pack.checkValues();
            long useBoot = boot != null ? boot : BootCounter.next(dataDir, 0);
            byte[] message = ReadingMessages.sign(pack, useBoot, seq, now, key);
            PrintWriter out = spec.commandLine().getOut();
            out.println(HexFormat.of().formatHex(message));
            out.flush();
            return 0;
        }

        static Reading parseArgument(String argument, long nowMillis) {
            int eq = argument.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("reading '" + argument + "' must be name=value[@seconds]");
            }
            Quantity quantity = Quantity.bySenmlName(argument.substring(0, eq));
            if (quantity == null) {
                throw new IllegalArgumentException("unknown quantity in '" + argument + "'");
            }
            String rest = argument.substring(eq + 1);
            int at = rest.indexOf('@');
            double value = Double.parseDouble(at < 0 ? rest : rest.substring(0, at));
            long time = at < 0 ? nowMillis : DecimalRounding.roundHalfEvenUnits(Double.parseDouble(rest.substring(at + 1)), 3);
            return new Reading(quantity, value, time);
        }
    }

    /** Prints the outbox state. */
    @Command(name = "status", description = "Outbox depth, oldest unacknowledged and last acknowledged message, counters.")
    static final class Status implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, description = "Properties file with the settings.")
        Path configFile;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            AgentConfig config = config(configFile);
            PrintWriter out = spec.commandLine().getOut();
            Files.createDirectories(config.dataDir());
            try (FileChannel channel = FileChannel.open(config.dataDir().resolve("agent.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
                if (lock == null) {
                    Path file = EdgeAgent.statusFile(config.dataDir());
                    Properties p = new Properties();
                    if (Files.exists(file)) {
                        try (Reader r = Files.newBufferedReader(file)) {
                            p.load(r);
                        }
                    }
                    out.println("agent=running");
                    new TreeMap<>(p).forEach((k, v) -> out.println(k + "=" + v));
                } else {
                    try (Outbox outbox = Outbox.open(config.dataDir().resolve("outbox"), new OutboxConfig(config.outboxCapacityBytes(),
                            8L << 20, config.overflow(), Duration.ZERO, config.logBounds().keptAsideMaxBytes(),
                            config.logBounds().droppedLogMaxBytes()))) {
                        OutboxStats s = outbox.stats();
                        out.println("agent=stopped");
                        out.println("outbox_depth=" + s.depth());
                        out.println("outbox_bytes=" + s.bytes());
                        out.println("outbox_capacity_bytes=" + config.outboxCapacityBytes());
                        out.println("oldest_unacknowledged=" + s.oldestPending().map(id -> id.boot() + ":" + id.seq()).orElse(""));
                        out.println("last_acknowledged=" + s.lastStored().map(id -> id.boot() + ":" + id.seq()).orElse(""));
                        out.println("kept_aside=" + s.keptAside());
                        out.println("dropped_messages=" + s.droppedMessages());
                        out.println("kept_aside_discarded=" + s.keptAsideDiscarded());
                        out.println("dropped_log_discarded=" + s.droppedRecordsDiscarded());
                        out.println("torn_tail_repairs=" + s.tornTailRepairs());
                        out.println("corrupt_segments=" + s.corruptSegments());
                    }
                }
            }
            out.flush();
            return 0;
        }
    }
}
