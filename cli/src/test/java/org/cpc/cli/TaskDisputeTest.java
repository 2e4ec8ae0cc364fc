package org.cpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.cpc.chain.staking.Supply;
import org.cpc.client.NodeClient;
import org.cpc.node.DataDir;
import org.cpc.node.NodeInit;
import org.cpc.node.NodeRunner;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.keys.Keyring;
import org.cpc.protocol.params.BondParams;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.compute.infer.IntModel;
import org.cpc.compute.infer.ModelLimits;
import org.cpc.compute.infer.OnnxImporter;
import org.cpc.compute.market.InferenceCommitment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A dishonest PoC validator ({@link DishonestMarket}: bonded on a real devnet node, it puts a matmul task's jobs on
 * chain with a wrong entry) is disputed by the customer with {@code cpc task dispute --from}: the FRAUD_PROOF slashes
 * the PoC validator and the worker, refunds the customer the job's share and pays the customer the bounty, the
 * supply balanced and short by exactly what was burned. A duplicate proof, a false one and an UNBOND that would
 * escape the dispute are each refused (or charged) with their reason.
 */
@Isolated
class TaskDisputeTest {
    @TempDir
    Path dir;

    private Run cpcWithKeys(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--keys-dir", dir.resolve("keys").toString(), "--password-file", dir.resolve("pw").toString()));
        return Run.cpc(all.toArray(String[]::new));
    }

    private static void fund(NodeClient client, String address, String cpc) throws InterruptedException {
        NodeClient.require(client.post("/faucet", DishonestMarket.faucet(address, cpc)));
        long until = System.nanoTime() + 30_000_000_000L;
        while (client.balance(address).path("balance").asText().equals("0") && System.nanoTime() < until) {
            Thread.sleep(50);
        }
    }

    /** The wei burned since genesis at the supply's height: genesis + minted − total (genesis cancels in a difference). */
    private static BigInteger burnedLessGenesis(NetworkParams params, JsonNode supply) {
        assertThat(supply.path("buckets").properties().stream().map(e -> new BigInteger(e.getValue().asText()))
                .reduce(BigInteger.ZERO, BigInteger::add)).as("buckets sum to the total %s", supply)
                .isEqualTo(new BigInteger(supply.path("total").asText()));
        return Supply.minted(params, supply.path("height").asLong()).subtract(new BigInteger(supply.path("total").asText()));
    }

