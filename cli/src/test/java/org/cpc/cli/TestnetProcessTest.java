package org.cpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import org.cpc.client.NodeClient;
import org.cpc.client.TxBuilder;
import org.cpc.consensus.CommitCertificate;
import org.cpc.consensus.CommitVerifier;
import org.cpc.consensus.MlDsaSignatures;
import org.cpc.consensus.TimeoutConfig;
import org.cpc.consensus.Validator;
import org.cpc.consensus.ValidatorSet;
import org.cpc.node.NodeInit;
import org.cpc.testnet.ChildJvm;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Block;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four validators as four real processes ({@code cpc node start}) on loopback, under transaction load through REST:
 * every node must report the same block hash at every height, each with a certificate of more than 2/3 of the power;
 * one validator killed with {@code kill -9} must not stop the others; restarted, it must catch up; with two of the
 * four stopped the chain must halt (no height finalized, none conflicting), and resume when one comes back.
 */
class TestnetProcessTest {
    private static final int N = 4;
    private static final long BLOCK_MS = 500;
    /**
     * A height at worst on an idle machine: its proposer is down, so round 0 runs out its propose, prevote and
     * precommit timeouts and round 1 decides after the block time.
     */
    private static final long WORST_HEIGHT_MS = TimeoutConfig.DEFAULT.propose(0) + TimeoutConfig.DEFAULT.prevote(0)
            + TimeoutConfig.DEFAULT.precommit(0) + BLOCK_MS;
    /** A margin for a loaded 2-core CI machine, where four node JVMs share two cores with the suite's other tests. */
    private static final int LOADED = 3;
    /**
     * Connections after a restart: the restarted node dials at once, but a peer that found it dead redials after a
     * backoff that grows to 30 s.
     */
    private static final Duration PEERS = Duration.ofSeconds(45);
    /**
     * A node's start: JVM, unlocking two Argon2id-encrypted keys (64 MiB each), RocksDB, dialling peers. About 5 s
     * alone, but near 30 s when four start at once on a loaded 2-core machine.
     */
    private static final Duration STARTUP = Duration.ofSeconds(90);

    /** The time {@code n} heights may take on a loaded machine; the waits poll, so an idle machine waits no longer. */
    private static Duration heights(long n) {
        return Duration.ofMillis(n * WORST_HEIGHT_MS * LOADED);
    }

    @TempDir
    Path tmp;

    private final List<Path> dirs = new ArrayList<>();
    private final List<NodeClient> clients = new ArrayList<>();
    private final ChildJvm[] children = new ChildJvm[N];
    private NetworkParams params;
    private final AtomicBoolean loading = new AtomicBoolean(true);
    private final AtomicLong accepted = new AtomicLong();
    private long phaseStart = System.nanoTime();
    /** Funded by node0's faucet; its transfers are posted to the other nodes only. */
    private final AccountKey sender = AccountKey.of(Secp256k1.randomPrivateKey());

    @AfterEach
    void stopAll() throws InterruptedException {
        loading.set(false);
        for (ChildJvm c : children) if (c != null) c.close();
    }

