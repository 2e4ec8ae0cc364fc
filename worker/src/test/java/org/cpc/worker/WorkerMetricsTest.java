package org.cpc.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.cpc.compute.gemm.Backends;
import org.cpc.compute.gemm.ComputeBackend;
import org.junit.jupiter.api.Test;

/** The worker's /metrics on a real socket: what a scrape shows, what else the port answers. */
class WorkerMetricsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aScrapeShowsTheGemmWorkDoneAndTheWorkersFiguresAsTheyAreNow() throws Exception {
        try (WorkerMetrics m = new WorkerMetrics()) {
            ComputeBackend metered = m.meter(Backends.select("cpu", 1));
            int n = 64;
            metered.gemm().gemm(MemorySegment.ofArray(new byte[n * n]), MemorySegment.ofArray(new byte[n * n]),
                    MemorySegment.ofArray(new int[n * n]), n, n, n);
            AtomicReference<WorkerReading> now = new AtomicReference<>(new WorkerReading("pool", false, 0, 0, 0, 0,
                    BigInteger.ZERO, Double.NaN, 0, 0));
            m.watch("pool", metered, now::get);
            int port = m.serve("127.0.0.1", 0);
            String url = "http://127.0.0.1:" + port + "/metrics";

            String first = get(url).body();
            assertThat(first).contains("cpc_worker_gemm_ops_total " + (2.0 * n * n * n))
                    .contains("cpc_worker_connected 0.0")
                    .contains("cpc_worker_backend{backend=\"" + metered.gemm().name() + "\",kind=\"cpu\",mode=\"pool\","
                            + "threads=\"1\"} 1.0")
                    .contains("jvm_memory_used_bytes");
            assertThat(value(first, "cpc_worker_gemm_seconds_total")).isPositive();

            // 2.5 CPC earned, three jobs computed, two accepted, one refused: the next scrape says so.
            now.set(new WorkerReading("pool", true, 3, 2, 1, 1, new BigInteger("2500000000000000000"), 12.5, 4096, 300));
            String second = get(url).body();
            assertThat(second).contains("cpc_worker_connected 1.0")
                    .contains("cpc_worker_jobs_computed_total 3.0")
                    .contains("cpc_worker_results_accepted_total 2.0")
                    .contains("cpc_worker_results_refused_total 1.0")
                    .contains("cpc_worker_earned_cpc_total 2.5")
                    .contains("cpc_worker_received_bytes_total 4096.0")
                    .contains("cpc_worker_sent_bytes_total 300.0")
                    .contains("cpc_worker_jobs_running 1.0")
                    .contains("cpc_worker_gops 12.5");
        }
    }

    @Test
    void onlyGetAndHeadOfMetricsAreServed() throws Exception {
        try (WorkerMetrics m = new WorkerMetrics()) {
            String base = "http://127.0.0.1:" + m.serve("127.0.0.1", 0);
            assertThat(get(base + "/").statusCode()).isEqualTo(404);
            HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
            HttpResponse<String> head = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(head.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        }
    }

    @Test
    void aPortInUseIsRefusedNamingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             WorkerMetrics m = new WorkerMetrics()) {
            assertThatThrownBy(() -> m.serve("127.0.0.1", taken.getLocalPort()))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("cannot serve metrics on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double value(String scrape, String name) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + " ")) return Double.parseDouble(line.substring(name.length() + 1));
        }
        throw new AssertionError(name + " not in the scrape");
    }
}