    @Test
    void aDishonestPocValidatorIsDisputedSlashedAndTheCustomerRefunded() throws Exception {
        // A dispute window no busy machine can outrun (a proof after the window: FraudProofTxTest, block by block).
        BondParams bonds = NetworkParams.devnet().bonds();
        bonds = new BondParams(1_000_001, bonds.minWorkerBond(), bonds.minPocBond(), bonds.challengeWindow(), 1_000_000,
                bonds.fraudSlashBps(), bonds.fraudBountyBps(), bonds.auditRateBps(), bonds.slashResultBps(),
                bonds.challengeBountyBps());
        NodeInit.init(dir.resolve("node"), NetworkParams.devnet().withBlockTime(200).withBonds(bonds), null,
                "validator", 0, null, System.currentTimeMillis());
        Files.writeString(dir.resolve("pw"), "correct horse battery staple\n");
        try (NodeRunner node = NodeRunner.start(new DataDir(dir.resolve("node")), 0, InstantSource.system(), () -> null)) {
            String nodeUrl = "http://127.0.0.1:" + node.port();
            NodeClient client = new NodeClient(nodeUrl);
            NetworkParams params = NetworkParams.fromJson(client.params());
            assertThat(cpcWithKeys("keys", "add", "alice").exit()).isZero();
            AccountKey alice = new Keyring(dir.resolve("keys")).unlockSecp256k1("alice",
                    "correct horse battery staple".toCharArray());
            AccountKey mallory = AccountKey.of(Secp256k1.randomPrivateKey());
            AccountKey worker = AccountKey.of(Secp256k1.randomPrivateKey());
            fund(client, alice.address(), "20.0");
            fund(client, mallory.address(), "5.0");
            fund(client, worker.address(), "10.0");
            try (DishonestMarket market = new DishonestMarket(client, mallory, worker)) {
                market.include(market.builder(mallory).bondPoc(Amounts.cpc(2), market.url(), "dishonest"));
                market.include(market.builder(worker).bondWorker(Amounts.cpc(5)));

                Random rnd = new Random(14);
                int m = 16, k = 12, n = 8;
                byte[] a = new byte[m * k], b = new byte[k * n];
                rnd.nextBytes(a);
                rnd.nextBytes(b);
                String id = "7c1e3f0a-1b2c-4d3e-8f4a-5b6c7d8e9f01";
                // Job 1 (rows 4..7) has C[6][5] wrong.
                market.runTask(alice, id, a, b, m, k, n, 4, Amounts.cpc(2), 6, 5, 424242);
                JsonNode task = NodeClient.require(client.get("/task/" + id));
                assertThat(task.path("status").asText()).isEqualTo("completed");
                long settled = task.path("last_settled_height").asLong();
                assertThat(task.path("dispute_until").asLong()).isEqualTo(settled + params.bonds().disputeWindow());

                // The PoC validator cannot start unbonding while the task it backs may still take results.
                NodeClient.Reply unbond = client.sendTransaction(market.builder(mallory).unbond("poc_validator",
                        Amounts.cpc(2)));
                assertThat(unbond.ok()).isFalse();
                assertThat(unbond.error()).contains("the poc_validator bond of " + mallory.address()
                        + " backs job results of a market task whose deadline");
                long deadline = task.path("deadline").asLong();
                assertThat(NodeClient.require(client.get("/worker/" + worker.address())).path("unbond_locked_until")
                        .asLong()).isEqualTo(deadline);
                JsonNode listed = NodeClient.require(client.get("/pocs")).path("pocs");
                for (JsonNode p : listed) {
                    if (p.path("address").asText().equals(mallory.address())) {
                        assertThat(p.path("unbond_locked_until").asLong()).isEqualTo(deadline);
                    }
                }
                assertThat(listed.findValuesAsText("address")).contains(mallory.address());

                JsonNode supplyBefore = NodeClient.require(client.get("/supply"));
                BigInteger aliceBefore = new BigInteger(client.balance(alice.address()).path("balance").asText());
                Run dispute = cpcWithKeys("task", "dispute", id, "--job", "1", "--row", "6", "--col", "5",
                        "--out", dir.resolve("proof.json").toString(), "--from", "alice", "--market", market.url(),
                        "--node", nodeUrl);
                assertThat(dispute.exit()).as(dispute.err()).isZero();
                assertThat(dispute.out()).contains("verdict: WRONG", "committed entry is 424242", "fraud proof: tx ",
                        "proven in block", "job 1 of task " + id + " is wrong (C[6][5] is 424242",
                        "PoC validator slashed 0.2 CPC, worker slashed 0.5 CPC");
                JsonNode d = NodeClient.require(client.get("/task/" + id)).path("results").get(1).path("dispute");
                BigInteger share = Amounts.cpc(2).divide(BigInteger.valueOf(4));
                // 10 % of 2 CPC and of 5 CPC; the customer's 0.5 CPC first, then 20 % of what is left to the prover.
                BigInteger pocTake = Amounts.cpc(2).divide(BigInteger.TEN);
                BigInteger workerTake = Amounts.cpc(5).divide(BigInteger.TEN);
                BigInteger fromWorker = share.subtract(pocTake);
                BigInteger bounty = workerTake.subtract(fromWorker).divide(BigInteger.valueOf(5));
                BigInteger burned = pocTake.add(workerTake).subtract(share).subtract(bounty);
                assertThat(d.path("poc_slashed").asText()).isEqualTo(pocTake.toString());
                assertThat(d.path("worker_slashed").asText()).isEqualTo(workerTake.toString());
                assertThat(d.path("refund").asText()).isEqualTo(share.toString());
                assertThat(d.path("bounty").asText()).isEqualTo(bounty.toString());
                assertThat(d.path("burned").asText()).isEqualTo(burned.toString());
                assertThat(d.path("prover").asText()).isEqualTo(alice.address());
                JsonNode proofTx = NodeClient.require(client.get("/tx/" + d.path("tx_hash").asText()));
                BigInteger fee = BigInteger.valueOf(proofTx.path("gas_used").asLong() * params.minGasPrice());
                assertThat(new BigInteger(client.balance(alice.address()).path("balance").asText()))
                        .isEqualTo(aliceBefore.add(share).add(bounty).subtract(fee));
                assertThat(NodeClient.require(client.get("/worker/" + worker.address())).path("slashed").asText())
                        .isEqualTo(workerTake.toString());
                JsonNode supplyAfter = NodeClient.require(client.get("/supply"));
                assertThat(burnedLessGenesis(params, supplyAfter).subtract(burnedLessGenesis(params, supplyBefore)))
                        .as("the supply fell by exactly what was burned").isEqualTo(burned);

                // The same job again: L1 refuses it, naming the first proof.
                Run again = cpcWithKeys("task", "dispute", id, "--job", "1", "--row", "6", "--col", "5", "--from",
                        "alice", "--market", market.url(), "--node", nodeUrl);
                assertThat(again.exit()).isEqualTo(Cpc.EXIT_FAILED);
                assertThat(again.err()).contains("L1 refused the fraud proof", "job 1 of task " + id
                        + " was already proven wrong by " + d.path("tx_hash").asText());

                // A right entry: not sent unless forced; forced, L1 includes it and it only costs gas.
                Run right = cpcWithKeys("task", "dispute", id, "--job", "2", "--row", "9", "--col", "1", "--from",
                        "alice", "--market", market.url(), "--node", nodeUrl);
                assertThat(right.exit()).isEqualTo(Cpc.EXIT_FAILED);
                assertThat(right.out()).doesNotContain("fraud proof: tx");
                BigInteger beforeFalse = new BigInteger(client.balance(alice.address()).path("balance").asText());
                Run forced = cpcWithKeys("task", "dispute", id, "--job", "2", "--row", "9", "--col", "1", "--from",
                        "alice", "--force", "--market", market.url(), "--node", nodeUrl);
                assertThat(forced.exit()).isEqualTo(Cpc.EXIT_FAILED);
                assertThat(forced.err()).contains("L1 found the entry right: nothing was slashed, and the proof cost");
                BigInteger spent = beforeFalse.subtract(new BigInteger(client.balance(alice.address()).path("balance").asText()));
                assertThat(forced.err()).contains(spent.divide(BigInteger.valueOf(params.minGasPrice())) + " gas");

                // An inference task: the worker lies about one MaxPool output of sample 2 (job 1); the customer
                // proves it from the model, the input and the job's trace.
                String inf = "7c1e3f0a-1b2c-4d3e-8f4a-5b6c7d8e9f02";
                Path fixtures = Path.of(System.getProperty("cpc.root.dir", ".."), "compute/src/test/resources/onnx");
                byte[] onnx = Files.readAllBytes(fixtures.resolve("cnn_qdq.onnx"));
                IntModel model = OnnxImporter.fromBytes(onnx, ModelLimits.DEFAULT);
                int pool = 1, entry = 3, at = InferenceCommitment.Layout.of(model, 1).actRow(pool, 0) + entry;
                market.runInferenceTask(alice, inf, onnx, Files.readAllBytes(fixtures.resolve("cnn_qdq.input.bin")), 2,
                        Amounts.cpc(1), (job, out) -> {
                            if (job == 1) out[at] = (byte) (out[at] == 127 ? 126 : out[at] + 1);
                        });
                Run honestLayer = cpcWithKeys("task", "dispute", inf, "--job", "0", "--sample", "1", "--layer", "0",
                        "--entry", "2", "--claim", "accumulator", "--market", market.url(), "--node", nodeUrl);
                assertThat(honestLayer.exit()).as(honestLayer.err()).isEqualTo(Cpc.EXIT_FAILED);
                assertThat(honestLayer.out()).contains("verdict: right — accumulator 2 of layer 0 of sample 1 of job 0");
                Run noEntry = cpcWithKeys("task", "dispute", inf, "--job", "1", "--row", "2", "--col", "3",
                        "--market", market.url(), "--node", nodeUrl);
                assertThat(noEntry.exit()).isEqualTo(Cpc.EXIT_USAGE);
                assertThat(noEntry.err()).contains("an inference task's entry is named by --sample, --layer and --entry");
                Run infDispute = cpcWithKeys("task", "dispute", inf, "--job", "1", "--sample", "2", "--layer",
                        String.valueOf(pool), "--entry", String.valueOf(entry), "--from", "alice", "--market",
                        market.url(), "--node", nodeUrl);
                assertThat(infDispute.exit()).as(infDispute.err()).isZero();
                assertThat(infDispute.out()).contains("verdict: WRONG — output 3 of layer 1 of sample 2 of job 1",
                        "the max of its window", "proven in block", "job 1 of task " + inf + " is wrong (output 3 of"
                                + " layer 1 of sample 2 is ");
                JsonNode di = NodeClient.require(client.get("/task/" + inf)).path("results").get(1).path("dispute");
                assertThat(di.path("layer").asInt()).isEqualTo(pool);
                assertThat(di.path("claim").asText()).isEqualTo("output");
                assertThat(new BigInteger(di.path("refund").asText())).isEqualTo(Amounts.cpc(1).divide(BigInteger.TWO));

                // A PoC validator keeps traces at least L1's dispute_window: a shorter setting is refused.
                Run shortWindow = Run.cpc("poc", "start", "--key", "k", "--keys-dir", dir.resolve("keys").toString(),
                        "--data-dir", dir.resolve("poc").toString(), "--dispute-window", "5", "--node", nodeUrl);
                assertThat(shortWindow.exit()).as(shortWindow.err()).isEqualTo(Cpc.EXIT_USAGE);
                assertThat(shortWindow.err()).contains("--dispute-window 5 is shorter than L1's dispute_window "
                        + params.bonds().disputeWindow());
            }
        }
    }
}
