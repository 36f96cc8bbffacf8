package io.sensorproof.gateway.resilience;

import static io.sensorproof.gateway.resilience.CollateralRig.key;
import static io.sensorproof.gateway.resilience.CollateralRig.longValue;
import static io.sensorproof.gateway.resilience.CollateralRig.sendOk;
import static io.sensorproof.gateway.resilience.CollateralRig.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.gateway.dashboard.DashboardRoutes;
import io.sensorproof.gateway.testing.DashboardBrowser;
import io.sensorproof.oracle.anvil.LocalDeployment;
import io.sensorproof.oracle.bundle.BundleVerifier;
import io.sensorproof.oracle.bundle.PinnedKeys;
import io.sensorproof.oracle.bundle.Verdict;
import io.sensorproof.oracle.chain.Deployment;
import io.sensorproof.oracle.cli.AuditClaimCommand;
import io.sensorproof.oracle.contracts.CollateralFinancing;
import io.sensorproof.protocol.encoding.FixedPoint;
import io.sensorproof.protocol.senml.Quantity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;

/**
 * The freeze path end to end on the standalone gateway (issue 15 "Claims", "Freeze and mint"; ADR 030):
 * local chain, prover on, an enrolled agent (TLS to the embedded broker) in a cold room pledged to a bank.
 * The gateway registers the device on chain by its sweep; the bank (development account 2, BANK_ROLE in
 * the local deployment) creates a CollateralFinancing facility with the lot's terms (20 s above 8 °C
 * freezes), the borrower accepts it and the bank links it to the lot ({@code PUT /chain-facility}, against
 * the real chain). The compressor fails: the alert opens, the run claims are proven as the chunks fill,
 * anchored, and the facility is frozen on chain once (the oracle account sent exactly one {@code freeze});
 * a drawdown by the borrower reverts with {@code FacilityFrozen}; the lot's freeze is FROZEN with its
 * transaction, the alert has a FREEZE_CONFIRMED event. The bank downloads the freeze's evidence bundle (ADR 031),
 * which the offline checker accepts with the excursion key pinned from the repository and refuses, naming the
 * field, once a field that matters is changed ({@code evidenceBundle}). The room cools down, the bank unfreezes on chain and
 * the gateway shows the lot ACTIVE again, with an UNFROZEN alert event and still one freeze. Meanwhile the bank
 * watches the lot's dashboard page in headless Chromium ({@link DashboardBrowser}; skipped without it unless tools
 * are required): without a reload it turns FROZEN, and ACTIVE again after the unfreeze that went to the chain
 * directly (the page follows the gateway's chain-event follower); the frozen page is saved as
 * {@code target/screenshots/dashboard-bank-frozen.png}. Then the regulator's part ({@code regulatorAuditsARunClaim}): the
 * claims listing with each run claim's proof status, and in the browser the regulator's claims page, a claim's audit
 * (clean) and its audit bundle, which the offline {@code audit-claim} accepts; a bank has no regulator page.
 */
class CollateralFreezeIT {
    private static final Duration READY = Duration.ofMinutes(6);
    private static final ObjectMapper JSON = CollateralRig.JSON;
    private static final String FACTORY = "cf-factory";
    private static final String BANK = "cf-bank";
    private static final String OTHER_BANK = "cf-other-bank";
    private static final String DEVICE = "cf-room-1";
    private static final int BORROWER_ACCOUNT = CollateralRig.BORROWER_ACCOUNT;
    private static final long LO = 27_515;
    private static final long HI = 28_115;
    private static final long MIN_DURATION_MS = 20_000;
    private static final long MAX_GAP_MS = 1_500;
    private static final long SAMPLING_MS = 1_000;
    private static final long MAX_AGE_MS = 600_000;
    private static final CollateralRig.Watch WATCH = new CollateralRig.Watch(LO, HI, MIN_DURATION_MS, MAX_GAP_MS, SAMPLING_MS,
            MAX_AGE_MS);

