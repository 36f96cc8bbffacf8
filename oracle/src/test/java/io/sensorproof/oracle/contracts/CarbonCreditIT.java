package io.sensorproof.oracle.contracts;

import static io.sensorproof.oracle.contracts.CarbonCreditFixtureGenerator.END_S;
import static io.sensorproof.oracle.contracts.CarbonCreditFixtureGenerator.MAX_GAP;
import static io.sensorproof.oracle.contracts.CarbonCreditFixtureGenerator.STACK_1;
import static io.sensorproof.oracle.contracts.CarbonCreditFixtureGenerator.STACK_2;
import static io.sensorproof.oracle.contracts.CarbonCreditFixtureGenerator.STACK_3;
import static io.sensorproof.oracle.contracts.CarbonCreditFixtureGenerator.START_S;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.oracle.chain.ChainRevert;
import io.sensorproof.oracle.testing.AnvilExtension;
import io.sensorproof.oracle.testing.ChainAssertions;
import io.sensorproof.oracle.testing.ZkProofFile;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.zk.groth16.Groth16Verifier;
import io.sensorproof.zk.prover.CircuitArtifacts;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * CarbonCredit on a real anvil with the real AnchorRegistry, the real emissions verifier and real
 * Groth16 proofs (the fixtures of {@link CarbonCreditFixtureGenerator}, anchored once before all
 * tests). Every test starts from that state (anvil snapshot, clock in 2026, before the 2030 period)
 * and is rolled back afterwards. Each rule has a test that it holds and one that the forbidden
 * action reverts with its error; gas of the benchmark's operations goes to
 * {@code oracle/target/gas/c3.json}. Time limits are tested at their exact second: anvil runs an
 * {@code eth_call} at "latest" with the latest block's timestamp, so a block mined at T makes the
 * call see T; a transaction after {@code evm_setNextBlockTimestamp(T)} runs at T.
 */
class CarbonCreditIT {
    @RegisterExtension
    static final AnvilExtension ANVIL = new AnvilExtension();

    private static final long WINDOW_S = 86_400;
    private static final long BASELINE_KG = 100;
    private static final long RATE_KG_PER_HOUR = 10;
    private static final BigInteger STACK_4 = CarbonCreditFixtureGenerator.device("stack-4");
    private static final BigInteger UNREGISTERED = CarbonCreditFixtureGenerator.device("stack-9");
    private static final List<String> FIXTURES = List.of("d1-a", "d1-b", "d2-a", "d1-b-time-broken",
            "d1-b-total-broken", "d1-beyond", "d1-after-end", "d2-at-end", "d1-before", "d1-wide-maxgap");
    /**
     * Gas of the benchmark's operations: setPeriod with 3 devices, submitClaim of a device's first
     * claim and of a continuing one, closePeriod with 3 devices and 3 claims, mint, retire.
     */
    private static final Map<String, Long> GAS = new HashMap<>();
    private static final Map<String, byte[]> CLAIM_IDS = new HashMap<>();

    private static Credentials admin;
    private static Credentials verifier;
    private static Credentials oracle;
    private static Credentials regulator;
    private static Credentials owner;
    private static Credentials holder;
    private static Credentials otherOwner;
    private static Credentials stranger;
    private static String address;
    private static EmissionsClaimVerifier emissionsVerifier;

    private String snapshot;

    @BeforeAll
    static void deploy() throws Exception {
        admin = ANVIL.account(0);
        verifier = ANVIL.account(1);
        oracle = ANVIL.account(2);
        regulator = ANVIL.account(3);
        owner = ANVIL.account(4);
        holder = ANVIL.account(5);
        otherOwner = ANVIL.account(6);
        stranger = ANVIL.account(7);
        TransactionManager tx = txManager(admin);
        ExcursionClaimVerifier run = ExcursionClaimVerifier.deploy(ANVIL.web3j(), tx, ChainAssertions.GAS).send();
        emissionsVerifier = EmissionsClaimVerifier.deploy(ANVIL.web3j(), tx, ChainAssertions.GAS).send();
        AnchorRegistry registry = AnchorRegistry.deploy(ANVIL.web3j(), tx, ChainAssertions.GAS, admin.getAddress(),
                run.getContractAddress(), emissionsVerifier.getContractAddress()).send();
        ChainAssertions.sendOk(registry.grantRole(registry.ORACLE_ROLE().send(), oracle.getAddress()));
        AnchorRegistry registryAsOracle = AnchorRegistry.load(registry.getContractAddress(), ANVIL.web3j(),
                txManager(oracle), ChainAssertions.GAS);
        for (BigInteger device : List.of(STACK_1, STACK_2, STACK_3, STACK_4)) {
            ChainAssertions.sendOk(registryAsOracle.registerDevice(device,
                    Hash.sha3(device.toString().getBytes(StandardCharsets.US_ASCII))));
        }
        byte[] circuit = registry.EMISSIONS_CLAIM().send();
        for (String name : FIXTURES) {
            ZkProofFile claim = fixture(name);
            ChainAssertions.sendOk(registryAsOracle.anchorEmissionsClaim(claim.inputs(), claim.proof()));
            CLAIM_IDS.put(name, registry.claimId(circuit, claim.inputs()).send());
        }
        CarbonCredit credit = CarbonCredit.deploy(ANVIL.web3j(), tx, ChainAssertions.GAS, admin.getAddress(),
                registry.getContractAddress(), "https://credits.example/{id}.json", BigInteger.valueOf(WINDOW_S)).send();
        address = credit.getContractAddress();
        ChainAssertions.sendOk(credit.grantRole(credit.VERIFIER_ROLE().send(), verifier.getAddress()));
        ChainAssertions.sendOk(credit.grantRole(credit.ORACLE_ROLE().send(), oracle.getAddress()));
        ChainAssertions.sendOk(credit.grantRole(credit.REGULATOR_ROLE().send(), regulator.getAddress()));
    }

