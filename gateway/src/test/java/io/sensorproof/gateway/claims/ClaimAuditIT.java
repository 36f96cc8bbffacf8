package io.sensorproof.gateway.claims;

import static io.sensorproof.gateway.security.TenancyWorld.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.security.OperatorKey;
import io.sensorproof.gateway.security.TenancyTestSupport;
import io.sensorproof.oracle.audit.Web3jAnchoredBatches;
import io.sensorproof.oracle.bundle.ClaimIds;
import io.sensorproof.oracle.chain.ChainDeployer;
import io.sensorproof.oracle.chain.Deployment;
import io.sensorproof.oracle.chain.DeploymentPlan;
import io.sensorproof.oracle.cli.AuditBatchCommand;
import io.sensorproof.oracle.cli.AuditClaimCommand;
import io.sensorproof.oracle.contracts.AnchorRegistry;
import io.sensorproof.oracle.contracts.EmissionsClaimFixtureAccess;
import io.sensorproof.oracle.contracts.RunClaimFixtureAccess;
import io.sensorproof.oracle.testing.AnvilExtension;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import io.sensorproof.zk.claims.CommittedReading;
import io.sensorproof.zk.claims.EmissionsClaimWitness;
import io.sensorproof.zk.claims.RunClaimWitness;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * The regulator's audit of anchored claims end to end (issue 15, ADR 027 "Claims") on the real PostgreSQL and a
 * real anvil: three run claims of the committed c2 fixtures (real proofs, so the chain's verifier accepts them) are
 * anchored with {@code AnchorRegistry.anchorRunClaim}; their readings are stored as the signed messages of fixture
 * device A (the fixtures' leaves: boot 1, seq 100…114, record 0, temperature, one a minute) and the claims as the
 * freeze path records them ({@code run_claims}, ANCHORED). Then the endpoint ({@code GET /api/v1/claims/{id}/audit})
 * and the offline {@code audit-claim} on the exported bundle ({@code /audit-bundle}) against the same chain must
 * agree: a1 clean; a2 with a stored reading altered after anchoring, named by its key; a3 with a stored reading of
 * its window left out of the tree (stored before the settlement: MISSING_FROM_CLAIM, named) and one stored after
 * the settlement (LATE_READING, not missing). Also the listing, the roles and the error codes. And an emissions claim
 * (ADR 035's change): the committed c3 fixture d2-a (a real proof) anchored with {@code anchorEmissionsClaim}, its
 * register readings stored as signed messages of stack-2 and the claim as the carbon path records it: clean, then a
 * reading altered after anchoring named, then a reading left out named MISSING_FROM_CLAIM, the CLI agreeing each time.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class ClaimAuditIT extends TenancyTestSupport {
    private static final AnvilExtension ANVIL = new AnvilExtension();
    private static final String DEVICE = Identifiers.deviceIdOfField(RunClaimFixtureAccess.deviceA());
    private static final long MINUTE = 60_000;
    /** The fixtures' values: 12 °C and, every fourth reading, 1.5 °C (both outside 2–8 °C). */
    private static final double WARM = 12.0;
    private static final double COLD = 1.5;
    /** When the fixtures' readings were stored, and the settlement's arrival time. */
    private static final Instant STORED = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
    /** The emissions fixture anchored and audited: register device stack-2, 11 readings (oracle claims/c3). */
    private static final String EMISSIONS = "d2-a";
    private static final String STACK = "stack-2";
    private static final Map<String, String> CLAIM_IDS = new HashMap<>();
    private static final Map<String, String> ANCHOR_TX = new HashMap<>();
    private static Deployment deployment;
    private static boolean stored;
    private static javax.sql.DataSource dataSource;

    @Inject
    ClaimAudits audits;
    @Inject
    MeterRegistry meters;

    @TempDir
    Path dir;

    ClaimAuditIT() {
        super("ca-");
    }

    @BeforeAll
    static void anchorTheFixtureClaims() throws Exception {
        ANVIL.start();
        DeploymentPlan plan = new DeploymentPlan(ANVIL.chainId(), List.of(oracle().getAddress()), List.of(), List.of(),
                List.of(), 3600, "");
        deployment = new ChainDeployer(ANVIL.web3j(), ANVIL.account(0), line -> { }).deploy(plan);
        AnchorRegistry registry = AnchorRegistry.load(registry(), ANVIL.web3j(), oracle(), new DefaultGasProvider());
        BigInteger device = RunClaimFixtureAccess.deviceA();
        assertThat(registry.registerDevice(device, MessageDigest.getInstance("SHA-256").digest(device.toByteArray())).send()
                .isStatusOK()).isTrue();
        for (String name : List.of("a1", "a2", "a3")) {
            RunClaimFixtureAccess.Claim claim = RunClaimFixtureAccess.load(name);
            TransactionReceipt receipt = registry.anchorRunClaim(claim.inputs(), claim.proof()).send();
            assertThat(receipt.isStatusOK()).as(name).isTrue();
            CLAIM_IDS.put(name, ClaimIds.of(RunClaimWitness.CIRCUIT, claim.inputs()));
            ANCHOR_TX.put(name, receipt.getTransactionHash());
        }
        // an emissions claim of the committed c3 fixtures (a real proof: proving one would cost 12-40 s)
        EmissionsClaimFixtureAccess.Claim emissions = EmissionsClaimFixtureAccess.load(EMISSIONS);
        BigInteger stack = Identifiers.deviceField(STACK);
        assertThat(registry.registerDevice(stack, MessageDigest.getInstance("SHA-256").digest(stack.toByteArray())).send()
                .isStatusOK()).isTrue();
        TransactionReceipt anchored = registry.anchorEmissionsClaim(emissions.inputs(), emissions.proof()).send();
        assertThat(anchored.isStatusOK()).as(EMISSIONS).isTrue();
        CLAIM_IDS.put(EMISSIONS, ClaimIds.of(EmissionsClaimWitness.CIRCUIT, emissions.inputs()));
        ANCHOR_TX.put(EMISSIONS, anchored.getTransactionHash());
    }

    @AfterAll
    static void removeTheClaimsAndStopTheChain() throws SQLException {
        ANVIL.stop();
        // other test classes in this JVM sweep run_claims rows without a job (the freeze path's crash recovery):
        // leave none of ours behind (the readings and messages stay, as a claim's kept messages would)
        if (dataSource != null) {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement("DELETE FROM run_claims WHERE device_id = ?");
                    PreparedStatement es = c.prepareStatement("DELETE FROM emissions_claims WHERE device_id = ?")) {
                ps.setString(1, DEVICE);
                ps.executeUpdate();
                es.setString(1, STACK);
                es.executeUpdate();
            }
        }
    }

    @BeforeEach
    void storeTheClaimsAndPointTheAuditsAtTheChain() throws Exception {
        audits.useChain(new Web3jAnchoredBatches(ANVIL.web3j(), registry()));
        dataSource = db;
        synchronized (ClaimAuditIT.class) {
            if (stored) {
                return;
            }
            SigningKey key = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
            exec("INSERT INTO devices (tenant_id, device_id, kid, spki, alg, status) VALUES (?, ?, ?, ?, ?, 'ACTIVE')",
                    world.victim, DEVICE, key.verificationKey().kid(), key.verificationKey().spki(), key.algorithm().label());
            int position = 0;
            for (String name : List.of("a1", "a2", "a3")) {
                RunClaimFixtureAccess.Claim claim = RunClaimFixtureAccess.load(name);
                long first = claim.inputs().get(5).longValueExact();
                long firstSeq = firstSeq(name);
                StringBuilder keys = new StringBuilder("[");
                for (int k = 0; k < claim.inputs().get(7).intValueExact(); k++) {
                    storeReading(key, firstSeq + k, first + k * MINUTE, k % 4 == 3 ? COLD : WARM, STORED);
                    keys.append(k == 0 ? "" : ", ").append("[1, ").append(firstSeq + k).append(", 0]");
                }
                keys.append(']');
                StringBuilder inputs = new StringBuilder("[");
                claim.inputs().forEach(i -> inputs.append(inputs.length() == 1 ? "" : ", ").append('"').append(i).append('"'));
                inputs.append(']');
                exec("INSERT INTO run_claims (claim_id, lot_id, device_id, quantity, run_first_time, position, reading_keys,"
                        + " public_inputs, arguments, settled_by, latest_arrival, state, anchor_tx_hash, anchor_block, anchored_at)"
                        + " VALUES (?, ?, ?, 'temperature', ?, ?, ?::jsonb, ?::jsonb, '{}'::jsonb, 'SEQUENCE', ?, 'ANCHORED', ?, 1,"
                        + " now())", CLAIM_IDS.get(name), world.victimLotId, DEVICE, Timestamp.from(Instant.ofEpochMilli(
                                RunClaimFixtureAccess.load("a1").inputs().get(5).longValueExact())), position++, keys.toString(),
                        inputs.toString(), Timestamp.from(STORED), ANCHOR_TX.get(name).toLowerCase(Locale.ROOT));
            }
            storeTheEmissionsClaim();
            stored = true;
        }
    }

    @AfterEach
    void backToTheConfiguredChain() {
        audits.useChain(null);
    }

    private static Credentials oracle() {
        return ANVIL.account(3);
    }

    private static String registry() {
        return deployment.address("AnchorRegistry").toLowerCase(Locale.ROOT);
    }

    /** The fixtures' first seq (CollateralClaimFixtureGenerator): a1 100, a2 105, a3 110. */
    private static long firstSeq(String name) {
        return switch (name) {
            case "a1" -> 100;
            case "a2" -> 105;
            case "a3" -> 110;
            default -> throw new IllegalArgumentException(name);
        };
    }

    @Test
    void aCleanClaimHasNoFindingTheEndpointAndTheCliAgreeAndOnlyPlatformReadersSeeIt() throws Exception {
        String claim = CLAIM_IDS.get("a1");
        double cleanBefore = meters.counter("sensorproof.audits.claims", "outcome", "clean").count();
        JsonPath report = audit(world.regulatorKey, claim);
        assertThat(report.getBoolean("clean")).as(report.prettify()).isTrue();
        assertThat(report.getString("circuit")).isEqualTo("excursion");
        assertThat(report.getInt("readingsChecked")).isEqualTo(5);
        assertThat(report.getLong("chain.chainId")).isEqualTo(ANVIL.chainId());
        assertThat(report.getString("chain.registry")).isEqualTo(registry());
        assertThat(meters.counter("sensorproof.audits.claims", "outcome", "clean").count()).isEqualTo(cleanBefore + 1);
        assertThat(audit(OperatorKey.bootstrap(), claim).getBoolean("clean")).isTrue();

        Cli cli = cli(claim);
        assertThat(cli.status()).as(cli.out()).isEqualTo(AuditBatchCommand.CLEAN);
        assertThat(cli.out()).contains("run claim " + claim + ": 5 readings of device " + DEVICE)
                .contains("compared with registry " + registry()).contains("CLEAN");

        JsonPath listed = as(world.regulatorKey).get("/api/v1/claims?device=" + DEVICE).then().statusCode(200).extract()
                .jsonPath();
        assertThat(listed.getList("items.claimId", String.class)).contains(CLAIM_IDS.get("a1"), CLAIM_IDS.get("a2"),
                CLAIM_IDS.get("a3"));
        assertThat(listed.getList("items.findAll { it.claimId == '" + claim + "' }.anchored", Boolean.class)).containsExactly(true);
        assertThat(listed.getList("items.findAll { it.claimId == '" + claim + "' }.count", Long.class)).containsExactly(5L);
        assertThat(as(world.regulatorKey).get("/api/v1/claims?lot=" + world.victimLotId).then().statusCode(200).extract()
                .jsonPath().getList("items.claimId", String.class)).contains(claim);
        assertThat(as(world.regulatorKey).get("/api/v1/claims?facility=" + world.victimFacilityId).then().statusCode(200)
                .extract().jsonPath().getList("items.claimId", String.class)).doesNotContain(claim);

        for (String key : List.of(world.victimFactoryKey, world.bankKey, world.exchangeKey)) {
            as(key).get("/api/v1/claims/" + claim + "/audit").then().statusCode(403);
            as(key).get("/api/v1/claims/" + claim + "/audit-bundle").then().statusCode(403);
            as(key).get("/api/v1/claims?device=" + DEVICE).then().statusCode(403);
        }
        as(world.regulatorKey).get("/api/v1/claims/0x" + "ab".repeat(32) + "/audit").then().statusCode(404)
                .body("code", equalTo(ClaimAudits.CLAIM_NOT_FOUND));
        as(world.regulatorKey).get("/api/v1/claims/0x12/audit-bundle").then().statusCode(400);
        as(world.regulatorKey).get("/api/v1/claims?lot=x").then().statusCode(400);
        String planned = "0x" + "c1a1".repeat(16);
        exec("INSERT INTO run_claims (claim_id, lot_id, device_id, quantity, run_first_time, position, reading_keys,"
                + " public_inputs, arguments, settled_by, latest_arrival) VALUES (?, ?, ?, 'temperature', now(), 0, '[]'::jsonb,"
                + " '[]'::jsonb, '{}'::jsonb, 'WAIT', now()) ON CONFLICT DO NOTHING", planned, world.victimLotId, DEVICE);
        as(world.regulatorKey).get("/api/v1/claims/" + planned + "/audit").then().statusCode(409)
                .body("code", equalTo(ClaimAudits.CLAIM_NOT_ANCHORED));
        exec("DELETE FROM run_claims WHERE claim_id = ?", planned);
    }

    @Test
    void aStoredReadingAlteredAfterAnchoringIsReportedByItsKeyByBoth() throws Exception {
        String claim = CLAIM_IDS.get("a2");
        exec("UPDATE readings SET value = value + 1 WHERE device_id = ? AND boot = 1 AND seq = 107 AND record_index = 0", DEVICE);
        String key = DEVICE + "/1/107/0";
        JsonPath report = audit(world.regulatorKey, claim);
        assertThat(report.getBoolean("clean")).isFalse();
        assertThat(report.getList("findings.kind", String.class)).as(report.prettify()).containsExactly("ALTERED_AFTER_ANCHOR");
        assertThat(report.getString("findings[0].readingKey")).isEqualTo(key);

        Cli cli = cli(claim);
        assertThat(cli.status()).as(cli.out()).isEqualTo(AuditBatchCommand.FINDINGS);
        assertThat(cli.out()).contains("FINDINGS: 1").contains("reading " + key + " ALTERED_AFTER_ANCHOR");
    }

    @Test
    void aStoredReadingLeftOutOfTheTreeIsMissingAndOneStoredAfterTheSettlementIsLateByBoth() throws Exception {
        String claim = CLAIM_IDS.get("a3");
        long first = RunClaimFixtureAccess.load("a3").inputs().get(5).longValueExact();
        SigningKey key = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        // inside the window, stored before the window was settled: the claim left it out
        storeReading(key, 900, first + 30_000, WARM, STORED.minusSeconds(10));
        // inside the window, stored after the settlement (a late backlog): reported as late, not as missing
        storeReading(key, 901, first + 90_000, WARM, STORED.plusSeconds(10));
        String missing = DEVICE + "/1/900/0";
        String late = DEVICE + "/1/901/0";
        JsonPath report = audit(world.regulatorKey, claim);
        assertThat(report.getList("findings.kind", String.class)).as(report.prettify())
                .containsExactly("MISSING_FROM_CLAIM", "LATE_READING");
        assertThat(report.getList("findings.readingKey", String.class)).containsExactly(missing, late);

        Cli cli = cli(claim);
        assertThat(cli.status()).as(cli.out()).isEqualTo(AuditBatchCommand.FINDINGS);
        assertThat(cli.out()).contains("FINDINGS: 2").contains("reading " + missing + " MISSING_FROM_CLAIM")
                .contains("reading " + late + " LATE_READING");
    }

    @Test
    void anAnchoredEmissionsClaimIsCleanThenAReadingAlteredAndAReadingLeftOutAreNamedByTheEndpointAndTheCli() throws Exception {
        String claim = CLAIM_IDS.get(EMISSIONS);
        JsonPath report = audit(world.regulatorKey, claim);
        assertThat(report.getBoolean("clean")).as(report.prettify()).isTrue();
        assertThat(report.getString("circuit")).isEqualTo("emissions");
        assertThat(report.getInt("readingsChecked")).isEqualTo(11);
        assertThat(report.getLong("chain.chainId")).isEqualTo(ANVIL.chainId());
        Cli cli = cli(claim);
        assertThat(cli.status()).as(cli.out()).isEqualTo(AuditBatchCommand.CLEAN);
        assertThat(cli.out()).contains("emissions claim " + claim + ": 11").contains("CLEAN");
        assertThat(as(world.regulatorKey).get("/api/v1/claims?facility=" + world.victimFacilityId).then().statusCode(200)
                .extract().jsonPath().getList("items.claimId", String.class)).contains(claim);

        // a stored register reading altered after anchoring
        exec("UPDATE readings SET value = value + 1 WHERE device_id = ? AND boot = 7 AND seq = 1004 AND record_index = 0", STACK);
        try {
            String altered = STACK + "/7/1004/0";
            report = audit(world.regulatorKey, claim);
            assertThat(report.getList("findings.kind", String.class)).as(report.prettify()).containsExactly("ALTERED_AFTER_ANCHOR");
            assertThat(report.getString("findings[0].readingKey")).isEqualTo(altered);
            cli = cli(claim);
            assertThat(cli.status()).as(cli.out()).isEqualTo(AuditBatchCommand.FINDINGS);
            assertThat(cli.out()).contains("FINDINGS: 1").contains("reading " + altered + " ALTERED_AFTER_ANCHOR");
        } finally {
            exec("UPDATE readings SET value = value - 1 WHERE device_id = ? AND boot = 7 AND seq = 1004 AND record_index = 0", STACK);
        }

        // a register reading inside the claim's window, stored before its settlement, left out of the claim tree
        long first = EmissionsClaimFixtureAccess.load(EMISSIONS).readings().get(0).timeMillis();
        SigningKey other = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        storeRegisterReading(other, 1_900, first + 4 * MINUTE, 7_000_800, STORED.minusSeconds(10));
        String missing = STACK + "/7/1900/0";
        report = audit(world.regulatorKey, claim);
        assertThat(report.getList("findings.kind", String.class)).as(report.prettify()).containsExactly("MISSING_FROM_CLAIM");
        assertThat(report.getList("findings.readingKey", String.class)).containsExactly(missing);
        cli = cli(claim);
        assertThat(cli.status()).as(cli.out()).isEqualTo(AuditBatchCommand.FINDINGS);
        assertThat(cli.out()).contains("FINDINGS: 1").contains("reading " + missing + " MISSING_FROM_CLAIM");
    }

    // ------------------------------------------------------------------ helpers

    /**
     * The emissions fixture as the carbon path records it: register device stack-2 of the victim, its readings as
     * signed messages, a period of the victim's emissions facility and the claim ANCHORED ({@code emissions_claims}).
     */
    private void storeTheEmissionsClaim() throws Exception {
        EmissionsClaimFixtureAccess.Claim claim = EmissionsClaimFixtureAccess.load(EMISSIONS);
        SigningKey key = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        exec("INSERT INTO devices (tenant_id, device_id, kid, spki, alg, status) VALUES (?, ?, ?, ?, ?, 'ACTIVE')",
                world.victim, STACK, key.verificationKey().kid(), key.verificationKey().spki(), key.algorithm().label());
        StringBuilder keys = new StringBuilder("[");
        for (CommittedReading r : claim.readings()) {
            storeRegisterReading(key, r.seq(), r.timeMillis(), r.value(), STORED);
            keys.append(keys.length() == 1 ? "" : ", ").append("[7, ").append(r.seq()).append(", 0]");
        }
        keys.append(']');
        StringBuilder inputs = new StringBuilder("[");
        claim.inputs().forEach(i -> inputs.append(inputs.length() == 1 ? "" : ", ").append('"').append(i).append('"'));
        inputs.append(']');
        long period = 77;
        exec("INSERT INTO carbon_periods (facility_id, chain_facility_id, period_id, start_seconds, end_seconds, baseline_kg,"
                + " max_gap_ms, substitute_rate_kg_per_hour, devices, state) VALUES (?, ?, ?, ?, ?, 1000, ?, 10, ARRAY[?], 'OPEN')",
                world.victimFacilityId, new java.math.BigDecimal(BigInteger.valueOf(4_200_000_000L + world.victimFacilityId)),
                period, EmissionsClaimFixtureAccess.PERIOD_START_S, EmissionsClaimFixtureAccess.PERIOD_END_S,
                EmissionsClaimFixtureAccess.MAX_GAP, STACK);
        exec("INSERT INTO emissions_claims (claim_id, facility_id, period_id, device_id, chain_index, reading_keys, public_inputs,"
                + " settlement, state, anchor_tx) VALUES (?, ?, ?, ?, 0, ?::jsonb, ?::jsonb, ?::jsonb, 'ANCHORED', ?)",
                CLAIM_IDS.get(EMISSIONS), world.victimFacilityId, period, STACK, keys.toString(), inputs.toString(),
                "{\"basis\": \"SEQUENCE\", \"lastArrivalMillis\": " + STORED.toEpochMilli() + "}",
                ANCHOR_TX.get(EMISSIONS).toLowerCase(Locale.ROOT));
    }

    /** One signed message (boot 7, {@code seq}) of one CO2e register reading of stack-2, stored as received at {@code at}. */
    private void storeRegisterReading(SigningKey key, long seq, long time, long grams, Instant at) throws Exception {
        Reading reading = new Reading(Quantity.CO2E_REGISTER, grams, time);
        byte[] raw = ReadingMessages.sign(new ReadingPack(STACK, List.of(reading)), 7, seq, time, key);
        exec("INSERT INTO messages (device_id, boot, seq, content_digest, raw, received_at, record_count)"
                + " VALUES (?, 7, ?, ?, ?, ?, 1)", STACK, seq, MessageDigest.getInstance("SHA-256").digest(raw), raw,
                Timestamp.from(at));
        exec("INSERT INTO readings (device_id, boot, seq, record_index, quantity, value, reading_time, received_at)"
                + " VALUES (?, 7, ?, 0, ?, ?, ?, ?)", STACK, seq, Quantity.CO2E_REGISTER.code(), reading.fixedValue(),
                Timestamp.from(Instant.ofEpochMilli(time)), Timestamp.from(at));
    }

    private JsonPath audit(String key, String claimId) {
        return as(key).get("/api/v1/claims/" + claimId + "/audit").then().statusCode(200).extract().jsonPath();
    }

    private record Cli(int status, String out) {
    }

    private Cli cli(String claimId) throws Exception {
        String body = as(world.regulatorKey).get("/api/v1/claims/" + claimId + "/audit-bundle").then().statusCode(200)
                .extract().asString();
        Path file = dir.resolve("audit-claim.json");
        Files.writeString(file, body);
        StringWriter out = new StringWriter();
        int status = AuditClaimCommand.run(new String[] {file.toString(), "--rpc-url", ANVIL.rpcUrl(), "--registry", registry()},
                new PrintWriter(out, true), new PrintWriter(out, true));
        return new Cli(status, out.toString());
    }

    /** One signed message (boot 1, {@code seq}) of one temperature reading of device A, stored as received at {@code at}. */
    private void storeReading(SigningKey key, long seq, long time, double celsius, Instant at) throws Exception {
        Reading reading = new Reading(Quantity.TEMPERATURE, celsius, time);
        byte[] raw = ReadingMessages.sign(new ReadingPack(DEVICE, List.of(reading)), 1, seq, time, key);
        exec("INSERT INTO messages (device_id, boot, seq, content_digest, raw, received_at, record_count)"
                + " VALUES (?, 1, ?, ?, ?, ?, 1)", DEVICE, seq, MessageDigest.getInstance("SHA-256").digest(raw), raw,
                Timestamp.from(at));
        exec("INSERT INTO readings (device_id, boot, seq, record_index, quantity, value, reading_time, received_at)"
                + " VALUES (?, 1, ?, 0, ?, ?, ?, ?)", DEVICE, seq, Quantity.TEMPERATURE.code(), reading.fixedValue(),
                Timestamp.from(Instant.ofEpochMilli(time)), Timestamp.from(at));
    }

    private int exec(String sql, Object... args) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }
}
