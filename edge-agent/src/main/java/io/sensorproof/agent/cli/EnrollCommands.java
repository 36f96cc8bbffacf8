package io.sensorproof.agent.cli;

import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.agent.config.ConfigFileUpdate;
import io.sensorproof.agent.config.Setting;
import io.sensorproof.agent.enroll.Enroller;
import io.sensorproof.agent.enroll.EnrollmentClient;
import io.sensorproof.agent.enroll.EnrollmentState;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.message.ReadingMessages;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The enrollment commands of the agent CLI: enroll, renew, rekey (see {@link Enroller}). */
final class EnrollCommands {
    /** Environment variable that may carry the enrollment token instead of --token (keeps it out of ps). */
    static final String TOKEN_ENV = "SENSORPROOF_AGENT_ENROLLMENT_TOKEN";

    private EnrollCommands() {
    }

    /** Enrolls the device with a one-time token and writes the agent configuration. */
    @Command(name = "enroll", description = {"Enroll this device with the operator's one-time token: generates the device key if absent,",
            "sends its CSR to the gateway, checks the returned chain against the CA the token pins, stores the certificate,",
            "the gateway acknowledgement key and a renewal token in the data directory, and writes tenant, device and",
            "gateway.ack-key into the configuration file so that 'run' works without editing it."})
    static final class Enroll implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, required = true, description = "Agent properties file to create or update.")
        Path configFile;

        @Option(names = "--gateway-url", required = true, description = "Gateway base URL: https://host:port (http:// only to localhost).")
        URI gatewayUrl;

        @Option(names = "--token", description = "The enrollment token (or --token-file, or the environment variable " + TOKEN_ENV + ").")
        String token;

        @Option(names = "--token-file", description = "File whose first line is the enrollment token.")
        Path tokenFile;

        @Option(names = "--device", description = "The device id this agent expects; the gateway refuses a token bound to another device.")
        String device;

        @Option(names = "--data-dir", description = "Agent data directory (default: data.dir of the configuration, else agent-data).")
        Path dataDir;

        @Option(names = "--ca-file", description = "PEM CA certificates trusted for the gateway's HTTPS (default: the JDK trust store).")
        Path caFile;

        @Option(names = "--alg", defaultValue = "ES256", description = {"Algorithm of a newly generated device key: ES256 (default), EdDSA,"
                + " SM2-SM3, ML-DSA-44 or ML-DSA-65; or a hybrid pair (ADR 029) CLASSICAL+ML-DSA, e.g. ES256+ML-DSA-65: both keys",
                "are generated if absent and registered together (the ML-DSA key in --post-quantum-key-file)."})
        String alg;

        @Option(names = "--post-quantum-key-file", description = "For a hybrid --alg: the ML-DSA key file (default: the"
                + " post-quantum-key.file setting, else <data dir>/post-quantum-key.p8); written into the configuration.")
        Path postQuantumKeyFile;

        @Option(names = "--mqtt-url", description = "Also write this broker URL into the configuration (mqtt.url).")
        String mqttUrl;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String presented = token(token, tokenFile);
            Properties existing = readProperties(configFile);
            Path data = dataDir != null ? dataDir : Path.of(setting(existing, Setting.DATA_DIR));
            String keyFileSetting = setting(existing, Setting.KEY_FILE);
            Path keyFile = keyFileSetting.isEmpty() ? data.resolve("device-key.p8") : Path.of(keyFileSetting);
            SignatureAlgorithm[] pair = algorithms(alg);
            String pqSetting = setting(existing, Setting.POST_QUANTUM_KEY_FILE);
            if (postQuantumKeyFile != null && pair[1] == null) {
                throw new IllegalArgumentException("--post-quantum-key-file goes with a hybrid --alg (e.g. ES256+ML-DSA-65)");
            }
            Optional<Path> pqFile = postQuantumKeyFile != null ? Optional.of(postQuantumKeyFile)
                    : pair[1] != null ? Optional.of(pqSetting.isEmpty() ? data.resolve("post-quantum-key.p8") : Path.of(pqSetting))
                    : Optional.of(pqSetting).filter(v -> !v.isEmpty()).map(Path::of);
            Enroller enroller = new Enroller(data, keyFile, pqFile, Clock.systemUTC());
            Enroller.Result result = enroller.enroll(new EnrollmentClient(gatewayUrl, Optional.ofNullable(caFile)), gatewayUrl,
                    Optional.ofNullable(caFile), presented, Optional.ofNullable(device), pair[0], Optional.ofNullable(pair[1]));
            Map<String, String> values = new LinkedHashMap<>();
            if (pair[1] != null) {
                values.put(Setting.POST_QUANTUM_KEY_FILE.key(), pqFile.get().toString());
            }
            values.put(Setting.TENANT.key(), result.state().tenant());
            values.put(Setting.DEVICE.key(), result.state().device());
            values.put(Setting.DATA_DIR.key(), data.toString());
            values.put(Setting.GATEWAY_ACK_KEY.key(), result.state().ackKey());
            if (mqttUrl != null) {
                values.put(Setting.MQTT_URL.key(), mqttUrl);
            }
            ConfigFileUpdate.apply(configFile, values);
            report(spec.commandLine().getOut(), result);
            return 0;
        }
    }

    /** Renews the certificate of the current key. */
    @Command(name = "renew", description = "Renew the device certificate (same key) with the stored renewal token; without --force only when"
            + " less than a third of its lifetime remains ('run' does this by itself).")
    static final class Renew implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, required = true, description = "Agent properties file.")
        Path configFile;

        @Option(names = "--force", description = "Renew even if the certificate is not due.")
        boolean force;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            AgentConfig config = AgentCli.config(configFile);
            Enroller enroller = new Enroller(config.dataDir(), config.keyFile(), config.postQuantumKeyFile(), Clock.systemUTC());
            EnrollmentClient client = client(enroller);
            PrintWriter out = spec.commandLine().getOut();
            Optional<Enroller.Result> result = force ? Optional.of(enroller.renew(client)) : enroller.renewIfDue(client);
            if (result.isEmpty()) {
                out.println("not due: certificate valid until " + enroller.state().map(EnrollmentState::notAfter).orElse(null));
                out.flush();
                return 0;
            }
            ConfigFileUpdate.apply(configFile, Map.of(Setting.GATEWAY_ACK_KEY.key(), result.get().state().ackKey()));
            report(out, result.get());
            return 0;
        }
    }

    /** Replaces the device key. */
    @Command(name = "rekey", description = {"Replace the device key: generate a new key, have it certified with the stored renewal token,",
            "make it the device key. The old key file is kept under retired-keys/; messages it already signed (in the outbox)",
            "stay valid at the gateway until its certificate expires. Stop the agent first."})
    static final class Rekey implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, required = true, description = "Agent properties file.")
        Path configFile;

        @Option(names = "--alg", description = "Algorithm of the new key (default: the alg setting, ES256); for a hybrid device"
                + " (post-quantum-key.file set) both keys are replaced, --alg CLASSICAL+ML-DSA chooses both algorithms.")
        String alg;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            AgentConfig config = AgentCli.config(configFile);
            Files.createDirectories(config.dataDir());
            try (FileChannel channel = FileChannel.open(config.dataDir().resolve("agent.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
                if (lock == null) {
                    throw new IllegalStateException("the agent is running on " + config.dataDir() + "; stop it before a re-key");
                }
                Enroller enroller = new Enroller(config.dataDir(), config.keyFile(), config.postQuantumKeyFile(), Clock.systemUTC());
                SignatureAlgorithm[] pair = algorithms(alg != null ? alg : config.alg());
                if (pair[1] != null && config.postQuantumKeyFile().isEmpty()) {
                    throw new IllegalArgumentException("a hybrid --alg needs the setting " + Setting.POST_QUANTUM_KEY_FILE.key());
                }
                Enroller.Result result = enroller.rekey(client(enroller), pair[0], Optional.ofNullable(pair[1]));
                ConfigFileUpdate.apply(configFile, Map.of(Setting.GATEWAY_ACK_KEY.key(), result.state().ackKey()));
                report(spec.commandLine().getOut(), result);
            }
            return 0;
        }
    }

    /** {@code --alg}: one algorithm, or a hybrid pair CLASSICAL+ML-DSA (element 1 null for one). */
    static SignatureAlgorithm[] algorithms(String alg) {
        String[] parts = alg.split("\\+", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException("--alg names one algorithm or a pair CLASSICAL+ML-DSA, not " + alg);
        }
        SignatureAlgorithm first = SignatureAlgorithm.fromLabel(parts[0].trim());
        SignatureAlgorithm second = parts.length == 2 ? SignatureAlgorithm.fromLabel(parts[1].trim()) : null;
        if (second != null && (!ReadingMessages.HYBRID_CLASSICAL.contains(first) || !second.isPostQuantum())) {
            throw new IllegalArgumentException("a hybrid pair is ES256 or EdDSA, then ML-DSA-44 or ML-DSA-65, not " + alg);
        }
        return new SignatureAlgorithm[] {first, second};
    }

    private static EnrollmentClient client(Enroller enroller) throws IOException {
        EnrollmentState state = enroller.state().orElseThrow(() -> new IOException("not enrolled; run 'enroll' with a token first"));
        return new EnrollmentClient(URI.create(state.gatewayUrl()), Optional.ofNullable(state.caFile()).map(Path::of));
    }

    private static void report(PrintWriter out, Enroller.Result result) {
        EnrollmentState s = result.state();
        out.println("result=" + result.kind());
        out.println("tenant=" + s.tenant());
        out.println("device=" + s.device());
        out.println("kid=" + s.kid());
        result.postQuantumKid().ifPresent(kid -> out.println("postQuantumKid=" + kid));
        out.println("certificate.not-after=" + s.notAfter());
        out.println("ca.fingerprint=" + s.caFingerprint());
        out.println("renewal.token=" + (s.renewalToken() == null ? "none" : "stored"));
        out.flush();
    }

    static String token(String option, Path file) throws IOException {
        if (option != null) {
            return option.strip();
        }
        if (file != null) {
            return Files.readString(file, StandardCharsets.US_ASCII).lines().findFirst().orElse("").strip();
        }
        String env = System.getenv(TOKEN_ENV);
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        throw new IllegalArgumentException("give the enrollment token with --token, --token-file or " + TOKEN_ENV);
    }

    /** The properties file's content, or empty when it does not exist yet. */
    static Properties readProperties(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        return p;
    }

    /** A setting from the environment, the properties, or its default. */
    static String setting(Properties p, Setting s) {
        String value = System.getenv().getOrDefault(s.environmentVariable(), p.getProperty(s.key(), s.defaultValue()));
        return value == null ? "" : value.strip();
    }
}
