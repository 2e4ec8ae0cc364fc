package org.cpc.bench;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.cpc.p2p.Channel;
import org.cpc.p2p.MessageHandler;
import org.cpc.p2p.NodeIdentity;
import org.cpc.p2p.P2pConfig;
import org.cpc.p2p.TcpPeerNetwork;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Two real nodes on loopback: messages a second from one to the other (sent, framed, written, read, delivered in
 * order), and the time to start a node and finish the handshake with a running one.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class P2pBench extends JmhDefaults {
    private static final int BATCH = 2_000;
    private static final int WINDOW = 500;

    @Param({"256", "16384"})
    int payloadBytes;

    private final AtomicLong received = new AtomicLong();
    private TcpPeerNetwork sender;
    private TcpPeerNetwork receiver;
    private byte[] payload;

    private static P2pConfig config(List<InetSocketAddress> staticPeers) {
        P2pConfig d = P2pConfig.defaults("cpc-bench", "ab".repeat(32), new InetSocketAddress("127.0.0.1", 0),
                staticPeers, "bench");
        // A benchmark floods on purpose: lift the per-peer rate budget, keep every other default.
        return new P2pConfig(d.chainId(), d.genesisHash(), d.listen(), null, d.staticPeers(), d.moniker(),
                d.maxInbound(), d.maxOutbound(), d.maxFrameBytes(), d.sendQueueFrames(), Integer.MAX_VALUE / 2,
                d.handshakeTimeoutMs(), d.pingIntervalMs(), d.banScore(), d.banMs(), d.pexIntervalMs());
    }

    @Setup(Level.Trial)
    public void start() throws InterruptedException {
        payload = new byte[payloadBytes];
        receiver = new TcpPeerNetwork(config(List.of()), NodeIdentity.generate(),
                (MessageHandler) (peer, channel, bytes) -> received.incrementAndGet());
        receiver.start();
        sender = new TcpPeerNetwork(config(List.of(new InetSocketAddress("127.0.0.1", receiver.listenPort()))),
                NodeIdentity.generate(), (peer, channel, bytes) -> { });
        sender.start();
        while (sender.peers().isEmpty()) Thread.sleep(5);
    }

    @TearDown(Level.Trial)
    public void stop() {
        sender.close();
        receiver.close();
    }

    /** Sends a batch and waits until all of it arrived. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void messages() throws InterruptedException {
        long start = received.get();
        for (int i = 1; i <= BATCH; i++) {
            sender.broadcast(Channel.TX, payload);
            // At most WINDOW in flight, well under the send queue, so the benchmark measures delivery rather than
            // the slow-peer cut-off.
            if (i % WINDOW == 0) waitFor(start + i - WINDOW);
        }
        waitFor(start + BATCH);
    }

    private void waitFor(long count) throws InterruptedException {
        while (received.get() < count) Thread.onSpinWait();
    }

    /** Start a node that dials the receiver, until its handshake is done: two signatures, two verifications. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public void connect() throws InterruptedException {
        try (TcpPeerNetwork n = new TcpPeerNetwork(
                config(List.of(new InetSocketAddress("127.0.0.1", receiver.listenPort()))), NodeIdentity.generate(),
                (peer, channel, bytes) -> { })) {
            n.start();
            while (n.peers().isEmpty()) Thread.sleep(0, 100_000);
        }
    }
}