    @Test
    void anExcursionIsProvenAnchoredAndFreezesTheFacilityOnceUntilTheBankUnfreezes() throws Exception {
        Path root = Path.of("target", "resilience", "collateral-freeze").toAbsolutePath();
        GatewayProcess.deleteTree(root);
        Path dataDir = root.resolve("gateway-data");
        Files.createDirectories(root);
        int http = GatewayProcess.freePort();
        int chainPort = GatewayProcess.freePort();
        GatewayProcess.StandalonePorts ports = GatewayProcess.StandalonePorts.free();
        Map<String, String> env = new HashMap<>(ports.env("collateral-freeze-it"));
        env.put("SENSORPROOF_CHAIN_LOCAL_PORT", Integer.toString(chainPort));
        env.put("SENSORPROOF_PROVER_ENABLED", "true");
        env.put("SENSORPROOF_PROVER_WORKERS", "1");
        // only the freeze path's transactions on the oracle account: no commitment batches here
        env.put("SENSORPROOF_BATCHES_ENABLED", "false");
        env.put("SENSORPROOF_ORACLE_POLL_INTERVAL", "200ms");
        env.put("SENSORPROOF_ORACLE_ENFORCEMENT_INTERVAL", "1s");
        env.put("SENSORPROOF_ORACLE_SETTLE_WAIT", "5s");
        MessageRows db = new MessageRows(ports.jdbcUrl());
        Web3j web3j = Web3j.build(new HttpService("http://127.0.0.1:" + chainPort));
        GatewayProcess gateway = null;
        CollateralRig.Room room = null;
        DashboardBrowser browser = null;
        long browserNanos = 0;
        try {
            gateway = GatewayProcess.start("gateway", dataDir, http, env, Map.of(), root.resolve("run.log"));
            gateway.awaitReady(READY);
            final GatewayProcess gw = gateway;
            String operator = gateway.operatorKey();
            gateway.call("POST", "/api/v1/tenants", operator, Map.of("id", FACTORY, "name", FACTORY, "kind", "factory"), 201);
            gateway.call("POST", "/api/v1/tenants", operator, Map.of("id", BANK, "name", BANK, "kind", "bank"), 201);
            gateway.call("POST", "/api/v1/tenants", operator, Map.of("id", OTHER_BANK, "name", OTHER_BANK, "kind", "bank"), 201);
            String bankKey = key(gateway, operator, "bank", BANK);
            String otherBankKey = key(gateway, operator, "bank", OTHER_BANK);
            String factoryKey = key(gateway, operator, "factory", FACTORY);
            gateway.call("POST", "/api/v1/tenants/" + FACTORY + "/sites", operator, Map.of("siteId", "cold-store", "name", "cold store"), 201);

            // the room's agent: enrolled, 5 °C once a second
            StreamingAgent enrolled = new StreamingAgent(FACTORY, DEVICE);
            Path agentDir = root.resolve("agent");
            enrolled.enroll(gateway, operator, agentDir);
            EdgeAgent agent = CollateralRig.startAgent(enrolled, agentDir, ports.deviceMqttUrl(), gateway.brokerServerCertificate(),
                    gateway.ackKeySpki(operator));
            room = CollateralRig.Room.start(agent, DEVICE, 5.0, SAMPLING_MS);

            long lot = CollateralRig.pledgeLot(gateway, factoryKey, bankKey, FACTORY, "cold-store", BANK, DEVICE, WATCH);

            // the gateway's sweep registers the lot's device on chain; only then can the bank name it in a facility
            Deployment deployment = Deployment.read(dataDir.resolve("chain").resolve("chain.json"));
            CollateralRig.awaitRegistered(web3j, deployment, DEVICE, Duration.ofMinutes(2));

            String financingAddress = deployment.address("CollateralFinancing");
            CollateralFinancing asBank = CollateralRig.financing(web3j, deployment, LocalDeployment.BANK_ACCOUNT);
            CollateralFinancing asBorrower = CollateralRig.financing(web3j, deployment, BORROWER_ACCOUNT);
            BigInteger facility = CollateralRig.openFacility(asBank, asBorrower, List.of(DEVICE), WATCH);
            JsonNode linked = JSON.readTree(gateway.call("PUT", "/api/v1/lots/" + lot + "/chain-facility", bankKey,
                    Map.of("facilityId", facility.toString()), 200));
            assertThat(linked.path("chainFacilityId").asText()).isEqualTo(facility.toString());
            assertThat(JSON.readTree(gateway.call("GET", "/api/v1/lots/" + lot + "/freezes", bankKey, null, 200)).path("items")).isEmpty();

            // the bank watches the lot's page in a browser from here on, never reloading it
            long browserStart = System.nanoTime();
            browser = DashboardBrowser.startIfInstalled(root.resolve("downloads")).orElse(null);
            if (browser != null) {
                await("the chain's follower read the facility").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> "ACTIVE".equals(JSON.readTree(gw.call("GET", "/api/v1/lots/" + lot, bankKey, null, 200))
                                .path("chain").path("state").asText()));
                openLotPage(browser, "http://127.0.0.1:" + http + DashboardRoutes.BASE, bankKey, lot);
            }
            browserNanos += System.nanoTime() - browserStart;

            // the compressor fails: 12 °C until the facility is frozen
            room.celsius(12.0);
            await("facility frozen on chain").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                    .until(() -> asBank.facility(facility).send().frozen);
            room.celsius(5.0);

            // a drawdown while frozen reverts with the contract's reason
            String reverted = revertData(web3j, LocalDeployment.address(BORROWER_ACCOUNT), financingAddress,
                    new Function("drawdown", List.of(new Uint256(facility), new Uint256(1)), List.of()));
            assertThat(reverted).as("drawdown revert data").startsWith(selector("FacilityFrozen(uint256)"));

            await("the gateway records the freeze").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> "FROZEN".equals(freezes(gw, lot, bankKey).path(0).path("state").asText()));
            if (browser != null) {
                long frozenStart = System.nanoTime();
                awaitPageShows(browser, "FROZEN", "Frozen");
                browser.screenshot(Path.of("target", "screenshots", "dashboard-bank-frozen.png"));
                browserNanos += System.nanoTime() - frozenStart;
            }
            JsonNode freeze = freezes(gateway, lot, bankKey).get(0);
            assertThat(freeze.path("chainFacilityId").asText()).isEqualTo(facility.toString());
            assertThat(freeze.path("quantity").asText()).isEqualTo("temperature");
            String freezeTx = freeze.path("transaction").asText();
            TransactionReceipt receipt = web3j.ethGetTransactionReceipt(freezeTx).send().getTransactionReceipt().orElseThrow();
            assertThat(receipt.isStatusOK()).isTrue();
            assertThat(freeze.path("block").asLong()).isEqualTo(receipt.getBlockNumber().longValueExact());
            List<String> runClaims = new ArrayList<>();
            freeze.path("runs").path(0).forEach(id -> runClaims.add(id.asText()));
            assertThat(runClaims).as("claims proven as the chunks filled, then the last one").hasSizeGreaterThanOrEqualTo(2);
            assertThat(strings(db, "SELECT state FROM run_claims WHERE claim_id IN ('" + String.join("','", runClaims) + "')"))
                    .containsOnly("ANCHORED").hasSize(runClaims.size());
            // the borrower and the operator see it too; another bank gets the 404 of a missing lot
            assertThat(freezes(gateway, lot, factoryKey).get(0).path("transaction").asText()).isEqualTo(freezeTx);
            assertThat(freezes(gateway, lot, operator)).hasSize(1);
            gateway.call("GET", "/api/v1/lots/" + lot + "/freezes", otherBankKey, null, 404);
            // the bank downloads the freeze's evidence bundle and checks it offline; another bank gets the lot's 404
            String bundlePath = "/api/v1/lots/" + lot + "/freezes/" + freeze.path("id").asLong() + "/evidence-bundle";
            String bundle = gateway.call("GET", bundlePath, bankKey, null, 200);
            gateway.call("GET", bundlePath, otherBankKey, null, 404);
            Files.writeString(root.resolve("evidence-bundle.json"), bundle);
            evidenceBundle(bundle, facility, freezeTx, runClaims);
            long alert = alertIdWith(db, lot, "FREEZE_CONFIRMED");
            assertThat(strings(db, "SELECT type FROM alert_events WHERE alert_id = " + alert + " ORDER BY id"))
                    .as("the excursion's alert, then our freeze").startsWith("OPENED").contains("FREEZE_CONFIRMED");
            assertThat(strings(db, "SELECT alert -> 'freeze' ->> 'transaction' FROM alert_events WHERE type = 'FREEZE_CONFIRMED'"))
                    .containsExactly(freezeTx);

