package org.cpc.worker;

import org.cpc.client.Backoff;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class BlockFeedTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final List<String> log = new CopyOnWriteArrayList<>();

    private BlockFeed feed(String url, Duration poll) {
        return new BlockFeed(new NodeApi(url), poll, new Backoff(Duration.ofMillis(50), Duration.ofMillis(400)),
                log::add);
    }

    private static BlockRef awaitHeight(BlockFeed f, long height) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        BlockRef seen = null;
        while (System.nanoTime() < deadline) {
            BlockRef r = f.awaitChange(seen, Duration.ofMillis(200));
            if (r != null) seen = r;
            if (seen != null && seen.height() >= height) return seen;
        }
        throw new AssertionError("the feed never reached height " + height + "; last seen " + seen);
    }

    @Test
    void startsFromTheTipThenFollowsBlockEvents() throws Exception {
        try (TinyEventServer node = new TinyEventServer(0, 5, true);
             BlockFeed f = feed(node.url(), Duration.ofSeconds(60)).start()) {
            BlockRef first = awaitHeight(f, 5);
            assertThat(first).isEqualTo(new BlockRef(5, TinyEventServer.hashOf(5)));
            // With a one-minute poll interval only the event stream can deliver these in time.
            node.commit(6);
            assertThat(f.awaitChange(first, WAIT)).isEqualTo(new BlockRef(6, TinyEventServer.hashOf(6)));
            node.commit(7);
            node.commit(8);
            assertThat(awaitHeight(f, 8).hash()).isEqualTo(TinyEventServer.hashOf(8));
            assertThat(f.mode()).isEqualTo(BlockFeed.Mode.EVENTS);
        }
    }

    @Test
    void reconnectsWhenTheStreamEnds() throws Exception {
        try (TinyEventServer node = new TinyEventServer(0, 1, true);
             BlockFeed f = feed(node.url(), Duration.ofSeconds(60)).start()) {
            awaitHeight(f, 1);
            node.endStream();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (node.eventConnections() < 2 && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(node.eventConnections()).isGreaterThanOrEqualTo(2);
            node.commit(2);
            assertThat(awaitHeight(f, 2).height()).isEqualTo(2);
        }
    }

    @Test
    void retriesWithBackoffWhileTheNodeIsDownAndPicksUpWhenItComesUp() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (BlockFeed f = feed("http://127.0.0.1:" + port, Duration.ofMillis(50)).start()) {
            assertThat(f.awaitChange(null, Duration.ofMillis(500))).isNull();
            assertThat(f.mode()).isEqualTo(BlockFeed.Mode.CONNECTING);
            assertThat(log).hasSize(1);
            assertThat(log.getFirst()).contains("lost the node's event stream").contains("backoff");

            try (TinyEventServer node = new TinyEventServer(port, 3, true)) {
                assertThat(awaitHeight(f, 3).height()).isEqualTo(3);
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (f.mode() != BlockFeed.Mode.EVENTS && System.nanoTime() < deadline) Thread.sleep(20);
                assertThat(f.mode()).isEqualTo(BlockFeed.Mode.EVENTS);
                assertThat(log).last().asString().contains("following the node's event stream again");
                node.commit(4);
                assertThat(awaitHeight(f, 4).height()).isEqualTo(4);
            }
        }
    }

    @Test
    void pollsTheLatestBlockWhenTheNodeHasNoEventStream() throws Exception {
        try (TinyEventServer node = new TinyEventServer(0, 10, false);
             BlockFeed f = feed(node.url(), Duration.ofMillis(50)).start()) {
            awaitHeight(f, 10);
            node.commit(11);
            assertThat(awaitHeight(f, 11).height()).isEqualTo(11);
            assertThat(f.mode()).isEqualTo(BlockFeed.Mode.POLLING);
            assertThat(log).singleElement().asString().contains("HTTP 404");
        }
    }

    @Test
    void closeStopsAnOpenStreamPromptly() throws Exception {
        try (TinyEventServer node = new TinyEventServer(0, 1, true)) {
            BlockFeed f = feed(node.url(), Duration.ofSeconds(60)).start();
            awaitHeight(f, 1);
            long t0 = System.nanoTime();
            f.close();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
            assertThat(f.awaitChange(f.latest(), Duration.ofSeconds(5))).isNull();
        }
    }
}