    @AfterAll
    static void writeGas() throws Exception {
        Path file = ZkProofFile.repoFile("oracle/target/gas/c3.json");
        Files.createDirectories(file.getParent());
        Map<String, Long> ordered = new LinkedHashMap<>();
        for (String op : List.of("setPeriod", "submitClaim", "submitClaim (continuing)", "closePeriod", "mint", "retire")) {
            if (GAS.containsKey(op)) {
                ordered.put(op, GAS.get(op));
            }
        }
        Files.writeString(file, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(ordered) + "\n");
    }

    @BeforeEach
    void takeSnapshot() {
        snapshot = ANVIL.snapshot();
        assertThat(ANVIL.latestTimestamp()).as("the chain's clock starts before the 2030 period").isLessThan(START_S - 3_600);
    }

    @AfterEach
    void rollBack() {
        ANVIL.revertTo(snapshot);
    }

    /**
     * The hand-computed example (period P = 2030-01-01 00:00–02:00 UTC = [start, end), maxGap M =
     * 15 min = 900,000 ms, substitute rate 10 kg/h, baseline 100 kg; times below in minutes after
     * the start; devices stack-1 (D1), stack-2 (D2), stack-3 (D3)):
     * <ol>
     * <li>D1, claim d1-a: readings at 15, 25, 40, 55 min + 1 ms, register 5,000,000 → 5,006,000 g.
     *     Start edge 15 min = exactly M: free. Inner gaps 10 min (free), 15 min = M (free, the circuit
     *     counts only gaps &gt; maxGap), 15 min + 1 ms = M + 1 (counted whole): gapTime 900,001 ms.</li>
     * <li>D1, claim d1-b: continuous (55 min + 1 ms, 5,006,000 g), every 10 min up to 135 min =
     *     end + M (end edge: lastTime ≥ end, free), register → 5,018,000 g; gapTime 0.</li>
     * <li>D2, claim d2-a: starts at 15 min + 1 ms (start edge M + 1: charged whole, 900,001 ms),
     *     every 10 min to 105 min and a last reading at 110 min (end edge 10 min = 600,000 ms: short of
     *     the end, charged although ≤ M), register 7,000,000 → 7,019,000 g; gapTime 0.</li>
     * <li>D3: no claim: the whole period, 7,200,000 ms.</li>
     * <li>Mass: (5,006,000 − 5,000,000) + (5,018,000 − 5,006,000) + (7,019,000 − 7,000,000) =
     *     6,000 + 12,000 + 19,000 = 37,000 g.</li>
     * <li>Charged time: 900,001 (D1 inner) + 0 (D1 edges) + 900,001 + 600,000 (D2 edges) + 7,200,000
     *     (D3) = 9,600,002 ms.</li>
     * <li>Substitute: ceil(10 kg/h × 1000 g/kg × 9,600,002 ms / 3,600,000 ms/h) = ceil(26,666.672…) =
     *     26,667 g (rounded up).</li>
     * <li>Emissions: 37,000 + 26,667 = 63,667 g.</li>
     * <li>Credits: (100 kg × 1000 − 63,667) / 1000 g per unit = 36,333 / 1000 → 36 units (rounded down).</li>
     * </ol>
     */
    @Test
    void mintedAmountEqualsTheHandComputedExample() throws Exception {
        BigInteger facilityId = createFacility(owner);
        TransactionReceipt set = ChainAssertions.sendOk(as(verifier).setPeriod(facilityId, big(START_S), big(END_S),
                List.of(STACK_1, STACK_2, STACK_3), big(BASELINE_KG), big(MAX_GAP), big(RATE_KG_PER_HOUR)));
        GAS.put("setPeriod", set.getGasUsed().longValueExact());
        BigInteger periodId = CarbonCredit.getPeriodSetEvents(set).get(0).periodId;
        assertThat(periodId).isEqualTo(BigInteger.ONE);
        BigInteger tokenId = facilityId.shiftLeft(128).or(periodId);
        assertThat(as(admin).tokenId(facilityId, periodId).send()).isEqualTo(tokenId);

        at(END_S + 3_600);
        TransactionReceipt first = submit(facilityId, periodId, "d1-a");
        GAS.put("submitClaim", first.getGasUsed().longValueExact());
        TransactionReceipt next = submit(facilityId, periodId, "d1-b");
        GAS.put("submitClaim (continuing)", next.getGasUsed().longValueExact());
        submit(facilityId, periodId, "d2-a");
        var claimEvent = CarbonCredit.getClaimSubmittedEvents(first).get(0);
        assertThat(claimEvent.massGrams).isEqualTo(big(6_000));
        assertThat(claimEvent.gapTime).isEqualTo(big(900_001));

        CarbonCredit.DeviceProgress d1 = as(admin).deviceProgress(facilityId, periodId, STACK_1).send();
        assertThat(d1.claimCount).isEqualTo(big(2));
        assertThat(d1.firstTime).isEqualTo(big(START_S * 1000 + 15 * 60_000));
        assertThat(d1.lastTime).isEqualTo(big(END_S * 1000 + MAX_GAP));
        assertThat(d1.lastTotal).isEqualTo(big(5_018_000));
        assertThat(claimIdsOf(facilityId, periodId, STACK_1)).containsExactly(hex("d1-a"), hex("d1-b"));
        assertThat(as(admin).deviceProgress(facilityId, periodId, STACK_3).send().claimCount).isEqualTo(BigInteger.ZERO);
        assertThat(as(admin).claimUse(CLAIM_IDS.get("d2-a")).send()).isEqualTo(tokenId);

        TransactionReceipt close = ChainAssertions.sendOk(as(oracle).closePeriod(facilityId, periodId));
        GAS.put("closePeriod", close.getGasUsed().longValueExact());
        CarbonCredit.Period p = as(admin).period(facilityId, periodId).send();
        assertThat(p.massGrams).isEqualTo(big(37_000));
        assertThat(p.claimGapMs).isEqualTo(big(900_001));
        assertThat(p.chargedGapMs).isEqualTo(big(9_600_002));
        assertThat(p.substituteGrams).isEqualTo(big(26_667));
        assertThat(p.emissionsGrams).isEqualTo(big(63_667));
        assertThat(p.closed).isTrue();
        assertThat(p.claimCount).isEqualTo(big(3));
        var closed = CarbonCredit.getPeriodClosedEvents(close).get(0);
        assertThat(closed.windowEnd).isEqualTo(p.closedAt.add(big(WINDOW_S)));

        assertReverts(stranger, as(stranger).mint(facilityId, periodId), "ChallengeWindowOpen");
        at(p.closedAt.longValueExact() + WINDOW_S - 1);
        ChainRevert open = assertReverts(stranger, as(stranger).mint(facilityId, periodId), "ChallengeWindowOpen");
        assertThat(open.arguments().get(2)).isEqualTo(p.closedAt.add(big(WINDOW_S)));
        nextBlockAt(p.closedAt.longValueExact() + WINDOW_S);
        TransactionReceipt mint = ChainAssertions.sendOk(as(stranger).mint(facilityId, periodId));
        GAS.put("mint", mint.getGasUsed().longValueExact());
        var minted = CarbonCredit.getMintedEvents(mint).get(0);
        assertThat(minted.amount).isEqualTo(big(36));
        assertThat(minted.owner).isEqualToIgnoringCase(owner.getAddress());
        assertThat(minted.emissionsGrams).isEqualTo(big(63_667));
        assertThat(minted.claimCount).isEqualTo(big(3));
        assertThat(minted.tokenId).isEqualTo(tokenId);
        assertThat(as(admin).balanceOf(owner.getAddress(), tokenId).send()).isEqualTo(big(36));
        assertThat(as(admin).period(facilityId, periodId).send().mintedAmount).isEqualTo(big(36));
        assertReverts(stranger, as(stranger).mint(facilityId, periodId), "AlreadyMinted");
    }

