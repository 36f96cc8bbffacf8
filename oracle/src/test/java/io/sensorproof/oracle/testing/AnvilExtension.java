package io.sensorproof.oracle.testing;

import io.sensorproof.oracle.anvil.AnvilBinary;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;

/**
 * Starts a real anvil (npm {@code @foundry-rs/anvil-linux-amd64}, pinned in package.json) on a free
 * port before a test class and stops it after. Register it with
 * {@code @RegisterExtension static final AnvilExtension ANVIL = new AnvilExtension();}
 * (or {@code new AnvilExtension(chainId)}).
 *
 * <p>anvil mines one block per transaction at once (no {@code --block-time}); its ten funded accounts
 * come from the well-known development mnemonic ({@link #account(int)}). Time moves only when a
 * test says so ({@link #increaseTime}, {@link #setNextBlockTimestamp}, {@link #mine}); an
 * {@code eth_call} sees the latest block, so mine after moving time before asserting a revert.
 */
public final class AnvilExtension implements BeforeAllCallback, AfterAllCallback {
    /** anvil's default chain id: a local development chain. */
    public static final long DEFAULT_CHAIN_ID = 31337;

    /** The first ten private keys of anvil's (and Hardhat's) public development mnemonic. */
    public static final List<String> DEV_KEYS = List.of(
            "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
            "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
            "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
            "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
            "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
            "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
            "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
            "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
            "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
            "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6");

    private static final Pattern LISTENING = Pattern.compile("Listening on ([0-9.]+):(\\d+)");

    private final long chainId;
    private Process process;
    private String rpcUrl;
    private Web3j web3j;

    public AnvilExtension() {
        this(DEFAULT_CHAIN_ID);
    }

    public AnvilExtension(long chainId) {
        this.chainId = chainId;
    }

    /** The anvil binary of the repository's node_modules ({@link AnvilBinary}). */
    public static Path anvilBinary() {
        return AnvilBinary.locate(AnvilExtension.class);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** Starts anvil and waits until it listens (30 s at most). */
    public void start() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(anvilBinary().toString(),
                "--host", "127.0.0.1", "--port", "0", "--chain-id", Long.toString(chainId),
                "--gas-limit", "30000000"));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        url.complete("http://" + m.group(1) + ":" + m.group(2));
                    }
                }
                url.completeExceptionally(new IllegalStateException("anvil exited before listening"));
            } catch (IOException e) {
                url.completeExceptionally(e);
            }
        }, "anvil-output");
        reader.setDaemon(true);
        reader.start();
        try {
            rpcUrl = url.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("anvil did not start", e);
        }
        web3j = Web3j.build(new HttpService(rpcUrl));
    }

    /** Stops anvil (idempotent). */
    public void stop() {
        if (web3j != null) {
            web3j.shutdown();
            web3j = null;
        }
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
            process = null;
        }
    }

    public String rpcUrl() {
        return rpcUrl;
    }

    public long chainId() {
        return chainId;
    }

    public Web3j web3j() {
        return web3j;
    }

    /** Funded development account {@code i} (0–9). */
    public Credentials account(int i) {
        return Credentials.create(DEV_KEYS.get(i));
    }

    /** Moves the chain's clock forward by {@code seconds} for the next block (then {@link #mine()}). */
    public void increaseTime(long seconds) {
        rpc("evm_increaseTime", List.of(seconds));
    }

    /** Sets the next block's timestamp (seconds; must be later than the latest block's). */
    public void setNextBlockTimestamp(long seconds) {
        rpc("evm_setNextBlockTimestamp", List.of(seconds));
    }

    /** Mines one block. */
    public void mine() {
        rpc("evm_mine", List.of());
    }

    /** The latest block's timestamp in seconds. */
    public long latestTimestamp() {
        try {
            return web3j.ethGetBlockByNumber(org.web3j.protocol.core.DefaultBlockParameterName.LATEST, false)
                    .send().getBlock().getTimestamp().longValueExact();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Takes a snapshot of the chain state; {@link #revertTo} returns to it. */
    public String snapshot() {
        return String.valueOf(rpc("evm_snapshot", List.of()));
    }

    public void revertTo(String snapshotId) {
        rpc("evm_revert", List.of(snapshotId));
    }

    /** The balance of an address in wei. */
    public BigInteger balance(String address) throws IOException {
        return web3j.ethGetBalance(address, org.web3j.protocol.core.DefaultBlockParameterName.LATEST).send().getBalance();
    }

    private Object rpc(String method, List<?> params) {
        try {
            RawResponse r = new Request<>(method, params, new HttpService(rpcUrl), RawResponse.class).send();
            if (r.hasError()) {
                throw new IllegalStateException(method + ": " + r.getError().getMessage());
            }
            return r.getResult();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON-RPC response with an untyped result. */
    public static final class RawResponse extends Response<Object> {}
}
