package org.cpc.testnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy against an echo server: bytes pass, latency delays them, a block holds them, a reset cuts them. */
class FaultProxyTest {
    private ServerSocket echo;
    private FaultProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            s.getInputStream().transferTo(s.getOutputStream());
                        } catch (IOException ignored) {
                            // the test closed it
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        proxy = new FaultProxy("test", new InetSocketAddress("127.0.0.1", echo.getLocalPort()));
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    @Test
    void forwardsBothWays() throws IOException {
        try (Socket s = connect()) {
            roundTrip(s, "hello");
            roundTrip(s, "again");
        }
    }

    @Test
    void latencyDelaysEveryDirection() throws IOException {
        proxy.shape(FaultProxy.Dir.FORWARD, new FaultProxy.Shape(150, 0, 0));
        proxy.shape(FaultProxy.Dir.BACKWARD, new FaultProxy.Shape(150, 50, 0));
        try (Socket s = connect()) {
            long start = System.nanoTime();
            roundTrip(s, "slow");
            // A lower bound only: the proxy must hold the bytes at least this long, a busy machine may add more.
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(300);
        }
    }

    @Test
    void bandwidthPacesBytes() throws IOException {
        proxy.shape(FaultProxy.Dir.BACKWARD, new FaultProxy.Shape(0, 0, 64 * 1024));
        try (Socket s = connect()) {
            byte[] data = new byte[32 * 1024];
            long start = System.nanoTime();
            s.getOutputStream().write(data);
            s.getInputStream().readNBytes(data.length);
            // 32 KiB at 64 KiB/s: at least half a second, less the first chunk which leaves at once.
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(240);
        }
    }

    @Test
    void blockHoldsBytesUntilLifted() throws IOException {
        try (Socket s = connect()) {
            roundTrip(s, "before");
            proxy.block(FaultProxy.Dir.FORWARD, true);
            s.getOutputStream().write("held".getBytes());
            s.setSoTimeout(400);
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            proxy.block(FaultProxy.Dir.FORWARD, false);
            s.setSoTimeout(10_000);
            assertThat(new String(s.getInputStream().readNBytes(4))).isEqualTo("held");
        }
    }

    @Test
    void resetClosesTheConnection() throws IOException {
        try (Socket s = connect()) {
            roundTrip(s, "before");
            proxy.reset();
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            int got;
            try {
                got = in.read();
            } catch (IOException e) {
                got = -1; // a reset may surface as an exception rather than end of stream
            }
            assertThat(got).isEqualTo(-1);
        }
        try (Socket again = connect()) {
            roundTrip(again, "after"); // new connections pass again
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", proxy.port());
        s.setSoTimeout(10_000);
        return s;
    }

    private static void roundTrip(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes());
        out.flush();
        assertThat(new String(s.getInputStream().readNBytes(text.length()))).isEqualTo(text);
    }
}
