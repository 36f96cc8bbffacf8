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
import io.sensorproof.sim.cli.SimCli;
import io.sensorproof.sim.demo.ColdRoomsAct;
import io.sensorproof.sim.demo.Demo;
import io.sensorproof.sim.demo.DemoAct;
import io.sensorproof.sim.demo.DemoChain;
import io.sensorproof.sim.demo.DemoContext;
import io.sensorproof.sim.demo.FactoryAct;
import io.sensorproof.sim.demo.FactoryPlan;
import io.sensorproof.sim.demo.Narrative.Stage;
import io.sensorproof.sim.demo.Narrative;
import io.sensorproof.sim.demo.TamperedDeviceAct;
import io.sensorproof.sim.gateway.CollateralApi;
import io.sensorproof.sim.gateway.GatewayClient;
import io.sensorproof.sim.gateway.StandaloneGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 * Issue 16's demo, {@code --once}, against the packaged gateway (one start, prover on, anvil with 1 s blocks):
 * the demo ends with status 0, bank A's narrative reached "frozen" and bank B's did not, the tampered message
 * was refused with its code; then issue 15's end-to-end checks through the chain on the gateway the demo left
 * running: bank A's facility is frozen on chain (eth_call), the borrower's drawdown reverts
 * {@code FacilityFrozen}, bank B's is not frozen; the bank unfreezes on chain and the gateway's lot shows the
 * facility active again (REST, from the chain's events). And the factory act, played beside them (issues 15 and
 * 16): one period with a process change and a sensor outage streamed by a real edge agent, proven, closed and
 * minted after the (here 10 s) challenge window: exactly one {@code Minted} event (the act's transaction), the
 * outage charged at the substitute rate (the contract's figures against the stored readings), a resumed start and
 * further carbon-loop rounds mint nothing and send nothing, and the verification bundle downloaded with the
 * exchange's key verifies offline against the emissions key pinned from the repository. The narrative is kept in
 * {@code target/demo-it/narrative.txt}.
 */
class DemoIT {
    private static final Logger LOG = Logger.getLogger(DemoIT.class.getName());
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void theDemoFreezesBankAsFacilityOnlyRefusesTheTamperedMessageFollowsTheUnfreezeAndMintsTheFactoryPeriodOnce() throws Exception {
        Path root = Path.of("target", "demo-it").toAbsolutePath();
        ByteArrayOutputStream told = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new Tee(System.out, told), true, StandardCharsets.UTF_8);
        List<DemoAct> acts = SimCli.DemoCommand.acts();
        Demo.Options options = new Demo.Options(Path.of(System.getProperty("gateway.run.jar")), root.resolve("demo-data"), freePort(), true,
                Duration.ofMinutes(5), Duration.ofSeconds(10));
        try (Demo demo = Demo.start(options, acts, out)) {
            Demo.Outcome outcome = demo.play(true);
            Files.writeString(root.resolve("narrative.txt"), told.toString(StandardCharsets.UTF_8));
            assertThat(outcome.failures()).isEmpty();
            assertThat(outcome.status()).isZero();

            Narrative narrative = demo.context().narrative();
            assertThat(narrative.reached(ColdRoomsAct.BANK_A, Stage.FROZEN)).as("bank A's lot frozen").isTrue();
            assertThat(narrative.reached(ColdRoomsAct.BANK_B, Stage.FROZEN)).as("bank B's lot frozen").isFalse();
            assertThat(narrative.reached(ColdRoomsAct.BANK_B, Stage.DONE)).as("bank B's lot told active").isTrue();
            TamperedDeviceAct tampered = act(acts, TamperedDeviceAct.class);
            assertThat(narrative.reached(tampered.name(), Stage.REFUSED)).isTrue();
            assertThat(tampered.reason()).as("the quarantine's reason code").contains("BAD_SIGNATURE");

            ColdRoomsAct rooms = act(acts, ColdRoomsAct.class);
            DemoContext context = demo.context();
            BigInteger facilityA = rooms.facility(ColdRoomsAct.BANK_A);
            long lotA = rooms.lot(ColdRoomsAct.BANK_A);
            CollateralApi bankA = rooms.bank(ColdRoomsAct.BANK_A);
            try (DemoChain chain = new DemoChain(context.chainRpc(), context.chainJson())) {
                assertThat(chain.facility(facilityA).frozen).as("bank A's facility frozen on chain").isTrue();
                assertThat(chain.facility(rooms.facility(ColdRoomsAct.BANK_B)).frozen).as("bank B's facility frozen on chain").isFalse();
                assertThat(chain.drawdownRevertData(ColdRoomsAct.WAREHOUSE_A_ACCOUNT, facilityA, 1)).as("drawdown revert data")
                        .startsWith(DemoChain.selector("FacilityFrozen(uint256)"));
                assertThat(bankA.lot(lotA).path("chain").path("state").asText()).isEqualTo("FROZEN");

                chain.unfreeze(ColdRoomsAct.BANK_A_ACCOUNT, facilityA, "compressor repaired, goods inspected");
                await("lot shown ACTIVE again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> "ACTIVE".equals(bankA.lot(lotA).path("chain").path("state").asText()));
                assertThat(chain.facility(facilityA).frozen).isFalse();
                assertThat(chain.drawdownRevertData(ColdRoomsAct.WAREHOUSE_A_ACCOUNT, facilityA, 1)).as("drawdown after the unfreeze")
                        .isEmpty();
            }

            FactoryAct act = act(acts, FactoryAct.class);
            FactoryPlan plan = act.plan();
            URI rpc = context.chainRpc();
            Path chainJson = context.chainJson();
            StandaloneGateway gateway = context.gateway();
            assertThat(narrative.entries().stream().filter(e -> e.act().equals(FactoryAct.NAME)).map(Narrative.Entry::stage).distinct())
                    .as("the story in order").containsSubsequence(Stage.ENROLLED, Stage.STREAMING, Stage.FAULT, Stage.PROVING,
                            Stage.ANCHORED, Stage.PERIOD_CLOSED, Stage.MINTED);
            FactoryAct.Outcome minted = act.outcome().orElseThrow();
            FactoryAct.Prepared prepared = act.prepared().orElseThrow();
            assertThat(minted.mintedNow()).isTrue();

            Web3j web3j = Web3j.build(new HttpService(rpc.toString()));
            try {
                Deployment deployment = Deployment.read(chainJson);
                CarbonCredit reader = CarbonCredit.load(deployment.address("CarbonCredit"), web3j, new ReadonlyTransactionManager(web3j,
                        LocalDeployment.address(0)), new DefaultGasProvider());
                BigInteger facility = BigInteger.valueOf(prepared.chainFacilityId());
                BigInteger periodId = BigInteger.valueOf(minted.periodId());
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
                assertThat(minted.credits()).isEqualTo(credits);
                assertThat(reader.balanceOf(LocalDeployment.address(8), CarbonPeriod.tokenId(prepared.chainFacilityId(), minted.periodId())).send())
                        .isEqualTo(BigInteger.valueOf(credits));

                // minted exactly once, by the transaction the act reported; again after a resumed start and more loop rounds
                assertThat(mintedEvents(web3j, deployment, facility)).extracting(Log::getTransactionHash)
                        .containsExactly(minted.mintTransaction());
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
                assertThat(again.periodId()).isEqualTo(minted.periodId());
                assertThat(again.mintTransaction()).isEqualTo(minted.mintTransaction());
                double rounds = rounds(gateway);
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> rounds(gateway) >= rounds + 3);
                assertThat(mintedEvents(web3j, deployment, facility)).hasSize(1);
                assertThat(web3j.ethGetTransactionCount(oracle, DefaultBlockParameterName.LATEST).send().getTransactionCount())
                        .as("the oracle sent nothing more").isEqualTo(oracleSent);
            } finally {
                web3j.shutdown();
            }

            // the exchange's verification bundle verifies offline against the key pinned from the repository
            HttpResponse<String> bundle = HTTP.send(HttpRequest.newBuilder(minted.bundle())
                    .header("Authorization", "Bearer " + prepared.exchangeKey()).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(bundle.statusCode()).as(bundle.body()).isEqualTo(200);
            Files.writeString(root.resolve("verification-bundle.json"), bundle.body());
            String key = Files.readString(Path.of("..", "zk-circuits", "src", "main", "resources", "io", "sensorproof", "zk", "circuits",
                    "emissions", "verification.key"), StandardCharsets.UTF_8);
            Verdict verdict = new BundleVerifier(PinnedKeys.none().withKey("emissions", key)).verify(bundle.body());
            assertThat(verdict.reasons()).isEmpty();
            assertThat(verdict.accepted()).isTrue();
            assertThat(String.join("\n", verdict.description())).contains("credits " + minted.credits()).contains("device " + plan.deviceId());
            LOG.info(() -> "demo: " + minted.credits() + " credits minted for the factory's period");
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

    private static <T extends DemoAct> T act(List<DemoAct> acts, Class<T> type) {
        return acts.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Writes to the console and keeps a copy. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }
}
