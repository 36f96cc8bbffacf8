package io.sensorproof.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.sensorproof.gateway.dashboard.DashboardRoutes;
import io.sensorproof.gateway.testing.DashboardBrowser;
import io.sensorproof.oracle.anvil.LocalDeployment;
import io.sensorproof.oracle.bundle.BundleVerifier;
import io.sensorproof.oracle.bundle.CarbonClose;
import io.sensorproof.oracle.bundle.CarbonPeriod;
import io.sensorproof.oracle.bundle.PinnedKeys;
import io.sensorproof.oracle.bundle.Verdict;
import io.sensorproof.oracle.chain.Deployment;
import io.sensorproof.oracle.chain.DevelopmentKeys;
import io.sensorproof.oracle.contracts.AnchorRegistry;
import io.sensorproof.oracle.contracts.CarbonCredit;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.zk.claims.EmissionsClaim;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * The carbon path end to end on the standalone gateway (issue 15 "Claims", "Freeze and mint"; ADR 025):
 * local chain, prover on, a 20 s challenge window; once the claim is submitted the test moves the chain's clock
 * ({@code evm_increaseTime}) to the period's end, and once the period is closed to the window's end, checking first
 * that the gateway has neither closed nor minted before (it decides by block time, as the contract does). The test
 * acts as the verifier (development account 3, VERIFIER_ROLE in the local deployment): it creates a CarbonCredit
 * facility and a one-minute period that starts shortly, links the gateway's emissions facility to it (a facility with another device is refused
 * 409 {@code CHAIN_FACILITY_DEVICES_MISMATCH}), and stores one device's co2e-register readings with a 35 s
 * outage (longer than the 20 s maxGap) as ingestion would. The gateway must prove, anchor and submit the
 * claim, close the period after its end, and mint once after the challenge window: the minted amount is
 * {@link CarbonClose}'s arithmetic with the outage charged at the substitute rate, and the oracle account
 * sent exactly anchor + submit + close + mint (its nonce counts them), also after further loop rounds. Then the
 * exchange downloads the period's verification bundle and checks it offline (ADR 031, {@code verificationBundle}),
 * and once more from its dashboard page in headless Chromium ({@code exchangeDashboard}; skipped without the browser
 * unless tools are required), saving the page as {@code target/screenshots/dashboard-exchange-credits.png}.
 */
class CarbonMintIT {
    private static final Duration READY = Duration.ofMinutes(6);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String DEVICE = "cm-stack-1";
    private static final long MAX_GAP_MS = 20_000;
    private static final long RATE_KG_PER_HOUR = 36;
    private static final long BASELINE_KG = 500;
    private static final int REGISTRY_HELPER = 7;
    private static final long CHALLENGE_WINDOW_SECONDS = 20;

