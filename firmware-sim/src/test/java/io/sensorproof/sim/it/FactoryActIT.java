package io.sensorproof.sim.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sensorproof.oracle.anvil.LocalDeployment;
import io.sensorproof.oracle.bundle.BundleVerifier;
import io.sensorproof.oracle.bundle.CarbonPeriod;
import io.sensorproof.oracle.bundle.PinnedKeys;
import io.sensorproof.oracle.bundle.Verdict;
import io.sensorproof.oracle.chain.Deployment;
import io.sensorproof.oracle.contracts.CarbonCredit;
import io.sensorproof.sim.demo.DemoContext;
import io.sensorproof.sim.demo.FactoryAct;
import io.sensorproof.sim.demo.FactoryPlan;
import io.sensorproof.sim.demo.Narrative;
import io.sensorproof.sim.demo.Narrative.Stage;
import io.sensorproof.sim.gateway.GatewayClient;
import io.sensorproof.sim.gateway.StandaloneGateway;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.web3j.abi.EventEncoder;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * The demo's factory act against the packaged gateway (issues 15 and 16): prover on, a local chain on a port
 * the test chooses, a 10 s challenge window. The act, given only a {@link DemoContext}, enrolls the stack
 * sensor, sets up the facility, its CarbonCredit counterpart and period, streams a period with a process change
 * and an outage through a real edge agent, and follows the gateway's carbon loop to the mint. The test then
 * checks on the chain: exactly one {@code Minted} event for the period (the act's transaction), the outage charged
 * at the substitute rate (the period's figures against the stored readings), the mint's amount; a second
 * prepare and play (a resumed start) and further loop rounds mint nothing and leave the oracle's transaction
 * count alone; the verification bundle, downloaded with the exchange's key, verifies offline against the
 * emissions key pinned from the repository.
 */
class FactoryActIT {
    private static final Logger LOG = Logger.getLogger(FactoryActIT.class.getName());
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aFactoryPeriodWithLowerEmissionsAndAnOutageIsMintedOnceWithTheOutageCharged() throws Exception {
        Path root = Path.of("target", "factory-act-it").toAbsolutePath();
        deleteTree(root);
        Files.createDirectories(root);
        int chainPort = freePort();
        long t0 = System.nanoTime();
        try (StandaloneGateway gateway = StandaloneGateway.start(Path.of(System.getProperty("gateway.run.jar")), root.resolve("gateway-data"),
                StandaloneGateway.Ports.free(), Duration.ofMinutes(4), Map.of("SENSORPROOF_CHAIN_LOCAL_PORT", Integer.toString(chainPort),
                        "SENSORPROOF_CHAIN_LOCAL_CHALLENGE_WINDOW", "10s", "SENSORPROOF_PROVER_ENABLED", "true",
                        "SENSORPROOF_PROVER_WORKERS", "1", "SENSORPROOF_ORACLE_CARBON_INTERVAL", "1s"))) {
            long started = System.nanoTime();
            URI rpc = URI.create("http://127.0.0.1:" + chainPort);
            Path chainJson = gateway.dataDir().resolve("chain").resolve("chain.json");
            Narrative narrative = new Narrative(new PrintStream(System.out, true, StandardCharsets.UTF_8), Clock.systemUTC());
            DemoContext context = new DemoContext(gateway, gateway.operatorKey(), rpc, chainJson, root.resolve("demo"), narrative);
            FactoryAct act = new FactoryAct();
            FactoryPlan plan = act.plan();
            act.prepare(context);
            act.play(context);
            long played = System.nanoTime();

            assertThat(narrative.entries().stream().filter(e -> e.act().equals(FactoryAct.NAME)).map(Narrative.Entry::stage).distinct())
                    .as("the story in order").containsSubsequence(Stage.ENROLLED, Stage.STREAMING, Stage.FAULT, Stage.PROVING,
                            Stage.ANCHORED, Stage.PERIOD_CLOSED, Stage.MINTED);
            FactoryAct.Outcome outcome = act.outcome().orElseThrow();
            FactoryAct.Prepared prepared = act.prepared().orElseThrow();
            assertThat(outcome.mintedNow()).isTrue();

            Web3j web3j = Web3j.build(new HttpService(rpc.toString()));
            try {
                Deployment deployment = Deployment.read(chainJson);
                CarbonCredit reader = CarbonCredit.load(deployment.address("CarbonCredit"), web3j, new ReadonlyTransactionManager(web3j,
                        LocalDeployment.address(0)), new DefaultGasProvider());
                BigInteger facility = BigInteger.valueOf(prepared.chainFacilityId());
                BigInteger periodId = BigInteger.valueOf(outcome.periodId());
                CarbonCredit.Period period = reader.period(facility, periodId).send();
                assertThat(period.closed).isTrue();
                assertThat(period.minted).isTrue();

                // the outage charged at the substitute rate: the contract's figures against the readings the gateway stored
                Instant start = Instant.ofEpochSecond(period.start.longValueExact());
                Instant end = Instant.ofEpochSecond(period.end.longValueExact());
                List<GatewayClient.StoredReading> readings = FactoryAct.claimedReadings(new GatewayClient(gateway.apiBase(),
                        gateway.operatorKey()).readings(plan.deviceId()), start, end);
                assertThat(readings).as("from the first tick to the end, without the outage's ticks").hasSize(7);
                List<Instant> times = readings.stream().map(GatewayClient.StoredReading::readingTime).toList();
                long charged = plan.chargedGapMs(times, start, end);
                assertThat(charged).as("the outage (a gap longer than maxGap) is charged").isGreaterThan(plan.outage().toMillis());
                assertThat(period.chargedGapMs.longValueExact()).as("charged gap").isEqualTo(charged);
                long substitute = plan.substituteGrams(charged);
                assertThat(period.substituteGrams.longValueExact()).as("substitutes at %d kg/h", plan.substituteRateKgPerHour())
                        .isEqualTo(substitute);
                long mass = readings.get(readings.size() - 1).encodedValue() - readings.get(0).encodedValue();
                assertThat(period.massGrams.longValueExact()).as("measured: the register's rise").isEqualTo(mass);
                assertThat(period.emissionsGrams.longValueExact()).isEqualTo(mass + substitute);
                long credits = Math.max(0, plan.baselineKg() * 1000 - (mass + substitute)) / 1000;
                assertThat(credits).as("the demo's plan leaves credits").isPositive();
                assertThat(outcome.credits()).isEqualTo(credits);
                assertThat(reader.balanceOf(LocalDeployment.address(8), CarbonPeriod.tokenId(prepared.chainFacilityId(), outcome.periodId())).send())
                        .isEqualTo(BigInteger.valueOf(credits));

                // minted exactly once, by the transaction the act reported; again after a resumed start and more loop rounds
                assertThat(mintedEvents(web3j, deployment, facility)).extracting(Log::getTransactionHash)
                        .containsExactly(outcome.mintTransaction());
                String oracle = Credentials.create(Files.readString(LocalDeployment.oracleKeyFile(chainJson), StandardCharsets.US_ASCII).trim())
                        .getAddress();
                BigInteger oracleSent = web3j.ethGetTransactionCount(oracle, DefaultBlockParameterName.LATEST).send().getTransactionCount();
                FactoryAct resumed = new FactoryAct();
                resumed.prepare(context);
                assertThat(resumed.prepared().orElseThrow().facilityId()).as("found, not created again").isEqualTo(prepared.facilityId());
                assertThat(resumed.prepared().orElseThrow().chainFacilityId()).isEqualTo(prepared.chainFacilityId());
                resumed.play(context);
                FactoryAct.Outcome again = resumed.outcome().orElseThrow();
                assertThat(again.mintedNow()).isFalse();
                assertThat(again.periodId()).isEqualTo(outcome.periodId());
                assertThat(again.mintTransaction()).isEqualTo(outcome.mintTransaction());
                double rounds = rounds(gateway);
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> rounds(gateway) >= rounds + 3);
                assertThat(mintedEvents(web3j, deployment, facility)).hasSize(1);
                assertThat(web3j.ethGetTransactionCount(oracle, DefaultBlockParameterName.LATEST).send().getTransactionCount())
                        .as("the oracle sent nothing more").isEqualTo(oracleSent);
            } finally {
                web3j.shutdown();
            }

            // the exchange's verification bundle verifies offline against the key pinned from the repository
            HttpResponse<String> bundle = HTTP.send(HttpRequest.newBuilder(outcome.bundle())
                    .header("Authorization", "Bearer " + prepared.exchangeKey()).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(bundle.statusCode()).as(bundle.body()).isEqualTo(200);
            Files.writeString(root.resolve("verification-bundle.json"), bundle.body());
            String key = Files.readString(Path.of("..", "zk-circuits", "src", "main", "resources", "io", "sensorproof", "zk", "circuits",
                    "emissions", "verification.key"), StandardCharsets.UTF_8);
            Verdict verdict = new BundleVerifier(PinnedKeys.none().withKey("emissions", key)).verify(bundle.body());
            assertThat(verdict.reasons()).isEmpty();
            assertThat(verdict.accepted()).isTrue();
            assertThat(String.join("\n", verdict.description())).contains("credits " + outcome.credits()).contains("device " + plan.deviceId());
            LOG.info(() -> String.format("factory act: gateway start %d s, prepare + play %d s, %d credits", (started - t0) / 1_000_000_000,
                    (played - started) / 1_000_000_000, outcome.credits()));
        }
    }

    /** The facility's {@code Minted} events, of any period. */
    private static List<Log> mintedEvents(Web3j web3j, Deployment deployment, BigInteger facility) throws IOException {
        EthFilter filter = new EthFilter(DefaultBlockParameterName.EARLIEST, DefaultBlockParameterName.LATEST,
                deployment.address("CarbonCredit"));
        filter.addSingleTopic(EventEncoder.encode(CarbonCredit.MINTED_EVENT));
        EthLog logs = web3j.ethGetLogs(filter).send();
        return logs.getLogs().stream().map(l -> (Log) l.get())
                .filter(l -> new BigInteger(l.getTopics().get(1).substring(2), 16).equals(facility)).toList();
    }

    private static double rounds(StandaloneGateway gateway) throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(gateway.apiBase().resolve("/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("sensorproof_carbon_rounds_total")).mapToDouble(l -> Double.parseDouble(
                l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