    @Test
    void mintsNothingWhenEmissionsReachTheBaselineButStillOnlyOnce() throws Exception {
        Ids ids = closedExample(60); // 60,000 g baseline < 63,667 g emissions
        nextBlockAt(ids.closedAt() + WINDOW_S);
        TransactionReceipt mint = ChainAssertions.sendOk(as(owner).mint(ids.facilityId(), ids.periodId()));
        assertThat(CarbonCredit.getMintedEvents(mint).get(0).amount).isEqualTo(BigInteger.ZERO);
        assertThat(CarbonCredit.getTransferSingleEvents(mint)).isEmpty();
        assertThat(as(admin).balanceOf(owner.getAddress(), ids.tokenId()).send()).isEqualTo(BigInteger.ZERO);
        assertThat(as(admin).period(ids.facilityId(), ids.periodId()).send().minted).isTrue();
        assertReverts(owner, as(owner).mint(ids.facilityId(), ids.periodId()), "AlreadyMinted");
    }

    @Test
    void facilityTermsSetByTheOwnerAreRefused() throws Exception {
        assertReverts(verifier, as(verifier).createFacility(verifier.getAddress()), "OwnerCannotVerify");
        assertReverts(stranger, as(stranger).createFacility(owner.getAddress()), "AccessControlUnauthorizedAccount");
        BigInteger facilityId = createFacility(owner);
        ChainAssertions.sendOk(as(admin).grantRole(as(admin).VERIFIER_ROLE().send(), owner.getAddress()));
        ChainRevert revert = assertReverts(owner, setPeriod(owner, facilityId, START_S, END_S, List.of(STACK_1)),
                "OwnerCannotVerify");
        assertThat(revert.arguments()).containsExactly(facilityId, owner.getAddress().toLowerCase());
        assertReverts(stranger, setPeriod(stranger, facilityId, START_S, END_S, List.of(STACK_1)),
                "AccessControlUnauthorizedAccount");
        // the rule holds: the verifier who is not the owner sets them
        ChainAssertions.sendOk(setPeriod(verifier, facilityId, START_S, END_S, List.of(STACK_1)));
        CarbonCredit.Facility facility = as(admin).facility(facilityId).send();
        assertThat(facility.owner).isEqualToIgnoringCase(owner.getAddress());
        assertThat(facility.createdBy).isEqualToIgnoringCase(verifier.getAddress());
        assertThat(facility.periodCount).isEqualTo(BigInteger.ONE);
    }

