package org.cpc.cli;

import org.cpc.compute.SyntheticProver;
import org.cpc.compute.SyntheticResult;
import org.cpc.compute.gemm.Backends;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import org.cpc.node.NodeInit;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI run in-process, as a user would, against a real devnet node on loopback. */
class CliAgainstNodeTest {
    @TempDir
    static Path dir;
    static LiveNode node;

    @BeforeAll
    static void start() throws Exception {
        // 500 ms blocks: a hand-submitted result must land within the 10-block window even on a loaded machine.
        node = LiveNode.start(dir, NetworkParams.devnet().withSynthetic(16, 4).withBlockTime(500),
                "correct horse battery staple");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static Run cpc(String... args) {
        return Run.cpc(args);
    }

    static Run withKeys(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--keys-dir", node.keys().toString(), "--password-file", node.passwordFile().toString()));
        return cpc(all.toArray(String[]::new));
    }

    @Test
    void nodeStartRefusesABadPeerAddressNamingIt() {
        Path d = dir.resolve("bad-peers");
        NodeInit.init(d, NetworkParams.devnet(), null, "validator", 0, null, System.currentTimeMillis());
        Run r = cpc("node", "start", "--data-dir", d.toString(), "--peers", "127.0.0.1:26656,nope");
        assertThat(r.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(r.err()).contains("p2p_peers 'nope' must be host:port");
        Run l = cpc("node", "start", "--data-dir", d.toString(), "--p2p-listen", "127.0.0.1:70000");
        assertThat(l.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(l.err()).contains("p2p_listen '127.0.0.1:70000'");
    }

    @Test
    void nodeStartRefusesStateSyncOptionsThatCannotWork() {
        Path d = dir.resolve("bad-sync");
        NodeInit.init(d, NetworkParams.devnet(), null, "validator", 0, null, System.currentTimeMillis());
        Run half = cpc("node", "start", "--data-dir", d.toString(), "--state-sync", "--trust-height", "5");
        assertThat(half.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(half.err()).contains("--trust-height and --trust-hash go together");
        Run noSync = cpc("node", "start", "--data-dir", d.toString(), "--trust-height", "5", "--trust-hash", "ab".repeat(32));
        assertThat(noSync.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(noSync.err()).contains("--trust-height needs --state-sync");
        Run badHash = cpc("node", "start", "--data-dir", d.toString(), "--state-sync", "--trust-height", "5",
                "--trust-hash", "xyz");
        assertThat(badHash.exit()).isEqualTo(Cpc.EXIT_USAGE);
        assertThat(badHash.err()).contains("--trust-hash must be the block's hash");
        Run keep = cpc("node", "start", "--data-dir", d.toString(), "--snapshot-keep", "0");
        assertThat(keep.exit()).isEqualTo(Cpc.EXIT_USAGE);
        // no peers in this data dir: state sync has no one to ask, and says what to give it
        Run offline = cpc("node", "start", "--data-dir", d.toString(), "--state-sync");
        assertThat(offline.exit()).isNotZero();
        assertThat(offline.err()).contains("state sync needs peers to ask: give --peers");
    }

    @Test
    void keysAddShowListAndExport() {
        Run add = withKeys("keys", "add", "kate");
        assertThat(add.exit()).isZero();
        assertThat(add.out()).contains("address:    cpc1", "kind:       secp256k1");
        Run show = cpc("keys", "show", "kate", "--keys-dir", node.keys().toString());
        assertThat(show.out()).contains("public key: 0");
        assertThat(cpc("keys", "list", "--keys-dir", node.keys().toString()).out()).contains("kate");
        Run export = withKeys("keys", "export", "kate");
        assertThat(export.exit()).isZero();
        assertThat(export.out().strip()).hasSize(64);
        assertThat(cpc("keys", "show", "nobody", "--keys-dir", node.keys().toString()).exit()).isEqualTo(Cpc.EXIT_KEY);
    }

    @Test
    void sendTransferThenQueryIt() throws Exception {
        String alice = node.fundedKey("alice", "20.0");
        String carol = node.fundedKey("carol", "20.0");

        Run send = withKeys("tx", "send", "--from", "alice", "--to", carol, "--amount", "1.5", "--node", node.url());
        assertThat(send.exit()).as(send.err()).isZero();
        String hash = send.out().lines().filter(l -> l.startsWith("tx_hash: ")).findFirst().orElseThrow().substring(9);
        node.awaitIncluded(hash);

        Run tx = cpc("query", "tx", hash, "--node", node.url());
        assertThat(tx.out()).contains("status:  included in block");
        Run balance = cpc("query", "balance", carol, "--node", node.url(), "--json");
        assertThat(new BigInteger(Json.parse(balance.out()).path("balance").asText())).isEqualTo(Amounts.parseCpc("21.5"));
        assertThat(cpc("query", "balance", alice, "--node", node.url()).out()).contains("CPC", "next nonce 1");
        assertThat(cpc("query", "status", "--node", node.url()).out()).contains("cpc-devnet-1", "height:");
        JsonNode latest = Json.parse(cpc("query", "block", "latest", "--node", node.url(), "--json").out());
        assertThat(latest.path("header").has("compute_root")).isTrue();
        assertThat(cpc("query", "validators", "--node", node.url()).out()).startsWith("cpc1").contains("active");
    }

    @Test
    void submitResultByHandAndItsRefusals() throws Exception {
        String worker = node.fundedKey("worker", "20.0");
        // A synthetic result needs a worker bond of min_worker_bond (0.1 CPC on devnet).
        Run bond = withKeys("tx", "bond", "--from", "worker", "--role", "worker", "--amount", "0.1",
                "--node", node.url());
        assertThat(bond.exit()).as(bond.err()).isZero();
        node.awaitIncluded(bond.out().lines().filter(l -> l.startsWith("tx_hash: ")).findFirst().orElseThrow().substring(9));

        // A proof with one byte changed does not open to the result hash: the node says which row fails.
        Run forged = submitForNewestBlock(worker, (proved, height) -> List.of("--task-id", proved.taskId(),
                "--result-hash", proved.resultHash(), "--proof", (proved.proof().charAt(0) == '0' ? "1" : "0")
                        + proved.proof().substring(1), "--nonce", height));
        assertThat(forged.exit()).isEqualTo(Cpc.EXIT_FAILED);
        assertThat(forged.err()).contains("rejected", "does not open to result_hash");

        Run ok = submitForNewestBlock(worker, (proved, height) -> List.of("--task-id", proved.taskId(),
                "--result-hash", proved.resultHash(), "--proof", proved.proof(), "--nonce", height));
        assertThat(ok.exit()).as(ok.err()).isZero();

        Run wrongTask = submitForNewestBlock(worker, (proved, height) -> List.of("--task-id",
                "00000000-0000-8000-8000-000000000000", "--result-hash", proved.resultHash(), "--proof", proved.proof(),
                "--nonce", height));
        assertThat(wrongTask.exit()).isEqualTo(Cpc.EXIT_FAILED);
        assertThat(wrongTask.err()).contains("rejected", "synthetic task");
    }

    /**
     * Proves the synthetic task of the newest block for {@code worker} and sends {@code cpc tx submit-result} with
     * the arguments {@code args} makes of it. Each run decrypts the key, which on a loaded machine can take longer
     * than the 10-block synthetic_window; a run refused only for that is repeated with the then newest block, so the
     * refusal or acceptance the caller checks is the one it meant.
     */
    private static Run submitForNewestBlock(String worker, BiFunction<SyntheticResult, String, List<String>> args)
            throws Exception {
        Run last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            JsonNode latest = node.client().get("/block/latest").body();
            String height = latest.path("header").path("height").asText();
            SyntheticResult proved = new SyntheticProver(Backends.java(1).gemm()).prove(latest.path("hash").asText(),
                    Long.parseLong(height), worker, 16, 4);
            assertThat(proved.taskId()).isEqualTo(syntheticTaskId(latest.path("hash").asText(), worker));
            List<String> all = new ArrayList<>(List.of("tx", "submit-result"));
            all.addAll(args.apply(proved, height));
            all.addAll(List.of("--from", "worker", "--node", node.url()));
            last = withKeys(all.toArray(String[]::new));
            if (!last.err().contains("synthetic_window")) return last;
        }
        throw new AssertionError("5 results in a row arrived after the synthetic_window: " + last.err());
    }

    /** No PoC validator on this chain announced a market: --market auto says so and signs nothing. */
    @Test
    void marketAutoWithNoAnnouncedMarketFailsBeforeSigning() throws Exception {
        String frank = node.fundedKey("frank", "20.0");
        Run r = withKeys("task", "create", "--type", "synthetic", "--seed", "ab".repeat(32), "--matrix-size", "8",
                "--iterations", "2", "--reward", "1.0", "--from", "frank", "--market", "auto", "--node", node.url());
        assertThat(r.exit()).isEqualTo(Cpc.EXIT_FAILED);
        assertThat(r.err()).contains("no Task Market qualifies for --market auto", "announces no endpoint",
                "Pass --market URL");
        assertThat(r.out()).doesNotContain("task_id");
        assertThat(node.client().balance(frank).path("nonce").asLong()).isZero();
    }

    @Test
    void failuresMapToExitCodes() throws Exception {
        Files.writeString(dir.resolve("wrong"), "not the password\n");
        node.fundedKey("dave", "20.0");
        Run wrong = cpc("tx", "send", "--from", "dave", "--to", "cpc1x", "--amount", "1", "--node", node.url(),
                "--keys-dir", node.keys().toString(), "--password-file", dir.resolve("wrong").toString());
        assertThat(wrong.exit()).isEqualTo(Cpc.EXIT_KEY);
        assertThat(cpc("query", "tx", "0".repeat(64), "--node", node.url()).exit()).isEqualTo(Cpc.EXIT_FAILED);
        assertThat(cpc("query", "status", "--node", "http://127.0.0.1:1").exit()).isEqualTo(Cpc.EXIT_FAILED);
        assertThat(cpc("query", "status", "--nod").exit()).isEqualTo(Cpc.EXIT_USAGE);
    }

    static String syntheticTaskId(String blockHashHex, String workerAddress) throws Exception {
        byte[] seed = MessageDigest.getInstance("SHA-256")
                .digest((blockHashHex + workerAddress).getBytes(StandardCharsets.UTF_8));
        seed[6] = (byte) ((seed[6] & 0x0f) | 0x80);
        seed[8] = (byte) ((seed[8] & 0x3f) | 0x80);
        String h = Hex.encode(Arrays.copyOf(seed, 16));
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20)
                + "-" + h.substring(20, 32);
    }
}
