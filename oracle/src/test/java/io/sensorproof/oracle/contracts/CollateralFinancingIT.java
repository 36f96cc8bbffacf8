package io.sensorproof.oracle.contracts;

import static io.sensorproof.oracle.contracts.CollateralClaimFixtureGenerator.HI;
import static io.sensorproof.oracle.contracts.CollateralClaimFixtureGenerator.LO;
import static io.sensorproof.oracle.contracts.CollateralClaimFixtureGenerator.MAX_GAP;
import static io.sensorproof.oracle.contracts.CollateralClaimFixtureGenerator.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sensorproof.oracle.chain.ChainRevert;
import io.sensorproof.oracle.contracts.CollateralClaimFixtures.RunFixture;
import io.sensorproof.oracle.contracts.CollateralFinancing.FacilityView;
import io.sensorproof.oracle.contracts.CollateralFinancing.FrozenEventResponse;
import io.sensorproof.oracle.contracts.CollateralFinancing.Run;
import io.sensorproof.oracle.contracts.CollateralFinancing.Terms;
import io.sensorproof.oracle.contracts.CollateralFinancing.UnfrozenEventResponse;
import io.sensorproof.oracle.contracts.CollateralFinancing.Watch;
import io.sensorproof.oracle.testing.AnvilExtension;
import io.sensorproof.oracle.testing.ChainAssertions;
import io.sensorproof.zk.groth16.Groth16Proof;
import io.sensorproof.zk.groth16.Groth16Verifier;
import io.sensorproof.zk.groth16.ZokratesJson;
import io.sensorproof.zk.prover.CircuitArtifacts;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * CollateralFinancing against a real anvil, a real AnchorRegistry with the real ZoKrates verifiers,
 * and real run-claim proofs (the committed fixtures of {@link CollateralClaimFixtureGenerator}).
 * Every rule has a test that it holds and a test that the forbidden action reverts with its error;
 * time boundaries are checked on both sides with {@code eth_call} at the latest block's exact time.
 * Each test runs from a snapshot taken after deployment and anchoring and reverted afterwards (anvil
 * moves its clock back with it), so each can set the chain's clock to the claims' 2030 times.
 */
class CollateralFinancingIT {
    @RegisterExtension
    static final AnvilExtension ANVIL = new AnvilExtension();

    private static final BigInteger TEMPERATURE = BigInteger.ONE;
    private static final BigInteger HUMIDITY = BigInteger.TWO;
    private static final BigInteger LIMIT = BigInteger.valueOf(1_000_000);
    private static final long SAMPLING = 60_000;
    private static final long HOUR = 3_600_000;
    private static final BigInteger A = CollateralClaimFixtures.device(CollateralClaimFixtures.DEVICE_A);
    private static final BigInteger B = CollateralClaimFixtures.device(CollateralClaimFixtures.DEVICE_B);
    private static final BigInteger C = CollateralClaimFixtures.device(CollateralClaimFixtures.DEVICE_C);
    private static final BigInteger X = CollateralClaimFixtures.device(CollateralClaimFixtures.DEVICE_X);
    private static final List<String> CLAIMS = List.of("a1", "a2", "a3", "a4", "b1", "c1", "x1", "n1", "g1", "h1");
    private static final Map<String, Long> GAS = new TreeMap<>();

    private static Credentials admin;
    private static Credentials oracle;
    private static Credentials bank;
    private static Credentials otherBank;
    private static Credentials borrower;
    private static Credentials stranger;
    private static AnchorRegistry registry;
    private static ExcursionClaimVerifier runVerifier;
    private static String address;
    private static final Map<String, RunFixture> FIXTURES = new HashMap<>();
    private static final Map<String, byte[]> IDS = new HashMap<>();

    private String snapshot;

    @BeforeAll
    static void deployAndAnchor() throws Exception {
        admin = ANVIL.account(0);
        oracle = ANVIL.account(1);
        bank = ANVIL.account(2);
        otherBank = ANVIL.account(3);
        borrower = ANVIL.account(4);
        stranger = ANVIL.account(5);
        TransactionManager tx = tx(admin);
        ExcursionClaimVerifier run = ExcursionClaimVerifier.deploy(ANVIL.web3j(), tx, ChainAssertions.GAS).send();
        runVerifier = run;
        EmissionsClaimVerifier em = EmissionsClaimVerifier.deploy(ANVIL.web3j(), tx, ChainAssertions.GAS).send();
        registry = AnchorRegistry.deploy(ANVIL.web3j(), tx, ChainAssertions.GAS, admin.getAddress(),
                run.getContractAddress(), em.getContractAddress()).send();
        ChainAssertions.sendOk(registry.grantRole(registry.ORACLE_ROLE().send(), oracle.getAddress()));
        CollateralFinancing cf = CollateralFinancing.deploy(ANVIL.web3j(), tx, ChainAssertions.GAS, admin.getAddress(),
                registry.getContractAddress()).send();
        address = cf.getContractAddress();
        ChainAssertions.sendOk(cf.grantRole(cf.ORACLE_ROLE().send(), oracle.getAddress()));
        ChainAssertions.sendOk(cf.grantRole(cf.BANK_ROLE().send(), bank.getAddress()));
        ChainAssertions.sendOk(cf.grantRole(cf.BANK_ROLE().send(), otherBank.getAddress()));

        AnchorRegistry asOracle = AnchorRegistry.load(registry.getContractAddress(), ANVIL.web3j(),
                tx(oracle), ChainAssertions.GAS);
        for (BigInteger device : List.of(A, B, C, X)) {
            ChainAssertions.sendOk(asOracle.registerDevice(device, Hash.sha3(device.toByteArray())));
        }
        byte[] runCircuit = registry.RUN_CLAIM().send();
        for (String name : CLAIMS) {
            RunFixture f = CollateralClaimFixtures.load(name);
            FIXTURES.put(name, f);
            ChainAssertions.sendOk(asOracle.anchorRunClaim(f.inputs(), f.proof()));
            IDS.put(name, registry.claimId(runCircuit, f.inputs()).send());
        }
    }