    @Test
    void aDeviceInTwoCarbonFacilitiesIsRefusedForOverlappingPeriods() throws Exception {
        BigInteger a = createFacility(owner);
        BigInteger b = createFacility(otherOwner);
        ChainAssertions.sendOk(setPeriod(verifier, a, START_S, END_S, List.of(STACK_1, STACK_2)));
        ChainRevert revert = assertReverts(verifier,
                setPeriod(verifier, b, END_S - 1, END_S + 3_600, List.of(STACK_4, STACK_2)), "DeviceInOtherFacility");
        assertThat(revert.arguments()).containsExactly(STACK_2, a, BigInteger.ONE);
        assertReverts(verifier, setPeriod(verifier, b, START_S - 3_600, START_S + 1, List.of(STACK_1)),
                "DeviceInOtherFacility");
        // the rule holds: another facility may take the device for a period that does not overlap
        ChainAssertions.sendOk(setPeriod(verifier, b, END_S, END_S + 3_600, List.of(STACK_2)));
        ChainAssertions.sendOk(setPeriod(verifier, b, START_S - 3_600, START_S, List.of(STACK_1, STACK_4)));
    }

    /**
     * setPeriod forgets periods that have ended (they cannot overlap a period that starts later); the
     * ones that have not ended keep blocking the device, whatever order the lists end up in.
     */
    @Test
    void endedPeriodsStopBlockingADeviceButLaterOnesStillDo() throws Exception {
        BigInteger a = createFacility(owner);
        BigInteger b = createFacility(otherOwner);
        ChainAssertions.sendOk(setPeriod(verifier, a, START_S, END_S, List.of(STACK_1, STACK_2)));
        ChainAssertions.sendOk(setPeriod(verifier, a, END_S + 3_600, END_S + 7_200, List.of(STACK_2, STACK_1)));
        at(END_S);
        // stack-1's first period (ended) is dropped first, which moves its second one into its place
        ChainRevert revert = assertReverts(verifier,
                setPeriod(verifier, b, END_S + 3_600, END_S + 5_400, List.of(STACK_4, STACK_1)), "DeviceInOtherFacility");
        assertThat(revert.arguments()).containsExactly(STACK_1, a, big(2));
        assertReverts(verifier, setPeriod(verifier, a, END_S + 7_000, END_S + 9_000, List.of(STACK_3)), "PeriodsOverlap");
        ChainAssertions.sendOk(setPeriod(verifier, b, END_S + 600, END_S + 3_600, List.of(STACK_1, STACK_2)));
        ChainAssertions.sendOk(setPeriod(verifier, a, END_S + 7_200, END_S + 9_000, List.of(STACK_3)));
    }

    @Test
    void periodsOfOneFacilityMayNotOverlap() throws Exception {
        BigInteger a = createFacility(owner);
        ChainAssertions.sendOk(setPeriod(verifier, a, START_S, END_S, List.of(STACK_1)));
        ChainRevert revert = assertReverts(verifier, setPeriod(verifier, a, END_S - 1, END_S + 60, List.of(STACK_2)),
                "PeriodsOverlap");
        assertThat(revert.arguments()).containsExactly(a, BigInteger.ONE);
        TransactionReceipt second = ChainAssertions.sendOk(setPeriod(verifier, a, END_S, END_S + 7_200, List.of(STACK_1)));
        assertThat(CarbonCredit.getPeriodSetEvents(second).get(0).periodId).isEqualTo(big(2));
    }

