package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.cpc.chain.Chain;
import org.cpc.chain.snapshot.SnapshotManifest;
import org.cpc.chain.snapshot.SnapshotPolicy;
import org.cpc.chain.snapshot.SnapshotStore;
import org.cpc.client.NodeClient;
import org.cpc.client.TxBuilder;
import org.cpc.node.net.StateSync;
import org.cpc.p2p.PeerInfo;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.crypto.MlDsa;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.keys.ValidatorKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Transaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * State sync over real sockets and real RocksDB: two validators and two followers take snapshots (small chunks)
 * while a STAKE adds a validator; the chain halts (one validator stopped) and the servers misbehave on disk — one
 * lists a snapshot whose chunks are of an older state under the newest block's state root, and serves tampered
 * chunks of the older one; another leaves as soon as it has listed its snapshots. A new node started with
 * {@code --state-sync} from a trusted height before the STAKE light-verifies the snapshot's header across the set
 * change, refuses both lies (the liar is banned), restores from the honest peers, and once the chain goes on,
 * follows it block for block.
 */
class StateSyncTest {
    static final Duration WAIT = Duration.ofSeconds(90);
    static final int INTERVAL = 4;

    @TempDir
    Path dir;

    /** The test's heights must stay within the trusting period (unbonding_blocks) of the trusted one. */
    static NetworkParams params() {
        return NetworkParams.fromJson(TestNode.params().toJson().put("unbonding_blocks", 500)
                .put("evidence_max_age_blocks", 1000));
    }

    static Chain chain(TestNode n) {
        return n.runner.chain();
    }

    static long height(TestNode n) {
        return chain(n).head().header().height();
    }

    static boolean hasSnapshot(TestNode n, long h) {
        return chain(n).snapshots().orElseThrow().manifest(h).isPresent();
    }

    @Test
    void aNewNodeJoinsFromASnapshotAcrossASetChangeDespiteLyingAndLeavingPeers() throws Exception {
        try (Testnet net = Testnet.create(dir, 2, params())) {
            net.withOptions(StartOptions.DEFAULTS.withSnapshots(INTERVAL, 50, 1024));
            net.startAll();
            int f1 = net.addFollower(), f2 = net.addFollower();
            net.start(f1);
            net.start(f2);
            TestNode v0 = net.node(0);
            fundAccounts(v0);
            AccountKey bob = v0.funded("20");
            long trustHeight = height(v0);
            String trustHash = chain(v0).block(trustHeight).orElseThrow().hashHex();

            // a STAKE: bob's new validator joins the set two blocks after its block
            KeyPair kp = MlDsa.generateKeyPair();
            byte[] pub = MlDsa.rawPublicKey(kp.getPublic());
            ValidatorKey bobKey = new ValidatorKey(kp.getPrivate(), pub, Address.validatorConsensus(pub));
            Transaction stake = TxBuilder.of(v0.params, bob).nonce(v0.client.balance(bob.address()).path("nonce").asLong())
                    .timestamp(System.currentTimeMillis() / 1000).createValidator(TestNode.cpc("5"), bobKey, "bob", "", 0);
            NodeClient.Reply sent = v0.client.sendTransaction(stake);
            assertThat(sent.status()).as(sent.body().toString()).isEqualTo(200);
            v0.awaitIncluded(sent.body().path("tx_hash").asText());
            Testnet.await("bob in the validator set", WAIT,
                    () -> chain(v0).validatorSet(height(v0) + 1).byAddress(bobKey.address()) != null);
            // the first height whose header names the new set
            String firstSet = chain(v0).block(1).orElseThrow().header().validatorsHash();
            long changed = 1;
            while (chain(v0).block(changed).map(b -> b.header().validatorsHash().equals(firstSet)).orElse(true)) {
                if (changed > height(v0)) Thread.sleep(50); else changed++;
            }
            assertThat(chain(v0).validatorSet(trustHeight).byAddress(bobKey.address())).isNull();

            // two snapshots after the change on every server, then the chain halts: v0 alone has half the power
            // Above the synthetic window too, so that the joiner's lowest block is above block 1 (on a quiet machine
            // the set change can come within the first window's blocks).
            long first = Math.max(changed, chain(v0).params().syntheticWindow() + 1);
            long older = (first / INTERVAL + 1) * INTERVAL, newest = older + INTERVAL;
            List<TestNode> servers = List.of(v0, net.node(f1), net.node(f2));
            Testnet.await("snapshots " + older + " and " + newest, WAIT, () -> servers.stream()
                    .allMatch(n -> hasSnapshot(n, older) && hasSnapshot(n, newest)));
            net.stop(1);
            long top = height(v0);
            Testnet.await("followers at the halted head", WAIT, () -> servers.stream().allMatch(n -> height(n) == top));
            for (TestNode n : servers) chain(n).snapshots().orElseThrow(); // every server keeps snapshots

            // f1 lies twice; v0 and f2 keep no snapshot above `older`, so the lie is the newest offer
            SnapshotStore liar = chain(net.node(f1)).snapshots().orElseThrow();
            lieAboutNewest(liar, older, newest);
            tamperChunks(liar.dir().resolve(Long.toString(older)));
            for (TestNode n : List.of(v0, net.node(f2))) {
                SnapshotStore s = chain(n).snapshots().orElseThrow();
                for (SnapshotManifest m : s.list()) if (m.height() > older) deleteTree(s.dir().resolve(Long.toString(m.height())));
            }

            int joiner = net.addFollower();
            List<String> peers = servers.stream().map(Testnet::p2pAddress).toList();
            String liarId = net.node(f1).runner.network().nodeId();
            StartOptions sync = StartOptions.DEFAULTS.withSnapshots(INTERVAL, 50, 1024)
                    .withStateSync(new StateSync.Trust(trustHeight, trustHash)).withPort(0)
                    .withP2p(NodeConfig.P2p.listening("127.0.0.1:0").withPeers(peers));
            CompletableFuture<NodeRunner> started = CompletableFuture.supplyAsync(() -> NodeRunner.startWith(
                    net.dataDir(joiner), sync, InstantSource.system(), () -> {
                        throw new AssertionError("a devnet node must not ask for a password");
                    }));
            TestNode leaver = net.node(f2);
            Testnet.await("f2 listed its snapshots", WAIT, () -> leaver.runner.network().snapshots().listsServed() > 0);
            net.stop(f2);
            try (TestNode joined = new TestNode(started.get(WAIT.toSeconds(), TimeUnit.SECONDS))) {
                Chain c = chain(joined);
                assertThat(c.block(older).orElseThrow().hashHex()).isEqualTo(chain(v0).block(older).orElseThrow().hashHex());
                assertThat(c.earliestBlock()).isEqualTo(older - c.params().syntheticWindow());
                assertThat(c.block(1)).isEmpty();
                assertThat(c.pruned(1)).isTrue();
                assertThat(c.validatorSet(older + 1).byAddress(bobKey.address())).isNotNull();
                // the lowest block it holds predates the change, and it keeps that set too: it serves its light block
                var before = c.validatorSetByHash(c.block(c.earliestBlock()).orElseThrow().header().validatorsHash());
                assertThat(before).isPresent();
                assertThat(before.get().byAddress(bobKey.address())).isNull();
                assertThat(joined.runner.network().connectedPeers()).extracting(PeerInfo::id).doesNotContain(liarId);

                // the chain goes on; the new node follows it with the same blocks and state
                net.start(1);
                long goal = top + 5;
                Testnet.await("the joined node at " + goal, WAIT, () -> height(joined) >= goal && height(v0) >= goal);
                for (long h = older; h <= goal; h++) {
                    assertThat(c.block(h).orElseThrow().hashHex()).as("block %d", h)
                            .isEqualTo(chain(v0).block(h).orElseThrow().hashHex());
                }
                assertThat(c.account(bob.address())).isEqualTo(chain(v0).account(bob.address()));
            }
        }
    }

