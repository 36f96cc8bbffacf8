package io.sensorproof.oracle.anvil;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * A local development chain: anvil as a child process whose state lives in a directory of its own,
 * for standalone mode. anvil loads {@code state.json} at start ({@code --state}), dumps it every
 * {@code stateInterval} seconds and once more when it is stopped with SIGTERM, so:
 * <ul>
 *   <li>a stopped gateway (SIGTERM) loses nothing: anvil dumps on exit;</li>
 *   <li>a gateway killed with {@code kill -9} leaves anvil running; the next start finds it through
 *       {@code anvil.pid} and adopts it as it runs ({@link #adoptOrphan}, ADR 040) or, when it does
 *       not qualify, stops it with SIGTERM (it dumps its state) and starts a fresh one, so nothing
 *       is lost either;</li>
 *   <li>anvil itself killed with SIGKILL (or the machine losing power) loses the blocks mined since
 *       the last periodic dump, at most {@code stateInterval} seconds of them: transactions the
 *       gateway saw confirmed may be gone, which the oracle's jobs reconcile at start.</li>
 * </ul>
 * The RPC endpoint listens on a loopback address only; the accounts are anvil's public development
 * accounts, so this chain is for one machine's standalone mode, never a shared network.
 */
public final class AnvilProcess implements AutoCloseable {
    /** The state file inside the state directory. */
    public static final String STATE_FILE = "state.json";
    /** The pid file inside the state directory. */
    public static final String PID_FILE = "anvil.pid";
    /** anvil's output, appended. */
    public static final String LOG_FILE = "anvil.log";

    private static final Logger LOG = Logger.getLogger(AnvilProcess.class.getName());

    private final ProcessHandle process;
    private final Options options;
    private final boolean adopted;

    private AnvilProcess(ProcessHandle process, Options options, boolean adopted) {
        this.process = process;
        this.options = options;
        this.adopted = adopted;
    }

    /**
     * How to run anvil.
     *
     * @param binary the anvil executable ({@link AnvilBinary})
     * @param stateDirectory holds {@code state.json}, {@code anvil.pid}, {@code anvil.log}
     * @param host loopback address to listen on
     * @param port TCP port of the JSON-RPC endpoint (1–65535)
     * @param chainId the chain id (31337 for standalone mode)
     * @param blockTimeSeconds interval mining: one block every so many seconds (realistic confirmation latency)
     * @param stateIntervalSeconds periodic state dump interval: what a SIGKILL of anvil may lose at most
     * @param startTimeout how long anvil may take to answer {@code eth_chainId}
     */
    public record Options(Path binary, Path stateDirectory, String host, int port, long chainId, int blockTimeSeconds,
            int stateIntervalSeconds, Duration startTimeout) {
        public Options {
            Objects.requireNonNull(binary, "binary");
            Objects.requireNonNull(stateDirectory, "stateDirectory");
            Objects.requireNonNull(startTimeout, "startTimeout");
            if (host == null || !(host.equals("127.0.0.1") || host.equals("::1") || host.equals("localhost"))) {
                throw new IllegalArgumentException("anvil listens on a loopback address only (its accounts are public), not " + host);
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("anvil port must be 1-65535, was " + port);
            }
            if (chainId < 1) {
                throw new IllegalArgumentException("chain id must be positive, was " + chainId);
            }
            if (blockTimeSeconds < 1 || stateIntervalSeconds < 1) {
                throw new IllegalArgumentException("block time and state interval must be at least 1 s");
            }
        }

        /** The JSON-RPC URL. */
        public String rpcUrl() {
            return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /**
     * Stops an orphan named by {@code anvil.pid} in the state directory, starts anvil with the state
     * found there and waits until it answers {@code eth_chainId} with the expected id.
     *
     * @throws IOException when anvil exits, does not answer in time, or reports another chain id
     */
    public static AnvilProcess start(Options options) throws IOException {
        if (!Files.isExecutable(options.binary())) {
            throw new IOException("anvil binary not found or not executable: " + options.binary() + " (run `npm ci`)");
        }
        Path dir = options.stateDirectory();
        Files.createDirectories(dir);
        stopOrphan(dir, Duration.ofSeconds(30)).ifPresent(pid ->
                LOG.warning("stopped the orphaned anvil (pid " + pid + ") of " + dir + ", left by a gateway that did not stop cleanly"));
        if (listening(options.host(), options.port())) {
            throw new IOException("port " + options.port() + " on " + options.host() + " is taken by another process;"
                    + " stop it or choose another port for the local chain");
        }
        Path state = dir.resolve(STATE_FILE).toAbsolutePath();
        List<String> command = new java.util.ArrayList<>();
        command.add(options.binary().toString());
        command.addAll(arguments(options));
        Path log = dir.resolve(LOG_FILE);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        writePidFile(dir, process.pid());
        AnvilProcess anvil = new AnvilProcess(process.toHandle(), options, false);
        long deadline = System.nanoTime() + options.startTimeout().toNanos();
        Web3j web3j = Web3j.build(new HttpService(options.rpcUrl()));
        try {
            while (true) {
                if (!process.isAlive()) {
                    Files.deleteIfExists(dir.resolve(PID_FILE));
                    throw new IOException("anvil exited with " + process.exitValue() + " (port " + options.port()
                            + " taken, or a damaged " + state + "?); see " + log + ":\n" + tail(log));
                }
                Optional<Long> chainId = chainId(web3j);
                if (chainId.isPresent()) {
                    if (chainId.get() != options.chainId()) {
                        anvil.close();
                        throw new IOException("the node at " + options.rpcUrl() + " reports chain id " + chainId.get()
                                + ", expected " + options.chainId());
                    }
                    return anvil;
                }
                if (System.nanoTime() > deadline) {
                    anvil.close();
                    throw new IOException("anvil did not answer at " + options.rpcUrl() + " within " + options.startTimeout()
                            + "; see " + log);
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            anvil.close();
            throw new IOException("interrupted while waiting for anvil", e);
        } finally {
            web3j.shutdown();
        }
    }

    /** anvil's arguments (after the executable) for {@code options}. */
    static List<String> arguments(Options options) {
        Path state = options.stateDirectory().resolve(STATE_FILE).toAbsolutePath();
        return List.of("--host", options.host(), "--port", Integer.toString(options.port()), "--chain-id",
                Long.toString(options.chainId()), "--block-time", Integer.toString(options.blockTimeSeconds()), "--gas-limit",
                "30000000", "--state", state.toString(), "--state-interval", Integer.toString(options.stateIntervalSeconds()));
    }

    /**
     * Adopts the anvil that a gateway killed with {@code kill -9} left running (named by
     * {@code anvil.pid}) instead of stopping and restarting it: it must run this binary with exactly
     * the arguments {@link #start} would use (same state file, port, chain id, block time) and answer
     * {@code eth_chainId} with the expected id within {@code timeout}. Nothing is stopped here: when
     * empty comes back, {@link #start} stops the orphan (it dumps its state) and starts a fresh one.
     *
     * @param refusal told why an orphan that was found is not adopted
     */
    public static Optional<AnvilProcess> adoptOrphan(Options options, Duration timeout, java.util.function.Consumer<String> refusal)
            throws IOException {
        Path pidFile = options.stateDirectory().resolve(PID_FILE);
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (handle.isEmpty()) {
            return Optional.empty();
        }
        ProcessHandle.Info info = handle.get().info();
        List<String> actual = info.arguments().map(List::of).orElse(List.of());
        List<String> expected = arguments(options);
        if (!actual.equals(expected)) {
            refusal.accept("anvil pid " + pid + " runs with " + actual + ", not " + expected);
            return Optional.empty();
        }
        boolean sameBinary;
        try {
            sameBinary = info.command().isPresent() && Files.isSameFile(Path.of(info.command().get()), options.binary());
        } catch (IOException e) {
            sameBinary = false;
        }
        if (!sameBinary) {
            refusal.accept("anvil pid " + pid + " runs " + info.command().orElse("?") + ", not " + options.binary());
            return Optional.empty();
        }
        Web3j web3j = Web3j.build(new HttpService(options.rpcUrl(), new okhttp3.OkHttpClient.Builder()
                .callTimeout(timeout).build()));
        try {
            Optional<Long> chainId = chainId(web3j);
            if (chainId.isEmpty() || chainId.get() != options.chainId()) {
                refusal.accept("anvil pid " + pid + " answers eth_chainId at " + options.rpcUrl() + " with "
                        + chainId.map(String::valueOf).orElse("nothing") + " within " + timeout + ", expected " + options.chainId());
                return Optional.empty();
            }
        } finally {
            web3j.shutdown();
        }
        LOG.info("adopted the running anvil pid " + pid + " of " + options.stateDirectory() + ", left by a gateway that died");
        return Optional.of(new AnvilProcess(handle.get(), options, true));
    }

    /**
     * Stops the anvil process recorded in {@code stateDirectory/anvil.pid} if it still runs (checked
     * by its command line naming anvil and this directory's state file): SIGTERM, so it dumps its
     * state, then SIGKILL after {@code timeout}. A stale pid file is removed.
     *
     * @return the pid of the orphan that was stopped
     */
    public static Optional<Long> stopOrphan(Path stateDirectory, Duration timeout) throws IOException {
        Path pidFile = stateDirectory.resolve(PID_FILE);
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
        } catch (NumberFormatException e) {
            Files.delete(pidFile);
            return Optional.empty();
        }
        String state = stateDirectory.resolve(STATE_FILE).toAbsolutePath().toString();
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().map(c -> c.contains("anvil") && c.contains(state)).orElse(false));
        if (handle.isEmpty()) {
            Files.delete(pidFile);
            return Optional.empty();
        }
        ProcessHandle h = handle.get();
        h.destroy();
        try {
            h.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warning("the orphaned anvil pid " + pid + " ignored SIGTERM for " + timeout + "; killing it (state since its last dump is lost)");
            h.destroyForcibly();
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception again) {
                throw new IOException("orphaned anvil pid " + pid + " does not stop", again);
            }
        }
        Files.deleteIfExists(pidFile);
        return Optional.of(pid);
    }

    /** The JSON-RPC URL. */
    public String rpcUrl() {
        return options.rpcUrl();
    }

    /** anvil's process id. */
    public long pid() {
        return process.pid();
    }

    /** True while anvil runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** True when this anvil was left running by a gateway that died and adopted ({@link #adoptOrphan}). */
    public boolean adopted() {
        return adopted;
    }

    /** The settings it runs with. */
    public Options options() {
        return options;
    }

    /**
     * Runs {@code work} with anvil mining every transaction at once ({@code evm_setAutomine true}), then
     * returns to interval mining with the configured block time ({@code evm_setIntervalMining}), also
     * when {@code work} fails. For the deployment: its dozen transactions each wait for their receipt,
     * one block time apiece (about 11 s with 1 s blocks against 1 s instant); everything after it sees
     * the realistic block time again.
     */
    public <T> T withInstantMining(java.util.function.Supplier<T> work) throws IOException {
        rpc("evm_setAutomine", List.of(true));
        try {
            return work.get();
        } finally {
            rpc("evm_setIntervalMining", List.of(options.blockTimeSeconds()));
        }
    }

    private void rpc(String method, List<?> params) throws IOException {
        HttpService service = new HttpService(rpcUrl());
        org.web3j.protocol.core.Response<?> response = new org.web3j.protocol.core.Request<>(method, params, service,
                MiningResponse.class).send();
        if (response.hasError()) {
            throw new IOException(method + " refused by anvil: " + response.getError().getMessage());
        }
    }

    /** The untyped answer of anvil's mining-mode methods. */
    public static final class MiningResponse extends org.web3j.protocol.core.Response<Object> {
    }

    /** Stops anvil with SIGTERM (it dumps its state on exit), SIGKILL after 30 s; removes the pid file. */
    @Override
    public void close() {
        process.destroy();
        try {
            process.onExit().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warning("anvil ignored SIGTERM for 30 s; killing it (blocks since its last state dump are lost)");
            process.destroyForcibly();
            try {
                process.onExit().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException again) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException again) {
                LOG.warning("anvil pid " + process.pid() + " survived SIGKILL for 10 s");
            }
        }
        try {
            Files.deleteIfExists(options.stateDirectory().resolve(PID_FILE));
        } catch (IOException e) {
            LOG.warning("cannot remove " + options.stateDirectory().resolve(PID_FILE) + ": " + e.getMessage());
        }
    }

    private static Optional<Long> chainId(Web3j web3j) {
        try {
            var response = web3j.ethChainId().send();
            return response.hasError() ? Optional.empty() : Optional.of(response.getChainId().longValueExact());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean listening(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void writePidFile(Path dir, long pid) throws IOException {
        Path tmp = dir.resolve(PID_FILE + ".tmp");
        Files.writeString(tmp, pid + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, dir.resolve(PID_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