    @Test
    void periodTermsAreCheckedBeforeTheyAreStored() throws Exception {
        BigInteger a = createFacility(owner);
        assertReverts(verifier, setPeriod(verifier, a, END_S, START_S, List.of(STACK_1)), "InvalidPeriodTimes");
        assertReverts(verifier, setPeriod(verifier, a, START_S, START_S, List.of(STACK_1)), "InvalidPeriodTimes");
        assertReverts(verifier, setPeriod(verifier, a, START_S, END_S, List.of()), "InvalidDeviceCount");
        assertReverts(verifier, setPeriod(verifier, a, START_S, END_S, List.of(STACK_1, UNREGISTERED)),
                "DeviceNotRegistered");
        assertReverts(verifier, setPeriod(verifier, a, START_S, END_S, List.of(STACK_1, STACK_2, STACK_1)),
                "DuplicateDevice");
        assertReverts(verifier, as(verifier).setPeriod(a, big(START_S), big(END_S), List.of(STACK_1),
                big(BASELINE_KG), BigInteger.ZERO, big(RATE_KG_PER_HOUR)), "InvalidTerms");
        assertReverts(verifier, as(verifier).setPeriod(a, big(START_S), big(END_S), List.of(STACK_1),
                big(BASELINE_KG), big(MAX_GAP), BigInteger.ZERO), "InvalidTerms");
        assertReverts(verifier, setPeriod(verifier, big(99), START_S, END_S, List.of(STACK_1)), "FacilityNotFound");
    }

    @Test
    void termsAreSetOnlyBeforeThePeriodStarts() throws Exception {
        BigInteger a = createFacility(owner);
        BigInteger b = createFacility(otherOwner);
        nextBlockAt(START_S - 1);
        ChainAssertions.sendOk(setPeriod(verifier, a, START_S, END_S, List.of(STACK_1)));
        at(START_S);
        ChainRevert revert = assertReverts(verifier, setPeriod(verifier, b, START_S, END_S, List.of(STACK_2)),
                "PeriodAlreadyStarted");
        assertThat(revert.arguments()).containsExactly(big(START_S), big(START_S));
    }

    @Test
    void aClaimThatBreaksContinuityInTimeOrTotalIsRefused() throws Exception {
        Ids ids = openExample(BASELINE_KG);
        submit(ids.facilityId(), ids.periodId(), "d1-a");
        ChainRevert time = assertReverts(oracle, submitCall(ids, "d1-b-time-broken"), "ContinuityBroken");
        long lastTime = START_S * 1000 + 55 * 60_000 + 1;
        assertThat(time.arguments()).containsExactly(CLAIM_IDS.get("d1-b-time-broken"), STACK_1, big(lastTime),
                big(5_006_000), big(lastTime + 1), big(5_006_000));
        ChainRevert total = assertReverts(oracle, submitCall(ids, "d1-b-total-broken"), "ContinuityBroken");
        assertThat(total.arguments()).containsExactly(CLAIM_IDS.get("d1-b-total-broken"), STACK_1, big(lastTime),
                big(5_006_000), big(lastTime), big(5_006_001));
        // the rule holds: the claim that continues exactly is counted
        submit(ids.facilityId(), ids.periodId(), "d1-b");
        assertThat(as(admin).deviceProgress(ids.facilityId(), ids.periodId(), STACK_1).send().claimCount).isEqualTo(big(2));
    }

    @Test
    void aClaimWithALargerMaxGapIsRefused() throws Exception {
        Ids ids = openExample(BASELINE_KG);
        ChainRevert revert = assertReverts(oracle, submitCall(ids, "d1-wide-maxgap"), "ClaimMaxGapTooLarge");
        assertThat(revert.arguments()).containsExactly(CLAIM_IDS.get("d1-wide-maxgap"), big(MAX_GAP + 1), big(MAX_GAP));
        submit(ids.facilityId(), ids.periodId(), "d1-a"); // the same readings with maxGap = the period's
    }

    @Test
    void aFirstClaimBeforeThePeriodIsRefused() throws Exception {
        Ids ids = openExample(BASELINE_KG);
        ChainRevert revert = assertReverts(oracle, submitCall(ids, "d1-before"), "ClaimBeforePeriod");
        assertThat(revert.arguments()).containsExactly(CLAIM_IDS.get("d1-before"), big(START_S * 1000 - 1),
                big(START_S * 1000));
    }

    @Test
    void aClaimEndingAfterEndPlusMaxGapOrStartingAtTheEndIsRefused() throws Exception {
        Ids ids = openExample(BASELINE_KG);
        submit(ids.facilityId(), ids.periodId(), "d1-a");
        ChainRevert beyond = assertReverts(oracle, submitCall(ids, "d1-beyond"), "ClaimBeyondPeriod");
        assertThat(beyond.arguments().get(2)).isEqualTo(big(END_S * 1000 + MAX_GAP + 1));
        submit(ids.facilityId(), ids.periodId(), "d1-b"); // ends exactly at end + maxGap: counted
        ChainRevert after = assertReverts(oracle, submitCall(ids, "d1-after-end"), "ClaimBeyondPeriod");
        assertThat(after.arguments().get(1)).isEqualTo(big(END_S * 1000 + MAX_GAP));
        // a first claim that starts exactly at the end, though it ends within end + maxGap
        ChainRevert atEnd = assertReverts(oracle, submitCall(ids, "d2-at-end"), "ClaimBeyondPeriod");
        assertThat(atEnd.arguments()).containsExactly(CLAIM_IDS.get("d2-at-end"), big(END_S * 1000),
                big(END_S * 1000 + 600_000), big(END_S * 1000), big(MAX_GAP));
    }

