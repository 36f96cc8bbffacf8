package io.sensorproof.gateway.dashboard;

import static io.restassured.RestAssured.given;
import static io.sensorproof.gateway.security.TenancyWorld.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.sensorproof.gateway.EmbeddedBrokerTestResource;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.core.collateral.AlertChange;
import io.sensorproof.gateway.core.collateral.ReadingKey;
import io.sensorproof.gateway.security.TenancyTestSupport;
import io.sensorproof.gateway.testing.DashboardBrowser;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import java.net.URL;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in headless Chromium (Debian's {@code chromium} and {@code chromium-driver}; skipped without
 * them on a developer's machine, failed in CI) against the in-process gateway with its real PostgreSQL and
 * broker: bank A signs in and sees its lot, the chart with the allowed range, and, without a reload, the alert
 * that readings published by this test open; bank B sees none of it and gets not-found for A's lot; a wrong key
 * is refused with the API's code. The bank's lot page is saved as a screenshot under {@code target/screenshots}.
 * The browser is {@link DashboardBrowser}, shared with the packaged-gateway scenarios ({@code CollateralFreezeIT},
 * {@code CarbonMintIT}).
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
@WithTestResource(EmbeddedBrokerTestResource.class)
class DashboardBrowserIT extends TenancyTestSupport {
    private static final Duration WAIT = DashboardBrowser.WAIT;
    private static final AtomicInteger DEVICES = new AtomicInteger();
    private static final double IN = 4.0;
    private static final double OUT = 10.0;

    private static DashboardBrowser browser;
    private static ChromeDriver driver;

    @TestHTTPResource("/dashboard/")
    URL dashboard;

    DashboardBrowserIT() {
        super("dash-");
    }

    @BeforeAll
    static void startBrowser() throws Exception {
        browser = DashboardBrowser.start(Path.of("target", "downloads", "dashboard-browser-it"));
        driver = browser.driver();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void freshTab() {
        browser.freshTab(dashboard.toString());
    }

    @Test
    void servesTheDashboardWithAPolicyThatForbidsEveryOtherOrigin() {
        given().redirects().follow(false).get("/").then().statusCode(302).header("Location", "/dashboard/");
        String policy = given().get("/dashboard/").then().statusCode(200).extract().header("Content-Security-Policy");
        assertThat(policy).contains("default-src 'none'", "script-src 'self'", "connect-src 'self'");
        given().get("/dashboard/vendor/dist/uPlot.iife.min.js").then().statusCode(200);
    }

    @Test
    void bankSeesItsLotTheRangeLinesAndTheAlertItsReadingsOpenWithoutReload() throws Exception {
        Device d = device();
        long lot = lotWithTerms(d.id());
        long t0 = System.currentTimeMillis() - 240_000;
        try (Publisher publisher = new Publisher()) {
            publisher.publish(d, t0, 0, 10, s -> IN);

            signIn(world.bankKey);
            assertThat(navText()).contains("Lots", "Alerts", "Devices", "Quarantine").doesNotContain("Credits", "Batches");
            waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("lot-" + lot)));
            driver.findElement(By.cssSelector("#lot-" + lot + " a")).click();
            waitFor().until(ExpectedConditions.textToBePresentInElementLocated(By.id("lot-title"), "cold room " + d.id()));
            waitFor().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#chart-temperature canvas")));
            String legend = driver.findElement(By.cssSelector("#chart-temperature .u-legend")).getText();
            assertThat(legend).contains("lower limit 0 °C", "upper limit 8 °C", d.id());
            assertThat(rangeLinePixelsDrawn()).as("the dashed limit lines are drawn on the canvas").isTrue();
            assertThat(driver.findElement(By.id("alerts-table-empty")).getText()).isEqualTo("No alerts.");

            browser.awaitLive();
            browser.markDocument();
            // out of range 15–60 s of device time (> the 20 s minimum duration), back in 65–80 s
            publisher.publish(d, t0, 15, 80, s -> s <= 60 ? OUT : IN);

            WebElement row = waitFor().until(ExpectedConditions.presenceOfElementLocated(
                    By.xpath("//div[@class='alerts']//tr[td[3][normalize-space()='" + d.id() + "']]")));
            assertThat(row.getText()).contains("THRESHOLD", "temperature");
            assertThat(browser.sameDocument()).as("the alert arrived without a reload").isTrue();
            long alertId = Long.parseLong(row.getAttribute("id").substring("alert-".length()));
            assertThat(as(world.bankKey).get("/api/v1/collateral-alerts/" + alertId).then().statusCode(200).extract()
                    .jsonPath().getLong("lotId")).isEqualTo(lot);

            // the lot's alert event also redraws its chart, now with the excursion, still with the limits
            waitFor().until(ExpectedConditions.attributeToBeNotEmpty(driver.findElement(By.id("charts-section")), "data-refreshed"));
            waitFor().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#chart-temperature canvas")));
            assertThat(driver.findElement(By.cssSelector("#chart-temperature .u-legend")).getText())
                    .contains("lower limit 0 °C", "upper limit 8 °C");
            assertThat(rangeLinePixelsDrawn()).isTrue();
            screenshot("dashboard-bank-lot.png");
            assertThat(browser.severeConsoleEntries()).as("browser console: no policy violation, no error").isEmpty();
        }
    }

    @Test
    void anotherBankSeesNoneOfItAndItsDirectUrlForTheLotIsNotFound() throws Exception {
        Device d = device();
        long lot = lotWithTerms(d.id());
        Instant now = Instant.now();
        long alertId = collateralAlerts.apply(new AlertChange(AlertChange.Kind.OPENED, lot, d.id(),
                Optional.of(Quantity.TEMPERATURE), "THRESHOLD", Optional.of(now.minusSeconds(600)), Optional.of(now),
                Optional.of(now.minusSeconds(600)), Optional.of(now), List.of(new ReadingKey(d.id(), 1, 1, 0)), "rules", now))
                .alertId();

        signIn(world.bank2Key);
        // control: bank B's own lot (the world's) is listed, A's is not
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("lot-" + world.victimLotId)));
        assertThat(driver.findElements(By.id("lot-" + lot))).isEmpty();
        assertThat(driver.findElement(By.id("page")).getText()).doesNotContain(d.id());

        driver.findElement(By.id("nav-alerts")).click();
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("alert-" + world.victimAlertId)));
        assertThat(driver.findElements(By.id("alert-" + alertId))).isEmpty();

        driver.findElement(By.id("nav-devices")).click();
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("device-" + world.victimDevice2)));
        assertThat(driver.findElement(By.id("page")).getText()).doesNotContain(d.id());

        driver.get(dashboard + "#/lots/" + lot);
        WebElement error = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#page .error")));
        assertThat(error.getAttribute("data-code")).isEqualTo("LOT_NOT_FOUND");
        assertThat(error.getText()).contains("LOT_NOT_FOUND", "HTTP 404");
        assertThat(driver.findElement(By.id("page")).getText()).doesNotContain(d.id());
    }

    @Test
    void aWrongKeyIsRefusedWithAClearMessage() {
        WebElement input = driver.findElement(By.id("api-key"));
        input.sendKeys("spk_not-a-key-of-this-gateway", org.openqa.selenium.Keys.ENTER);
        WebElement error = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in-error")));
        assertThat(error.getText()).contains("refused", "UNAUTHENTICATED");
        assertThat(driver.findElement(By.id("nav")).isDisplayed()).isFalse();
        assertThat(driver.executeScript("return sessionStorage.length")).isEqualTo(0L);
    }

    @Test
    void navigationFollowsTheRoleOfTheKey() {
        signIn(world.exchangeKey);
        assertThat(navText()).contains("Credits", "Devices", "Quarantine").doesNotContain("Lots", "Alerts", "Batches");
        waitFor().until(ExpectedConditions.attributeToBe(By.id("page"), "data-page", "credits"));
        driver.get(dashboard + "#/lots");
        WebElement error = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#page .error")));
        assertThat(error.getAttribute("data-code")).isEqualTo("PAGE_NOT_FOUND");

        driver.findElement(By.id("sign-out")).click();
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key")));
        assertThat(driver.executeScript("return sessionStorage.length")).isEqualTo(0L);

        signIn(world.regulatorKey);
        // the regulator's own navigation (issue 16): claims and batch audits first, not the operator's devices and quarantine
        assertThat(navText()).contains("Claims", "Batches", "Lots", "Alerts", "Credits").doesNotContain("Devices", "Quarantine");
        driver.findElement(By.id("nav-credits")).click();
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("facility-" + world.victimFacilityId)));
    }

    private void signIn(String key) {
        browser.signIn(key);
    }

    private String navText() {
        return browser.navText();
    }

    /**
     * True when the canvas has the limit colour on the row of the upper limit: the chart's canvas is read back
     * at the y position uPlot's scale gives for the limit's value.
     */
    private boolean rangeLinePixelsDrawn() {
        Object found = ((JavascriptExecutor) driver).executeScript("""
                const figure = document.getElementById('chart-temperature');
                const canvas = figure.querySelector('canvas');
                const ctx = canvas.getContext('2d');
                const image = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
                let limitPixels = 0;
                for (let i = 0; i < image.length; i += 4) {
                  if (Math.abs(image[i] - 0xb3) < 12 && Math.abs(image[i + 1] - 0x26) < 12 && Math.abs(image[i + 2] - 0x1e) < 12) {
                    limitPixels++;
                  }
                }
                return limitPixels;
                """);
        return ((Number) found).longValue() > 200;
    }

    private void screenshot(String name) throws Exception {
        browser.screenshot(Path.of("target", "screenshots", name));
    }

    private WebDriverWait waitFor() {
        return browser.waitFor();
    }

    /** A device of the victim factory with a key the test signs with. */
    private record Device(String id, SigningKey key, AtomicInteger seq) {
    }

    private Device device() throws Exception {
        String id = "dash-dev-" + DEVICES.incrementAndGet();
        SigningKey key = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO devices (tenant_id, device_id, kid, spki, alg, status, site_id) VALUES (?, ?, ?, ?, ?, 'ACTIVE', ?)")) {
            ps.setString(1, world.victim);
            ps.setString(2, id);
            ps.setBytes(3, key.verificationKey().kid());
            ps.setBytes(4, key.verificationKey().spki());
            ps.setString(5, key.algorithm().label());
            ps.setString(6, world.victimSite);
            ps.executeUpdate();
        }
        return new Device(id, key, new AtomicInteger());
    }

    /** A lot of the victim factory financed by {@code world.bank} (bank A), terms 0–8 °C for 20 s, k = 1. */
    private long lotWithTerms(String device) {
        long id = as(world.victimFactoryKey).contentType(ContentType.JSON).body(Map.of("tenant", world.victim, "siteId",
                        world.victimSite, "bank", world.bank, "name", "cold room " + device, "deviceIds", List.of(device)))
                .post("/api/v1/lots").then().statusCode(201).extract().jsonPath().getLong("id");
        as(world.bankKey).contentType(ContentType.JSON).body(Map.of("watches", List.of(Map.of("quantity", "temperature",
                        "lo", 27315, "hi", 28115, "minDurationMs", 20_000, "maxGapMs", 900_000, "samplingIntervalMs", 600_000,
                        "maxAgeMs", 86_400_000, "k", 1))))
                .put("/api/v1/lots/" + id + "/terms").then().statusCode(200);
        return id;
    }

    /** Publishes signed readings over MQTT the way the devices do, and waits until the gateway stored them. */
    private final class Publisher implements AutoCloseable {
        private final MqttClient client;

        Publisher() throws Exception {
            client = new MqttClient(EmbeddedBrokerTestResource.url(), "dashboard-it-" + DEVICES.incrementAndGet(),
                    new MemoryPersistence());
            client.connect();
        }

        /** Readings every 5 s of device time from {@code t0 + from} to {@code t0 + to} seconds, four per message. */
        void publish(Device d, long t0, int from, int to, LongFunction<Double> value) throws Exception {
            List<Reading> pending = new ArrayList<>();
            for (int s = from; s <= to; s += 5) {
                pending.add(new Reading(Quantity.TEMPERATURE, value.apply(s), t0 + s * 1000L));
                if (pending.size() == 4 || s + 5 > to) {
                    long deviceTime = pending.get(pending.size() - 1).timeMillis();
                    byte[] signed = ReadingMessages.sign(new ReadingPack(d.id(), pending), 1, d.seq().incrementAndGet(),
                            deviceTime, d.key());
                    MqttMessage m = new MqttMessage(signed);
                    m.setQos(1);
                    client.publish(Topics.up(world.victim, d.id()), m);
                    pending = new ArrayList<>();
                }
            }
            int expected = d.seq().get();
            await().atMost(WAIT).until(() -> count("SELECT count(*) FROM messages WHERE device_id = '" + d.id() + "'") == expected);
        }

        @Override
        public void close() throws Exception {
            client.disconnect();
            client.close();
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