    @AfterAll
    static void writeGas() throws Exception {
        Path out = Path.of(System.getProperty("repo.root", "..")).resolve("oracle/target/gas/c2.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(GAS) + "\n",
                StandardCharsets.UTF_8);
    }

    @BeforeEach
    void takeSnapshot() {
        snapshot = ANVIL.snapshot();
    }

    @AfterEach
    void revertSnapshot() {
        ANVIL.revertTo(snapshot);
    }

    // ------------------------------------------------------------------ the fixtures themselves

    @Test
    void everyFixtureGetsTheSameVerdictOnChainAndFromTheJavaVerifierTamperedOnesIncluded() throws Exception {
        Groth16Verifier java = Groth16Verifier.fromJson(CircuitArtifacts.committedVerificationKey("excursion"));
        AnchorRegistry asOracle = AnchorRegistry.load(registry.getContractAddress(), ANVIL.web3j(), tx(oracle),
                ChainAssertions.GAS);
        for (String name : CLAIMS) {
            RunFixture f = FIXTURES.get(name);
            Groth16Proof parsed = ZokratesJson.parseProof(CollateralClaimFixtures.text(name));
            assertThat(parsed.inputs()).as(name).isEqualTo(f.inputs());
            assertThat(java.verify(parsed)).as(name).isTrue();
            assertThat(runVerifier.verifyClaim(f.inputs(), f.proof()).send()).as(name).isTrue();
            // the same proof for a run one millisecond longer than proven
            List<BigInteger> longer = new ArrayList<>(f.inputs());
            longer.set(6, longer.get(6).add(BigInteger.ONE));
            assertThat(java.verify(new Groth16Proof(parsed.a(), parsed.b(), parsed.c(), longer))).as(name).isFalse();
            assertThat(runVerifier.verifyClaim(longer, f.proof()).send()).as(name).isFalse();
            ChainAssertions.assertReverts(ANVIL, oracle, registry.getContractAddress(),
                    asOracle.anchorRunClaim(longer, f.proof()), "ProofRejected");
        }
    }

    // ------------------------------------------------------------------ facilities and parties

    @Test
    void bankCreatesAndBorrowerAcceptsAFacility() throws Exception {
        TransactionReceipt created = ChainAssertions.sendOk(as(bank).createFacility(borrower.getAddress(), terms(watch(1))));
        GAS.put("createFacility", created.getGasUsed().longValueExact());
        var event = CollateralFinancing.getFacilityCreatedEvents(created).get(0);
        BigInteger id = event.id;
        assertThat(event.bank).isEqualToIgnoringCase(bank.getAddress());
        assertThat(event.borrower).isEqualToIgnoringCase(borrower.getAddress());
        assertThat(event.termsHash).isEqualTo(as(bank).hashTerms(terms(watch(1))).send());
        FacilityView proposed = as(stranger).facility(id).send();
        assertThat(proposed.state).isEqualTo(BigInteger.ONE);
        assertThat(proposed.limit).isEqualTo(LIMIT);
        assertThat(proposed.terms.devices).containsExactly(A, B, C);
        assertThat(proposed.terms.watches).hasSize(1);
        assertThat(proposed.terms.watches.get(0).maxGap).isEqualTo(BigInteger.valueOf(MAX_GAP));

        TransactionReceipt accepted = ChainAssertions.sendOk(as(borrower).acceptFacility(id));
        GAS.put("acceptFacility", accepted.getGasUsed().longValueExact());
        FacilityView active = as(stranger).facility(id).send();
        assertThat(active.state).isEqualTo(BigInteger.TWO);
        assertThat(active.bank).isEqualToIgnoringCase(bank.getAddress());
        assertThat(active.borrower).isEqualToIgnoringCase(borrower.getAddress());
        assertThat(active.frozen).isFalse();
        assertThat(active.drawn).isZero();
    }