    @Test
    void aClaimIsCountedOnceOnlyForADeviceOfThePeriodAndOnlyByAnOracle() throws Exception {
        BigInteger a = createFacility(owner);
        ChainAssertions.sendOk(setPeriod(verifier, a, START_S, END_S, List.of(STACK_2)));
        Ids ids = new Ids(a, BigInteger.ONE, 0);
        ChainRevert notMember = assertReverts(oracle, submitCall(ids, "d1-a"), "DeviceNotInPeriod");
        assertThat(notMember.arguments()).containsExactly(STACK_1, a, BigInteger.ONE);
        assertReverts(oracle, as(oracle).submitClaim(a, BigInteger.ONE, new byte[32]), "ClaimNotAnchored");
        assertReverts(stranger, as(stranger).submitClaim(a, BigInteger.ONE, CLAIM_IDS.get("d2-a")),
                "AccessControlUnauthorizedAccount");
        assertReverts(oracle, as(oracle).submitClaim(a, big(2), CLAIM_IDS.get("d2-a")), "PeriodNotFound");
        submit(a, BigInteger.ONE, "d2-a");
        ChainRevert again = assertReverts(oracle, submitCall(ids, "d2-a"), "ClaimAlreadyUsed");
        assertThat(again.arguments().get(1)).isEqualTo(a.shiftLeft(128).or(BigInteger.ONE));
    }

    @Test
    void closingIsOnceAfterTheEndAndEndsSubmissions() throws Exception {
        Ids ids = openExample(BASELINE_KG);
        submit(ids.facilityId(), ids.periodId(), "d1-a");
        at(END_S - 1);
        ChainRevert early = assertReverts(oracle, as(oracle).closePeriod(ids.facilityId(), ids.periodId()),
                "PeriodNotEnded");
        assertThat(early.arguments()).containsExactly(ids.facilityId(), ids.periodId(), big(END_S), big(END_S - 1));
        assertReverts(stranger, as(stranger).closePeriod(ids.facilityId(), ids.periodId()), "NotOracleOrVerifier");
        nextBlockAt(END_S);
        TransactionReceipt close = ChainAssertions.sendOk(as(verifier).closePeriod(ids.facilityId(), ids.periodId()));
        assertThat(CarbonCredit.getPeriodClosedEvents(close).get(0).closedBy).isEqualToIgnoringCase(verifier.getAddress());
        assertReverts(oracle, as(oracle).closePeriod(ids.facilityId(), ids.periodId()), "PeriodAlreadyClosed");
        assertReverts(oracle, submitCall(ids, "d1-b"), "PeriodAlreadyClosed");
        // only d1-a counted: D1 ends at 55 min + 1 ms (end edge 64 min 59.999 s), D2 and D3 charged whole
        CarbonCredit.Period p = as(admin).period(ids.facilityId(), ids.periodId()).send();
        assertThat(p.chargedGapMs).isEqualTo(big(900_001 + (END_S * 1000 - (START_S * 1000 + 55 * 60_000 + 1)) + 2 * 7_200_000L));
    }

    @Test
    void aVoidedPeriodIsNeverMinted() throws Exception {
        Ids ids = closedExample(BASELINE_KG);
        assertReverts(stranger, as(stranger).voidPeriod(ids.facilityId(), ids.periodId(), "x"),
                "AccessControlUnauthorizedAccount");
        nextBlockAt(ids.closedAt() + WINDOW_S - 1);
        TransactionReceipt voided = ChainAssertions.sendOk(as(regulator).voidPeriod(ids.facilityId(), ids.periodId(),
                "meter calibration certificate expired"));
        assertThat(CarbonCredit.getPeriodVoidedEvents(voided).get(0).reason).isEqualTo("meter calibration certificate expired");
        assertReverts(regulator, as(regulator).voidPeriod(ids.facilityId(), ids.periodId(), "again"), "PeriodWasVoided");
        at(ids.closedAt() + WINDOW_S);
        assertReverts(stranger, as(stranger).mint(ids.facilityId(), ids.periodId()), "PeriodWasVoided");
        assertThat(as(admin).period(ids.facilityId(), ids.periodId()).send().voided).isTrue();
    }

