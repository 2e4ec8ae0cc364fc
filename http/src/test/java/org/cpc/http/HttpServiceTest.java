package org.cpc.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.cpc.protocol.codec.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The set-up both cpc servers get from {@link HttpService}: routes, HEAD, JSON errors at every level, bounded input. */
class HttpServiceTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static HttpService http;

    @BeforeAll
    static void start() {
        http = new HttpService(HttpServiceTest.class, new HttpService.Settings("the test service", "test", 4, 64));
        http.get("/hello", ctx -> JsonHttp.json(ctx, 200, Json.object().put("hello", "world")));
        http.get("/count", ctx -> JsonHttp.json(ctx, 200,
                Json.object().put("n", Requests.intQuery(ctx, "n", 7, 1, 10))));
        http.post("/echo", ctx -> JsonHttp.json(ctx, 200, Requests.json(ctx, 64, "a JSON object")));
        http.get("/refused", ctx -> {
            throw new ApiException(422, "no", Json.object().put("status", "rejected"));
        });
        http.get("/bug", ctx -> {
            throw new IllegalStateException("a secret detail");
        });
        http.allowCrossOriginReads();
        http.start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        http.close();
    }

    @Test
    void listsItsRoutesWithTheOpenApiDocument() throws Exception {
        assertThat(http.routes()).contains(new HttpService.Route("GET", "/openapi.json"),
                new HttpService.Route("GET", "/hello"), new HttpService.Route("POST", "/echo"));
        HttpResponse<String> doc = send("GET", "/openapi.json", null);
        assertThat(doc.statusCode()).isEqualTo(200);
        assertThat(doc.body()).contains("\"openapi\"");
    }

    @Test
    void answersHeadLikeGetWithoutABody() throws Exception {
        HttpResponse<String> head = send("HEAD", "/hello", null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(head.body()).isEmpty();
    }

    @Test
    void crossOriginReadsOnly() throws Exception {
        for (HttpResponse<String> r : List.of(send("GET", "/hello", null), send("HEAD", "/hello", null),
                send("GET", "/nowhere", null))) {
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).as(r.uri().getPath()).hasValue("*");
        }
        assertThat(send("POST", "/echo", "{\"a\":1}").headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        HttpResponse<String> preflight = send("OPTIONS", "/echo", null);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).isEmpty();
    }

    @Test
    void everyErrorIsJson() throws Exception {
        assertAnswer(send("GET", "/refused", null), 422, "{\"status\":\"rejected\",\"error\":\"no\"}");
        HttpResponse<String> unknown = send("GET", "/nowhere", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("no route GET /nowhere", "openapi.json");
        assertAnswer(send("GET", "/bug", null), 500,
                "{\"error\":\"internal error; the test service's log has the details\"}");
    }

    @Test
    void readsBoundedBodiesAndQueryParameters() throws Exception {
        assertAnswer(send("POST", "/echo", "{\"a\":1}"), 200, "{\"a\":1}");
        assertAnswer(send("POST", "/echo", ""), 400, "{\"error\":\"request body is empty; send a JSON object\"}");
        assertThat(send("POST", "/echo", "{").body()).startsWith("{\"error\":\"request body is not JSON");
        assertAnswer(send("POST", "/echo", "[" + "1,".repeat(40) + "1]"), 413,
                "{\"error\":\"request body is 83 bytes; the limit is 64 bytes\"}");
        assertAnswer(send("GET", "/count", null), 200, "{\"n\":7}");
        assertAnswer(send("GET", "/count?n=3", null), 200, "{\"n\":3}");
        for (String bad : new String[] {"0", "11", "x"}) {
            assertAnswer(send("GET", "/count?n=" + bad, null), 400, "{\"error\":\"n must be an integer from 1 to 10\"}");
        }
    }

    @Test
    void jettysOwnErrorsAreJsonToo() throws IOException {
        try (Socket s = new Socket("127.0.0.1", http.port())) {
            OutputStream out = s.getOutputStream();
            out.write("NOT HTTP AT ALL\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400").contains("application/json",
                    "{\"error\":\"HTTP 400: the request is not valid HTTP\"}");
        }
    }

    @Test
    void capsOpenConnectionsPerIpAndInAllWithAJsonAnswer() throws Exception {
        var limits = new HttpService.ConnectionLimits(3, 2, 30_000, 8 * 1024);
        try (HttpService small = new HttpService(HttpServiceTest.class,
                new HttpService.Settings("the small service", "small", 4, 64, limits))) {
            small.get("/hello", ctx -> JsonHttp.json(ctx, 200, Json.object().put("hello", "world")));
            small.start("127.0.0.1", 0);
            InetAddress one = InetAddress.getByName("127.0.0.1");
            InetAddress two = InetAddress.getByName("127.0.0.2");
            Socket a = connect(small, one);
            Socket b = connect(small, one);
            awaitOpen(small, 2);
            assertThat(refusal(small, one)).startsWith("HTTP/1.1 429").contains("application/json",
                    "{\"error\":\"too many connections from 127.0.0.1 (at most 2 per address); close some and try again\"}");
            try (Socket c = connect(small, two)) {
                awaitOpen(small, 3);
                assertThat(refusal(small, InetAddress.getByName("127.0.0.3"))).startsWith("HTTP/1.1 503")
                        .contains("{\"error\":\"the small service has 3 open connections, its limit; try again later\"}");
            }
            a.close();
            b.close();
            awaitOpen(small, 0);
            try (Socket d = connect(small, one)) {
                d.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(d.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                        .startsWith("HTTP/1.1 200").endsWith("{\"hello\":\"world\"}");
            }
        }
    }

    private static Socket connect(HttpService service, InetAddress from) throws IOException {
        Socket s = new Socket(InetAddress.getByName("127.0.0.1"), service.port(), from, 0);
        s.setSoTimeout(10_000);
        return s;
    }

    /** What a connection over a cap is told, without sending anything (the answer comes on connect). */
    private static String refusal(HttpService service, InetAddress from) throws IOException {
        try (Socket s = connect(service, from)) {
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void awaitOpen(HttpService service, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (service.openConnections() != n && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(service.openConnections()).isEqualTo(n);
    }

    private static void assertAnswer(HttpResponse<String> r, int status, String body) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.body()).isEqualTo(body);
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
                .method(method, publisher).build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
