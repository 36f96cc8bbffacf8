package io.sensorproof.gateway.chain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
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
 * The chain-event store on a real anvil and the embedded PostgreSQL (ADR 026). The test acts on chain
 * directly as bank, borrower and oracle: creates and accepts a facility, freezes it with an anchored run
 * claim (a committed fixture proof, so nothing is proven here) and unfreezes it as the bank; the lot
 * linked to the facility (set in SQL) then shows FROZEN with the freeze transaction, and ACTIVE with the
 * bank's reason, and its alert gets FROZEN and UNFROZEN events. Then the chain loses its last blocks
 * ({@code evm_revert} to a snapshot taken before the unfreeze): the projection follows the chain back to
 * FROZEN and the unfreeze event is flagged removed.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class ChainEventsIT {
    private static final AnvilExtension ANVIL = new AnvilExtension();
    private static final BigInteger TEMPERATURE = BigInteger.ONE;
    private static final String CARBON_PLACEHOLDER = "0x00000000000000000000000000000000000c0ffe";
    private static Credentials admin;
    private static Credentials oracle;
    private static Credentials bank;
    private static Credentials borrower;
    private static String registryAddress;
    private static String collateralAddress;
    private static byte[] claimA1;
    private static long deployedAt;

    @Inject
    DataSource dataSource;

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

    private static CollateralFinancing as(Credentials who) {
        return CollateralFinancing.load(collateralAddress, ANVIL.web3j(), tx(who), ChainAssertions.GAS);
    }

    private LogFollower follower() {
        ContractEvents decoder = new ContractEvents(Map.of(ContractEvents.COLLATERAL, collateralAddress,
                ContractEvents.CARBON, CARBON_PLACEHOLDER, ContractEvents.REGISTRY, registryAddress));
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
        TransactionReceipt created = ChainAssertions.sendOk(as(bank).createFacility(borrower.getAddress(),
                new Terms(BigInteger.valueOf(1_000_000), List.of(device), List.of(watch))));
        BigInteger facility = CollateralFinancing.getFacilityCreatedEvents(created).get(0).id;
        ChainAssertions.sendOk(as(borrower).acceptFacility(facility));
        long alert = lotWithAlert(facility);

        catchUp(store, follower);
        assertThat(lotChain(facility).get("state").asText()).isEqualTo("ACTIVE");

        ANVIL.setNextBlockTimestamp(Math.floorDiv(RunClaimFixtureAccess.load("a1").lastTime(), 1000L) + 10);
        TransactionReceipt frozen = ChainAssertions.sendOk(as(oracle).freeze(facility, TEMPERATURE,
                List.of(new Run(List.of(claimA1)))));
        catchUp(store, follower);
        JsonNode chain = lotChain(facility);
        assertThat(chain.get("state").asText()).isEqualTo("FROZEN");
        assertThat(chain.at("/freeze/transactionHash").asText()).isEqualTo(frozen.getTransactionHash());
        assertThat(chain.at("/freeze/claimIds/0").asText()).isEqualTo(org.web3j.utils.Numeric.toHexString(claimA1));
        assertThat(alertEventTypes(alert)).containsExactly("FROZEN");

        String beforeUnfreeze = ANVIL.snapshot();
        TransactionReceipt unfrozen = ChainAssertions.sendOk(as(bank).unfreeze(facility, "goods inspected: no damage"));
        catchUp(store, follower);
        chain = lotChain(facility);
        assertThat(chain.get("state").asText()).isEqualTo("ACTIVE");
        assertThat(chain.at("/lastUnfreeze/reason").asText()).isEqualTo("goods inspected: no damage");
        assertThat(chain.at("/lastUnfreeze/transactionHash").asText()).isEqualTo(unfrozen.getTransactionHash());
        assertThat(chain.at("/lastChange/event").asText()).isEqualTo("Unfrozen");
        assertThat(alertEventTypes(alert)).containsExactly("FROZEN", "UNFROZEN");
        assertThat(lastAlertSnapshot(alert).at("/chain/state").asText()).isEqualTo("ACTIVE");

        // the chain loses the unfreeze's block: the gateway must not keep showing a state that no longer exists
        ANVIL.revertTo(beforeUnfreeze);
        ANVIL.mine();
        ANVIL.mine();
        catchUp(store, follower);
        chain = lotChain(facility);
        assertThat(chain.get("state").asText()).isEqualTo("FROZEN");
        assertThat(chain.get("lastUnfreeze").isNull()).isTrue();
        assertThat(alertEventTypes(alert)).containsExactly("FROZEN", "UNFROZEN", "FROZEN");
        assertThat(removedEvents(facility)).containsExactly("Unfrozen");
    }

    /** A factory, a bank, a device, a lot linked to {@code facility} and an open alert on it (in SQL); the alert id. */
    private long lotWithAlert(BigInteger facility) throws SQLException {
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = dataSource.getConnection()) {
            exec(c, "INSERT INTO tenants (id, name, kind) VALUES (?, 'factory', 'factory')", "f-" + run);
            exec(c, "INSERT INTO tenants (id, name, kind) VALUES (?, 'bank', 'bank')", "b-" + run);
            exec(c, "INSERT INTO sites (tenant_id, site_id, name) VALUES (?, 'site', 'site')", "f-" + run);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO devices (device_id, tenant_id, kid, spki, alg)"
                    + " VALUES (?, ?, ?, ?, 'ES256')")) {
                ps.setString(1, "d-" + run);
                ps.setString(2, "f-" + run);
                ps.setBytes(3, ("kid-" + run).getBytes());
                ps.setBytes(4, new byte[] {1});
                ps.executeUpdate();
            }
            long lot;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO lots (factory_tenant_id, site_id, bank_tenant_id, name,"
                    + " chain_facility_id) VALUES (?, 'site', ?, 'lot', ?) RETURNING id")) {
                ps.setString(1, "f-" + run);
                ps.setString(2, "b-" + run);
                ps.setBigDecimal(3, new java.math.BigDecimal(facility));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    lot = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO lot_devices (lot_id, device_id) VALUES (?, ?)")) {
                ps.setLong(1, lot);
                ps.setString(2, "d-" + run);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO collateral_alerts (lot_id, device_id, quantity, rule, state,"
                    + " opened_at, opened_by, updated_at) VALUES (?, ?, 't', 'TEMPERATURE_RANGE', 'OPEN', now(), 'test', now()) RETURNING id")) {
                ps.setLong(1, lot);
                ps.setString(2, "d-" + run);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }
    }

    private static void exec(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            ps.executeUpdate();
        }
    }

    /** The lot's chain view as the lot API selects it (PgLots.SELECT's chain column). */
    private JsonNode lotChain(BigInteger facility) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT (SELECT cf.view::text FROM chain_collateral_facilities cf"
                     + " WHERE cf.facility_id = l.chain_facility_id) FROM lots l WHERE l.chain_facility_id = ?")) {
            ps.setBigDecimal(1, new java.math.BigDecimal(facility));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).as("the lot's chain view").isNotNull();
                return new ObjectMapper().readTree(rs.getString(1));
            }
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

    private List<String> removedEvents(BigInteger facility) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT event FROM chain_events WHERE removed AND subjects @> ARRAY[?]::text[]"
                     + " ORDER BY id")) {
            ps.setString(1, "collateral:" + facility);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }
}
