package org.cpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cpc.client.NodeClient;
import org.cpc.client.TxBuilder;
import org.cpc.compute.SyntheticProver;
import org.cpc.compute.SyntheticResult;
import org.cpc.compute.gemm.Backends;
import org.cpc.node.NodeInit;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.params.BondParams;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cpc tx challenge-result} and {@code cpc query audit} against a real devnet node (n = 1024): a worker's real
 * synthetic result is challenged, recomputed in full by the node and passes; a second challenge and a challenge of
 * an unknown task are refused with their reasons.
 */
class ChallengeCliTest {
    @TempDir
    Path dir;

    @Test
    void aChallengedHonestResultPassesAndTheDuplicateAndTheUnknownAreRefused() throws Exception {
        // No random audits, so that only the challenge audits the result; a challenge window of 1000 blocks, so
        // that a busy machine's slow commands still challenge within it.
        BondParams b = NetworkParams.devnet().bonds();
        NetworkParams p = NetworkParams.devnet().withBlockTime(250).withBonds(new BondParams(1001, b.minWorkerBond(),
                b.minPocBond(), 1000, b.disputeWindow(), b.fraudSlashBps(), b.fraudBountyBps(), 0, 1000, 5000));
        NodeInit.init(dir.resolve("node"), p, null, "validator", 0, null, System.currentTimeMillis());
        try (LiveNode node = LiveNode.open(dir, "correct horse battery staple")) {
            String url = node.url();
            NodeClient client = node.client();
            Path keys = node.keys();
            Path password = node.passwordFile();
            assertThat(Run.cpc("keys", "add", "cara", "--keys-dir", keys.toString(), "--password-file",
                    password.toString()).exit()).isZero();
            String cara = Run.cpc("keys", "show", "cara", "--address", "--keys-dir", keys.toString()).out().strip();
            AccountKey worker = AccountKey.of(Sha256.hash("challenge-cli-worker".getBytes(StandardCharsets.UTF_8)));
            node.awaitIncluded(fund(client, cara));
            node.awaitIncluded(fund(client, worker.address()));

            TxBuilder w = TxBuilder.of(p, worker).gasPrice(p.minGasPrice()).timestamp(1_700_000_000L);
            node.awaitIncluded(send(client, w.nonce(0).bondWorker(Amounts.cpc(1))));
            JsonNode head = client.get("/block/latest").body();
            SyntheticResult s = new SyntheticProver(Backends.select("cpu", 2).gemm()).prove(
                    head.path("hash").asText(), head.path("header").path("height").asLong(), worker.address(),
                    p.syntheticMatrixSize(), p.syntheticSpotChecks());
            ComputeResult r = new ComputeResult(s.taskId(), worker.address(), s.resultHash(), s.proof(), s.nonce(),
                    null);
            node.awaitIncluded(send(client, w.nonce(1).submitResult(r)));

            Run challenge = cli(url, keys, password, "tx", "challenge-result", s.taskId(), "--from", "cara");
            assertThat(challenge.exit()).as(challenge.err()).isZero();
            node.awaitIncluded(line(challenge.out(), "tx_hash: "));

            JsonNode audit = Json.parse(Run.cpc("query", "audit", s.taskId(), "--node", url, "--json").out());
            assertThat(audit.path("status").asText()).isEqualTo("passed");
            assertThat(audit.path("by").asText()).isEqualTo("challenge");
            assertThat(audit.path("challenger").asText()).isEqualTo(cara);
            assertThat(audit.path("challengeable").asBoolean()).isFalse();
            assertThat(Run.cpc("query", "audit", s.taskId(), "--node", url).out())
                    .contains("audit passed at height", "challenge by " + cara);
            JsonNode stats = client.get("/worker/" + worker.address()).body();
            assertThat(stats.path("audited").asLong()).isEqualTo(1);
            assertThat(stats.path("failed_audits").asLong()).isZero();
            assertThat(stats.path("slashed").asText()).isEqualTo("0");

            Run again = cli(url, keys, password, "tx", "challenge-result", s.taskId(), "--from", "cara");
            assertThat(again.exit()).isEqualTo(Cpc.EXIT_FAILED);
            assertThat(again.err()).contains("rejected", "was already audited at height");
            String unknown = "0b1c2d3e-4f50-8172-8394-a5b6c7d8e9f0";
            Run none = cli(url, keys, password, "tx", "challenge-result", unknown, "--from", "cara");
            assertThat(none.exit()).isEqualTo(Cpc.EXIT_FAILED);
            assertThat(none.err()).contains("no synthetic result with task_id " + unknown);
            Run missing = Run.cpc("query", "audit", unknown, "--node", url);
            assertThat(missing.exit()).isEqualTo(Cpc.EXIT_FAILED);
            assertThat(missing.err()).contains("no synthetic result with task_id " + unknown);
        }
    }

    private static String fund(NodeClient client, String address) {
        NodeClient.Reply r = client.post("/faucet", Json.object().put("address", address).put("amount", "50.0"));
        assertThat(r.status()).as(r.error()).isEqualTo(200);
        return r.body().path("tx_hash").asText();
    }

    private static String send(NodeClient client, Transaction tx) {
        NodeClient.Reply r = client.sendTransaction(tx);
        assertThat(r.ok()).as(r.error()).isTrue();
        return r.body().path("tx_hash").asText();
    }

    private static Run cli(String url, Path keys, Path password, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--keys-dir", keys.toString(), "--password-file", password.toString(), "--node", url));
        return Run.cpc(all.toArray(String[]::new));
    }

    private static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow().substring(prefix.length());
    }
}