    @Test
    void aYoungChainIsJoinedFromGenesisTrustAndOlderBlocksAnswerGone() throws Exception {
        try (Testnet net = Testnet.create(dir, 1, params())) {
            net.withOptions(StartOptions.DEFAULTS.withSnapshots(INTERVAL, 2, SnapshotPolicy.DEFAULT_CHUNK_BYTES));
            net.startAll();
            TestNode v0 = net.node(0);
            // a snapshot above the window of blocks kept below it, so that block 1 is not on the new node
            long window = chain(v0).params().syntheticWindow();
            Testnet.await("a snapshot above " + window, WAIT, () -> chain(v0).snapshots().orElseThrow().list().stream()
                    .anyMatch(m -> m.height() > window + 1));
            int joiner = net.addFollower();
            StartOptions sync = StartOptions.DEFAULTS.withStateSync(null).withPort(0)
                    .withP2p(NodeConfig.P2p.listening("127.0.0.1:0").withPeers(List.of(Testnet.p2pAddress(v0))));
            try (TestNode joined = new TestNode(NodeRunner.startWith(net.dataDir(joiner), sync, InstantSource.system(),
                    () -> null))) {
                long restored = chain(joined).earliestBlock() + chain(joined).params().syntheticWindow();
                assertThat(restored).isGreaterThanOrEqualTo(INTERVAL);
                assertThat(restored % INTERVAL).isZero();
                assertThat(chain(joined).block(restored).orElseThrow().hashHex())
                        .isEqualTo(chain(v0).block(restored).orElseThrow().hashHex());
                // below what it holds, the node answers as a pruned one does
                assertThat(joined.get("/block/1").statusCode()).isEqualTo(410);
                assertThat(joined.get("/block/" + restored).statusCode()).isEqualTo(200);
                long goal = height(v0) + 3;
                Testnet.await("the joined node at " + goal, WAIT, () -> height(joined) >= goal);
                assertThat(chain(joined).block(goal).orElseThrow().hashHex())
                        .isEqualTo(chain(v0).block(goal).orElseThrow().hashHex());
            }
        }
    }

