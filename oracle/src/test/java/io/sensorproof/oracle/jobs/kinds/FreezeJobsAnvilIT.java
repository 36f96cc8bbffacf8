package io.sensorproof.oracle.jobs.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sensorproof.protocol.retry.Backoff;
import io.sensorproof.oracle.chain.ChainDeployer;
import io.sensorproof.oracle.chain.Deployment;
import io.sensorproof.oracle.chain.DeploymentPlan;
import io.sensorproof.oracle.chain.TransactionSigner;
import io.sensorproof.oracle.chain.Web3jChainClient;
import io.sensorproof.oracle.contracts.AnchorRegistry;
import io.sensorproof.oracle.contracts.CollateralFinancing;
import io.sensorproof.oracle.jobs.InMemoryJobStore;
import io.sensorproof.oracle.jobs.Job;
import io.sensorproof.oracle.jobs.JobEvents;
import io.sensorproof.oracle.jobs.JobRunner;
import io.sensorproof.oracle.jobs.JobRunnerSettings;
import io.sensorproof.oracle.jobs.JobState;
import io.sensorproof.oracle.jobs.NewJob;
import io.sensorproof.oracle.testing.AnvilExtension;
import io.sensorproof.oracle.testing.ChainAssertions;
import io.sensorproof.zk.claims.ProofRequest;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * The freeze path's three job kinds through the real {@link JobRunner} on a real anvil with the real
 * deployment (ChainDeployer) and real run-claim proofs (the committed c2 fixtures, handed out by the
 * {@link ClaimProver} port): the lot's devices registered, the bank's facility created and accepted,
 * the run claims proven, self-verified and anchored, the facility frozen, the borrower's drawdown
 * refused. "Nothing sent twice" is counted as the oracle account's nonce on chain.
 */
class FreezeJobsAnvilIT {
    @RegisterExtension
    static final AnvilExtension ANVIL = new AnvilExtension();

    private static final BigInteger TEMPERATURE = BigInteger.ONE;
    private static final long LO = 27_515;
    private static final long HI = 28_115;
    private static final long MAX_GAP = 90_000;
    private static final long MINUTE = 60_000;

