package org.cpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.io.PrintWriter;
import java.io.Writer;
import org.cpc.client.NodeClient;
import org.cpc.compute.gemm.Backends;
import org.cpc.compute.gemm.ComputeBackend;
import org.cpc.node.DataDir;
import org.cpc.node.NodeInit;
import org.cpc.node.NodeRunner;
import org.cpc.poc.NodeLedger;
import org.cpc.poc.PocConfig;
import org.cpc.poc.PocValidator;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.keys.Keyring;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.worker.NodeApi;
import org.cpc.worker.SoloWorker;
import org.cpc.worker.StatusReporter;
import org.cpc.worker.WorkerMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboards under {@code ops/grafana/} chart only metrics that exist: a node, a PoC validator and a
 * solo worker are started here, their {@code /metrics} scraped, and every metric that a PromQL expression of a dashboard names (a
 * panel's target or a template variable's query) must be in the scrape. A renamed or dropped metric fails this test
 * instead of leaving an operator's panel silently empty.
 */
class DashboardMetricsTest {
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");
    /** PromQL's keywords and operators spelled as words; not metrics. */
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "inf", "nan", "Inf", "NaN");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void everyMetricADashboardNamesIsServed() throws Exception {
        NodeInit.init(dir.resolve("node"), NetworkParams.devnet().withSynthetic(32, 4).withBlockTime(200), null, "validator", 0, null,
                System.currentTimeMillis());
        try (NodeRunner node = NodeRunner.start(new DataDir(dir.resolve("node")), 0, InstantSource.system(), () -> null)) {
            String nodeUrl = "http://127.0.0.1:" + node.port();
            NodeClient client = new NodeClient(nodeUrl);
            AccountKey operator = new Keyring(new DataDir(dir.resolve("node")).keys()).unlockSecp256k1(
                    NodeInit.OPERATOR_KEY, NodeInit.DEVNET_KEY_PASSWORD.toCharArray());
            try (PocValidator v = PocValidator.start(PocConfig.defaults(dir.resolve("poc")).withPort(0), operator,
                    new NodeLedger(client), InstantSource.system())) {
                // A few blocks (block intervals), a refused transaction (a reason class), and a scrape before the
                // one read, so the request timers hold a series.
                long deadline = System.currentTimeMillis() + 30_000;
                while (client.status().path("height").asLong() < 3 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(100);
                }
                HTTP.send(HttpRequest.newBuilder(URI.create(nodeUrl + "/tx/send"))
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
                get(nodeUrl + "/metrics");
                get(v.url() + "/metrics");
                HTTP.send(HttpRequest.newBuilder(URI.create(v.url() + "/tasks/nope")).build(),
                        HttpResponse.BodyHandlers.ofString());

                check("node.json", get(nodeUrl + "/metrics"));
                check("poc.json", get(v.url() + "/metrics"));
                checkWorker(nodeUrl);
            }
        }
    }

    /** A solo worker with its metrics served as {@code cpc worker start --metrics-port 0} serves them. */
    private void checkWorker(String nodeUrl) throws Exception {
        AccountKey key = AccountKey.of(Secp256k1.randomPrivateKey());
        try (WorkerMetrics metrics = new WorkerMetrics()) {
            ComputeBackend compute = metrics.meter(Backends.select("cpu", 1));
            SoloWorker worker = new SoloWorker(new NodeApi(nodeUrl), key, compute,
                    new StatusReporter(new PrintWriter(Writer.nullWriter()), false));
            metrics.watch("solo", compute, worker::reading);
            int port = metrics.serve("127.0.0.1", 0);
            Thread t = Thread.ofPlatform().name("dashboard-worker").start(worker);
            try {
                long deadline = System.currentTimeMillis() + 60_000;
                while (worker.reading().computed() < 1 && System.currentTimeMillis() < deadline) Thread.sleep(50);
                assertThat(worker.reading().computed()).as("synthetic proofs computed").isPositive();
                check("worker.json", get("http://127.0.0.1:" + port + "/metrics"));
            } finally {
                worker.stop();
                t.join(10_000);
            }
        }
    }

    @Test
    void theTokenizerNamesMetricsOnly() {
        assertThat(metricNames("sum by (instance, route) (rate(cpc_http_requests_seconds_count{status=~\"5..\","
                + "instance=~\"$instance\"}[$__rate_interval])) / on(instance) group_left cpc_x offset 5m"))
                .containsExactlyInAnyOrder("cpc_http_requests_seconds_count", "cpc_x");
        assertThat(metricNames("time() - cpc_chain_head_timestamp_seconds > 1e3 and up == bool 1"))
                .containsExactlyInAnyOrder("cpc_chain_head_timestamp_seconds", "up");
        assertThat(metricNames("label_values(cpc_chain_height, instance)")).containsExactly("cpc_chain_height");
        assertThat(metricNames("max(x) without (a, b)")).containsExactly("x");
    }

    private void check(String dashboard, String scrape) throws Exception {
        Path file = Path.of(System.getProperty("cpc.root.dir", ".."), "ops", "grafana", dashboard);
        JsonNode d = Json.parse(Files.readString(file));
        assertThat(d.path("uid").asText()).as(dashboard + " uid").isNotEmpty();
        List<String> exprs = new ArrayList<>();
        for (JsonNode p : d.path("panels")) {
            if (p.path("type").asText().equals("row")) continue;
            assertThat(p.path("targets")).as(dashboard + ": panel " + p.path("title")).isNotEmpty();
            for (JsonNode t : p.path("targets")) exprs.add(t.path("expr").asText());
        }
        for (JsonNode var : d.path("templating").path("list")) {
            if (var.path("type").asText().equals("query")) exprs.add(var.path("query").path("query").asText());
        }
        Set<String> served = served(scrape);
        Set<String> named = new TreeSet<>();
        for (String e : exprs) {
            Set<String> names = metricNames(e);
            assertThat(names).as(dashboard + ": `" + e + "` names no metric").isNotEmpty();
            for (String n : names) {
                assertThat(served).as(dashboard + ": `" + e + "` names " + n + ", which /metrics does not serve")
                        .contains(n);
            }
            named.addAll(names);
        }
        assertThat(named).as(dashboard + ": the metrics charted").hasSizeGreaterThan(12);
    }

    /** The names of the samples in a Prometheus text scrape. */
    static Set<String> served(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') end++;
            names.add(line.substring(0, end));
        }
        return names;
    }

    /**
     * The metrics a PromQL expression names: its identifiers, less strings, label matchers, range selectors, the
     * label lists of {@code by}/{@code without}/{@code on}/{@code ignoring}/{@code group_*}, Grafana's variables,
     * functions (an identifier before "("), keywords and numbers. Grafana's {@code label_values(metric, label)}
     * names its metric.
     */
    static Set<String> metricNames(String expr) {
        String e = expr
                .replaceAll("label_values\\(\\s*([^,()]+?)\\s*,\\s*\\w+\\s*\\)", " $1 ")
                .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("'(?:[^'\\\\]|\\\\.)*'", "''")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\$\\{?\\w+}?", " ")
                .replaceAll("\\boffset\\s+\\d+\\w*", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENT.matcher(e);
        while (m.find()) {
            String id = m.group();
            if (m.start() > 0 && (Character.isDigit(e.charAt(m.start() - 1)) || e.charAt(m.start() - 1) == '.')) continue;
            int next = m.end();
            while (next < e.length() && Character.isWhitespace(e.charAt(next))) next++;
            if (next < e.length() && e.charAt(next) == '(') continue;
            if (KEYWORDS.contains(id)) continue;
            names.add(id);
        }
        return names;
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return r.body();
    }
}