    @Test
    void onlyABankCreatesAndOnlyTheBorrowerAcceptsOnce() throws Exception {
        reverts(stranger, as(stranger).createFacility(borrower.getAddress(), terms(watch(1))), "AccessControlUnauthorizedAccount");
        reverts(bank, as(bank).createFacility(bank.getAddress(), terms(watch(1))), "BorrowerIsBank");
        reverts(bank, as(bank).createFacility("0x0000000000000000000000000000000000000000", terms(watch(1))), "ZeroAddress");
        BigInteger id = created(terms(watch(1)));
        reverts(bank, as(bank).acceptFacility(id), "NotBorrower");
        reverts(stranger, as(stranger).acceptFacility(id), "NotBorrower");
        reverts(borrower, as(borrower).drawdown(id, BigInteger.ONE), "FacilityNotActive");
        reverts(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("a1"))), "FacilityNotActive");
        reverts(borrower, as(borrower).acceptFacility(BigInteger.valueOf(99)), "FacilityNotFound");
        ChainAssertions.sendOk(as(borrower).acceptFacility(id));
        reverts(borrower, as(borrower).acceptFacility(id), "FacilityNotProposed");
    }

    @Test
    void termsAreValidatedWhenAFacilityIsCreated() throws Exception {
        // maxGap 2 × samplingInterval − 1 is the largest allowed
        ChainAssertions.sendOk(as(bank).createFacility(borrower.getAddress(),
                terms(new Watch(TEMPERATURE, big(LO), big(HI), big(1), big(2 * SAMPLING - 1), big(SAMPLING), big(HOUR), BigInteger.ONE))));
        refused(new Terms(BigInteger.ZERO, List.of(A), List.of(watch(1))), "ZeroLimit");
        refused(new Terms(LIMIT, List.of(A), List.of()), "NoWatches");
        ChainRevert unregistered = refused(new Terms(LIMIT, List.of(A, BigInteger.valueOf(7)), List.of(watch(1))), "DeviceNotRegistered");
        assertThat(unregistered.arguments()).containsExactly(BigInteger.valueOf(7));
        refused(new Terms(LIMIT, List.of(A, B, A), List.of(watch(1))), "DuplicateDevice");
        refused(new Terms(LIMIT, List.of(A, B), List.of(watch(1), watch(1))), "DuplicateWatch");
        refused(terms(new Watch(TEMPERATURE, big(HI), big(LO), big(1), big(MAX_GAP), big(SAMPLING), big(HOUR), BigInteger.ONE)),
                "InvalidRange");
        refused(terms(new Watch(TEMPERATURE, big(LO), big(HI), big(1), big(2 * SAMPLING), big(SAMPLING), big(HOUR), BigInteger.ONE)),
                "InvalidMaxGap");
        refused(terms(new Watch(TEMPERATURE, big(LO), big(HI), big(1), big(0), big(SAMPLING), big(HOUR), BigInteger.ONE)),
                "InvalidMaxGap");
        refused(terms(new Watch(TEMPERATURE, big(LO), big(HI), big(0), big(MAX_GAP), big(SAMPLING), big(HOUR), BigInteger.ONE)),
                "ZeroMinDuration");
        refused(terms(new Watch(TEMPERATURE, big(LO), big(HI), big(1), big(MAX_GAP), big(SAMPLING), big(0), BigInteger.ONE)),
                "ZeroMaxAge");
        refused(terms(new Watch(TEMPERATURE, big(LO), big(HI), big(1), big(MAX_GAP), big(SAMPLING), big(HOUR), BigInteger.ZERO)),
                "InvalidK");
        refused(terms(new Watch(TEMPERATURE, big(LO), big(HI), big(1), big(MAX_GAP), big(SAMPLING), big(HOUR), big(4))),
                "InvalidK");
    }

    // ------------------------------------------------------------------ ledger

    @Test
    void borrowerDrawsUpToTheLimitAndRepays() throws Exception {
        BigInteger id = active(terms(watch(1)));
        TransactionReceipt draw = ChainAssertions.sendOk(as(borrower).drawdown(id, big(400_000)));
        GAS.put("drawdown", draw.getGasUsed().longValueExact());
        ChainAssertions.sendOk(as(borrower).drawdown(id, big(600_000)));
        assertThat(as(stranger).facility(id).send().drawn).isEqualTo(LIMIT);
        ChainRevert over = reverts(borrower, as(borrower).drawdown(id, BigInteger.ONE), "OverLimit");
        assertThat(over.arguments()).containsExactly(id, BigInteger.ONE, BigInteger.ZERO);
        TransactionReceipt repaid = ChainAssertions.sendOk(as(borrower).repay(id, big(300_000)));
        GAS.put("repay", repaid.getGasUsed().longValueExact());
        assertThat(as(stranger).facility(id).send().drawn).isEqualTo(big(700_000));
        reverts(borrower, as(borrower).repay(id, big(700_001)), "RepayExceedsDrawn");
        reverts(borrower, as(borrower).drawdown(id, big(300_001)), "OverLimit");
        ChainAssertions.sendOk(as(borrower).drawdown(id, big(300_000)));
        reverts(borrower, as(borrower).drawdown(id, BigInteger.ZERO), "ZeroAmount");
        reverts(borrower, as(borrower).repay(id, BigInteger.ZERO), "ZeroAmount");
        reverts(bank, as(bank).drawdown(id, BigInteger.ONE), "NotBorrower");
        reverts(stranger, as(stranger).repay(id, BigInteger.ONE), "NotBorrower");
    }

    // ------------------------------------------------------------------ terms changes

    @Test
    void termsChangeOnlyWhenTheOtherPartyAcceptsThePendingHash() throws Exception {
        BigInteger id = active(terms(watch(1)));
        Terms first = new Terms(big(2_000_000), List.of(A, B, C), List.of(watch(1)));
        TransactionReceipt proposed = ChainAssertions.sendOk(as(bank).proposeTerms(id, first));
        GAS.put("proposeTerms", proposed.getGasUsed().longValueExact());
        byte[] firstHash = as(bank).hashTerms(first).send();
        var pending = as(stranger).pendingTerms(id).send();
        assertThat(pending.component1()).isEqualToIgnoringCase(bank.getAddress());
        assertThat(pending.component2()).isEqualTo(firstHash);
        assertThat(pending.component3().limit).isEqualTo(big(2_000_000));

        reverts(bank, as(bank).acceptTerms(id, firstHash), "NotCounterparty");
        reverts(stranger, as(stranger).proposeTerms(id, first), "NotParty");
        reverts(stranger, as(stranger).acceptTerms(id, firstHash), "NotParty");
        reverts(borrower, as(borrower).acceptTerms(id, new byte[32]), "StaleTermsHash");

        Terms second = new Terms(big(3_000_000), List.of(A, B), List.of(watch(1)));
        ChainAssertions.sendOk(as(bank).proposeTerms(id, second));
        reverts(borrower, as(borrower).acceptTerms(id, firstHash), "StaleTermsHash");
        assertThat(as(stranger).facility(id).send().limit).isEqualTo(LIMIT);

        byte[] secondHash = as(bank).hashTerms(second).send();
        TransactionReceipt changed = ChainAssertions.sendOk(as(borrower).acceptTerms(id, secondHash));
        GAS.put("acceptTerms", changed.getGasUsed().longValueExact());
        var event = CollateralFinancing.getTermsChangedEvents(changed).get(0);
        assertThat(event.termsHash).isEqualTo(secondHash);
        assertThat(event.acceptor).isEqualToIgnoringCase(borrower.getAddress());
        FacilityView after = as(stranger).facility(id).send();
        assertThat(after.limit).isEqualTo(big(3_000_000));
        assertThat(after.terms.devices).containsExactly(A, B);
        assertThat(after.termsVersion).isEqualTo(BigInteger.TWO);
        assertThat(as(stranger).pendingTerms(id).send().component1()).isEqualTo("0x0000000000000000000000000000000000000000");
        reverts(bank, as(bank).acceptTerms(id, secondHash), "NoPendingTerms");

        // the borrower may propose too; then the bank accepts
        Terms third = new Terms(big(500_000), List.of(A, B), List.of(watch(1)));
        ChainAssertions.sendOk(as(borrower).proposeTerms(id, third));
        reverts(borrower, as(borrower).acceptTerms(id, as(bank).hashTerms(third).send()), "NotCounterparty");
        ChainAssertions.sendOk(as(bank).acceptTerms(id, as(bank).hashTerms(third).send()));
        assertThat(as(stranger).facility(id).send().limit).isEqualTo(big(500_000));
    }

    @Test
    void aNewLimitBelowTheDrawnAmountIsRefusedOnProposalAndOnAcceptance() throws Exception {
        BigInteger id = active(terms(watch(1)));
        ChainAssertions.sendOk(as(borrower).drawdown(id, big(800_000)));
        reverts(borrower, as(borrower).proposeTerms(id, new Terms(big(799_999), List.of(A, B, C), List.of(watch(1)))),
                "LimitBelowDrawn");
        Terms lower = new Terms(big(900_000), List.of(A, B, C), List.of(watch(1)));
        ChainAssertions.sendOk(as(borrower).proposeTerms(id, lower));
        ChainAssertions.sendOk(as(borrower).drawdown(id, big(150_000)));
        ChainRevert r = reverts(bank, as(bank).acceptTerms(id, as(bank).hashTerms(lower).send()), "LimitBelowDrawn");
        assertThat(r.arguments()).containsExactly(id, big(900_000), big(950_000));
        ChainAssertions.sendOk(as(borrower).repay(id, big(50_000)));
        ChainAssertions.sendOk(as(bank).acceptTerms(id, as(bank).hashTerms(lower).send()));
        assertThat(as(stranger).facility(id).send().limit).isEqualTo(big(900_000));
    }

    @Test
    void agreedTermsDecideWhichDevicesAndQuantitiesCount() throws Exception {
        BigInteger id = active(terms(watch(1)));
        Terms withoutA = new Terms(LIMIT, List.of(B, C), List.of(watch(1),
                new Watch(HUMIDITY, big(LO), big(HI), big(1), big(MAX_GAP), big(SAMPLING), big(HOUR), BigInteger.ONE)));
        ChainAssertions.sendOk(as(bank).proposeTerms(id, withoutA));
        clock(lastSeconds("b1") + 10);
        // until accepted, the old terms hold: A counts, humidity is not watched
        succeeds(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("a1"))));
        reverts(oracle, as(oracle).freeze(id, HUMIDITY, runs(List.of("h1"))), "QuantityNotWatched");
        ChainAssertions.sendOk(as(borrower).acceptTerms(id, as(bank).hashTerms(withoutA).send()));
        reverts(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("a1"))), "DeviceNotInFacility");
        // humidity is watched now: h1 gets past the quantity check and fails on its device, no longer in the lot
        reverts(oracle, as(oracle).freeze(id, HUMIDITY, runs(List.of("h1"))), "DeviceNotInFacility");
        succeeds(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("b1"))));
    }

    // ------------------------------------------------------------------ freeze: successes

    @Test
    void oracleFreezesWithOneClaimAndDrawdownRevertsWhileFrozen() throws Exception {
        BigInteger id = active(terms(watch(1)));
        ChainAssertions.sendOk(as(borrower).drawdown(id, big(100_000)));
        ANVIL.setNextBlockTimestamp(lastSeconds("a1") + 10);
        TransactionReceipt frozen = ChainAssertions.sendOk(as(oracle).freeze(id, TEMPERATURE, runs(List.of("a1"))));
        GAS.put("freeze_one_claim", frozen.getGasUsed().longValueExact());
        FrozenEventResponse event = CollateralFinancing.getFrozenEvents(frozen).get(0);
        assertThat(event.id).isEqualTo(id);
        assertThat(event.quantity).isEqualTo(TEMPERATURE);
        assertThat(event.devices).containsExactly(A);
        assertThat(event.runLengths).containsExactly(BigInteger.ONE);
        assertThat(event.claimIds).hasSize(1);
        assertThat(event.claimIds.get(0)).isEqualTo(IDS.get("a1"));
        assertThat(event.oracle).isEqualToIgnoringCase(oracle.getAddress());
        assertThat(as(stranger).facility(id).send().frozen).isTrue();
        assertThat(as(stranger).isClaimUsed(id, IDS.get("a1")).send()).isTrue();
        assertThat(as(stranger).isClaimUsed(id, IDS.get("a2")).send()).isFalse();

        ChainRevert r = reverts(borrower, as(borrower).drawdown(id, BigInteger.ONE), "FacilityFrozen");
        assertThat(r.arguments()).containsExactly(id);
        ChainAssertions.sendOk(as(borrower).repay(id, big(40_000)));
        assertThat(as(stranger).facility(id).send().drawn).isEqualTo(big(60_000));
        reverts(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("a2"))), "FacilityFrozen");
    }

    @Test
    void oracleFreezesWithAChainOfThreeClaimsWhoseFirstGapIsExactlyMaxGap() throws Exception {
        long span = FIXTURES.get("a3").lastTime() - FIXTURES.get("a1").firstTime();
        assertThat(FIXTURES.get("a2").firstTime() - FIXTURES.get("a1").lastTime()).isEqualTo(MAX_GAP);
        BigInteger id = active(terms(watch(span)));
        clock(lastSeconds("a3") + 5);
        reverts(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("a2", "a3"))), "RunTooShort");
        ANVIL.setNextBlockTimestamp(lastSeconds("a3") + 10);
        TransactionReceipt frozen = ChainAssertions.sendOk(as(oracle).freeze(id, TEMPERATURE, runs(List.of("a1", "a2", "a3"))));
        GAS.put("freeze_three_chained_claims", frozen.getGasUsed().longValueExact());
        FrozenEventResponse event = CollateralFinancing.getFrozenEvents(frozen).get(0);
        assertThat(event.runLengths).containsExactly(big(3));
        assertThat(event.claimIds).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(event.claimIds.get(i)).isEqualTo(IDS.get("a" + (i + 1)));
            assertThat(as(stranger).isClaimUsed(id, IDS.get("a" + (i + 1))).send()).isTrue();
        }
    }

    @Test
    void oracleFreezesWithKEqualTwoOverlappingDevices() throws Exception {
        BigInteger id = active(terms(watch(1, HOUR, 2)));
        ANVIL.setNextBlockTimestamp(lastSeconds("b1") + 10);
        TransactionReceipt frozen = ChainAssertions.sendOk(as(oracle).freeze(id, TEMPERATURE, runs(List.of("a1"), List.of("b1"))));
        GAS.put("freeze_k2_runs", frozen.getGasUsed().longValueExact());
        FrozenEventResponse event = CollateralFinancing.getFrozenEvents(frozen).get(0);
        assertThat(event.devices).containsExactly(A, B);
        assertThat(event.runLengths).containsExactly(BigInteger.ONE, BigInteger.ONE);
        assertThat(event.claimIds.get(0)).isEqualTo(IDS.get("a1"));
        assertThat(event.claimIds.get(1)).isEqualTo(IDS.get("b1"));
    }

    // ------------------------------------------------------------------ freeze: refusals

    @Test
    void onlyAnOracleFreezes() throws Exception {
        BigInteger id = active(terms(watch(1)));
        clock(lastSeconds("a1") + 10);
        for (Credentials who : List.of(bank, borrower, stranger, admin)) {
            ChainRevert r = reverts(who, as(who).freeze(id, TEMPERATURE, runs(List.of("a1"))), "AccessControlUnauthorizedAccount");
            assertThat((String) r.arguments().get(0)).isEqualToIgnoringCase(who.getAddress());
        }
        succeeds(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("a1"))));
    }

    @Test
    void aDeviceOfAnotherLotCannotFreeze() throws Exception {
        BigInteger id = active(terms(watch(1)));
        clock(lastSeconds("x1") + 10);
        ChainRevert r = reverts(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("x1"))), "DeviceNotInFacility");
        assertThat(r.arguments()).containsExactly(id, X);
    }

    @Test
    void aClaimOverANarrowerRangeThanTheTermsCannotFreeze() throws Exception {
        BigInteger id = active(terms(watch(1)));
        clock(lastSeconds("n1") + 10);
        ChainRevert r = reverts(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("n1"))), "RangeNarrowerThanTerms");
        assertThat(r.arguments().get(1)).isEqualTo(big(LO + 100));
        assertThat(r.arguments().get(3)).isEqualTo(big(LO));
    }

    @Test
    void aClaimWithALargerMaxGapThanTheTermsCannotFreeze() throws Exception {
        BigInteger id = active(terms(watch(1)));
        clock(lastSeconds("g1") + 10);
        ChainRevert r = reverts(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("g1"))), "ClaimMaxGapTooLarge");
        assertThat(r.arguments().subList(1, 3)).containsExactly(big(MAX_GAP + 1), big(MAX_GAP));
    }

    @Test
    void aClaimOfAnotherQuantityOrAnUnwatchedQuantityCannotFreeze() throws Exception {
        BigInteger id = active(terms(watch(1)));
        clock(lastSeconds("h1") + 10);
        reverts(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("h1"))), "ClaimQuantityMismatch");
        reverts(oracle, as(oracle).freeze(id, HUMIDITY, runs(List.of("h1"))), "QuantityNotWatched");
    }

    @Test
    void aChainWithAGapOverMaxGapIsNotARun() throws Exception {
        assertThat(FIXTURES.get("a4").firstTime() - FIXTURES.get("a3").lastTime()).isEqualTo(MAX_GAP + 1);
        BigInteger id = active(terms(watch(1)));
        clock(lastSeconds("a4") + 10);
        ChainRevert r = reverts(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("a3", "a4"))), "RunGap");
        assertThat(r.arguments().subList(2, 4)).containsExactly(big(MAX_GAP + 1), big(MAX_GAP));
        reverts(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("a2", "a1"))), "RunOutOfOrder");
        reverts(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("a1", "b1"))), "RunMixesDevices");
        reverts(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("a1", "a1"))), "ClaimAlreadyUsed");
        reverts(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of())), "EmptyRun");
        reverts(oracle, as(oracle).freeze(id, TEMPERATURE, List.of()), "NotEnoughDevices");
        ChainRevert unknown = reverts(oracle, as(oracle).freeze(id, TEMPERATURE,
                List.of(new Run(List.of(Hash.sha3("not a claim".getBytes(StandardCharsets.UTF_8)))))), "ClaimNotAnchored");
        assertThat(unknown.arguments()).hasSize(1);
        succeeds(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("a3"))));
    }

    @Test
    void aRunShorterThanTheMinimumDurationCannotFreeze() throws Exception {
        long duration = FIXTURES.get("a1").lastTime() - FIXTURES.get("a1").firstTime();
        BigInteger exact = active(terms(watch(duration)));
        BigInteger longer = active(terms(watch(duration + 1)));
        clock(lastSeconds("a1") + 10);
        succeeds(oracle, as(oracle).freeze(exact, TEMPERATURE, runs(List.of("a1"))));
        ChainRevert r = reverts(oracle, as(oracle).freeze(longer, TEMPERATURE, runs(List.of("a1"))), "RunTooShort");
        assertThat(r.arguments()).containsExactly(A, big(duration), big(duration + 1));
    }

    @Test
    void staleEvidenceCannotFreeze() throws Exception {
        long maxAge = 600_000;
        BigInteger id = active(terms(watch(1, maxAge, 1)));
        long last = FIXTURES.get("a1").lastTime();
        assertThat(last % 1000).isZero();
        clock(last / 1000 + maxAge / 1000);
        succeeds(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("a1"))));
        clock(last / 1000 + maxAge / 1000 + 1);
        ChainRevert r = reverts(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("a1"))), "EvidenceStale");
        assertThat(r.arguments()).containsExactly(A, big(last), big(last + maxAge + 1000), big(maxAge));
    }

    @Test
    void evidenceFromTheFutureCannotFreeze() throws Exception {
        BigInteger id = active(terms(watch(1)));
        long last = FIXTURES.get("a1").lastTime();
        long skew = as(stranger).MAX_CLOCK_SKEW().send().longValueExact();
        assertThat(skew).isEqualTo(60_000);
        clock(last / 1000 - skew / 1000 - 1);
        ChainRevert r = reverts(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("a1"))), "EvidenceFromFuture");
        assertThat(r.arguments()).containsExactly(A, big(last), big(last - skew - 1000));
        clock(last / 1000 - skew / 1000);
        succeeds(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("a1"))));
    }

    @Test
    void kMinusOneDevicesOrKDevicesThatDoNotOverlapCannotFreeze() throws Exception {
        BigInteger id = active(terms(watch(1, HOUR, 2)));
        clock(lastSeconds("c1") + 10);
        ChainRevert few = reverts(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("a1"))), "NotEnoughDevices");
        assertThat(few.arguments()).containsExactly(big(2), BigInteger.ONE);
        ChainRevert apart = reverts(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("a1"), List.of("c1"))),
                "RunsDoNotOverlap");
        assertThat(apart.arguments()).containsExactly(big(FIXTURES.get("c1").firstTime()), big(FIXTURES.get("a1").lastTime()));
        reverts(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("a1"), List.of("a2"))), "DuplicateDevice");
        succeeds(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("a1"), List.of("b1"))));
        // c1 overlaps a3: a different pair of k devices may freeze
        succeeds(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("a3"), List.of("c1"))));
    }

    // ------------------------------------------------------------------ unfreeze and freeze again

    @Test
    void bankUnfreezesWithAReasonAndNewEvidenceFreezesAgain() throws Exception {
        BigInteger id = active(terms(watch(1)));
        ANVIL.setNextBlockTimestamp(lastSeconds("a1") + 5);
        ChainAssertions.sendOk(as(oracle).freeze(id, TEMPERATURE, runs(List.of("a1"))));
        long unfreezeAt = T0 / 1000 + 300;
        ANVIL.setNextBlockTimestamp(unfreezeAt);
        TransactionReceipt unfrozen = ChainAssertions.sendOk(as(bank).unfreeze(id, "inspected: cargo intact"));
        GAS.put("unfreeze", unfrozen.getGasUsed().longValueExact());
        UnfrozenEventResponse event = CollateralFinancing.getUnfrozenEvents(unfrozen).get(0);
        assertThat(event.reason).isEqualTo("inspected: cargo intact");
        assertThat(event.unfrozenAt).isEqualTo(big(unfreezeAt));
        FacilityView after = as(stranger).facility(id).send();
        assertThat(after.frozen).isFalse();
        assertThat(after.lastUnfreeze).isEqualTo(big(unfreezeAt));
        ChainAssertions.sendOk(as(borrower).drawdown(id, BigInteger.TEN));

        ANVIL.setNextBlockTimestamp(lastSeconds("a3") + 5);
        ChainAssertions.sendOk(as(oracle).freeze(id, TEMPERATURE, runs(List.of("a3"))));
        assertThat(as(stranger).facility(id).send().frozen).isTrue();
        reverts(borrower, as(borrower).drawdown(id, BigInteger.TEN), "FacilityFrozen");
    }

    @Test
    void onlyTheFacilitysBankUnfreezesAFrozenFacilityWithAReason() throws Exception {
        BigInteger id = active(terms(watch(1)));
        reverts(bank, as(bank).unfreeze(id, "nothing to lift"), "NotFrozen");
        ANVIL.setNextBlockTimestamp(lastSeconds("a1") + 5);
        ChainAssertions.sendOk(as(oracle).freeze(id, TEMPERATURE, runs(List.of("a1"))));
        ChainRevert r = reverts(otherBank, as(otherBank).unfreeze(id, "I am a bank too"), "NotBank");
        assertThat(r.arguments().get(0)).isEqualTo(id);
        assertThat((String) r.arguments().get(1)).isEqualToIgnoringCase(otherBank.getAddress());
        reverts(borrower, as(borrower).unfreeze(id, "please"), "NotBank");
        reverts(oracle, as(oracle).unfreeze(id, "oracle"), "NotBank");
        reverts(bank, as(bank).unfreeze(id, ""), "EmptyReason");
        succeeds(bank, as(bank).unfreeze(id, "inspected"));
    }

    @Test
    void aRunStartingAtOrBeforeTheLastUnfreezeCannotFreeze() throws Exception {
        long a2First = FIXTURES.get("a2").firstTime();
        BigInteger before = active(terms(watch(1)));
        BigInteger at = active(terms(watch(1)));
        ANVIL.setNextBlockTimestamp(lastSeconds("a1") + 5);
        ChainAssertions.sendOk(as(oracle).freeze(before, TEMPERATURE, runs(List.of("a1"))));
        ChainAssertions.sendOk(as(oracle).freeze(at, TEMPERATURE, runs(List.of("a1"))));
        ANVIL.setNextBlockTimestamp(a2First / 1000 - 1);
        ChainAssertions.sendOk(as(bank).unfreeze(before, "lifted a second before a2 starts"));
        ANVIL.setNextBlockTimestamp(a2First / 1000);
        ChainAssertions.sendOk(as(bank).unfreeze(at, "lifted when a2 starts"));
        clock(lastSeconds("a2") + 5);
        succeeds(oracle, as(oracle).freeze(before, TEMPERATURE, runs(List.of("a2"))));
        ChainRevert r = reverts(oracle, as(oracle).freeze(at, TEMPERATURE, runs(List.of("a2"))), "EvidenceBeforeUnfreeze");
        assertThat(r.arguments()).containsExactly(A, big(a2First), big(a2First));
    }

    @Test
    void aClaimThatServedAFreezeCannotServeAnotherAfterTheUnfreeze() throws Exception {
        BigInteger id = active(terms(watch(1)));
        BigInteger other = active(terms(watch(1)));
        ANVIL.setNextBlockTimestamp(lastSeconds("a1") + 5);
        ChainAssertions.sendOk(as(oracle).freeze(id, TEMPERATURE, runs(List.of("a1"))));
        ChainAssertions.sendOk(as(bank).unfreeze(id, "inspected"));
        clock(lastSeconds("a3") + 5);
        ChainRevert r = reverts(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("a1", "a2", "a3"))), "ClaimAlreadyUsed");
        assertThat(r.arguments().get(0)).isEqualTo(IDS.get("a1"));
        reverts(oracle, as(oracle).freeze(id, TEMPERATURE, runs(List.of("a1"))), "ClaimAlreadyUsed");
        // the rule is per facility: another facility of the lot may use the claim
        succeeds(oracle, as(oracle).freeze(other, TEMPERATURE, runs(List.of("a1"))));
    }

    // ------------------------------------------------------------------ helpers

    private static CollateralFinancing as(Credentials who) {
        return CollateralFinancing.load(address, ANVIL.web3j(), tx(who), ChainAssertions.GAS);
    }

    /**
     * A transaction manager that polls for the receipt every 50 ms: anvil mines a transaction just
     * after accepting it, and web3j's default 15 s poll interval would make every early poll cost 15 s.
     */
    private static TransactionManager tx(Credentials who) {
        return new RawTransactionManager(ANVIL.web3j(), who, ANVIL.chainId(),
                new PollingTransactionReceiptProcessor(ANVIL.web3j(), 50, 200));
    }

    private static ChainRevert reverts(Credentials from, RemoteFunctionCall<?> call, String error) {
        return ChainAssertions.assertReverts(ANVIL, from, address, call, error);
    }

    /** The call would succeed now (eth_call at the latest block), without sending it. */
    private static void succeeds(Credentials from, RemoteFunctionCall<?> call) {
        ChainRevert revert = ChainAssertions.revertOf(ANVIL, from.getAddress(), address, call.encodeFunctionCall());
        assertThat(revert).as("expected success").isNull();
    }

    private static ChainRevert refused(Terms terms, String error) {
        return reverts(bank, as(bank).createFacility(borrower.getAddress(), terms), error);
    }

    /** Moves the chain's clock to {@code seconds} and mines a block there (calls then see that time). */
    private static void clock(long seconds) {
        ANVIL.setNextBlockTimestamp(seconds);
        ANVIL.mine();
    }

    private static long lastSeconds(String claim) {
        return Math.floorDiv(FIXTURES.get(claim).lastTime(), 1000L) + 1;
    }

    private static BigInteger big(long v) {
        return BigInteger.valueOf(v);
    }

    /** Temperature watch on the claims' range and maxGap, minimum duration {@code minDuration}, one hour maxAge, k = 1. */
    private static Watch watch(long minDuration) {
        return watch(minDuration, HOUR, 1);
    }

    private static Watch watch(long minDuration, long maxAge, int k) {
        return new Watch(TEMPERATURE, big(LO), big(HI), big(minDuration), big(MAX_GAP), big(SAMPLING), big(maxAge), big(k));
    }

    /** Terms over devices A, B and C of the lot with limit {@link #LIMIT}. */
    private static Terms terms(Watch watch) {
        return new Terms(LIMIT, List.of(A, B, C), List.of(watch));
    }

    private static BigInteger created(Terms terms) throws Exception {
        TransactionReceipt r = ChainAssertions.sendOk(as(bank).createFacility(borrower.getAddress(), terms));
        return CollateralFinancing.getFacilityCreatedEvents(r).get(0).id;
    }

    private static BigInteger active(Terms terms) throws Exception {
        BigInteger id = created(terms);
        ChainAssertions.sendOk(as(borrower).acceptFacility(id));
        return id;
    }

    @SafeVarargs
    private static List<Run> runs(List<String>... runs) {
        List<Run> out = new ArrayList<>();
        for (List<String> run : runs) {
            out.add(new Run(run.stream().map(IDS::get).toList()));
        }
        return out;
    }
}