    /**
     * Snapshots as node.json says (not flags). The new node starts with two peers: a follower that lists snapshots
     * and proves headers but has lost their chunks, and the validator's address while it is down. Once the follower
     * is dropped for want of chunks, the validator comes back on that address: the state sync takes it in as a
     * peer that connected later and restores from it.
     */
    @Test
    void aPeerThatConnectsDuringStateSyncIsUsed() throws Exception {
        try (Testnet net = Testnet.create(dir, 1, params())) {
            net.withOptions(StartOptions.DEFAULTS.withSnapshots(null, null, 1024));
            int f1 = net.addFollower();
            for (int i : new int[] {0, f1}) {
                Path root = net.dataDir(i).root();
                NodeConfig.read(root).withSnapshots(new NodeConfig.Snapshots(INTERVAL, 50)).write(root);
            }
            TestNode v0 = net.start(0);
            TestNode follower = net.start(f1);
            fundAccounts(v0);
            long above = Math.max(height(v0), chain(v0).params().syntheticWindow() + 1);
            Testnet.await("a snapshot above " + above + " on both", WAIT, () -> List.of(v0, follower).stream()
                    .allMatch(n -> chain(n).snapshots().orElseThrow().list().stream().anyMatch(m -> m.height() > above)));
            int v0Port = v0.runner.network().listenAddress().getPort();
            net.stop(0);
            SnapshotStore lost = chain(follower).snapshots().orElseThrow();
            for (SnapshotManifest m : lost.list()) deleteChunks(lost.dir().resolve(Long.toString(m.height())));

            int joiner = net.addFollower();
            StartOptions sync = StartOptions.DEFAULTS.withStateSync(null).withPort(0).withP2p(NodeConfig.P2p
                    .listening("127.0.0.1:0").withPeers(List.of(Testnet.p2pAddress(follower), "127.0.0.1:" + v0Port)));
            CompletableFuture<NodeRunner> started = CompletableFuture.supplyAsync(() -> NodeRunner.startWith(
                    net.dataDir(joiner), sync, InstantSource.system(), () -> null));
            Testnet.await("the follower listed its snapshots", WAIT,
                    () -> follower.runner.network().snapshots().listsServed() > 0);
            TestNode back = net.startListening(0, v0Port, List.of(Testnet.p2pAddress(follower)));
            try (TestNode joined = new TestNode(started.get(WAIT.toSeconds(), TimeUnit.SECONDS))) {
                // It restored one of the follower's snapshots, whose chunks only the validator that came back had
                // (a start that restored nothing would have failed): the newest when the validator is back before
                // the sync gives that one up, an older one on a slow machine. What it holds is the validator's chain.
                long earliest = chain(joined).earliestBlock();
                assertThat(chain(joined).block(earliest).orElseThrow().hashHex())
                        .isEqualTo(chain(back).block(earliest).orElseThrow().hashHex());
                // its restored state executes the next blocks as the validator's did
                long goal = height(back) + 2;
                Testnet.await("the joined node at " + goal, WAIT, () -> height(joined) >= goal);
                assertThat(chain(joined).block(goal).orElseThrow().hashHex())
                        .isEqualTo(chain(back).block(goal).orElseThrow().hashHex());
            }
        }
    }

    /** 20 new accounts from the faucet, so that the state takes a good number of 1 KiB chunks. */
    static void fundAccounts(TestNode v0) throws Exception {
        String last = null;
        for (int i = 0; i < 20; i++) {
            ObjectNode req = Json.object().put("address", TestNode.newAccount().address()).put("amount", "1");
            NodeClient.Reply r = v0.client.post("/faucet", req);
            assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
            last = r.body().path("tx_hash").asText();
        }
        v0.awaitIncluded(last);
    }

    static void deleteChunks(Path snapshot) throws IOException {
        try (var files = Files.list(snapshot)) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith("chunk-")).toList()) Files.delete(p);
        }
    }

    /** Rewrites the newest snapshot as the older one's chunks (each matching its listed hash) under the newest's root. */
    static void lieAboutNewest(SnapshotStore s, long older, long newest) throws IOException {
        SnapshotManifest o = s.manifest(older).orElseThrow(), n = s.manifest(newest).orElseThrow();
        SnapshotManifest lie = new SnapshotManifest(SnapshotManifest.FORMAT, newest, n.blockHash(), n.stateRoot(),
                o.entries(), o.chunkBytes(), o.chunks());
        Path nd = s.dir().resolve(Long.toString(newest)), od = s.dir().resolve(Long.toString(older));
        deleteTree(nd);
        Files.createDirectories(nd);
        for (int i = 0; i < o.chunks().size(); i++) {
            String name = String.format("chunk-%05d", i);
            Files.copy(od.resolve(name), nd.resolve(name));
        }
        Files.write(nd.resolve("manifest.json"), lie.toBytes());
    }

    static void tamperChunks(Path snapshot) throws IOException {
        try (var files = Files.list(snapshot)) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith("chunk-")).toList()) {
                byte[] b = Files.readAllBytes(p);
                b[b.length - 1] ^= 1;
                Files.write(p, b);
            }
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
