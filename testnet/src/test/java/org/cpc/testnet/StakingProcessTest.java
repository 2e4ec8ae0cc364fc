package org.cpc.testnet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.cpc.client.NodeClient;
import org.cpc.client.TxBuilder;
import org.cpc.consensus.TimeoutConfig;
import org.cpc.node.DataDir;
import org.cpc.node.NodeConfig;
import org.cpc.node.NodeInit;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.keys.Keyring;
import org.cpc.protocol.keys.ValidatorKey;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.params.StakingParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Transaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof-of-stake with real node processes on loopback, one network through three stories, everything checked
 * through REST:
 * <ol>
 *   <li>a fifth node with a new validator key syncs from the four genesis validators, its operator sends STAKE
 *       (with the key's proof of possession), and its precommits appear in certificates from the STAKE's height + 2,
 *       never before;</li>
 *   <li>one of the five is {@code kill -9}ed and jailed for downtime (slashed {@code slash_downtime_bps}), the chain
 *       goes on, it restarts, sends UNJAIL once {@code jailed_until} is reached, and signs again;</li>
 *   <li>a validator with a delegator is run twice (its data dir copied while it was stopped, so both copies pass the
 *       double-sign check at start): the two copies equivocate, the evidence enters a block, the validator is
 *       slashed {@code slash_double_sign_bps} — its delegator's delegation by as much — and tombstoned, and the
 *       four others go on.</li>
 * </ol>
 * Liveness is made strict enough to jail in seconds ({@code signed_blocks_window} 20, {@code min_signed_bps} 5000)
 * while a loaded machine's late precommits still land in {@code last_commit}.
 */
class StakingProcessTest {
    private static final long BLOCK_MS = 500;
    private static final int GENESIS = 4;
    private static final String BOND_CPC = "10";
    private static final long WORST_HEIGHT_MS = TimeoutConfig.DEFAULT.propose(0) + TimeoutConfig.DEFAULT.prevote(0)
            + TimeoutConfig.DEFAULT.precommit(0) + BLOCK_MS;
    /** A loaded 2-core machine running six node JVMs. */
    private static final int LOADED = 3;
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final char[] PW = NodeInit.DEVNET_KEY_PASSWORD.toCharArray();

    @TempDir
    Path tmp;

    private NetworkParams params;
    private final List<Path> dirs = new ArrayList<>();
    private final List<NodeClient> clients = new ArrayList<>();
    private final List<String> p2p = new ArrayList<>();
    private final ChildJvm[] children = new ChildJvm[6];
    private int[] ports;
    private long phaseStart = System.nanoTime();

    private static Duration heights(long n) {
        return Duration.ofMillis(n * WORST_HEIGHT_MS * LOADED);
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (ChildJvm c : children) if (c != null) c.close();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void joinByStakeJailForDowntimeAndSlashADoubleSigner() throws Throwable {
        StakingParams devnet = NetworkParams.devnet().staking();
        params = NetworkParams.devnet().withSynthetic(16, 4).withBlockTime(BLOCK_MS).withChainId("cpc-stake-1")
                .withStaking(new StakingParams(devnet.unbondingBlocks(), devnet.maxValidators(), devnet.minSelfBond(),
                        devnet.evidenceMaxAgeBlocks(), 20, 5_000, 10, 500, 100, devnet.maxCommissionChangeBps(),
                        devnet.commissionChangeBlocks()));
        ports = Ports.freeLoopback(12);
        List<NodeInit.Member> members = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            dirs.add(NodeInit.nodeDir(tmp, i));
            clients.add(new NodeClient("http://127.0.0.1:" + ports[i]));
            p2p.add("127.0.0.1:" + ports[6 + i]);
            if (i < GENESIS) members.add(new NodeInit.Member(dirs.get(i), ports[i], 10, p2p.get(i)));
        }
        NodeInit.network(params, members, NodeInit.DEFAULT_VALIDATOR_KEY, null, System.currentTimeMillis());
        // node4: a new node with a validator key of its own that is in no set, syncing from the four.
        NodeInit.init(dirs.get(4), params, new DataDir(dirs.get(0)).genesis(), NodeInit.DEFAULT_VALIDATOR_KEY,
                ports[4], null, System.currentTimeMillis());
        rewriteP2p(4);
        try {
            for (int i = 0; i <= 4; i++) start(i);
            await("all five at height 2", STARTUP.plus(heights(2)), () -> allAt(List.of(0, 1, 2, 3, 4), 2));
            phase("five nodes up");
            joinByStake();
            phase("node4 joined by STAKE");
            jailForDowntimeAndUnjail();
            phase("node3 jailed, unjailed, back");
            doubleSignIsSlashedAndTombstoned();
            phase("node1 double-signed, slashed");
        } catch (Throwable t) {
            throw new AssertionError(t.getMessage() + "\n" + logs(), t);
        }
    }

    /** (a) node4's operator stakes; node4 signs from the STAKE's height + 2. */
    private void joinByStake() throws Exception {
        AccountKey operator = operatorKey(4);
        ValidatorKey key = new Keyring(new DataDir(dirs.get(4)).keys()).unlockValidator(NodeInit.DEFAULT_VALIDATOR_KEY, PW);
        fund(operator.address(), "100.0");
        long at = include(4, TxBuilder.of(params, operator).nonce(0).timestamp(nowS())
                .createValidator(Amounts.parseCpc(BOND_CPC), key, "node4", "https://node4.example", 500));
        long from = at + 2;
        await("a certificate of height >= " + from + " with node4's precommit", heights(8),
                () -> signedInRange(0, key.address(), from, height(0)) > 0);
        for (long h = 1; h < from; h++) {
            assertThat(signers(0, h)).as("precommits of height %d (node4's set starts at %d)", h, from)
                    .doesNotContain(key.address());
        }
        JsonNode v = validator(operator.address());
        assertThat(v.path("status").asText()).isEqualTo("active");
        assertThat(v.path("consensus_address").asText()).isEqualTo(key.address());
        assertThat(v.path("self_bond").asText()).isEqualTo(Amounts.parseCpc(BOND_CPC).toString());
        assertThat(setAddresses(0)).contains(key.address()).hasSize(5);
        assertBalancedSupply(0);
    }

    /** (b) node3 is killed, jailed for downtime and slashed; it restarts, unjails and signs again. */
    private void jailForDowntimeAndUnjail() throws Exception {
        AccountKey operator = operatorKey(3);
        String cons3 = validator(operator.address()).path("consensus_address").asText();
        BigInteger tokens = new BigInteger(validator(operator.address()).path("tokens").asText());
        children[3].kill();
        // Jailed once it has missed more than half of a 20-certificate window (after at least 20 counted).
        await("node3 jailed for downtime", heights(params.staking().signedBlocksWindow() * 2L),
                () -> "jailed".equals(validator(operator.address()).path("status").asText()));
        JsonNode jailed = validator(operator.address());
        long until = jailed.path("jailed_until").asLong();
        BigInteger cut = tokens.multiply(BigInteger.valueOf(params.staking().slashDowntimeBps()))
                .divide(BigInteger.valueOf(10_000));
        assertThat(new BigInteger(jailed.path("tokens").asText())).as("slashed slash_downtime_bps").isEqualTo(tokens.subtract(cut));
        long atJail = height(0);
        await("the four go on, node3 out of the set", heights(4),
                () -> height(0) >= atJail + 3 && !setAddresses(0).contains(cons3));
        assertBalancedSupply(0);

        start(3);
        await("node3 restarted, synced past jailed_until " + until, STARTUP.plus(heights(params.staking().downtimeJailBlocks())),
                () -> height(3) >= until && height(0) >= until);
        long at = include(3, TxBuilder.of(params, operator).nonce(0).timestamp(nowS()).unjail());
        long from = at + 2;
        await("node3 back in the set and signing from height " + from, heights(8),
                () -> signedInRange(0, cons3, from, height(0)) > 0);
        assertThat(validator(operator.address()).path("status").asText()).isEqualTo("active");
        assertThat(setAddresses(0)).contains(cons3);
    }

    /** (c) node1 runs twice; the equivocation is evidence in a block; node1 and its delegator are slashed. */
    private void doubleSignIsSlashedAndTombstoned() throws Exception {
        AccountKey operator = operatorKey(1);
        String cons1 = validator(operator.address()).path("consensus_address").asText();
        AccountKey delegator = AccountKey.of(Secp256k1.randomPrivateKey());
        fund(delegator.address(), "50.0");
        include(0, TxBuilder.of(params, delegator).nonce(0).timestamp(nowS()).delegate(operator.address(),
                Amounts.parseCpc("20")));
        BigInteger delegated = delegationTo(delegator.address(), operator.address());
        assertThat(delegated).isEqualTo(Amounts.parseCpc("20"));
        BigInteger tokens = new BigInteger(validator(operator.address()).path("tokens").asText());

        // The twin: node1's data dir copied while node1 is down, with its own ports and P2P identity. Its operator
        // has turned the double-sign check off (else whichever copy starts second sees the other's signatures on
        // chain and stays silent, SignHistoryCheckTest's story).
        children[1].kill();
        NodeConfig.read(dirs.get(1)).withDoubleSignCheckBlocks(0).write(dirs.get(1));
        copyTree(dirs.get(1), dirs.get(5));
        Files.deleteIfExists(new DataDir(dirs.get(5)).lockFile());
        deleteTree(new DataDir(dirs.get(5)).p2p());
        NodeConfig c = NodeConfig.read(dirs.get(5));
        c.withPort(ports[5]).withP2p(NodeConfig.P2p.listening(p2p.get(5))
                .withPeers(List.of(p2p.get(0), p2p.get(2), p2p.get(3), p2p.get(4)))).write(dirs.get(5));
        long twinFrom = height(0);
        start(1);
        start(5);
        await("node1 tombstoned for double signing", STARTUP.plus(heights(20)),
                () -> "tombstoned".equals(validator(operator.address()).path("status").asText()));
        children[5].kill();

        long evidenceAt = -1;
        for (long h = twinFrom; h <= height(0) && evidenceAt < 0; h++) {
            for (JsonNode e : block(0, h).path("evidence")) {
                assertThat(e.path("first").path("validator_address").asText()).isEqualTo(cons1);
                assertThat(e.path("second").path("validator_address").asText()).isEqualTo(cons1);
                assertThat(e.path("first").path("height").asLong()).isEqualTo(e.path("second").path("height").asLong());
                evidenceAt = h;
            }
        }
        assertThat(evidenceAt).as("a block from height %d on carries the evidence", twinFrom).isPositive();
        BigInteger cut = tokens.multiply(BigInteger.valueOf(params.staking().slashDoubleSignBps()))
                .divide(BigInteger.valueOf(10_000));
        assertThat(new BigInteger(validator(operator.address()).path("tokens").asText())).isEqualTo(tokens.subtract(cut));
        BigInteger expected = delegated.multiply(BigInteger.valueOf(10_000 - params.staking().slashDoubleSignBps()))
                .divide(BigInteger.valueOf(10_000));
        // The delegation's value is its shares of the cut tokens, rounded down: at most one wei below 95%.
        assertThat(delegationTo(delegator.address(), operator.address()))
                .as("the delegation lost slash_double_sign_bps").isBetween(expected.subtract(BigInteger.ONE), expected);
        long finalFrom = evidenceAt + 2;
        await("the four others go on without node1", heights(6),
                () -> height(0) >= finalFrom + 2 && !setAddresses(0).contains(cons1));
        assertThat(signers(0, height(0))).doesNotContain(cons1);
        assertBalancedSupply(0);
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Prints how long each story took, so that a slow machine shows where the time went. */
    private void phase(String done) {
        long now = System.nanoTime();
        System.out.printf("StakingProcessTest: %-32s %5.1f s (height %d)%n", done, (now - phaseStart) / 1e9, height(0));
        phaseStart = now;
    }

    private void start(int i) {
        children[i] = ChildJvm.start(tmp.resolve("node" + i + ".log"), NodeMain.class, dirs.get(i).toString());
    }

    private void rewriteP2p(int i) {
        List<String> peers = new ArrayList<>();
        for (int j = 0; j < GENESIS; j++) if (j != i) peers.add(p2p.get(j));
        NodeConfig c = NodeConfig.read(dirs.get(i));
        c.withP2p(NodeConfig.P2p.listening(p2p.get(i)).withPeers(peers)).write(dirs.get(i));
    }

    private AccountKey operatorKey(int node) {
        return new Keyring(new DataDir(dirs.get(node)).keys()).unlockSecp256k1(NodeInit.OPERATOR_KEY, PW);
    }

    private static long nowS() {
        return System.currentTimeMillis() / 1000;
    }

    /** Faucet payment from node0, waited for. */
    private void fund(String address, String cpc) throws InterruptedException {
        NodeClient.Reply r = clients.get(0).post("/faucet", Json.object().put("address", address).put("amount", cpc));
        assertThat(r.ok()).as("faucet: %s", r.body()).isTrue();
        awaitIncluded(0, r.body().path("tx_hash").asText());
    }

    /** Sends {@code tx} to node {@code via}; returns the height of the block that included it. */
    private long include(int via, Transaction tx) throws InterruptedException {
        NodeClient.Reply r = clients.get(via).sendTransaction(tx);
        assertThat(r.ok()).as("%s refused: %s", tx.txType(), r.body()).isTrue();
        return awaitIncluded(via, tx.hashHex());
    }

    private long awaitIncluded(int via, String hash) throws InterruptedException {
        JsonNode[] seen = new JsonNode[1];
        await("transaction " + hash + " included", heights(6), () -> {
            NodeClient.Reply r = clients.get(via).get("/tx/" + hash);
            seen[0] = r.body();
            return r.ok() && !"pending".equals(r.body().path("status").asText());
        });
        assertThat(seen[0].path("status").asText()).as("%s", seen[0]).isEqualTo("included");
        long h = seen[0].path("block_height").asLong();
        await("node0 at the height " + h + " of " + hash, heights(4), () -> height(0) >= h);
        return h;
    }

    private JsonNode validator(String address) {
        return NodeClient.require(clients.get(0).get("/validator/" + address));
    }

    private Set<String> setAddresses(int node) {
        Set<String> out = new HashSet<>();
        for (JsonNode v : NodeClient.require(clients.get(node).get("/validators")).path("validators")) {
            out.add(v.path("address").asText());
        }
        return out;
    }

    private BigInteger delegationTo(String delegator, String operator) {
        for (JsonNode d : NodeClient.require(clients.get(0).get("/delegator/" + delegator + "/delegations"))
                .path("delegations")) {
            if (d.path("validator").asText().equals(operator)) return new BigInteger(d.path("amount").asText());
        }
        throw new AssertionError(delegator + " has no delegation to " + operator);
    }

    private JsonNode block(int node, long h) {
        return NodeClient.require(clients.get(node).get("/block/" + h));
    }

    /** Who precommitted height {@code h}: its stored certificate and the next block's {@code last_commit}. */
    private Set<String> signers(int node, long h) {
        Set<String> out = new HashSet<>();
        for (JsonNode s : block(node, h).path("commit").path("signatures")) out.add(s.path("validator_address").asText());
        if (h < height(node)) {
            for (JsonNode s : block(node, h + 1).path("last_commit").path("signatures")) {
                out.add(s.path("validator_address").asText());
            }
        }
        return out;
    }

    private long signedInRange(int node, String address, long from, long to) {
        long n = 0;
        for (long h = from; h <= to; h++) if (signers(node, h).contains(address)) n++;
        return n;
    }

    private void assertBalancedSupply(int node) {
        JsonNode s = NodeClient.require(clients.get(node).get("/supply"));
        BigInteger sum = BigInteger.ZERO;
        for (JsonNode b : s.path("buckets")) sum = sum.add(new BigInteger(b.asText()));
        assertThat(sum).as("/supply buckets %s", s).isEqualTo(new BigInteger(s.path("total").asText()));
    }

    private long height(int i) {
        try {
            return clients.get(i).status().path("height").asLong();
        } catch (NodeClient.NodeUnavailableException e) {
            return -1;
        }
    }

    private boolean allAt(List<Integer> nodes, long h) {
        return nodes.stream().allMatch(i -> height(i) >= h);
    }

    private static void await(String what, Duration within, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                if (done.getAsBoolean()) return;
            } catch (NodeClient.NodeUnavailableException e) {
                // a node still starting: ask again
            }
            if (System.nanoTime() > deadline) throw new AssertionError("within " + within.toSeconds() + " s: " + what);
            Thread.sleep(BLOCK_MS / 2);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t); else Files.copy(p, t);
            }
        }
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) return;
        try (Stream<Path> all = Files.walk(p)) {
            for (Path x : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(x);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String logs() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < children.length; i++) {
            sb.append("==== node").append(i).append(" (errors, then the last 30 lines)\n")
                    .append(children[i] == null ? "(never started)" : children[i].errors() + "----\n" + children[i].tail(30))
                    .append('\n');
        }
        return sb.toString();
    }
}