    @Test
    void fourProcessesFinalizeSurviveAKillCatchUpAndHaltWithoutAQuorum() throws Throwable {
        params = NetworkParams.devnet().withSynthetic(16, 4).withBlockTime(BLOCK_MS);
        int[] ports = org.cpc.testnet.Ports.freeLoopback(2 * N);
        List<NodeInit.Member> members = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            members.add(new NodeInit.Member(NodeInit.nodeDir(tmp, i), ports[i], 1, "127.0.0.1:" + ports[N + i]));
            dirs.add(NodeInit.nodeDir(tmp, i));
            clients.add(new NodeClient("http://127.0.0.1:" + ports[i]));
        }
        NodeInit.network(params, members, NodeInit.DEFAULT_VALIDATOR_KEY, null, System.currentTimeMillis());
        try {
            for (int i = 0; i < N; i++) start(i);
            awaitAll(List.of(0, 1, 2, 3), h -> h >= 2, STARTUP.plus(heights(2)), "all four reach height 2");
            phase("four nodes up and finalizing");
            Thread load = Thread.ofPlatform().name("load").daemon(true).start(this::load);

            awaitAll(List.of(0, 1, 2, 3), h -> h >= 5, heights(3), "all four reach height 5 under load");
            assertAgree(List.of(0, 1, 2, 3));

            phase("height 5 under load, all agree");
            children[3].kill();
            long atKill = height(0);
            awaitAll(List.of(0, 1, 2), h -> h >= atKill + 3, heights(3), "three go on after node3 is killed at " + atKill);
            assertAgree(List.of(0, 1, 2));

            phase("three finalize without node3");
            start(3);
            long atRestart = height(0);
            awaitAll(List.of(3), h -> h >= atRestart + 1, STARTUP.plus(heights(1)), "restarted node3 catches up past " + atRestart);
            assertAgree(List.of(0, 1, 2, 3));
            awaitPeers(0, N - 1);

            phase("node3 restarted and caught up");
            children[2].stop();
            children[3].stop();
            // A height decided with node2 and node3 may still be committed by node0 and node1: the halt is the
            // height both report alike for three block times, however long a loaded machine takes to get there.
            long halted = awaitSettled(List.of(0, 1), 3 * BLOCK_MS);
            Thread.sleep(8 * BLOCK_MS);
            assertThat(List.of(height(0), height(1))).as("no height may be finalized by 2 of 4 validators")
                    .containsOnly(halted);
            assertAgree(List.of(0, 1));
            awaitPeers(0, 1);

            phase("halted with two of four");
            start(2);
            awaitAll(List.of(0, 1, 2), h -> h >= halted + 2, STARTUP.plus(heights(2)), "resume after node2 returns to a halt at " + halted);
            assertAgree(List.of(0, 1, 2));
            phase("resumed with three");
            loading.set(false);
            load.join(5000);
            assertThat(accepted.get()).as("transactions accepted under load").isPositive();
            assertThat(transactionsInBlocks(0)).as("transactions committed").isPositive();
            assertThat(clients.get(0).balance(sender.address()).path("nonce").asLong())
                    .as("transfers posted to node1..3, committed in node0's chain").isPositive();
        } catch (Throwable t) {
            throw new AssertionError(t.getMessage() + "\n" + logs(), t);
        }
    }

    /** Prints how long each step took, so that a slow machine shows where the time went. */
    private void phase(String done) {
        long now = System.nanoTime();
        System.out.printf("TestnetProcessTest: %-32s %5.1f s (heights %s)%n", done, (now - phaseStart) / 1e9,
                java.util.stream.IntStream.range(0, N).mapToObj(i -> Long.toString(height(i))).toList());
        phaseStart = now;
    }

    private void start(int i) {
        children[i] = ChildJvm.start(tmp.resolve("node" + i + ".log"), Cpc.class, "node", "start", "--data-dir",
                dirs.get(i).toString());
    }

    /** Faucet payments from node0 and signed transfers sent to the other live nodes, until told to stop. */
    private void load() {
        long nonce = 0;
        boolean funded = false;
        int turn = 0;
        while (loading.get()) {
            try {
                String to = AccountKey.of(Secp256k1.randomPrivateKey()).address();
                if (!funded) {
                    funded = clients.get(0).post("/faucet",
                            Json.object().put("address", sender.address()).put("amount", "100.0")).ok();
                    Thread.sleep(2 * BLOCK_MS);
                    continue;
                }
                boolean transfer = turn++ % 2 == 1;
                NodeClient.Reply r = transfer
                        ? liveOther(turn).sendTransaction(TxBuilder.of(params, sender).nonce(nonce)
                                .timestamp(System.currentTimeMillis() / 1000).transfer(to, BigInteger.ONE))
                        : clients.get(0).post("/faucet", Json.object().put("address", to).put("amount", "1.0"));
                if (r.ok()) {
                    accepted.incrementAndGet();
                    if (transfer) nonce++;
                } else if (transfer) {
                    // refused (a full mempool, say): ask for the nonce the chain expects next
                    nonce = clients.get(0).balance(sender.address()).path("nonce").asLong();
                }
                Thread.sleep(20);
            } catch (NodeClient.NodeUnavailableException e) {
                // the node it chose was just killed; the next round picks another
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private NodeClient liveOther(int turn) {
        for (int k = 0; k < N - 1; k++) {
            int i = 1 + (turn + k) % (N - 1);
            if (children[i] != null && children[i].alive()) return clients.get(i);
        }
        return clients.get(0);
    }

    private long height(int i) {
        try {
            return clients.get(i).status().path("height").asLong();
        } catch (NodeClient.NodeUnavailableException e) {
            return -1;
        }
    }

    private void awaitAll(List<Integer> nodes, LongPredicate done, Duration within, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            List<Long> heights = nodes.stream().map(this::height).toList();
            if (heights.stream().allMatch(done::test)) return;
            if (System.nanoTime() > deadline) {
                throw new AssertionError("within " + within.toSeconds() + " s: " + what + "; heights of nodes "
                        + nodes + ": " + heights);
            }
            Thread.sleep(BLOCK_MS / 2);
        }
    }

    /** The height all of {@code nodes} report alike and unchanged for {@code quietMs}, within one height's time. */
    private long awaitSettled(List<Integer> nodes, long quietMs) throws InterruptedException {
        Duration within = heights(1);
        long deadline = System.nanoTime() + within.toNanos();
        List<Long> last = List.of();
        long since = System.nanoTime();
        while (true) {
            List<Long> heights = nodes.stream().map(this::height).toList();
            if (!heights.equals(last)) {
                last = heights;
                since = System.nanoTime();
            } else if (heights.stream().distinct().count() == 1 && System.nanoTime() - since >= quietMs * 1_000_000) {
                return heights.getFirst();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("within " + within.toSeconds() + " s: nodes " + nodes
                        + " never settled on one height; last " + heights);
            }
            Thread.sleep(BLOCK_MS / 5);
        }
    }

    /** {@code GET /status} of node {@code i} shows {@code peers} connected peers, in time. */
    private void awaitPeers(int i, int peers) throws InterruptedException {
        long deadline = System.nanoTime() + PEERS.toNanos();
        long seen;
        while ((seen = clients.get(i).status().path("peers").asLong()) != peers) {
            if (System.nanoTime() > deadline) throw new AssertionError("node" + i + " has " + seen + " peers, not " + peers);
            Thread.sleep(BLOCK_MS / 2);
        }
    }

    /** Every height up to the lowest head among {@code nodes}: one hash everywhere, each certificate > 2/3. */
    private void assertAgree(List<Integer> nodes) {
        long top = nodes.stream().mapToLong(this::height).min().orElseThrow();
        ValidatorSet set = validators(nodes.getFirst());
        CommitVerifier verifier = new CommitVerifier(params.chainId(), MlDsaSignatures.VERIFIER);
        for (long h = 1; h <= top; h++) {
            String expected = null;
            for (int i : nodes) {
                JsonNode served = NodeClient.require(clients.get(i).get("/block/" + h));
                Block b = Block.fromJson(served);
                if (expected == null) expected = b.hashHex();
                assertThat(b.hashHex()).as("node%d's block at height %d against node%d's", i, h, nodes.getFirst())
                        .isEqualTo(expected);
                CommitCertificate cert = CommitCertificate.fromJson(served.path("commit"), h, b.hashHex());
                assertThat(verifier.isValid(set, h, b.hashHex(), cert))
                        .as("node%d's certificate of height %d verifies with > 2/3 of the power", i, h).isTrue();
            }
        }
    }

    private ValidatorSet validators(int node) {
        List<Validator> list = new ArrayList<>();
        for (JsonNode v : NodeClient.require(clients.get(node).get("/validators")).path("validators")) {
            list.add(new Validator(v.path("address").asText(), v.path("public_key").asText(), v.path("power").asLong()));
        }
        assertThat(list).hasSize(N);
        return new ValidatorSet(list);
    }

    private long transactionsInBlocks(int node) {
        long top = height(node);
        long txs = 0;
        for (long h = 1; h <= top; h++) txs += NodeClient.require(clients.get(node).get("/block/" + h)).path("transactions").size();
        return txs;
    }

    private String logs() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < N; i++) {
            sb.append("==== node").append(i).append(" (errors, then the last 40 lines of ")
                    .append(tmp.resolve("node" + i + ".log")).append(")\n")
                    .append(children[i] == null ? "(never started)" : children[i].errors() + "----\n" + children[i].tail(40))
                    .append('\n');
        }
        return sb.toString();
    }
}