            // one number, one run: the arrival of the reading that completes the duration to the freeze's confirmation
            long latency = longValue(db, "SELECT (extract(epoch FROM j.updated_at - rc.latest_arrival) * 1000)::bigint"
                    + " FROM oracle_jobs j, run_claims rc WHERE j.kind = 'freeze' AND j.state = 'CONFIRMED'"
                    + " AND rc.claim_id = '" + runClaims.get(runClaims.size() - 1) + "'");
            System.out.printf("CollateralFreezeIT: completing reading's arrival -> freeze confirmed: %d ms (one run, %d claims)%n",
                    latency, runClaims.size());

            // the room is cool again; the bank lifts the freeze on chain and the gateway shows the lot active again
            sendOk(asBank.unfreeze(facility, "compressor repaired, goods inspected"));
            await("lot shown ACTIVE again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> "ACTIVE".equals(JSON.readTree(gw.call("GET", "/api/v1/lots/" + lot, bankKey, null, 200))
                            .path("chain").path("state").asText()));
            await("UNFROZEN alert event").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> strings(db, "SELECT type FROM alert_events WHERE lot_id = " + lot).contains("UNFROZEN"));
            if (browser != null) {
                // the bank's unfreeze went to the chain directly, past the gateway: the page follows the chain
                long activeStart = System.nanoTime();
                awaitPageShows(browser, "ACTIVE", "Unfrozen");
                assertThat(browser.severeConsoleEntries()).as("browser console: no policy violation, no error").isEmpty();
                browserNanos += System.nanoTime() - activeStart;
                System.out.printf("CollateralFreezeIT: time spent in the browser part: %d ms%n", browserNanos / 1_000_000);
            }
            long regulatorStart = System.nanoTime();
            regulatorAuditsARunClaim(gateway, operator, bankKey, lot, runClaims, web3j, deployment.address("AnchorRegistry"),
                    "http://127.0.0.1:" + chainPort, browser, "http://127.0.0.1:" + http + DashboardRoutes.BASE);
            System.out.printf("CollateralFreezeIT: time spent in the regulator's part: %d ms%n",
                    (System.nanoTime() - regulatorStart) / 1_000_000);

            // the loop keeps looking at the active facility with in-range readings: still exactly one freeze, ever
            double rounds = gateway.metric("sensorproof_freeze_rounds_total");
            await().atMost(Duration.ofSeconds(30)).until(() -> gw.metric("sensorproof_freeze_rounds_total") >= rounds + 3);
            assertThat(freezes(gateway, lot, bankKey)).hasSize(1);
            assertThat(asBank.facility(facility).send().frozen).isFalse();
            String oracle = Credentials.create(Files.readString(dataDir.resolve("chain").resolve("oracle.key"),
                    StandardCharsets.US_ASCII).trim()).getAddress();
            assertThat(freezeTransactions(web3j, oracle, financingAddress)).as("the oracle's freeze transactions").isEqualTo(1);
            assertThat(strings(db, "SELECT kind FROM oracle_jobs WHERE kind = 'freeze'")).hasSize(1);
        } finally {
            try {
                try {
                    if (room != null) {
                        room.close();
                    }
                } finally {
                    web3j.shutdown();
                    if (gateway != null) {
                        gateway.stop();
                    }
                    GatewayProcess.killLeftovers(dataDir);
                }
            } finally {
                // last, so that a failing quit cannot leave the gateway running
                if (browser != null) {
                    browser.close();
                }
            }
        }
    }

    /**
     * Signs the bank in, opens the lot from the lots list and checks that the page shows the facility ACTIVE;
     * marks the document, so that later checks know the page was never reloaded.
     */
    private static void openLotPage(DashboardBrowser browser, String dashboard, String bankKey, long lot) {
        browser.freshTab(dashboard);
        browser.signIn(bankKey);
        browser.waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#lot-" + lot + " a"))).click();
        browser.waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("lot-title"), "goods in " + DEVICE));
        assertThat(browser.driver().findElement(By.cssSelector("#lot-on-chain .state")).getText()).isEqualTo("ACTIVE");
        browser.awaitLive();
        browser.markDocument();
    }

    /**
     * The lot's page, never reloaded, shows the facility in {@code state} (in its summary and in its on-chain
     * section, as the chain's events say) and lists the chain's {@code event}.
     */
    private static void awaitPageShows(DashboardBrowser browser, String state, String event) {
        new WebDriverWait(browser.driver(), Duration.ofSeconds(60)).until(ExpectedConditions.and(
                ExpectedConditions.textToBe(By.cssSelector("#lot-on-chain .state"), state),
                ExpectedConditions.textToBe(By.cssSelector("#chain-state dd.state"), state),
                ExpectedConditions.textToBePresentInElementLocated(By.id("chain-events"), event)));
        assertThat(browser.sameDocument()).as("the lot's page followed the chain without a reload").isTrue();
    }

    /**
     * The regulator's part (issue 16): the claims listing shows each of the freeze's run claims with its proof status
     * (the job CONFIRMED, the anchoring transaction and its block, as the chain's receipt says); in the browser a regulator
     * key gets its own navigation (claims and batch audits, not the operator's devices and quarantine), sees the run claims
     * CONFIRMED with their transactions, opens the audit of the first one, sees it clean, downloads its audit bundle and the
     * offline {@code audit-claim} accepts the file against the chain. A bank's key gets the API's 403 for the audit and no
     * regulator page in the dashboard.
     */
    private static void regulatorAuditsARunClaim(GatewayProcess gateway, String operator, String bankKey, long lot,
            List<String> runClaims, Web3j web3j, String registry, String rpcUrl, DashboardBrowser browser, String dashboard)
            throws Exception {
        String regulatorKey = JSON.readTree(gateway.call("POST", "/api/v1/api-keys", operator,
                Map.of("label", "regulator of the freeze", "role", "regulator"), 201)).path("key").asText();
        Map<String, JsonNode> listed = new HashMap<>();
        JSON.readTree(gateway.call("GET", "/api/v1/claims?lot=" + lot, regulatorKey, null, 200)).path("items")
                .forEach(c -> listed.put(c.path("claimId").asText(), c));
        Map<String, String> transactions = new HashMap<>();
        for (String id : runClaims) {
            JsonNode claim = listed.get(id);
            assertThat(claim).as("claim " + id + " listed").isNotNull();
            assertThat(claim.path("quantity").asText()).isEqualTo("temperature");
            JsonNode proof = claim.path("proof");
            assertThat(proof.path("jobState").asText()).as("proof of " + id).isEqualTo("CONFIRMED");
            String tx = proof.path("transaction").asText();
            TransactionReceipt anchored = web3j.ethGetTransactionReceipt(tx).send().getTransactionReceipt().orElseThrow();
            assertThat(anchored.isStatusOK()).isTrue();
            assertThat(proof.path("block").asLong()).isEqualTo(anchored.getBlockNumber().longValueExact());
            transactions.put(id, tx);
        }
        String audited = runClaims.get(0);
        gateway.call("GET", "/api/v1/claims/" + audited + "/audit", bankKey, null, 403);
        if (browser == null) {
            return;
        }
        browser.freshTab(dashboard);
        browser.signIn(regulatorKey);
        assertThat(browser.navText()).contains("Claims", "Batches", "Lots").doesNotContain("Devices", "Quarantine");
        for (String id : runClaims) {
            browser.waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#claim-" + id + " td.proof"),
                    "CONFIRMED"));
            assertThat(browser.driver().findElement(By.cssSelector("#claim-" + id + " td.anchor-tx")).getText())
                    .contains(transactions.get(id));
        }
        browser.driver().findElement(By.cssSelector("#claim-" + audited + " a.audit-link")).click();
        browser.waitFor().until(ExpectedConditions.textToBe(By.id("audit-result"), "Clean"));
        assertThat(browser.driver().findElement(By.id("audit-claim-id")).getText()).isEqualTo(audited);
        assertThat(Long.parseLong(browser.driver().findElement(By.id("audit-readings")).getText())).isPositive();
        assertThat(browser.driver().findElement(By.id("audit-chain")).getText()).containsIgnoringCase(registry);
        browser.screenshot(Path.of("target", "screenshots", "dashboard-regulator-claim-audit.png"));
        browser.driver().findElement(By.id("claim-audit-bundle")).click();
        Path bundle = browser.awaitDownload("audit-claim-" + audited + ".json");
        StringWriter out = new StringWriter();
        int status = AuditClaimCommand.run(new String[] {bundle.toString(), "--rpc-url", rpcUrl, "--registry", registry},
                new PrintWriter(out, true), new PrintWriter(out, true));
        assertThat(status).as("audit-claim on the downloaded bundle: " + out).isZero();
        assertThat(out.toString()).contains("CLEAN");

        // the bank has no regulator page: not in its navigation, and the claim's audit page is not found
        browser.freshTab(dashboard);
        browser.signIn(bankKey);
        assertThat(browser.navText()).doesNotContain("Claims", "Batches");
        browser.driver().get(dashboard + "#/claims/" + audited);
        browser.waitFor().until(ExpectedConditions.attributeToBe(By.cssSelector("#page .error"), "data-code", "PAGE_NOT_FOUND"));
        assertThat(browser.severeConsoleEntries()).as("browser console: no policy violation, no error").isEmpty();
    }

    /**
     * The evidence bundle passes the offline checker with the excursion key pinned from the repository, its words
     * name the device, quantity, range and times, and each field that matters, changed, is refused naming it.
     */
    private static void evidenceBundle(String bundle, BigInteger facility, String freezeTx, List<String> runClaims)
            throws Exception {
        String key = Files.readString(Path.of("..", "zk-circuits", "src", "main", "resources", "io", "sensorproof", "zk", "circuits",
                "excursion", "verification.key"), StandardCharsets.UTF_8);
        BundleVerifier checker = new BundleVerifier(PinnedKeys.none().withKey("excursion", key));
        Verdict verdict = checker.verify(bundle);
        assertThat(verdict.reasons()).as("the gateway's evidence bundle").isEmpty();
        assertThat(verdict.accepted()).isTrue();
        ObjectNode tree = (ObjectNode) JSON.readTree(bundle);
        assertThat(tree.path("facility").path("id").asText()).isEqualTo(facility.toString());
        assertThat(tree.path("freeze").path("transaction").path("transaction").asText()).isEqualTo(freezeTx);
        List<String> bundled = new ArrayList<>();
        tree.path("freeze").path("runs").path(0).path("claims").forEach(id -> bundled.add(id.asText()));
        assertThat(bundled).isEqualTo(runClaims);
        String words = String.join("\n", verdict.description());
        JsonNode first = tree.path("claims").path(0).path("statement");
        JsonNode last = tree.path("claims").path(runClaims.size() - 1).path("statement");
        assertThat(words).contains("device " + DEVICE, "temperature",
                "outside [" + FixedPoint.decode(Quantity.TEMPERATURE, LO).toPlainString() + " " + Quantity.TEMPERATURE.unit() + ", "
                        + FixedPoint.decode(Quantity.TEMPERATURE, HI).toPlainString() + " " + Quantity.TEMPERATURE.unit() + "]",
                Instant.ofEpochMilli(first.path("firstTime").asLong()).toString(),
                Instant.ofEpochMilli(last.path("lastTime").asLong()).toString(),
                Instant.ofEpochSecond(tree.path("freeze").path("transaction").path("blockTime").asLong()).toString(),
                "freeze of facility " + facility);

        Map<String, Consumer<ObjectNode>> changes = new LinkedHashMap<>();
        changes.put("devices[0].messages[0].readings[0].value", b -> {
            ObjectNode r = (ObjectNode) b.path("devices").path(0).path("messages").path(0).path("readings").path(0);
            r.put("value", r.path("value").asLong() + 1);
        });
        changes.put("devices[0].messages[0].cose", b -> {
            ObjectNode m = (ObjectNode) b.path("devices").path(0).path("messages").path(0);
            byte[] raw = Base64.getDecoder().decode(m.path("cose").asText());
            raw[raw.length - 1] ^= 0x01; // the signature's last byte
            m.put("cose", Base64.getEncoder().encodeToString(raw));
        });
        changes.put("claims[0].inputs[4]", b -> {
            ArrayNode inputs = (ArrayNode) b.path("claims").path(0).path("inputs");
            inputs.set(4, TextNode.valueOf(String.format("0x%064x", HI + 1)));
        });
        changes.put("claims[0].paths[0].siblings[0]", b -> {
            ArrayNode siblings = (ArrayNode) b.path("claims").path(0).path("paths").path(0).path("siblings");
            siblings.set(0, TextNode.valueOf(String.format("0x%064x", new BigInteger(siblings.path(0).asText().substring(2), 16)
                    .add(BigInteger.ONE))));
        });
        changes.put("facility.watch.lo", b -> ((ObjectNode) b.path("facility").path("watch")).put("lo", LO - 1));
        changes.put("facility.watch.hi", b -> ((ObjectNode) b.path("facility").path("watch")).put("hi", HI + 1));
        changes.put("claims[0].proof.a", b -> {
            ArrayNode a = (ArrayNode) b.path("claims").path(0).path("proof").path("a");
            a.set(0, TextNode.valueOf(String.format("0x%064x", new BigInteger(a.path(0).asText().substring(2), 16)
                    .add(BigInteger.ONE))));
        });
        for (Map.Entry<String, Consumer<ObjectNode>> change : changes.entrySet()) {
            ObjectNode changed = tree.deepCopy();
            change.getValue().accept(changed);
            Verdict v = checker.verify(JSON.writeValueAsString(changed));
            assertThat(v.accepted()).as(change.getKey() + " changed got through").isFalse();
            assertThat(v.reasons()).as(change.getKey() + " changed: " + v.reasons())
                    .anyMatch(r -> r.fields().stream().anyMatch(f -> f.startsWith(change.getKey())));
        }
        // the facility id is a pointer to the chain (where the freeze transaction went), bound by no proof: offline it is
        // not checked (docs/bundles.md), and the checker's words name the id the reader then looks up
        ObjectNode otherFacility = tree.deepCopy();
        ((ObjectNode) otherFacility.path("facility")).put("id", facility.longValueExact() + 1);
        Verdict pointer = checker.verify(JSON.writeValueAsString(otherFacility));
        assertThat(String.join("\n", pointer.description())).contains("freeze of facility " + (facility.longValueExact() + 1));
    }

    private static JsonNode freezes(GatewayProcess gateway, long lot, String key) throws Exception {
        return JSON.readTree(gateway.call("GET", "/api/v1/lots/" + lot + "/freezes", key, null, 200)).path("items");
    }

    /** The revert data of an eth_call from {@code from}, hex without 0x (empty if it did not revert). */
    private static String revertData(Web3j web3j, String from, String to, Function f) throws Exception {
        EthCall call = web3j.ethCall(Transaction.createEthCallTransaction(from, to, FunctionEncoder.encode(f)),
                DefaultBlockParameterName.LATEST).send();
        String data = call.hasError() && call.getError().getData() != null ? call.getError().getData().toString() : "";
        data = data.replace("\"", "");
        return data.startsWith("0x") ? data.substring(2) : data;
    }

    private static String selector(String signature) {
        return Hash.sha3String(signature).substring(2, 10);
    }

    /** Transactions from {@code from} to {@code to} calling {@code freeze(…)}, over every block. */
    private static int freezeTransactions(Web3j web3j, String from, String to) throws Exception {
        String freeze = selector("freeze(uint256,uint8,(bytes32[])[])");
        long latest = web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
        int n = 0;
        for (long b = 0; b <= latest; b++) {
            for (EthBlock.TransactionResult<?> r : web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(b)), true)
                    .send().getBlock().getTransactions()) {
                org.web3j.protocol.core.methods.response.Transaction t = (org.web3j.protocol.core.methods.response.Transaction) r.get();
                if (from.equalsIgnoreCase(t.getFrom()) && to.equalsIgnoreCase(t.getTo()) && t.getInput().startsWith("0x" + freeze)) {
                    n++;
                }
            }
        }
        return n;
    }

    private static long alertIdWith(MessageRows db, long lot, String type) throws Exception {
        return longValue(db, "SELECT alert_id FROM alert_events WHERE lot_id = " + lot + " AND type = '" + type + "' ORDER BY id LIMIT 1");
    }
}
