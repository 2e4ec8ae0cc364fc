package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import org.cpc.client.TxBuilder;
import org.cpc.compute.market.FraudProof;
import org.cpc.compute.market.FraudProofBuilder;
import org.cpc.compute.market.MatmulChallenge;
import org.cpc.http.HttpService;
import org.cpc.http.JsonHttp;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.types.ComputeTask;
import org.cpc.protocol.types.Transaction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.params.BondParams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The explorer in a real browser (headless chromium) against a live devnet node: live blocks, a transaction's page,
 * search, a task's page, hostile data, a phone-sized screen, and not one error in the browser's console.
 * Screenshots go to {@code target/explorer-screenshots/}. Skipped where Debian's chromium and chromium-driver are
 * not installed; nothing is ever downloaded (both paths are given, so Selenium Manager is not used).
 */
class ExplorerBrowserTest {
    static final File CHROMIUM = new File("/usr/bin/chromium");
    static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "explorer-screenshots");

    @TempDir
    static Path dir;
    static TestNode node;
    static WebDriver driver;
    static WebDriverWait wait;
    static AccountKey alice;
    /** A Task Market stand-in on the same HTTP stack as the real one (its CORS included), once a test starts it. */
    static HttpService market;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(CHROMIUM.canExecute() && CHROMEDRIVER.canExecute(), "skipped: the explorer's browser test needs "
                + CHROMIUM + " and " + CHROMEDRIVER + " (Debian: apt-get install -y chromium chromium-driver)");
        // No random audits: the test's CHALLENGE_RESULT must find its synthetic result not audited yet (a random
        // audit of it two blocks after its inclusion, one time in five on devnet, made the challenge refused).
        NetworkParams p = TestNode.params();
        BondParams b = p.bonds();
        node = TestNode.start(dir, p.withBonds(b.withAudits(0, b.slashResultBps(), b.challengeBountyBps())));
        alice = node.funded("50.0");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1000", "--lang=en-US");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (driver != null) driver.quit();
        if (market != null) market.close();
        if (node != null) node.close();
    }

    /** Every test ends with the browser's console free of errors (CSP violations, failed requests, exceptions). */
    @AfterEach
    void noConsoleErrors() {
        List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(errors).as("errors in the browser's console").isEmpty();
    }

    static void open(String route) {
        driver.get(node.url() + "/#/" + route);
    }

    static WebElement heading(String text) {
        return wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), text))
                ? driver.findElement(By.tagName("h1")) : null;
    }

    static void screenshot(String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** The overview's height tile, read in one step (the live update replaces the tiles at any moment). */
    static long shownHeight() {
        return Long.parseLong((String) js("return document.querySelector('.tile .value a').textContent"));
    }

    @Test
    void theOverviewFollowsNewBlocksWithoutAReload() throws Exception {
        open("");
        heading("Overview");
        wait.until(d -> !d.findElements(By.cssSelector(".tile .value a")).isEmpty());
        long first = shownHeight();
        js("window.explorerTestMarker = 42"); // gone if the page reloads
        wait.until(d -> shownHeight() >= first + 3);
        assertThat(js("return window.explorerTestMarker")).isEqualTo(42L);
        assertThat(driver.findElements(By.cssSelector("svg.chart"))).hasSize(3);
        assertThat(driver.findElement(By.id("live")).getText()).contains("height");
        // finality, validators up and GOPS (read in one step: the live update replaces the tiles at any moment)
        String tiles = (String) js("return [...document.querySelectorAll('.tile')].map((t) => t.querySelector('.label')"
                + ".textContent + '=' + t.querySelector('.value').textContent + '|' + (t.querySelector('.hint') || {}).textContent)"
                + ".join('\\n')");
        assertThat(tiles).containsPattern("Finality=(\\d+ ms|\\d+\\.\\d\\d s)\\|median, proposal → commit; head in round \\d+")
                .containsPattern("Validators up=1 / 1\\|100\\.00% of power signed the head")
                .containsPattern("Measured GOPS=\\d+\\.\\d\\d\\|");
        screenshot("overview");
    }

    /**
     * A page left for another keeps no event stream open from the browser's back/forward cache: the browser has six
     * connections per host, so with the streams of six left pages still open the next page would wait for one
     * (about a minute, past this test's wait) before its HTML even loaded.
     */
    @Test
    void pagesLeftOneAfterAnotherLeaveTheNextOneAConnection() {
        Duration before = driver.manage().timeouts().getPageLoadTimeout();
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20)); // a page stuck waiting fails the get
        try {
            for (int i = 0; i < 9; i++) {
                driver.get("about:blank");
                open("");
                heading("Overview");
                wait.until(d -> !d.findElements(By.cssSelector(".tile .value a")).isEmpty());
            }
        } finally {
            driver.manage().timeouts().pageLoadTimeout(before);
        }
    }

    @Test
    void aTransactionsPageShowsItAndSearchReachesBlocksTransactionsAndAddresses() throws Exception {
        AccountKey bob = TestNode.newAccount();
        Transaction t = node.transfer(alice, bob.address(), new BigInteger("1500000000000000000"),
                node.client.balance(alice.address()).path("nonce").asLong());
        assertThat(node.client.sendTransaction(t).status()).isEqualTo(200);
        long height = node.awaitIncluded(t.hashHex()).path("block_height").asLong();

        open("tx/" + t.hashHex());
        heading("Transaction");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "included"));
        String page = driver.findElement(By.tagName("main")).getText();
        assertThat(page).contains("TRANSFER", "1.5 CPC", String.valueOf(height));
        assertThat(driver.findElement(By.cssSelector(".amount")).getAttribute("title")).isEqualTo("1500000000000000000 wei");
        screenshot("transaction");

        search(String.valueOf(height));
        heading("Block " + height);
        assertThat(driver.findElement(By.tagName("main")).getText()).contains("Compute root", "TRANSFER");
        screenshot("block");
        String blockHash = (String) js("return document.querySelector('dd code').title");
        open("");
        heading("Overview");
        search(blockHash);
        heading("Block " + height);
        search(t.hashHex());
        heading("Transaction");
        search(bob.address());
        heading("Address");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "1.5 CPC"));
        assertThat(driver.getCurrentUrl()).endsWith("#/address/" + bob.address());
        screenshot("address");
        search("no-such-thing");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "Nothing on this chain matches"));
    }

    @Test
    void aTasksPageShowsItsStatus() throws Exception {
        String id = UUID.randomUUID().toString();
        ObjectNode task = Json.object();
        task.put("task_id", id);
        task.put("challenge_type", "synthetic");
        task.set("payload", Json.object().put("seed", "cd".repeat(32)).put("matrix_size", 16).put("iterations", 3));
        task.put("reward", TestNode.cpc("2.0").toString());
        task.put("deadline", System.currentTimeMillis() / 1000 + 600);
        Transaction create = TxBuilder.of(node.params, alice).nonce(node.client.balance(alice.address()).path("nonce").asLong())
                .timestamp(System.currentTimeMillis() / 1000).createTask(ComputeTask.fromJson(task));
        assertThat(node.client.sendTransaction(create).status()).isEqualTo(200);
        node.awaitIncluded(create.hashHex());

        announceTaskMarket();

        open("task/" + id);
        heading("Task");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "0 of 3 accepted"));
        assertThat(driver.findElement(By.cssSelector(".badge.pending")).getText()).isEqualTo("pending");
        // live progress, read across origins from the PoC validator's Task Market; what it says stays text
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "Jobs verified"));
        WebElement live = driver.findElement(By.cssSelector("section[aria-label='Live progress']"));
        assertThat(live.getText()).contains("2 of 3", "Status there", "in_progress", "<img src=x onerror=\"window.pwned=4\">",
                "http://127.0.0.1:" + market.port());
        assertThat(live.findElements(By.tagName("img"))).isEmpty();
        assertThat(js("return window.pwned === undefined")).isEqualTo(true);
        screenshot("task");
        open("tasks");
        heading("Tasks");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "0 / 3"));
    }

    /**
     * A PoC validator puts a wrong matmul job on chain and a FRAUD_PROOF proves one entry wrong; a worker's synthetic
     * result is challenged. Each transaction's page decodes its payload and says what L1 found; the task's page shows
     * the dispute, and a synthetic result's task id leads to its audit.
     */
    @Test
    void aFraudProofAndAChallengeShowWhatL1Found() throws Exception {
        int m = 4, k = 3, n = 2, rowsPerJob = 2;
        byte[] a = new byte[m * k];
        byte[] b = new byte[k * n];
        new java.util.Random(15).nextBytes(a);
        new java.util.Random(16).nextBytes(b);
        ObjectNode payload = MatmulChallenge.payload(MemorySegment.ofArray(a), MemorySegment.ofArray(b), m, k, n, rowsPerJob);
        byte[][] outputs = new byte[m / rowsPerJob][4 * rowsPerJob * n]; // each job's rows of C = A·B
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int sum = 0;
                for (int t = 0; t < k; t++) sum += a[i * k + t] * b[t * n + j];
                ByteBuffer.wrap(outputs[i / rowsPerJob]).order(ByteOrder.LITTLE_ENDIAN).putInt(4 * ((i % rowsPerJob) * n + j), sum);
            }
        }
        byte[] output = outputs[0]; // job 0 is wrong in entry C[1][1]
        ByteBuffer.wrap(output).order(ByteOrder.LITTLE_ENDIAN).putInt(4 * (n + 1), ByteBuffer.wrap(output)
                .order(ByteOrder.LITTLE_ENDIAN).getInt(4 * (n + 1)) + 1);
        String id = UUID.randomUUID().toString();
        ObjectNode task = Json.object().put("task_id", id).put("challenge_type", "matmul");
        task.set("payload", payload);
        task.put("reward", TestNode.cpc("2.0").toString()).put("deadline", System.currentTimeMillis() / 1000 + 600);
        long nonce = node.client.balance(alice.address()).path("nonce").asLong();
        Transaction create = TxBuilder.of(node.params, alice).nonce(nonce).timestamp(System.currentTimeMillis() / 1000)
                .createTask(ComputeTask.fromJson(task));
        assertThat(node.client.sendTransaction(create).status()).isEqualTo(200);
        node.awaitIncluded(create.hashHex());
        AccountKey worker = TestNode.newAccount();
        for (int job = 0; job < outputs.length; job++) { // the PoC validator sends them: the worker sends nothing
            node.awaitIncluded(node.sendMarketJob(worker, id, job,
                    Hex.encode(MatmulChallenge.INSTANCE.resultHash(payload, job, outputs[job]))).hashHex());
        }
        open("address/" + worker.address());
        heading("Address");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "SUBMIT_RESULT"));
        assertThat(driver.findElements(By.xpath("//main//td[.//span[text()='SUBMIT_RESULT']]"))).hasSize(2);
        FraudProof proof = FraudProofBuilder.build(id, payload, 0, 1, 1,
                hash -> MemorySegment.ofArray(hash.equals(payload.get("a").textValue()) ? a : b), output);
        Transaction fraud = TxBuilder.of(node.params, alice).nonce(nonce + 1).timestamp(System.currentTimeMillis() / 1000)
                .fraudProof(proof.toJson());
        var sent = node.client.sendTransaction(fraud);
        assertThat(sent.status()).as(sent.body().toString()).isEqualTo(200);
        node.awaitIncluded(fraud.hashHex());

        open("tx/" + fraud.hashHex());
        heading("Transaction");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "What L1 found"));
        assertThat(driver.findElement(By.tagName("main")).getText()).contains("FRAUD_PROOF", "C[1][1]", "proven wrong",
                "Claimed", "Correct", "Refund to the customer", "Bounty to the prover", "PoC validator slashed");
        screenshot("fraud-proof");
        search(id);
        heading("Task");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "Disputes (1)"));
        // settled: both jobs paid out of the escrow (0.8 CPC of each 1 CPC job to the worker), and one proven wrong
        assertThat(driver.findElement(By.tagName("main")).getText()).contains("completed", "2 of 2 accepted",
                "0.8 CPC", "proven wrong", "C[1][1] of job 0", "Disputable until\nblock ");
        screenshot("task-dispute");

        AccountKey synth = node.funded("5.0");
        Transaction result = node.sendSyntheticResult(synth);
        node.awaitIncluded(result.hashHex());
        String resultId = result.payload().path("task_id").asText();
        // At once: the challenge window is 10 blocks (2 s at this test's block time), shorter than a page load on a
        // busy machine; a challenge past it stays out of every block.
        Transaction challenge = TxBuilder.of(node.params, alice).nonce(nonce + 2)
                .timestamp(System.currentTimeMillis() / 1000).challengeResult(resultId);
        sent = node.client.sendTransaction(challenge);
        assertThat(sent.status()).as(sent.body().toString()).isEqualTo(200);
        node.awaitIncluded(challenge.hashHex());
        open("tx/" + result.hashHex());
        heading("Transaction");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "A synthetic task, derived from a block."));
        assertThat(driver.findElement(By.tagName("main")).getText()).contains("Task from block");
        open("tx/" + challenge.hashHex());
        heading("Transaction");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "What L1 found"));
        assertThat(driver.findElement(By.tagName("main")).getText()).contains("CHALLENGE_RESULT", "passed",
                "a challenge from");
        search(resultId);
        heading("Synthetic result");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "passed"));
        assertThat(driver.findElement(By.tagName("main")).getText()).contains(synth.address().substring(0, 10));
    }

    /**
     * Starts the stand-in Task Market (every task is two thirds done there, with a hostile error text) and has the
     * devnet's PoC validator announce it on chain with an amount-0 BOND, once for the class: from then on every task
     * page asks it (so it stays up until the end, and answers for any task: no page logs a failed request).
     */
    static synchronized void announceTaskMarket() throws Exception {
        if (market != null) return;
        market = new HttpService(ExplorerBrowserTest.class, new HttpService.Settings("a Task Market", "market", 4, 1024));
        market.allowCrossOriginReads();
        market.get("/tasks/{task_id}", ctx -> JsonHttp.json(ctx, 200, Json.object().put("task_id", ctx.pathParam("task_id"))
                .put("status", "in_progress").put("jobs_total", 3).put("jobs_done", 2).put("jobs_on_chain", 0)
                .put("error", "<img src=x onerror=\"window.pwned=4\">")));
        market.start("127.0.0.1", 0);
        AccountKey operator = node.operator();
        Transaction announce = TxBuilder.of(node.params, operator)
                .nonce(node.client.balance(operator.address()).path("nonce").asLong())
                .timestamp(System.currentTimeMillis() / 1000).bondPoc(BigInteger.ZERO, "http://127.0.0.1:" + market.port(), "stand-in");
        var r = node.client.sendTransaction(announce);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        node.awaitIncluded(announce.hashHex());
    }

    @Test
    void theValidatorsPageShowsTheGenesisValidatorsStakeAndItsAddressPageItsRecord() throws Exception {
        var r = node.get("/validators/leaderboard");
        assertThat(r.statusCode()).isEqualTo(200);
        var genesis = TestNode.json(r).path("validators").get(0);
        String operator = genesis.path("operator_address").asText();
        String tokens = genesis.path("tokens").asText();
        assertThat(genesis.path("status").asText()).isEqualTo("active");

        open("validators");
        heading("Validators");
        WebElement row = wait.until(d -> d.findElements(By.cssSelector("main tbody tr")).stream().findFirst().orElse(null));
        assertThat(row.findElement(By.cssSelector(".badge.active")).getText()).isEqualTo("active");
        assertThat(row.findElements(By.cssSelector(".amount"))).extracting(e -> e.getAttribute("title"))
                .contains(tokens + " wei");
        assertThat(row.getText()).contains("1", "CPC", "%");
        assertThat(row.findElement(By.cssSelector("a[href^='#/address/']")).getAttribute("href"))
                .endsWith("#/address/" + operator);
        screenshot("validators");

        open("address/" + operator);
        heading("Address");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "As a validator"));
        String page = driver.findElement(By.tagName("main")).getText();
        assertThat(page).contains("Consensus address", "Commission", "Uptime", "Delegations", "self-bond", "Pending rewards");
        assertThat(driver.findElement(By.cssSelector("main .badge.active")).getText()).isEqualTo("active");
        screenshot("validator-address");
    }

    @Test
    void aValidatorsNameIsTextAndOnlyAnHttpWebsiteIsALink() {
        open("validators");
        heading("Validators");
        wait.until(d -> !d.findElements(By.cssSelector("main tbody tr")).isEmpty());
        // The validators page's rows come from the leaderboard; feed it a hostile one through a stubbed fetch.
        js("""
                const real = window.fetch;
                window.fetch = (url, o) => String(url).startsWith('/validators/leaderboard')
                  ? Promise.resolve(new Response(JSON.stringify({ height: 5, online_window: 10, liveness_window: 5, validators: [
                      { rank: 1, operator_address: 'cpc1evil', consensus_address: 'cpcvalcons1evil', address: 'cpcvalcons1evil',
                        name: '<img src=x onerror="window.pwned=1">', website: 'javascript:window.pwned=2', commission_bps: 1250,
                        bonded_power: 3, tokens: '3000000000000000000', self_bond: '3000000000000000000', delegated: '0',
                        outstanding_rewards: '0', status: 'jailed', jailed_until: 77, missed_blocks: 4, uptime_bps: 2000,
                        online: false, last_signed_height: null },
                      { rank: 2, operator_address: 'cpc1good', consensus_address: 'cpcvalcons1good', address: 'cpcvalcons1good',
                        name: 'Good', website: 'https://good.example/', commission_bps: 500, bonded_power: 1,
                        tokens: '1000000000000000000', self_bond: '1000000000000000000', delegated: '0',
                        outstanding_rewards: '0', status: 'tombstoned', jailed_until: 0, missed_blocks: 0, uptime_bps: 10000,
                        online: true, last_signed_height: 4 }]}), { headers: { 'Content-Type': 'application/json' } }))
                  : real(url, o);
                location.hash = '#/validators?stub';
                """);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "cpc1evil"));
        WebElement main = driver.findElement(By.tagName("main"));
        assertThat(main.findElements(By.tagName("img"))).isEmpty();
        assertThat(main.getText()).contains("<img src=x onerror=\"window.pwned=1\">", "12.5 %", "20 %", "block 77",
                "jailed", "tombstoned");
        assertThat(main.findElements(By.cssSelector("a[href^='javascript']"))).isEmpty();
        assertThat(main.findElements(By.cssSelector("a[href='https://good.example/']"))).hasSize(1);
        assertThat(js("return window.pwned === undefined")).isEqualTo(true);
    }

    @Test
    void dataWrittenByStrangersStaysText() {
        open("");
        heading("Overview");
        Object failure = ((JavascriptExecutor) driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import('/explorer/dom.js').then((m) => {
                  const box = m.h('div', { id: 'hostile' },
                    m.jsonView({ html: '<img src=x onerror="window.pwned=1">', js: 'javascript:window.pwned=2',
                                 web: 'https://example.org/x?a=<b>' }),
                    m.h('a', { href: 'javascript:window.pwned=3' }, 'click'));
                  document.getElementById('main').append(box);
                  done(null);
                }).catch((e) => done(String(e)));
                """);
        assertThat(failure).isNull();
        WebElement box = driver.findElement(By.id("hostile"));
        assertThat(box.findElements(By.tagName("img"))).isEmpty();
        assertThat(box.getText()).contains("<img src=x onerror=\"window.pwned=1\">", "javascript:window.pwned=2");
        List<WebElement> links = box.findElements(By.tagName("a"));
        assertThat(links).extracting(a -> a.getAttribute("href"))
                .containsExactlyInAnyOrder("https://example.org/x?a=%3Cb%3E", node.url() + "/#");
        assertThat(links.getFirst().getAttribute("rel")).contains("noopener", "noreferrer");
        links.getLast().click();
        assertThat(js("return window.pwned === undefined")).isEqualTo(true);
    }

    @Test
    void aPhoneSizedScreenHasNoSidewaysScroll() throws Exception {
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        try {
            open("");
            heading("Overview");
            wait.until(d -> !d.findElements(By.cssSelector("svg.chart")).isEmpty());
            assertThat((Long) js("return document.documentElement.scrollWidth - window.innerWidth")).isLessThanOrEqualTo(0L);
            screenshot("overview-phone");
            // keyboard: "/" reaches the search box
            driver.findElement(By.tagName("body")).sendKeys("/");
            assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("q");
        } finally {
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
        }
    }

    static void search(String q) {
        WebElement box = driver.findElement(By.id("q"));
        box.clear();
        box.sendKeys(q, Keys.ENTER);
    }
}
