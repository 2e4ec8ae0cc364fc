package org.cpc.bench.explorer;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The explorer's pages loaded in Debian's headless chromium through its chromedriver (Selenium; nothing is
 * downloaded: both paths are given). Each load starts from {@code about:blank}, so it is a whole page load (HTML,
 * modules, API calls, rendering); it ends when the explorer marks {@code explorer:content} (app.js, once a view's
 * content is in the page). The browser's own timings are read back: the mark's time since navigation start, and
 * every API call (fetch) the page made with its duration and body size.
 */
public final class ExplorerPages implements AutoCloseable {
    public static final File CHROMIUM = new File("/usr/bin/chromium");
    public static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final Duration CONTENT_TIMEOUT = Duration.ofSeconds(60);

    /**
     * One resource a page loaded: its path and query, what asked for it ({@code fetch} for an API call, {@code
     * script}, {@code link}, ...), when it started since navigation start, time from request to last byte, body
     * bytes, and of that time: how long the browser held it before sending it (waiting for a connection, or
     * connecting), and how long the server took to its first byte.
     */
    public record ApiCall(String path, String kind, double startMs, double ms, long bytes, double queuedMs,
                          double serverMs) {}

    /**
     * One load of a page: time to content since navigation start, the API calls made until then, and every
     * resource fetched until then (the page, its modules and styles, the API calls), to see where a slow load's
     * time went.
     */
    public record Load(String route, double contentMs, List<ApiCall> calls, List<ApiCall> resources) {
        /** The resources in order of start, with when each started and ended: where a slow load waited. */
        public String timeline() {
            StringBuilder b = new StringBuilder();
            for (ApiCall c : resources.stream().sorted(java.util.Comparator.comparingDouble(ApiCall::startMs)).toList()) {
                b.append(String.format(java.util.Locale.ROOT, "    %8.0f → %8.0f ms  (queued %.0f, server %.0f)  %-6s %s%n",
                        c.startMs(), c.startMs() + c.ms(), c.queuedMs(), c.serverMs(), c.kind(), c.path()));
            }
            return b.append(String.format(java.util.Locale.ROOT, "    %8.0f ms content%n", contentMs)).toString();
        }
    }

    private final WebDriver driver;
    private final String base;

    private ExplorerPages(WebDriver driver, String base) {
        this.driver = driver;
        this.base = base;
    }

    /** Whether this machine has the browser and its driver (Debian: apt-get install chromium chromium-driver). */
    public static boolean available() {
        return CHROMIUM.canExecute() && CHROMEDRIVER.canExecute();
    }

    /** A headless browser on the explorer of the node at {@code nodeUrl}, with a window of {@code width}×{@code height}. */
    public static ExplorerPages open(String nodeUrl, int width, int height) {
        if (!available()) {
            throw new IllegalStateException("needs " + CHROMIUM + " and " + CHROMEDRIVER
                    + " (Debian: apt-get install -y chromium chromium-driver)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=" + width + "," + height, "--lang=en-US", "--disable-extensions");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort().build();
        return new ExplorerPages(new ChromeDriver(service, options), nodeUrl);
    }

    /** Loads {@code route} (the part after {@code #/}) from a blank page and waits for its content. */
    @SuppressWarnings("unchecked")
    public Load load(String route) {
        driver.get("about:blank");
        driver.get(base + "/#/" + route);
        JavascriptExecutor js = (JavascriptExecutor) driver;
        long deadline = System.nanoTime() + CONTENT_TIMEOUT.toNanos();
        Object mark;
        while ((mark = js.executeScript("const m = performance.getEntriesByName('explorer:content');"
                + " return m.length ? m[0].startTime : null;")) == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("#/" + route + " showed no content within " + CONTENT_TIMEOUT);
            }
            Thread.onSpinWait();
        }
        double contentMs = ((Number) mark).doubleValue();
        List<Map<String, Object>> entries = (List<Map<String, Object>>) js.executeScript(
                "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
                        + ".map(e => ({name: e.name, kind: e.initiatorType, start: e.startTime,"
                        + " ms: e.responseEnd - e.startTime, bytes: e.decodedBodySize,"
                        + " queued: e.requestStart - e.startTime, server: e.responseStart - e.requestStart}));");
        List<ApiCall> calls = new ArrayList<>();
        List<ApiCall> resources = new ArrayList<>();
        for (Map<String, Object> e : entries) {
            double start = ((Number) e.get("start")).doubleValue();
            if (start > contentMs) continue; // a live update after the content
            String url = (String) e.get("name");
            ApiCall c = new ApiCall(url.startsWith(base) ? url.substring(base.length()) : url, (String) e.get("kind"),
                    start, ((Number) e.get("ms")).doubleValue(), ((Number) e.get("bytes")).longValue(),
                    ((Number) e.get("queued")).doubleValue(), ((Number) e.get("server")).doubleValue());
            resources.add(c);
            if (c.kind().equals("fetch")) calls.add(c);
        }
        return new Load(route, contentMs, calls, resources);
    }

    /**
     * Sets the page's viewport to exactly {@code width}×{@code height} (the window size given to {@link #open}
     * includes the browser's own frame), loads {@code route}, waits for its content and then for every one of
     * {@code ready} (CSS selectors that the live page matches once its data is in, such as the overview's charts
     * and the live indicator), and saves what the viewport shows as a PNG.
     */
    public void screenshot(String route, int width, int height, Path png, String... ready) throws IOException {
        ((ChromeDriver) driver).executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
        load(route);
        long deadline = System.nanoTime() + CONTENT_TIMEOUT.toNanos();
        for (String selector : ready) {
            while (driver.findElements(By.cssSelector(selector)).isEmpty()) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("#/" + route + " showed no " + selector);
                Thread.onSpinWait();
            }
        }
        Files.write(png, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