    private static Credentials oracle;
    private static Credentials otherOracle;
    private static Credentials bank;
    private static Credentials borrower;
    private static Deployment deployment;
    private static Web3j web3j;
    private static JobRunner runner;
    private static final InMemoryJobStore STORE = new InMemoryJobStore();
    private static final Map<String, String> ANCHORED = new ConcurrentHashMap<>();
    private static final List<BigInteger> PROVEN = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void deployAndRun() {
        oracle = ANVIL.account(1);
        otherOracle = ANVIL.account(3);
        bank = ANVIL.account(2);
        borrower = ANVIL.account(4);
        DeploymentPlan plan = new DeploymentPlan(ANVIL.chainId(), List.of(oracle.getAddress(), otherOracle.getAddress()),
                List.of(bank.getAddress()),
                List.of(), List.of(), 3600, "");
        deployment = new ChainDeployer(ANVIL.web3j(), ANVIL.account(0), line -> { }).deploy(plan);
        String registry = deployment.address("AnchorRegistry");
        web3j = Web3j.build(new HttpService(ANVIL.rpcUrl()));
        Web3jChainClient chain = new Web3jChainClient(web3j, ChainAssertions.decoder(), 125, 2,
                new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), RandomGenerator.getDefault()));
        JobRunnerSettings settings = new JobRunnerSettings("freeze-it", 2, Duration.ofSeconds(30), Duration.ofMillis(50), 1,
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), RandomGenerator.getDefault()), 5, Duration.ofMinutes(10));
        ClaimProver fixtures = request -> {
            PROVEN.add(request.publicInputs().get(6));
            return fixtureByLastTime(request.publicInputs().get(6));
        };
        runner = new JobRunner(STORE, chain, new TransactionSigner(oracle, ANVIL.chainId()), List.of(
                new RegisterDeviceHandler(registry),
                new RunClaimHandler(registry, fixtures, (id, tx, block) -> ANCHORED.put(id, tx)),
                new FreezeHandler(deployment.address("CollateralFinancing"))),
                settings, Clock.systemUTC(), new JobEvents() { });
        runner.start();
    }

    @AfterAll
    static void stop() {
        runner.close();
        web3j.shutdown();
    }

    @Test
    void devicesRegisteredClaimsAnchoredAndTheFacilityFrozenWithOneTransactionEach() throws Exception {
        // the chain's clock just after a2 (2030): the claims are fresh for the facility's maxAge
        ANVIL.setNextBlockTimestamp(Math.floorDiv(fixture("a2").last(), 1000L) + 10);
        ANVIL.mine();
        AnchorRegistry asOracle = AnchorRegistry.load(deployment.address("AnchorRegistry"), ANVIL.web3j(), tx(otherOracle),
                ChainAssertions.GAS);
        // device C was registered before (by another oracle account): its job must count as done, sending nothing
        ChainAssertions.sendOk(asOracle.registerDevice(device("lot-1-probe-c"), sha256("c-key")));
        long before = nonce();

        List<Long> registrations = List.of(
                enqueue(RegisterDeviceHandler.job("lot-1-probe-a", device("lot-1-probe-a"), sha256("a-key"))),
                enqueue(RegisterDeviceHandler.job("lot-1-probe-b", device("lot-1-probe-b"), sha256("b-key"))),
                enqueue(RegisterDeviceHandler.job("lot-1-probe-c", device("lot-1-probe-c"), sha256("c-key"))));
        assertThat(enqueue(RegisterDeviceHandler.job("lot-1-probe-a", device("lot-1-probe-a"), sha256("a-key"))))
                .isEqualTo(registrations.get(0));
        for (long id : registrations) {
            awaitTerminal(id);
            assertThat(RegisterDeviceHandler.registered(job(id))).as(job(id).toString()).isTrue();
        }
        assertThat(job(registrations.get(0)).state()).isEqualTo(JobState.CONFIRMED);
        assertThat(job(registrations.get(2)).state()).isEqualTo(JobState.FAILED);
        assertThat(job(registrations.get(2)).transaction()).isEmpty();
        assertThat(nonce()).isEqualTo(before + 2);
        // claim a2 is on chain already too (anchored outside this store): its job must count as anchored, sending nothing
        Fixture a2 = fixture("a2");
        ChainAssertions.sendOk(asOracle.anchorRunClaim(a2.inputs(), ClaimCalldata.proofWords(a2.text())));

        CollateralFinancing asBank = financing(bank);
        CollateralFinancing.Terms terms = new CollateralFinancing.Terms(BigInteger.valueOf(1_000_000),
                List.of(device("lot-1-probe-a"), device("lot-1-probe-b"), device("lot-1-probe-c")),
                List.of(new CollateralFinancing.Watch(TEMPERATURE, big(LO), big(HI), big(9 * MINUTE), big(MAX_GAP),
                        big(MINUTE), big(60 * MINUTE), BigInteger.ONE)));
        BigInteger facility = CollateralFinancing.getFacilityCreatedEvents(
                ChainAssertions.sendOk(asBank.createFacility(borrower.getAddress(), terms))).get(0).id;
        ChainAssertions.sendOk(financing(borrower).acceptFacility(facility));

        Fixture a1 = fixture("a1");
        long claim1 = enqueue(RunClaimHandler.job(request(a1)));
        long claim2 = enqueue(RunClaimHandler.job(request(a2)));
        awaitTerminal(claim1);
        awaitTerminal(claim2);
        assertThat(job(claim1).state()).as(job(claim1).toString()).isEqualTo(JobState.CONFIRMED);
        assertThat(RunClaimHandler.anchored(job(claim1))).isTrue();
        assertThat(job(claim2).failure().orElseThrow().code()).isEqualTo(RunClaimHandler.ALREADY_ANCHORED);
        assertThat(RunClaimHandler.anchored(job(claim2))).isTrue();
        String id1 = RunClaimHandler.claimId(a1.inputs());
        String id2 = RunClaimHandler.claimId(a2.inputs());
        assertThat(ANCHORED).containsOnlyKeys(id1);
        assertThat(ANCHORED.get(id1)).isEqualTo(job(claim1).transaction().orElseThrow().hash().toLowerCase());
        assertThat(nonce()).isEqualTo(before + 3);

        NewJob freeze = FreezeHandler.job(facility, 1, List.of(List.of(id1, id2)));
        long freezeJob = enqueue(freeze);
        assertThat(enqueue(FreezeHandler.job(facility, 1, List.of(List.of(id1, id2))))).isEqualTo(freezeJob);
        awaitTerminal(freezeJob);
        assertThat(job(freezeJob).state()).as(job(freezeJob).toString()).isEqualTo(JobState.CONFIRMED);
        assertThat(financing(borrower).facility(facility).send().frozen).isTrue();
        ChainAssertions.assertReverts(ANVIL, borrower, deployment.address("CollateralFinancing"),
                financing(borrower).drawdown(facility, BigInteger.ONE), "FacilityFrozen");
        assertThat(nonce()).isEqualTo(before + 4);

        // another excursion's freeze of the frozen facility is refused at estimation: FAILED with the reason, nothing sent
        long second = enqueue(FreezeHandler.job(facility, 1, List.of(List.of(id2))));
        awaitTerminal(second);
        assertThat(job(second).failure().orElseThrow().code()).isEqualTo("REVERTED:FacilityFrozen");
        assertThat(job(second).transaction()).isEmpty();
        assertThat(nonce()).isEqualTo(before + 4);
        assertThat(PROVEN).hasSize(2);
    }

    private record Fixture(String text, List<BigInteger> inputs) {
        long last() {
            return inputs.get(6).longValueExact();
        }
    }

    private static Fixture fixture(String name) {
        try (InputStream in = FreezeJobsAnvilIT.class.getResourceAsStream("/claims/c2/" + name + ".json")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Fixture(text, ClaimCalldata.inputs(text));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String fixtureByLastTime(BigInteger lastTime) {
        for (String name : List.of("a1", "a2", "a3")) {
            if (fixture(name).inputs().get(6).equals(lastTime)) {
                return fixture(name).text();
            }
        }
        throw new IllegalArgumentException("no fixture ends at " + lastTime);
    }

    private static ProofRequest request(Fixture f) {
        return new ProofRequest(ClaimCalldata.EXCURSION, new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode(),
                f.inputs());
    }

    private static long enqueue(NewJob job) {
        return STORE.enqueue(job, Clock.systemUTC().instant()).job().id();
    }

    private static Job job(long id) {
        return STORE.find(id).orElseThrow();
    }

    private static void awaitTerminal(long id) {
        await().atMost(Duration.ofSeconds(60)).until(() -> job(id).state().terminal());
    }

    private static long nonce() throws IOException {
        return ANVIL.web3j().ethGetTransactionCount(oracle.getAddress(), DefaultBlockParameterName.LATEST).send()
                .getTransactionCount().longValueExact();
    }

    private static CollateralFinancing financing(Credentials who) {
        return CollateralFinancing.load(deployment.address("CollateralFinancing"), ANVIL.web3j(), tx(who), ChainAssertions.GAS);
    }

    private static TransactionManager tx(Credentials who) {
        return new RawTransactionManager(ANVIL.web3j(), who, ANVIL.chainId(),
                new PollingTransactionReceiptProcessor(ANVIL.web3j(), 50, 200));
    }

    private static BigInteger device(String id) {
        return new BigInteger(1, id.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] sha256(String text) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    }

    private static BigInteger big(long v) {
        return BigInteger.valueOf(v);
    }
}
