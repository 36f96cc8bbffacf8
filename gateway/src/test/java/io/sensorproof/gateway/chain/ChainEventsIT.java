package io.sensorproof.gateway.chain;

import static io.sensorproof.gateway.security.TenancyWorld.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.security.OperatorKey;
import io.sensorproof.gateway.security.TenancyTestSupport;
import io.sensorproof.oracle.contracts.CarbonCredit;
import io.restassured.path.json.JsonPath;
import io.sensorproof.oracle.contracts.AnchorRegistry;
import io.sensorproof.oracle.contracts.CollateralFinancing;
import io.sensorproof.oracle.contracts.CollateralFinancing.Run;
import io.sensorproof.oracle.contracts.CollateralFinancing.Terms;
import io.sensorproof.oracle.contracts.CollateralFinancing.Watch;
import io.sensorproof.oracle.contracts.EmissionsClaimVerifier;
import io.sensorproof.oracle.contracts.ExcursionClaimVerifier;
import io.sensorproof.oracle.contracts.RunClaimFixtureAccess;
import io.sensorproof.oracle.events.ContractEvents;
import io.sensorproof.oracle.events.FollowerSettings;
import io.sensorproof.oracle.events.LogFollower;
import io.sensorproof.oracle.events.Web3jLogSource;
import io.sensorproof.oracle.testing.AnvilExtension;
import io.sensorproof.oracle.testing.ChainAssertions;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * The chain-event store on a real anvil and the embedded PostgreSQL (ADR 026), read through the API. The
 * test acts on chain directly as bank, borrower and oracle: creates and accepts a facility, freezes it with
 * an anchored run claim (a committed fixture proof, so nothing is proven here) and unfreezes it as the bank;
 * the tenancy world's lot (bank2's), linked to the facility in SQL, then shows FROZEN with the freeze
 * transaction and ACTIVE with the bank's reason, its alert shows the freeze and gets FROZEN and UNFROZEN
 * events. Then the chain loses its last blocks ({@code evm_revert} to a snapshot taken before the
 * unfreeze): the lot shows FROZEN again and the unfreeze event is flagged removed. Last, a carbon period is
 * set, closed, minted and partly retired on chain, and the emissions facility's credits show it. The
 * follower is stepped by the test (no chain is configured for the in-process application).
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class ChainEventsIT extends TenancyTestSupport {
    private static final AnvilExtension ANVIL = new AnvilExtension();
    private static final BigInteger TEMPERATURE = BigInteger.ONE;
    private static final long CHALLENGE_WINDOW = 60;
    private static Credentials admin;
    private static Credentials oracle;
    private static Credentials bank;
    private static Credentials borrower;
    private static String registryAddress;
    private static String collateralAddress;
    private static String carbonAddress;
    private static byte[] claimA1;
    private static long deployedAt;

    @Inject
    DataSource dataSource;

    ChainEventsIT() {
        super("chev-");
    }

    @BeforeAll
    static void deployAndAnchor() throws Exception {
        ANVIL.start();
        admin = ANVIL.account(0);
        oracle = ANVIL.account(1);
        bank = ANVIL.account(2);
        borrower = ANVIL.account(4);
        TransactionManager tx = tx(admin);
        ExcursionClaimVerifier run = ExcursionClaimVerifier.deploy(ANVIL.web3j(), tx, ChainAssertions.GAS).send();
        EmissionsClaimVerifier em = EmissionsClaimVerifier.deploy(ANVIL.web3j(), tx, ChainAssertions.GAS).send();
        AnchorRegistry registry = AnchorRegistry.deploy(ANVIL.web3j(), tx, ChainAssertions.GAS, admin.getAddress(),
                run.getContractAddress(), em.getContractAddress()).send();
        registryAddress = registry.getContractAddress();
        ChainAssertions.sendOk(registry.grantRole(registry.ORACLE_ROLE().send(), oracle.getAddress()));
        CollateralFinancing cf = CollateralFinancing.deploy(ANVIL.web3j(), tx, ChainAssertions.GAS, admin.getAddress(),
                registryAddress).send();
        collateralAddress = cf.getContractAddress();
        ChainAssertions.sendOk(cf.grantRole(cf.ORACLE_ROLE().send(), oracle.getAddress()));
        ChainAssertions.sendOk(cf.grantRole(cf.BANK_ROLE().send(), bank.getAddress()));
        CarbonCredit cc = CarbonCredit.deploy(ANVIL.web3j(), tx, ChainAssertions.GAS, admin.getAddress(), registryAddress,
                "https://example.invalid/{id}", BigInteger.valueOf(CHALLENGE_WINDOW)).send();
        carbonAddress = cc.getContractAddress();
        ChainAssertions.sendOk(cc.grantRole(cc.VERIFIER_ROLE().send(), admin.getAddress()));
        deployedAt = ANVIL.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
        AnchorRegistry asOracle = AnchorRegistry.load(registryAddress, ANVIL.web3j(), tx(oracle), ChainAssertions.GAS);
        BigInteger device = RunClaimFixtureAccess.deviceA();
        ChainAssertions.sendOk(asOracle.registerDevice(device, Hash.sha3(device.toByteArray())));
        RunClaimFixtureAccess.Claim a1 = RunClaimFixtureAccess.load("a1");
        ChainAssertions.sendOk(asOracle.anchorRunClaim(a1.inputs(), a1.proof()));
        claimA1 = registry.claimId(registry.RUN_CLAIM().send(), a1.inputs()).send();
    }

    @AfterAll
    static void stopChain() {
        ANVIL.stop();
    }

    private static TransactionManager tx(Credentials who) {
        return new RawTransactionManager(ANVIL.web3j(), who, ANVIL.chainId(),
                new PollingTransactionReceiptProcessor(ANVIL.web3j(), 50, 200));
    }

    private static CollateralFinancing collateral(Credentials who) {
        return CollateralFinancing.load(collateralAddress, ANVIL.web3j(), tx(who), ChainAssertions.GAS);
    }

    private LogFollower follower() {
        ContractEvents decoder = new ContractEvents(Map.of(ContractEvents.COLLATERAL, collateralAddress,
                ContractEvents.CARBON, carbonAddress, ContractEvents.REGISTRY, registryAddress));
        return new LogFollower(new Web3jLogSource(ANVIL.web3j()), decoder, new FollowerSettings(1, 3, deployedAt, 64));
    }

    /** Steps until idle, as the worker's tick does. */
    private static void catchUp(PgChainEvents store, LogFollower follower) {
        for (int i = 0; i < 200; i++) {
            if (!store.step(follower).progressed()) {
                return;
            }
        }
        throw new AssertionError("the follower never became idle");
    }

    @Test
    void theLotFollowsFreezeUnfreezeAndLostBlocksOnChain() throws Exception {
        PgChainEvents store = new PgChainEvents(dataSource);
        LogFollower follower = follower();
        BigInteger device = RunClaimFixtureAccess.deviceA();
        Watch watch = new Watch(TEMPERATURE, BigInteger.valueOf(RunClaimFixtureAccess.LO), BigInteger.valueOf(RunClaimFixtureAccess.HI),
                BigInteger.ONE, BigInteger.valueOf(RunClaimFixtureAccess.MAX_GAP), BigInteger.valueOf(60_000),
                BigInteger.valueOf(3_600_000), BigInteger.ONE);
        TransactionReceipt created = ChainAssertions.sendOk(collateral(bank).createFacility(borrower.getAddress(),
                new Terms(BigInteger.valueOf(1_000_000), List.of(device), List.of(watch))));
        BigInteger facility = CollateralFinancing.getFacilityCreatedEvents(created).get(0).id;
        ChainAssertions.sendOk(collateral(borrower).acceptFacility(facility));
        long lot = world.victimLotId; // financed by bank2, with an open alert (world.victimAlertId)
        long alert = world.victimAlertId;
        link(lot, facility);

        catchUp(store, follower);
        JsonPath view = as(world.bank2Key).get("/api/v1/lots/" + lot).then().statusCode(200).extract().jsonPath();
        assertThat(view.getString("chain.state")).isEqualTo("ACTIVE");
        assertThat(view.getString("chain.lastChange.event")).isEqualTo("FacilityAccepted");

        ANVIL.setNextBlockTimestamp(Math.floorDiv(RunClaimFixtureAccess.load("a1").lastTime(), 1000L) + 10);
        TransactionReceipt frozen = ChainAssertions.sendOk(collateral(oracle).freeze(facility, TEMPERATURE,
                List.of(new Run(List.of(claimA1)))));
        catchUp(store, follower);
        view = as(world.bank2Key).get("/api/v1/lots/" + lot).then().statusCode(200).extract().jsonPath();
        assertThat(view.getString("chain.state")).isEqualTo("FROZEN");
        assertThat(view.getString("chain.freeze.transactionHash")).isEqualTo(frozen.getTransactionHash());
        assertThat(view.getLong("chain.freeze.blockNumber")).isEqualTo(frozen.getBlockNumber().longValueExact());
        assertThat(view.getList("chain.freeze.claimIds")).containsExactly(org.web3j.utils.Numeric.toHexString(claimA1));
        as(world.victimFactoryKey).get("/api/v1/collateral-alerts/" + alert).then().statusCode(200)
                .body("chain.state", equalTo("FROZEN")).body("chain.freeze.transactionHash", equalTo(frozen.getTransactionHash()));
        assertThat(alertEventTypes(alert)).containsExactly("OPENED", "FROZEN");

        String beforeUnfreeze = ANVIL.snapshot();
        TransactionReceipt unfrozen = ChainAssertions.sendOk(collateral(bank).unfreeze(facility, "goods inspected: no damage"));
        catchUp(store, follower);
        view = as(world.bank2Key).get("/api/v1/lots/" + lot).then().statusCode(200).extract().jsonPath();
        assertThat(view.getString("chain.state")).isEqualTo("ACTIVE");
        assertThat(view.getString("chain.lastUnfreeze.reason")).isEqualTo("goods inspected: no damage");
        assertThat(view.getString("chain.lastUnfreeze.transactionHash")).isEqualTo(unfrozen.getTransactionHash());
        assertThat(view.getString("chain.lastChange.event")).isEqualTo("Unfrozen");
        assertThat(alertEventTypes(alert)).containsExactly("OPENED", "FROZEN", "UNFROZEN");
        assertThat(lastAlertSnapshot(alert).at("/chain/state").asText()).isEqualTo("ACTIVE");
        JsonPath events = as(world.bank2Key).get("/api/v1/lots/" + lot + "/chain-events").then().statusCode(200)
                .extract().jsonPath();
        assertThat(events.getList("items.event")).containsExactly("FacilityCreated", "FacilityAccepted", "Frozen", "Unfrozen");
        assertThat(events.getString("items[3].args.reason")).isEqualTo("goods inspected: no damage");
        as(world.bankKey).get("/api/v1/lots/" + lot + "/chain-events").then().statusCode(404).body("code", equalTo("LOT_NOT_FOUND"));

        // the chain loses the unfreeze's block: the gateway must not keep showing a state that no longer exists
        ANVIL.revertTo(beforeUnfreeze);
        ANVIL.mine();
        ANVIL.mine();
        catchUp(store, follower);
        view = as(world.bank2Key).get("/api/v1/lots/" + lot).then().statusCode(200).extract().jsonPath();
        assertThat(view.getString("chain.state")).isEqualTo("FROZEN");
        assertThat(view.getString("chain.lastUnfreeze")).isNull();
        assertThat(alertEventTypes(alert)).containsExactly("OPENED", "FROZEN", "UNFROZEN", "FROZEN");
        events = as(world.bank2Key).get("/api/v1/lots/" + lot + "/chain-events").then().statusCode(200).extract().jsonPath();
        assertThat(events.getList("items.event")).containsExactly("FacilityCreated", "FacilityAccepted", "Frozen", "Unfrozen");
        assertThat(events.getList("items.removed", Boolean.class)).containsExactly(false, false, false, true);

        // credits: a period set, closed and minted on chain, part of it retired by the owner
        CarbonCredit verifier = carbon(admin);
        TransactionReceipt carbonCreated = ChainAssertions.sendOk(verifier.createFacility(borrower.getAddress()));
        BigInteger carbonFacility = CarbonCredit.getFacilityCreatedEvents(carbonCreated).get(0).facilityId;
        long start = ANVIL.latestTimestamp() + 100;
        ChainAssertions.sendOk(verifier.setPeriod(carbonFacility, BigInteger.valueOf(start), BigInteger.valueOf(start + 100),
                List.of(device), BigInteger.valueOf(100), BigInteger.valueOf(60_000), BigInteger.ONE));
        ANVIL.setNextBlockTimestamp(start + 101);
        ChainAssertions.sendOk(verifier.closePeriod(carbonFacility, BigInteger.ONE));
        ANVIL.setNextBlockTimestamp(start + 102 + CHALLENGE_WINDOW);
        TransactionReceipt minted = ChainAssertions.sendOk(verifier.mint(carbonFacility, BigInteger.ONE));
        BigInteger token = carbonFacility.shiftLeft(128).or(BigInteger.ONE);
        ChainAssertions.sendOk(carbon(borrower).retire(token, BigInteger.TEN, "a buyer", "offset 2030"));
        linkEmissions(world.victimFacilityId, carbonFacility);
        catchUp(store, follower);
        JsonPath credits = as(world.victimFactoryKey).get("/api/v1/emission-facilities/" + world.victimFacilityId + "/credits")
                .then().statusCode(200).extract().jsonPath();
        // 100 kg baseline, 100 s charged at 1 kg/h = 28 g substitute: 99 whole units (1 kg each)
        assertThat(credits.getString("periods[0].state")).isEqualTo("MINTED");
        assertThat(credits.getString("periods[0].minted")).isEqualTo("99");
        assertThat(credits.getString("periods[0].held")).isEqualTo("89");
        assertThat(credits.getString("periods[0].retired")).isEqualTo("10");
        assertThat(credits.getString("periods[0].detail.minted.at.transactionHash")).isEqualTo(minted.getTransactionHash());
        assertThat(credits.getString("periods[0].detail.retirements[0].beneficiary")).isEqualTo("a buyer");
        as(world.exchangeKey).get("/api/v1/emission-facilities/" + world.victimFacilityId + "/credits").then().statusCode(404)
                .body("code", equalTo("EMISSION_FACILITY_NOT_FOUND"));
        OperatorKey.authorized().get("/api/v1/emission-facilities/" + world.victimFacilityId).then().statusCode(200)
                .body("chainPeriods[0].state", equalTo("MINTED"));
    }

    @Test
    void aSecondReplicaSkipsItsStepWhileTheCursorIsLocked() throws Exception {
        PgChainEvents replica = new PgChainEvents(dataSource);
        try (Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement ps = holder.prepareStatement("SELECT 1 FROM chain_cursor WHERE follower = ? FOR UPDATE")) {
                ps.setString(1, PgChainEvents.FOLLOWER);
                ps.executeQuery().close();
            }
            ANVIL.mine();
            PgChainEvents.Applied applied = replica.step(follower());
            assertThat(applied.locked()).isFalse();
            assertThat(applied.step()).isEqualTo("SKIPPED");
            holder.rollback();
        }
        assertThat(replica.step(follower()).locked()).isTrue();
    }

    private static CarbonCredit carbon(Credentials who) {
        return CarbonCredit.load(carbonAddress, ANVIL.web3j(), tx(who), ChainAssertions.GAS);
    }

    private void link(long lot, BigInteger facility) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE lots SET chain_facility_id = ? WHERE id = ?")) {
            ps.setBigDecimal(1, new java.math.BigDecimal(facility));
            ps.setLong(2, lot);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private void linkEmissions(long facility, BigInteger chainFacility) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE emission_facilities SET chain_facility_id = ? WHERE id = ?")) {
            ps.setBigDecimal(1, new java.math.BigDecimal(chainFacility));
            ps.setLong(2, facility);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }



    private List<String> alertEventTypes(long alert) throws SQLException {
        List<String> types = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT type FROM alert_events WHERE alert_id = ? ORDER BY id")) {
            ps.setLong(1, alert);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    types.add(rs.getString(1));
                }
            }
        }
        return types;
    }

    private JsonNode lastAlertSnapshot(long alert) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT alert::text FROM alert_events WHERE alert_id = ? ORDER BY id DESC LIMIT 1")) {
            ps.setLong(1, alert);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new ObjectMapper().readTree(rs.getString(1));
            }
        }
    }

}
