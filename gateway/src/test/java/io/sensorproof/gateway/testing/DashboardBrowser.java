package io.sensorproof.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in headless Chromium for the browser tests (issue 16, ADR 033): Debian's {@code chromium} and
 * {@code chromium-driver}, one window size, the browser console kept, downloads into a directory of the test's.
 * Shared by the in-process {@code DashboardBrowserIT} and the packaged-gateway scenario ITs so that sign-in,
 * waits and screenshots mean the same everywhere. A missing browser skips (or, with
 * {@value ExternalTool#REQUIRE_VARIABLE}{@code =true}, fails) like the other system tools.
 */
public final class DashboardBrowser implements AutoCloseable {
    /** Debian's Chromium. */
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** Debian's chromium-driver. */
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** How long a page condition may take. */
    public static final Duration WAIT = Duration.ofSeconds(30);

    private final ChromeDriver driver;
    private final Path downloads;

    private DashboardBrowser(ChromeDriver driver, Path downloads) {
        this.driver = driver;
        this.downloads = downloads;
    }

    /** True when Chromium and its driver are installed. */
    public static boolean installed() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /**
     * A browser for a test that is only about the dashboard: skips the test without Chromium (fails it when
     * tools are required).
     */
    public static DashboardBrowser start(Path downloads) throws IOException {
        ExternalTool.require(installed(), missing());
        return launch(downloads);
    }

    /**
     * A browser for a scenario test whose other assertions stand without it: empty without Chromium on a
     * developer's machine (the scenario runs without its browser part), a failure when tools are required.
     */
    public static Optional<DashboardBrowser> startIfInstalled(Path downloads) throws IOException {
        if (!installed()) {
            if (ExternalTool.required()) {
                ExternalTool.require(false, missing());
            }
            return Optional.empty();
        }
        return Optional.of(launch(downloads));
    }

    private static String missing() {
        return "Debian's chromium and chromium-driver are not installed (" + CHROMIUM + ", " + CHROMEDRIVER + ")";
    }

    private static DashboardBrowser launch(Path downloads) throws IOException {
        Files.createDirectories(downloads);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        Map<String, Object> prefs = new HashMap<>();
        prefs.put("download.default_directory", downloads.toAbsolutePath().toString());
        prefs.put("download.prompt_for_download", false);
        options.setExperimentalOption("prefs", prefs);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1000", "--no-first-run", "--disable-extensions");
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1280, 1000));
        return new DashboardBrowser(driver, downloads.toAbsolutePath());
    }

    /** The driver, for what this class does not wrap. */
    public ChromeDriver driver() {
        return driver;
    }

    /** A wait of {@link #WAIT} for a page condition. */
    public WebDriverWait waitFor() {
        return new WebDriverWait(driver, WAIT);
    }

    /**
     * Opens the dashboard at {@code url} signed out, in a new browser tab (sessionStorage, where the key is kept, belongs
     * to a tab), closing the previous one, and waits for the sign-in form. Clearing the storage under a running
     * dashboard instead raced the page's own start (its next request went out without a key and logged a 401).
     */
    public void freshTab(String url) {
        String previous = driver.getWindowHandle();
        driver.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
        String fresh = driver.getWindowHandle();
        driver.switchTo().window(previous).close();
        driver.switchTo().window(fresh);
        driver.get(url);
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("api-key")));
    }

    /** Signs in with {@code key} and waits for the navigation; the key never shows in the URL. */
    public void signIn(String key) {
        WebElement input = driver.findElement(By.id("api-key"));
        input.sendKeys(key, Keys.ENTER);
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("nav")));
        assertThat(driver.getCurrentUrl()).doesNotContain(key);
    }

    /** The navigation's text (the pages of the signed-in role). */
    public String navText() {
        return driver.findElement(By.id("nav")).getText();
    }

    /** Waits until the live stream's indicator says connected. */
    public void awaitLive() {
        waitFor().until(ExpectedConditions.attributeToBe(By.id("live"), "data-status", "connected"));
    }

    /** Marks the current document, so that {@link #sameDocument()} tells whether the page was reloaded since. */
    public void markDocument() {
        driver.executeScript("window.sensorproofSameDocument = true");
    }

    /** True while the document marked by {@link #markDocument()} is still the one shown (no reload, no navigation). */
    public boolean sameDocument() {
        return Boolean.TRUE.equals(driver.executeScript("return window.sensorproofSameDocument === true"));
    }

    /** The browser console's entries at SEVERE (errors, Content-Security-Policy violations) since the last call. */
    public List<LogEntry> severeConsoleEntries() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
    }

    /** Saves a screenshot of the window as {@code file} (directories created). */
    public Path screenshot(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        File shot = driver.getScreenshotAs(OutputType.FILE);
        return Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Waits until the browser has finished downloading {@code fileName} into the download directory. */
    public Path awaitDownload(String fileName) {
        Path file = downloads.resolve(fileName);
        waitFor().withMessage(() -> "download " + file + "; directory has " + listing()).until(d -> Files.isRegularFile(file)
                && listing().stream().noneMatch(name -> name.endsWith(".crdownload")));
        return file;
    }

    private List<String> listing() {
        try (Stream<Path> files = Files.list(downloads)) {
            return files.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            return List.of("(unreadable: " + e.getMessage() + ")");
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