    @Test
    void emissionsAreProvenSubmittedClosedAndMintedOnceWithTheOutageCharged() throws Exception {
        Path root = Path.of("target", "resilience", "carbon-mint").toAbsolutePath();
        GatewayProcess.deleteTree(root);
        Path dataDir = root.resolve("gateway-data");
        Files.createDirectories(root);
        int http = GatewayProcess.freePort();
        int chainPort = GatewayProcess.freePort();
        GatewayProcess.StandalonePorts ports = GatewayProcess.StandalonePorts.free();
        Map<String, String> env = new HashMap<>(ports.env("carbon-mint-it"));
        env.put("SENSORPROOF_CHAIN_LOCAL_PORT", Integer.toString(chainPort));
        env.put("SENSORPROOF_CHAIN_LOCAL_CHALLENGE_WINDOW", CHALLENGE_WINDOW_SECONDS + "s");
        env.put("SENSORPROOF_PROVER_ENABLED", "true");
        env.put("SENSORPROOF_PROVER_WORKERS", "1");
        // only the carbon path's transactions on the oracle account: no commitment batches here
        env.put("SENSORPROOF_BATCHES_ENABLED", "false");
        env.put("SENSORPROOF_ORACLE_POLL_INTERVAL", "200ms");
        env.put("SENSORPROOF_ORACLE_CARBON_INTERVAL", "1s");
        env.put("SENSORPROOF_ORACLE_SETTLE_WAIT", "1s");
        MessageRows db = new MessageRows(ports.jdbcUrl());
        Web3j web3j = Web3j.build(new HttpService("http://127.0.0.1:" + chainPort));
        GatewayProcess gateway = null;
        DashboardBrowser browser = null;
        try {
            gateway = GatewayProcess.start("gateway", dataDir, http, env, Map.of(), root.resolve("run.log"));
            gateway.awaitReady(READY);
            String apiKey = gateway.operatorKey();
            try (Connection c = db.connect()) {
                world(c);
            }
            long facility = createFacility(gateway, apiKey, "cm-factory", List.of(DEVICE));
            long otherFacility = createFacility(gateway, apiKey, "cm-factory", List.of("cm-other"));

            Deployment deployment = Deployment.read(dataDir.resolve("chain").resolve("chain.json"));
            BigInteger field = Identifiers.deviceField(DEVICE);
            registerDevice(web3j, deployment, field);
            CarbonCredit asVerifier = CarbonCredit.load(deployment.address("CarbonCredit"), web3j,
                    tx(web3j, LocalDeployment.CARBON_VERIFIER_ACCOUNT), new DefaultGasProvider());
            String owner = LocalDeployment.address(8);
            TransactionReceipt created = sendOk(asVerifier.createFacility(owner));
            BigInteger chainFacility = CarbonCredit.getFacilityCreatedEvents(created).get(0).facilityId;
            long now = web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock().getTimestamp().longValueExact();
            long start = now + 20;
            long end = start + 60;
            sendOk(asVerifier.setPeriod(chainFacility, big(start), big(end), List.of(field), big(BASELINE_KG), big(MAX_GAP_MS),
                    big(RATE_KG_PER_HOUR)));

            JsonNode refused = JSON.readTree(call(http, "PUT", "/api/v1/emission-facilities/" + otherFacility + "/chain-link", apiKey,
                    Map.of("chainFacilityId", chainFacility.longValueExact()), 409));
            assertThat(refused.path("code").asText()).isEqualTo("CHAIN_FACILITY_DEVICES_MISMATCH");
            assertThat(refused.path("details").path("field").asText()).isEqualTo("deviceIds");
            JsonNode linked = JSON.readTree(call(http, "PUT", "/api/v1/emission-facilities/" + facility + "/chain-link", apiKey,
                    Map.of("chainFacilityId", chainFacility.longValueExact()), 200));
            assertThat(linked.path("chainFacilityId").asText()).isEqualTo(chainFacility.toString());

            // the register: 1 s, 6 s, 11 s into the period, an outage to 46 s (35 s > maxGap), 51 s, 56 s, and 3 s after the end
            long[] offsets = {1, 6, 11, 46, 51, 56, 63};
            long[] totals = {1_000_000, 1_004_000, 1_008_000, 1_036_000, 1_040_000, 1_044_000, 1_049_600};
            try (Connection c = db.connect()) {
                for (int i = 0; i < offsets.length; i++) {
                    storeRegister(c, i, Instant.ofEpochSecond(start + offsets[i]), totals[i]);
                }
            }

            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> claimStates(db).equals(List.of("SUBMITTED")));
            // the chain's clock is moved (evm_increaseTime) to the period's end, then to the challenge window's end, as a
            // live chain reaches them by itself; until then the gateway must wait, as it decides by block time. The state is
            // read before the block time: it was decided on a block no later than that one
            String beforeEnd = periodState(db, facility);
            long claimedAt = blockTime(web3j);
            if (claimedAt < end) {
                assertThat(beforeEnd).as("block time %d < end %d: the period stays open", claimedAt, end).isEqualTo("OPEN");
                increaseTime(chainPort, end - claimedAt);
            }
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .until(() -> List.of("CLOSED", "MINTED").contains(periodState(db, facility)));
            long windowEnd = verifierView(web3j, deployment).period(chainFacility, BigInteger.ONE).send().closedAt.longValueExact()
                    + CHALLENGE_WINDOW_SECONDS;
            double roundsWhenClosed = rounds(http);
            await().atMost(Duration.ofSeconds(30)).until(() -> rounds(http) >= roundsWhenClosed + 2);
            String beforeWindowEnd = periodState(db, facility);
            long closedRoundsAt = blockTime(web3j);
            if (closedRoundsAt < windowEnd) {
                assertThat(beforeWindowEnd).as("block time %d < window end %d: not minted", closedRoundsAt, windowEnd)
                        .isEqualTo("CLOSED");
                increaseTime(chainPort, windowEnd - closedRoundsAt);
            }
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .until(() -> "MINTED".equals(periodState(db, facility)));

            CarbonCredit reader = CarbonCredit.load(deployment.address("CarbonCredit"), web3j,
                    tx(web3j, LocalDeployment.CARBON_VERIFIER_ACCOUNT), new DefaultGasProvider());
            CarbonCredit.Period period = reader.period(chainFacility, BigInteger.ONE).send();
            assertThat(period.closed).isTrue();
            assertThat(period.minted).isTrue();
            AnchorRegistry registry = AnchorRegistry.load(deployment.address("AnchorRegistry"), web3j,
                    tx(web3j, LocalDeployment.CARBON_VERIFIER_ACCOUNT), new DefaultGasProvider());
            List<Map.Entry<String, EmissionsClaim>> claims = new ArrayList<>();
            for (Object id : reader.deviceClaims(chainFacility, BigInteger.ONE, field).send()) {
                byte[] claimId = (byte[]) id;
                AnchorRegistry.EmissionsClaim c = registry.emissionsClaim(claimId).send();
                claims.add(Map.entry(DEVICE, new EmissionsClaim(c.root, c.device, c.firstTime.longValueExact(),
                        c.firstTotal.longValueExact(), c.lastTime.longValueExact(), c.lastTotal.longValueExact(),
                        c.count.intValueExact(), c.maxGap.longValueExact(), c.gapTime.longValueExact())));
            }
            assertThat(claims).hasSize(1);
            assertThat(claims.get(0).getValue().gapTime()).as("the outage, charged in the claim").isEqualTo(35_000);
            CarbonClose expected = CarbonClose.of(new CarbonPeriod(start, end, BASELINE_KG, MAX_GAP_MS, RATE_KG_PER_HOUR,
                    List.of(DEVICE)), claims);
            assertThat(expected.substituteGrams()).as("35 s at 36 kg/h").isEqualTo(350);
            assertThat(period.emissionsGrams).isEqualTo(BigInteger.valueOf(expected.emissionsGrams()));
            assertThat(period.mintedAmount).isEqualTo(BigInteger.valueOf(expected.credits()));
            assertThat(reader.balanceOf(owner, CarbonPeriod.tokenId(chainFacility.longValueExact(), 1)).send())
                    .isEqualTo(BigInteger.valueOf(expected.credits()));

            // the loop keeps running: no second close or mint, ever
            double roundsAfterMint = rounds(http);
            await().atMost(Duration.ofSeconds(30)).until(() -> rounds(http) >= roundsAfterMint + 3);
            String oracleKey = Files.readString(dataDir.resolve("chain").resolve("oracle.key"), StandardCharsets.US_ASCII).trim();
            BigInteger sent = web3j.ethGetTransactionCount(Credentials.create(oracleKey).getAddress(), DefaultBlockParameterName.LATEST)
                    .send().getTransactionCount();
            assertThat(sent).as("oracle transactions: anchor, submit, close, mint").isEqualTo(BigInteger.valueOf(4));
            assertThat(jobKinds(db)).containsExactly("close-period", "emissions-claim", "mint", "submit-claim");

            String exchangeKey = verificationBundle(gateway, http, web3j, facility, chainFacility.longValueExact(), expected, start, end);
            String mintTx = JSON.readTree(Files.readString(root.resolve("verification-bundle.json"))).path("mint").path("transaction")
                    .asText();
            long browserStart = System.nanoTime();
            browser = DashboardBrowser.startIfInstalled(root.resolve("downloads")).orElse(null);
            if (browser != null) {
                exchangeDashboard(browser, "http://127.0.0.1:" + http + DashboardRoutes.BASE, exchangeKey, facility,
                        chainFacility.longValueExact(), expected, mintTx, start, end);
                System.out.printf("CarbonMintIT: time spent in the browser part: %d ms%n", (System.nanoTime() - browserStart) / 1_000_000);
            }
        } finally {
            web3j.shutdown();
            if (gateway != null) {
                gateway.stop();
            }
            GatewayProcess.killLeftovers(dataDir);
            if (browser != null) {
                browser.close();
            }
        }
    }

    /**
     * The exchange's verification bundle of the minted period (ADR 031): the facility's exchange downloads it
     * (an exchange of another tenant gets 404), the offline checker with the emissions key pinned from the
     * repository's committed file (not from the bundle) accepts it and states facility, period, emissions,
     * substitutes and credits; its transactions are the chain's; every field that matters, changed, is
     * refused naming that field, and the chain pointers, changed, are not checked offline. Returns the exchange's key.
     */
    private static String verificationBundle(GatewayProcess gateway, int http, Web3j web3j, long facility, long chainFacility,
            CarbonClose expected, long start, long end) throws Exception {
        String operator = gateway.operatorKey();
        String exchangeKey = newKey(gateway, operator, "exchange", "cm-exchange");
        String foreignKey = newKey(gateway, operator, "exchange", "cm-exchange-2");
        String path = "/api/v1/emission-facilities/" + facility + "/periods/1/verification-bundle";
        JsonNode hidden = JSON.readTree(get(http, path, foreignKey, 404));
        assertThat(hidden.path("code").asText()).isEqualTo("EMISSION_FACILITY_NOT_FOUND");
        assertThat(JSON.readTree(get(http, "/api/v1/emission-facilities/" + facility + "/periods/2/verification-bundle",
                exchangeKey, 404)).path("code").asText()).isEqualTo("CARBON_PERIOD_NOT_FOUND");
        String bundle = get(http, path, exchangeKey, 200);
        Files.writeString(Path.of("target", "resilience", "carbon-mint", "verification-bundle.json"), bundle);

        String key = Files.readString(Path.of("..", "zk-circuits", "src", "main", "resources", "io", "sensorproof", "zk", "circuits",
                "emissions", "verification.key"), StandardCharsets.UTF_8);
        BundleVerifier checker = new BundleVerifier(PinnedKeys.none().withKey("emissions", key));
        Verdict verdict = checker.verify(bundle);
        assertThat(verdict.reasons()).as("the gateway's bundle").isEmpty();
        assertThat(verdict.accepted()).isTrue();
        String words = String.join("\n", verdict.description());
        assertThat(words).contains("carbon period 1 of facility " + chainFacility)
                .contains("emissions " + expected.emissionsGrams() + " g = measured " + expected.massGrams() + " g + substitutes "
                        + expected.substituteGrams() + " g")
                .contains("credits " + expected.credits())
                .contains("device " + DEVICE);

        // the pointers are the chain's: each transaction mined in the stated block at the stated time
        ObjectNode tree = (ObjectNode) JSON.readTree(bundle);
        assertThat(tree.path("period").path("start").asLong()).isEqualTo(start);
        assertThat(tree.path("period").path("end").asLong()).isEqualTo(end);
        for (JsonNode ref : List.of(tree.path("claims").path(0).path("anchor"), tree.path("close"), tree.path("mint"))) {
            TransactionReceipt receipt = web3j.ethGetTransactionReceipt(ref.path("transaction").asText()).send().getTransactionReceipt()
                    .orElseThrow();
            assertThat(receipt.isStatusOK()).isTrue();
            assertThat(receipt.getBlockNumber().longValueExact()).isEqualTo(ref.path("block").asLong());
            assertThat(web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(receipt.getBlockNumber()), false).send().getBlock()
                    .getTimestamp().longValueExact()).isEqualTo(ref.path("blockTime").asLong());
        }

        List<String> matters = new ArrayList<>(List.of("facility.id", "period.id", "period.tokenId",
                "period.baselineKg", "period.substituteRateKgPerHour", "result.massGrams", "result.claimGapMs", "result.chargedGapMs",
                "result.substituteGrams", "result.emissionsGrams", "result.credits", "claims[0].claimId", "claims[0].statement.root",
                "claims[0].statement.firstTotal", "claims[0].statement.lastTotal", "claims[0].statement.gapTime",
                "claims[0].statement.count", "claims[0].statement.firstTime", "claims[0].statement.lastTime",
                "claims[0].statement.maxGap"));
        for (int i = 0; i < tree.path("claims").path(0).path("inputs").size(); i++) {
            matters.add("claims[0].inputs[" + i + "]");
        }
        List<String> problems = new ArrayList<>();
        for (String field : matters) {
            Verdict changed = checker.verify(JSON.writeValueAsString(changed(tree, field, 1)));
            if (changed.accepted() || changed.reasons().stream().noneMatch(r -> r.names(field))) {
                problems.add(field + " + 1: " + (changed.accepted() ? "accepted" : "no reason names it: " + changed.reasons()));
            }
        }
        // terms by the smallest step the claim does not support, and a step it still meets: the first reading is 1 s after
        // the start, the last 3 s after the end (a later end leaves its last second uncovered); the claim's maxGap is the
        // period's (a smaller one is refused, a larger one allows the claim)
        Map<String, long[]> terms = Map.of("period.start", new long[] {2, 1}, "period.end", new long[] {4, 3},
                "period.maxGap", new long[] {-1, 1});
        for (Map.Entry<String, long[]> term : terms.entrySet()) {
            String field = term.getKey();
            Verdict unsupported = checker.verify(JSON.writeValueAsString(changed(tree, field, term.getValue()[0])));
            if (unsupported.accepted() || unsupported.reasons().stream().noneMatch(r -> r.names(field))) {
                problems.add(field + " changed by " + term.getValue()[0] + ": " + unsupported.reasons());
            }
            Verdict met = checker.verify(JSON.writeValueAsString(changed(tree, field, term.getValue()[1])));
            if (!met.accepted()) {
                problems.add(field + " changed by " + term.getValue()[1] + " is still met by the claim, yet refused: " + met.reasons());
            }
        }
        assertThat(problems).as("fields that matter, changed, must be refused naming them").isEmpty();
        Verdict proof = checker.verify(JSON.writeValueAsString(changed(tree, "claims[0].proof.a[0]", 1)));
        assertThat(proof.reasons()).as("a proof coordinate changed").anyMatch(r -> r.names("claims[0].proof.a"));
        for (String pointer : List.of("mint.transaction", "close.transaction", "claims[0].anchor.transaction")) {
            assertThat(checker.verify(JSON.writeValueAsString(changed(tree, pointer, 1))).accepted())
                    .as(pointer + " is a pointer to the chain, not checked offline (docs/bundles.md)").isTrue();
        }
        return exchangeKey;
    }

    /**
     * The exchange in the dashboard (issue 16; {@link DashboardBrowser}): its credits page shows the minted period
     * with its times, amount minted and held, nothing retired and the mint transaction; its "verification bundle"
     * button downloads the bundle (fetched with the key in the header, never in a URL) into the browser's download
     * directory, and the offline checker with the key pinned from the repository accepts the downloaded file.
     */
    private static void exchangeDashboard(DashboardBrowser browser, String dashboard, String exchangeKey, long facility,
            long chainFacility, CarbonClose expected, String mintTx, long start, long end) throws Exception {
        browser.freshTab(dashboard);
        browser.signIn(exchangeKey);
        assertThat(browser.navText()).contains("Credits").doesNotContain("Lots");
        WebElement row = browser.waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("credits-" + facility + "-1")));
        DateTimeFormatter utc = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
        assertThat(row.findElement(By.cssSelector(".period-id")).getText()).isEqualTo("1");
        assertThat(row.getText()).contains(utc.format(Instant.ofEpochSecond(start)) + " → " + utc.format(Instant.ofEpochSecond(end)));
        assertThat(row.findElement(By.cssSelector(".state")).getText()).isEqualTo("MINTED");
        assertThat(row.findElement(By.cssSelector(".minted")).getText()).isEqualTo(Long.toString(expected.credits()));
        assertThat(row.findElement(By.cssSelector(".held")).getText()).isEqualTo(Long.toString(expected.credits()));
        assertThat(row.findElement(By.cssSelector(".retired")).getText()).isEqualTo("0");
        assertThat(row.findElement(By.cssSelector(".mint-tx")).getText()).startsWith(mintTx);
        browser.screenshot(Path.of("target", "screenshots", "dashboard-exchange-credits.png"));

        WebElement button = row.findElement(By.id("bundle-" + facility + "-1"));
        assertThat(button.getTagName()).as("a button that fetches, not a link a key could ride on").isEqualTo("button");
        button.click();
        Path downloaded = browser.awaitDownload("verification-bundle-" + facility + "-1.json");
        String key = Files.readString(Path.of("..", "zk-circuits", "src", "main", "resources", "io", "sensorproof", "zk", "circuits",
                "emissions", "verification.key"), StandardCharsets.UTF_8);
        Verdict verdict = new BundleVerifier(PinnedKeys.none().withKey("emissions", key)).verify(Files.readString(downloaded));
        assertThat(verdict.reasons()).as("the bundle downloaded in the browser").isEmpty();
        assertThat(verdict.accepted()).isTrue();
        assertThat(String.join("\n", verdict.description())).contains("carbon period 1 of facility " + chainFacility,
                "credits " + expected.credits());
        Object requested = browser.driver().executeScript(
                "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('verification-bundle'))");
        assertThat((List<?>) requested).as("the bundle was fetched by the page").isNotEmpty()
                .allSatisfy(url -> assertThat(url.toString()).doesNotContain(exchangeKey));
        assertThat(browser.severeConsoleEntries()).as("browser console: no policy violation, no error").isEmpty();
    }

    /** The bundle with the leaf at {@code path} changed: an integer + {@code step}, a hex number with its lowest bit flipped. */
    private static ObjectNode changed(ObjectNode bundle, String path, long step) {
        ObjectNode copy = bundle.deepCopy();
        JsonNode parent = copy;
        String[] steps = path.replace("[", ".[").split("\\.");
        for (int i = 0; i < steps.length - 1; i++) {
            parent = step(parent, steps[i]);
        }
        String last = steps[steps.length - 1];
        JsonNode value = step(parent, last);
        JsonNode replacement;
        if (value.isIntegralNumber()) {
            replacement = LongNode.valueOf(value.longValue() + step);
        } else {
            String hex = value.asText();
            assertThat(hex).as(path).startsWith("0x");
            replacement = TextNode.valueOf("0x" + String.format("%0" + (hex.length() - 2) + "x",
                    new BigInteger(hex.substring(2), 16).flipBit(0)));
        }
        if (last.startsWith("[")) {
            ((ArrayNode) parent).set(Integer.parseInt(last.substring(1, last.length() - 1)), replacement);
        } else {
            ((ObjectNode) parent).set(last, replacement);
        }
        return copy;
    }

    private static JsonNode step(JsonNode node, String step) {
        JsonNode next = step.startsWith("[") ? node.path(Integer.parseInt(step.substring(1, step.length() - 1))) : node.path(step);
        assertThat(next.isMissingNode()).as("no " + step).isFalse();
        return next;
    }

    private static String newKey(GatewayProcess gateway, String operator, String role, String tenant) throws Exception {
        return JSON.readTree(gateway.call("POST", "/api/v1/api-keys", operator, Map.of("label", role + " " + tenant, "role", role,
                "tenant", tenant), 201)).path("key").asText();
    }

    private static String get(int port, String path, String apiKey, int expected) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + apiKey).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(expected);
        return r.body();
    }

    /** Registers the device on chain with a helper account granted ORACLE_ROLE, so the oracle's nonces stay the gateway's. */
    // until register-device jobs are merged
    private static void registerDevice(Web3j web3j, Deployment deployment, BigInteger field) throws Exception {
        String address = deployment.address("AnchorRegistry");
        AnchorRegistry asAdmin = AnchorRegistry.load(address, web3j, tx(web3j, LocalDeployment.DEPLOYER_ACCOUNT), new DefaultGasProvider());
        String helper = LocalDeployment.address(REGISTRY_HELPER);
        sendOk(asAdmin.grantRole(asAdmin.ORACLE_ROLE().send(), helper));
        AnchorRegistry asHelper = AnchorRegistry.load(address, web3j, tx(web3j, REGISTRY_HELPER), new DefaultGasProvider());
        if (!asHelper.isDeviceRegistered(field).send()) {
            sendOk(asHelper.registerDevice(field, Hash.sha3(DEVICE.getBytes(StandardCharsets.US_ASCII))));
        }
    }

    private static CarbonCredit verifierView(Web3j web3j, Deployment deployment) {
        return CarbonCredit.load(deployment.address("CarbonCredit"), web3j, tx(web3j, LocalDeployment.CARBON_VERIFIER_ACCOUNT),
                new DefaultGasProvider());
    }

    private static long blockTime(Web3j web3j) throws Exception {
        return web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock().getTimestamp().longValueExact();
    }

    /** {@code evm_increaseTime}: anvil's next blocks (1 s interval mining) are {@code seconds} later than the wall clock's. */
    private static void increaseTime(int chainPort, long seconds) throws Exception {
        RawResponse r = new Request<>("evm_increaseTime", List.of(seconds), new HttpService("http://127.0.0.1:" + chainPort),
                RawResponse.class).send();
        assertThat(r.hasError()).as("evm_increaseTime: %s", r.getError() == null ? "" : r.getError().getMessage()).isFalse();
    }

    /** A JSON-RPC response whose result is read as is. */
    public static final class RawResponse extends Response<Object> {}

    private static TransactionManager tx(Web3j web3j, int account) {
        return new RawTransactionManager(web3j, Credentials.create(DevelopmentKeys.PRIVATE_KEYS.get(account)), 31337,
                new PollingTransactionReceiptProcessor(web3j, 100, 600));
    }

    private static TransactionReceipt sendOk(RemoteFunctionCall<TransactionReceipt> call) throws Exception {
        TransactionReceipt receipt = call.send();
        assertThat(receipt.isStatusOK()).as("transaction %s", receipt.getTransactionHash()).isTrue();
        return receipt;
    }

    private static BigInteger big(long v) {
        return BigInteger.valueOf(v);
    }

    private static long createFacility(GatewayProcess gateway, String apiKey, String tenant, List<String> devices) throws Exception {
        Map<String, Object> body = new HashMap<>();
        body.put("tenant", tenant);
        body.put("exchange", "cm-exchange");
        body.put("name", "stack " + devices);
        body.put("deviceIds", devices);
        body.put("baselineKg", BASELINE_KG);
        body.put("calendar", "MONTHLY_UTC");
        body.put("maxGapMs", MAX_GAP_MS);
        body.put("substituteRateKgPerHour", RATE_KG_PER_HOUR);
        return JSON.readTree(gateway.call("POST", "/api/v1/emission-facilities", apiKey, body, 201)).path("id").asLong();
    }

    private static String call(int port, String method, String path, String apiKey, Object body, int expected) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(expected);
        return r.body();
    }

    private static double rounds(int port) throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^sensorproof_carbon_rounds_total(?:\\{[^}]*\\})? ([0-9.eE+]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static List<String> claimStates(MessageRows db) throws Exception {
        return strings(db, "SELECT state FROM emissions_claims ORDER BY chain_index");
    }

    private static List<String> jobKinds(MessageRows db) throws Exception {
        return strings(db, "SELECT kind FROM oracle_jobs ORDER BY kind");
    }

    private static String periodState(MessageRows db, long facility) throws Exception {
        List<String> s = strings(db, "SELECT state FROM carbon_periods WHERE facility_id = " + facility);
        return s.isEmpty() ? null : s.get(0);
    }

    private static List<String> strings(MessageRows db, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static void world(Connection c) throws Exception {
        exec(c, "INSERT INTO tenants (id, name, kind) VALUES ('cm-factory', 'factory', 'factory'), ('cm-exchange', 'exchange', 'exchange'),"
                + " ('cm-exchange-2', 'exchange 2', 'exchange')");
        for (String device : List.of(DEVICE, "cm-other")) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO devices (tenant_id, device_id, kid, spki, alg, status)"
                    + " VALUES ('cm-factory', ?, ?, ?, 'ES256', 'ACTIVE')")) {
                ps.setString(1, device);
                byte[] kid = new byte[16];
                kid[0] = (byte) device.hashCode();
                kid[1] = (byte) (device.hashCode() >> 8);
                ps.setBytes(2, kid);
                ps.setBytes(3, new byte[] {0x30, 0x00});
                ps.executeUpdate();
            }
        }
    }

    /** One stored message (boot 1, seq {@code seq}) carrying one co2e-register reading (quantity 4, grams). */
    private static void storeRegister(Connection c, long seq, Instant time, long grams) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO messages (device_id, boot, seq, content_digest, raw, received_at,"
                + " record_count) VALUES (?, 1, ?, ?, ?, now(), 1)")) {
            ps.setString(1, DEVICE);
            ps.setLong(2, seq);
            ps.setBytes(3, new byte[32]);
            ps.setBytes(4, new byte[] {(byte) seq});
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO readings (device_id, boot, seq, record_index, quantity, value,"
                + " reading_time, received_at) VALUES (?, 1, ?, 0, 4, ?, ?, now())")) {
            ps.setString(1, DEVICE);
            ps.setLong(2, seq);
            ps.setLong(3, grams);
            ps.setTimestamp(4, Timestamp.from(time));
            ps.executeUpdate();
        }
    }

    private static void exec(Connection c, String sql) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }
}
