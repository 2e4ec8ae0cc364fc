package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cpc.node.consensus.SignHistoryCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connection caps in node.json: they round-trip, bad values are refused by name, and a changed one is enforced. */
class NodeLimitsTest {
    @TempDir
    Path dir;

    @Test
    void limitsRoundTripAndAnOldNodeJsonGetsTheDefaults() throws Exception {
        NodeConfig c = new NodeConfig("127.0.0.1", 8000, null, null, "1.0", null, NodeConfig.P2p.NONE,
                new NodeLimits(10, 5, 6, 3, 2, 4, 1), null, 0);
        c.write(dir);
        assertThat(NodeConfig.read(dir)).isEqualTo(c);
        Files.writeString(dir.resolve(NodeConfig.FILE), """
                {"rest_host":"127.0.0.1","rest_port":8000,"validator_key":null,"faucet_key":null,
                 "faucet_max_cpc":"1.0"}""");
        assertThat(NodeConfig.read(dir).limits()).isEqualTo(NodeLimits.DEFAULTS);
        assertThat(NodeConfig.read(dir).doubleSignCheckBlocks()).isEqualTo(SignHistoryCheck.LOOKBACK_BLOCKS);
        assertThatThrownBy(() -> c.withDoubleSignCheckBlocks(NodeConfig.MAX_DOUBLE_SIGN_CHECK_BLOCKS + 1))
                .hasMessageContaining("double_sign_check_blocks must be 0 (off) ..10000");
    }

    @Test
    void badValuesAreRefusedNamingTheField() throws Exception {
        assertThatThrownBy(() -> new NodeLimits(0, 1, 1, 1, 1, 1, 1)).hasMessage("http_max_connections must be 1..1000000, not 0");
        assertThatThrownBy(() -> new NodeLimits(10, 11, 1, 1, 1, 1, 1))
                .hasMessage("http_max_connections_per_ip (11) must not exceed http_max_connections (10)");
        Files.writeString(dir.resolve(NodeConfig.FILE), """
                {"rest_host":"127.0.0.1","rest_port":8000,"validator_key":null,"faucet_key":null,
                 "faucet_max_cpc":"1.0","p2p_max_handshaking":4,"p2p_max_handshaking_per_ip":5}""");
        assertThatThrownBy(() -> NodeConfig.read(dir)).hasMessageContaining("node.json")
                .hasMessageContaining("p2p_max_handshaking_per_ip (5) must not exceed p2p_max_handshaking (4)");
        Files.writeString(dir.resolve(NodeConfig.FILE), """
                {"rest_host":"127.0.0.1","rest_port":8000,"validator_key":null,"faucet_key":null,
                 "faucet_max_cpc":"1.0","sse_max_streams":-1}""");
        assertThatThrownBy(() -> NodeConfig.read(dir)).hasMessageContaining("sse_max_streams");
    }

    @Test
    void aLoweredPerAddressCapIsEnforced() throws Exception {
        NodeInit.init(dir, TestNode.params(), null, NodeInit.DEFAULT_VALIDATOR_KEY, 0, null, System.currentTimeMillis());
        NodeConfig c = NodeConfig.read(dir);
        c.withLimits(new NodeLimits(1024, 3, 256, 1, 8, 16, 4)).write(dir);
        try (TestNode node = TestNode.resume(dir); Socket stream = connect(node)) {
            stream.getOutputStream().write("GET /events HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readLine(stream)).startsWith("HTTP/1.1 200");
            // sse_max_streams_per_ip 1: a second stream from this address is refused, naming the cap.
            try (Socket second = connect(node)) {
                second.getOutputStream().write("GET /events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                        .startsWith("HTTP/1.1 429").contains("at most 1 per address");
            }
            // http_max_connections_per_ip 3: the stream and two kept-alive connections hold them all (each has been
            // answered, so the server counts it); a fourth is told at once.
            try (Socket held1 = held(node); Socket held2 = held(node); Socket fourth = connect(node)) {
                assertThat(new String(fourth.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                        .startsWith("HTTP/1.1 429").contains("at most 3 per address");
            }
        }
    }

    private static Socket connect(TestNode node) throws IOException {
        Socket s = new Socket(InetAddress.getByName("127.0.0.1"), node.runner.port());
        s.setSoTimeout(20_000);
        return s;
    }

    /**
     * A connection the server has surely counted: one request answered on it, kept alive. A refusal can only be a
     * connection the server has not yet seen closed (the refused second stream), so it is retried until a deadline.
     */
    private static Socket held(TestNode node) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            Socket s = connect(node);
            s.getOutputStream().write("GET /status HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String status = readLine(s);
            if (status.startsWith("HTTP/1.1 200")) return s;
            s.close();
            assertThat(System.nanoTime()).as("a kept-alive connection; last answer " + status).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static String readLine(Socket s) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = s.getInputStream().read()) >= 0 && c != '\n') sb.append((char) c);
        return sb.toString();
    }
}