    @Test
    void voidingOnlyInsideTheChallengeWindowAndOnlyAfterClose() throws Exception {
        Ids open = openExample(BASELINE_KG);
        assertReverts(regulator, as(regulator).voidPeriod(open.facilityId(), open.periodId(), "early"), "PeriodNotClosed");
        assertReverts(stranger, as(stranger).mint(open.facilityId(), open.periodId()), "PeriodNotClosed");
        Ids ids = close(open);
        at(ids.closedAt() + WINDOW_S);
        ChainRevert late = assertReverts(regulator, as(regulator).voidPeriod(ids.facilityId(), ids.periodId(), "late"),
                "ChallengeWindowClosed");
        assertThat(late.arguments().get(2)).isEqualTo(big(ids.closedAt() + WINDOW_S));
        ChainAssertions.sendOk(as(stranger).mint(ids.facilityId(), ids.periodId()));
    }

    @Test
    void retiringBurnsRecordsSerialsAndRefusesMoreThanHeld() throws Exception {
        Ids ids = closedExample(BASELINE_KG);
        nextBlockAt(ids.closedAt() + WINDOW_S);
        ChainAssertions.sendOk(as(oracle).mint(ids.facilityId(), ids.periodId()));
        BigInteger tokenId = ids.tokenId();
        ChainAssertions.sendOk(as(owner).safeTransferFrom(owner.getAddress(), holder.getAddress(), tokenId, big(10), new byte[0]));

        TransactionReceipt first = ChainAssertions.sendOk(as(holder).retire(tokenId, big(4), "Acme Logistics AG",
                "2030 scope 1 offset"));
        GAS.put("retire", first.getGasUsed().longValueExact());
        var retired = CarbonCredit.getRetiredEvents(first).get(0);
        assertThat(retired.index).isEqualTo(BigInteger.ZERO);
        assertThat(retired.serialFrom).isEqualTo(big(1));
        assertThat(retired.serialTo).isEqualTo(big(4));
        ChainAssertions.sendOk(as(owner).retire(tokenId, big(25), "Factory GmbH", "own reduction claim"));

        CarbonCredit.Retirement r0 = as(admin).retirement(BigInteger.ZERO).send();
        assertThat(r0.holder).isEqualToIgnoringCase(holder.getAddress());
        assertThat(r0.tokenId).isEqualTo(tokenId);
        assertThat(r0.amount).isEqualTo(big(4));
        assertThat(r0.beneficiary).isEqualTo("Acme Logistics AG");
        assertThat(r0.reason).isEqualTo("2030 scope 1 offset");
        assertThat(r0.timestamp).isEqualTo(ANVIL.web3j().ethGetBlockByNumber(
                DefaultBlockParameter.valueOf(first.getBlockNumber()), false).send().getBlock().getTimestamp());
        CarbonCredit.Retirement r1 = as(admin).retirement(BigInteger.ONE).send();
        assertThat(List.of(r1.serialFrom, r1.serialTo)).containsExactly(big(5), big(29));
        assertThat(as(admin).retirementCount().send()).isEqualTo(big(2));
        assertThat(as(admin).retiredUnits(tokenId).send()).isEqualTo(big(29));
        assertThat(as(admin).balanceOf(owner.getAddress(), tokenId).send()).isEqualTo(big(1));
        assertThat(as(admin).balanceOf(holder.getAddress(), tokenId).send()).isEqualTo(big(6));

        ChainRevert tooMuch = assertReverts(holder, as(holder).retire(tokenId, big(7), "b", "r"),
                "ERC1155InsufficientBalance");
        assertThat(tooMuch.arguments()).containsExactly(holder.getAddress().toLowerCase(), big(6), big(7), tokenId);
        assertReverts(holder, as(holder).retire(tokenId, BigInteger.ZERO, "b", "r"), "ZeroAmount");
        assertReverts(holder, as(holder).retirement(big(2)), "RetirementNotFound");
    }

    /**
     * Every fixture proof gets the same verdict from the on-chain emissions verifier and the Java
     * Groth16 verifier (zk-circuits, committed key): accepted as proven, refused with one public input
     * (firstTotal) changed.
     */
    @Test
    void everyFixtureGetsTheSameVerdictOnChainAndInJava() throws Exception {
        Groth16Verifier java = Groth16Verifier.fromJson(CircuitArtifacts.committedVerificationKey("emissions"));
        ObjectMapper json = new ObjectMapper();
        for (String name : FIXTURES) {
            Path file = ZkProofFile.repoFile("oracle/src/test/resources/claims/c3/" + name + ".json");
            ObjectNode proof = (ObjectNode) json.readTree(file.toFile());
            ZkProofFile claim = ZkProofFile.parse(proof);
            assertThat(emissionsVerifier.verifyClaim(claim.inputs(), claim.proof()).send()).as(name).isTrue();
            assertThat(java.verifyJson(json.writeValueAsString(proof))).as(name).isTrue();
            ArrayNode inputs = (ArrayNode) proof.path("inputs");
            inputs.set(3, Numeric.toHexStringWithPrefixZeroPadded(claim.inputs().get(3).add(BigInteger.ONE), 64));
            ZkProofFile tampered = ZkProofFile.parse(proof);
            assertThat(emissionsVerifier.verifyClaim(tampered.inputs(), tampered.proof()).send()).as(name).isFalse();
            assertThat(java.verifyJson(json.writeValueAsString(proof))).as(name).isFalse();
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A period's ids and (once closed) its closedAt in seconds. */
    private record Ids(BigInteger facilityId, BigInteger periodId, long closedAt) {
        BigInteger tokenId() {
            return facilityId.shiftLeft(128).or(periodId);
        }
    }

    /** The example's period (stack-1..3) of a new facility of {@code owner}, clock moved past its end. */
    private Ids openExample(long baselineKg) throws Exception {
        BigInteger facilityId = createFacility(owner);
        TransactionReceipt set = ChainAssertions.sendOk(as(verifier).setPeriod(facilityId, big(START_S), big(END_S),
                List.of(STACK_1, STACK_2, STACK_3), big(baselineKg), big(MAX_GAP), big(RATE_KG_PER_HOUR)));
        Ids ids = new Ids(facilityId, CarbonCredit.getPeriodSetEvents(set).get(0).periodId, 0);
        at(START_S + 1);
        return ids;
    }

    /** The example with its three claims, closed. */
    private Ids closedExample(long baselineKg) throws Exception {
        Ids ids = openExample(baselineKg);
        for (String name : List.of("d1-a", "d1-b", "d2-a")) {
            submit(ids.facilityId(), ids.periodId(), name);
        }
        return close(ids);
    }

    private Ids close(Ids ids) throws Exception {
        at(END_S + 3_600);
        ChainAssertions.sendOk(as(oracle).closePeriod(ids.facilityId(), ids.periodId()));
        CarbonCredit.Period p = as(admin).period(ids.facilityId(), ids.periodId()).send();
        return new Ids(ids.facilityId(), ids.periodId(), p.closedAt.longValueExact());
    }

    private static BigInteger createFacility(Credentials facilityOwner) throws Exception {
        TransactionReceipt receipt = ChainAssertions.sendOk(as(verifier).createFacility(facilityOwner.getAddress()));
        return CarbonCredit.getFacilityCreatedEvents(receipt).get(0).facilityId;
    }

    private static RemoteFunctionCall<TransactionReceipt> setPeriod(Credentials from, BigInteger facilityId, long start,
            long end, List<BigInteger> devices) {
        return as(from).setPeriod(facilityId, big(start), big(end), devices, big(BASELINE_KG), big(MAX_GAP),
                big(RATE_KG_PER_HOUR));
    }

    private static TransactionReceipt submit(BigInteger facilityId, BigInteger periodId, String fixture) {
        return ChainAssertions.sendOk(as(oracle).submitClaim(facilityId, periodId, CLAIM_IDS.get(fixture)));
    }

    private static RemoteFunctionCall<TransactionReceipt> submitCall(Ids ids, String fixture) {
        return as(oracle).submitClaim(ids.facilityId(), ids.periodId(), CLAIM_IDS.get(fixture));
    }

    private static List<String> claimIdsOf(BigInteger facilityId, BigInteger periodId, BigInteger device) throws Exception {
        List<String> ids = new ArrayList<>();
        for (Object id : as(admin).deviceClaims(facilityId, periodId, device).send()) {
            ids.add(Numeric.toHexString((byte[]) id));
        }
        return ids;
    }

    private static String hex(String fixture) {
        return Numeric.toHexString(CLAIM_IDS.get(fixture));
    }

    private static ChainRevert assertReverts(Credentials from, RemoteFunctionCall<?> call, String error) {
        return ChainAssertions.assertReverts(ANVIL, from, address, call, error);
    }

    private static CarbonCredit as(Credentials credentials) {
        return CarbonCredit.load(address, ANVIL.web3j(), txManager(credentials), ChainAssertions.GAS);
    }

    /**
     * A transaction manager that polls for the receipt every 50 ms: anvil's automine answers
     * eth_sendRawTransaction before the block exists now and then, and web3j's default processor
     * then sleeps 15 s before it asks again.
     */
    private static TransactionManager txManager(Credentials credentials) {
        return new RawTransactionManager(ANVIL.web3j(), credentials, ANVIL.chainId(),
                new PollingTransactionReceiptProcessor(ANVIL.web3j(), 50, 1_200));
    }

    /** Mines an empty block at {@code seconds}. */
    private static void at(long seconds) {
        ANVIL.setNextBlockTimestamp(seconds);
        ANVIL.mine();
    }

    /** The next transaction's block gets timestamp {@code seconds}. */
    private static void nextBlockAt(long seconds) {
        ANVIL.setNextBlockTimestamp(seconds);
    }

    private static BigInteger big(long value) {
        return BigInteger.valueOf(value);
    }

    static ZkProofFile fixture(String name) {
        return ZkProofFile.read(ZkProofFile.repoFile("oracle/src/test/resources/claims/c3/" + name + ".json"));
    }
}
