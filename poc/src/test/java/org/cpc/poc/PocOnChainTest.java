package org.cpc.poc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cpc.compute.testing.Int8Matrices.product;
import static org.cpc.compute.testing.Int8Matrices.randomMatrix;
import static org.cpc.poc.MarketFixture.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cpc.chain.Genesis;
import org.cpc.chain.GenesisFile;
import org.cpc.chain.market.JobDigest;
import org.cpc.client.NodeClient;
import org.cpc.compute.market.PoolProtocol;
import org.cpc.node.DataDir;
import org.cpc.node.NodeInit;
import org.cpc.node.NodeRunner;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.keys.Keyring;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Transaction;
import org.cpc.worker.NodeApi;
import org.cpc.worker.PoolWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole Stage 5 flow on a real node in this JVM (RocksDB chain, REST, block producer every 200 ms): a customer
 * publishes a matmul task through the PoC validator, two pool workers compute it over WebSocket, every job lands on
 * L1 and settles, and the result equals the reference product; a second task whose deadline passes with no worker
 * is refunded by L1. Escrow is conserved: what the customer paid is exactly the fees, the rewards of settled jobs
 * (split among workers, PoC validator and treasury to the wei) and nothing for the refunded task.
 */
class PocOnChainTest {
    @TempDir
    Path tmp;

    @Test
    void theWorkersJobDigestIsTheChains() {
        String task = "5b0e3c1a-7d2f-4e4b-9a61-0c7f3e2d1b00";
        String worker = newKey().address();
        assertThat(PoolProtocol.resultDigest(task, worker, "ab".repeat(32), null, 7))
                .isEqualTo(JobDigest.of(task, worker, "ab".repeat(32), 7));
    }

    @Test
    void aMatmulTaskSettlesOnChainAndAMissedDeadlineIsRefunded() throws Exception {
        NetworkParams params = NetworkParams.devnet().withBlockTime(200);
        try (NodeRunner node = startNode(params)) {
            String nodeUrl = "http://127.0.0.1:" + node.port();
            NodeClient client = new NodeClient(nodeUrl);
            NodeApi api = new NodeApi(client);
            AccountKey operator = operator();
            AccountKey customer = funded(api, "100.0");
            BigInteger start = api.account(customer.address()).balance();

            try (PocValidator v = PocValidator.start(config(tmp.resolve("poc")), operator, new NodeLedger(client),
                    InstantSource.system())) {
                MarketClient c = new MarketClient(v.url());
                Random rnd = new Random(11);
                int m = 24, k = 32, n = 16;
                byte[] a = randomMatrix(rnd, m, k);
                byte[] b = randomMatrix(rnd, k, n);
                String ha = c.uploadBlob(a).path("hash").asText();
                String hb = c.uploadBlob(b).path("hash").asText();
                Worker w1 = startWorker(v.workerUrl(), newKey(), PoolWorker.Options.defaults().withMaxJobs(2));
                Worker w2 = startWorker(v.workerUrl(), newKey(), PoolWorker.Options.defaults().withMaxJobs(2));
                long now = System.currentTimeMillis() / 1000;
                Transaction create = createTask(customer, params, "matmul", matmulPayload(a, b, m, k, n, 4), "10.0",
                        now + 600, 0);
                String id = c.createTask(create).path("task_id").asText();
                await("task completed", () -> status(c, id).equals("completed"));
                assertThat(c.result(id)).isEqualTo(product(a, b, m, k, n));

                JsonNode onChain = NodeClient.require(client.get("/task/" + id));
                assertThat(onChain.path("status").asText()).isEqualTo("completed");
                assertThat(onChain.path("jobs_done").asInt()).isEqualTo(6);
                assertThat(onChain.path("escrow_left").asText()).isEqualTo("0");
                BigInteger reward = Amounts.parseCpc("10.0");
                BigInteger paid = BigInteger.ZERO;
                Map<String, BigInteger> perWorker = new HashMap<>();
                for (JsonNode r : onChain.path("results")) {
                    assertThat(r.path("poc_validator").asText()).isEqualTo(operator.address());
                    BigInteger wr = new BigInteger(r.path("worker_reward").asText());
                    perWorker.merge(r.path("worker_address").asText(), wr, BigInteger::add);
                    paid = paid.add(wr).add(new BigInteger(r.path("poc_reward").asText()))
                            .add(new BigInteger(r.path("treasury_reward").asText()));
                }
                assertThat(paid).isEqualTo(reward);
                for (Worker w : new Worker[] {w1, w2}) {
                    BigInteger earned = perWorker.getOrDefault(w.worker().address(), BigInteger.ZERO);
                    assertThat(api.account(w.worker().address()).balance()).isEqualTo(earned);
                    // The worker counts floor(reward / jobs) per job; on chain the job that completes the task also
                    // takes the division's remainder (a few wei).
                    assertThat(earned.subtract(w.worker().status().earnedWei())).isBetween(BigInteger.ZERO,
                            BigInteger.valueOf(6));
                }
                w1.stop();
                w2.stop();

                // No worker now: the deadline passes and L1 gives the whole escrow back.
                Transaction late = createTask(customer, params, "matmul", matmulPayload(a, b, m, k, n, 4), "5.0",
                        System.currentTimeMillis() / 1000 + 3, 1);
                String lateId = c.createTask(late).path("task_id").asText();
                await("the late task failed on chain", () -> {
                    NodeClient.Reply r = client.get("/task/" + lateId);
                    return r.ok() && r.body().path("status").asText().equals("failed");
                });
                await("the PoC validator saw it fail", () -> status(c, lateId).equals("failed"));
                assertThat(c.task(lateId).path("error").asText()).contains("deadline");
                JsonNode failed = NodeClient.require(client.get("/task/" + lateId));
                assertThat(failed.path("escrow_left").asText()).isEqualTo("0");
                assertThat(failed.path("jobs_done").asInt()).isZero();

                BigInteger fees = fee(client, create.hashHex()).add(fee(client, late.hashHex()));
                assertThat(api.account(customer.address()).balance())
                        .as("customer paid the fees and the settled task's reward, nothing for the refunded one")
                        .isEqualTo(start.subtract(fees).subtract(reward));
            }
        }
    }

    @Test
    void aCheaterAndARestartMidTaskStillSettleExactlyOnChain() throws Exception {
        NetworkParams params = NetworkParams.devnet().withBlockTime(200);
        try (NodeRunner node = startNode(params)) {
            NodeClient client = new NodeClient("http://127.0.0.1:" + node.port());
            NodeApi api = new NodeApi(client);
            AccountKey operator = operator();
            AccountKey customer = funded(api, "100.0");
            BigInteger start = api.account(customer.address()).balance();
            Random rnd = new Random(12);
            int m = 32, k = 16, n = 16;
            byte[] a = randomMatrix(rnd, m, k);
            byte[] b = randomMatrix(rnd, k, n);
            AccountKey cheatKey = newKey();
            PocConfig config = config(tmp.resolve("poc"));
            PocValidator v = PocValidator.start(config, operator, new NodeLedger(client), InstantSource.system());
            int port = v.port();
            MarketClient c = new MarketClient(v.url());
            String ha = c.uploadBlob(a).path("hash").asText();
            String hb = c.uploadBlob(b).path("hash").asText();
            Worker cheat = startWorker(v.workerUrl(), cheatKey, PoolWorker.Options.defaults().withMaxJobs(1)
                    .withFilter((type, index, out) -> {
                        byte[] bad = out.clone();
                        bad[0] ^= 1;
                        return bad;
                    }));
            Worker honest = startWorker(v.workerUrl(), newKey(), PoolWorker.Options.defaults().withMaxJobs(1)
                    .withJobDelay(Duration.ofMillis(250)));
            Transaction create = createTask(customer, params, "matmul", matmulPayload(a, b, m, k, n, 4), "8.0",
                    System.currentTimeMillis() / 1000 + 600, 0);
            String id = c.createTask(create).path("task_id").asText();
            await("some jobs done", () -> c.task(id).path("jobs_done").asInt() >= 2);
            v.close();
            try (PocValidator again = PocValidator.start(config.withPort(port), operator, new NodeLedger(client),
                    InstantSource.system())) {
                MarketClient c2 = new MarketClient(again.url());
                await("task completed after the restart", () -> status(c2, id).equals("completed"));
                assertThat(c2.result(id)).isEqualTo(product(a, b, m, k, n));
                assertThat(workersOf(c2.task(id))).containsExactly(honest.worker().address());
            }
            cheat.stop();
            honest.stop();
            JsonNode onChain = NodeClient.require(client.get("/task/" + id));
            assertThat(onChain.path("status").asText()).isEqualTo("completed");
            assertThat(onChain.path("results")).hasSize(8);
            BigInteger paid = BigInteger.ZERO;
            for (JsonNode r : onChain.path("results")) {
                assertThat(r.path("worker_address").asText()).isEqualTo(honest.worker().address());
                paid = paid.add(new BigInteger(r.path("worker_reward").asText()))
                        .add(new BigInteger(r.path("poc_reward").asText()))
                        .add(new BigInteger(r.path("treasury_reward").asText()));
            }
            BigInteger reward = Amounts.parseCpc("8.0");
            assertThat(paid).isEqualTo(reward);
            assertThat(api.account(cheatKey.address()).balance()).isZero();
            assertThat(api.account(customer.address()).balance())
                    .isEqualTo(start.subtract(fee(client, create.hashHex())).subtract(reward));
        }
    }

    /**
     * The PoC validator reads each connected worker's bond and reputation from the node (GET /worker/{address}) and
     * ranks it by them: a worker bonded min_worker_bond on chain shows as bonded, an unbonded one does not.
     */
    @Test
    void theValidatorLearnsEachWorkersBondFromTheChain() throws Exception {
        NetworkParams params = NetworkParams.devnet().withBlockTime(200);
        try (NodeRunner node = startNode(params)) {
            NodeClient client = new NodeClient("http://127.0.0.1:" + node.port());
            NodeApi api = new NodeApi(client);
            AccountKey operator = operator();
            AccountKey bonded = funded(api, "1.0");
            Transaction bond = org.cpc.client.TxBuilder.of(params, bonded).nonce(0).gasPrice(params.minGasPrice())
                    .timestamp(System.currentTimeMillis() / 1000).bondWorker(params.bonds().minWorkerBond());
            assertThat(api.submit(bond)).isInstanceOf(NodeApi.Submission.Accepted.class);
            await("bond included", () -> api.workerBond(bonded.address()).equals(params.bonds().minWorkerBond()));
            AccountKey unbonded = newKey();
            try (PocValidator v = PocValidator.start(config(tmp.resolve("poc")), operator, new NodeLedger(client),
                    InstantSource.system())) {
                Worker w1 = startWorker(v.workerUrl(), unbonded, PoolWorker.Options.defaults());
                Worker w2 = startWorker(v.workerUrl(), bonded, PoolWorker.Options.defaults());
                await("the bonded worker ranked as bonded", () -> {
                    for (JsonNode w : v.workers().path("workers")) {
                        if (w.path("address").asText().equals(bonded.address())) return w.path("bonded").asBoolean();
                    }
                    return false;
                });
                for (JsonNode w : v.workers().path("workers")) {
                    if (w.path("address").asText().equals(unbonded.address())) {
                        assertThat(w.path("bonded").asBoolean()).isFalse();
                        assertThat(w.path("reputation").asInt()).isZero();
                    }
                }
                w1.stop();
                w2.stop();
            }
        }
    }

    /**
     * Every job run twice (p = 1) by two honest workers: each job's SUBMIT_RESULT pays its first worker on L1, and the
     * PoC validator, here an account of its own (not the block producer, so no block reward or fee lands on it),
     * pays the other its part of the job's share by a TRANSFER. Customer, workers, PoC validator and treasury end
     * with exactly what they had less the fees they paid.
     */
    @Test
    void theAgreeingDuplicateWorkerIsPaidAndEveryWeiIsAccountedFor() throws Exception {
        NetworkParams params = NetworkParams.devnet().withBlockTime(200);
        AccountKey poc = newKey();
        Path nodeDir = tmp.resolve("node");
        NodeInit.init(nodeDir, params, null, NodeInit.DEFAULT_VALIDATOR_KEY, 0, null, System.currentTimeMillis());
        Path genesisFile = new DataDir(nodeDir).genesis();
        Genesis genesis = GenesisFile.read(genesisFile);
        // The PoC validator's genesis bond (min_poc_bond) comes out of its alloc: it is allocated exactly that.
        java.util.TreeMap<String, java.math.BigInteger> alloc = new java.util.TreeMap<>(genesis.alloc());
        alloc.put(poc.address(), params.bonds().minPocBond());
        GenesisFile.write(new Genesis(params, genesis.timestampMs(), alloc, genesis.validators(), List.of(poc.address()),
                genesis.treasuryAddress()), genesisFile);
        try (NodeRunner node = NodeRunner.start(new DataDir(nodeDir), 0, InstantSource.system(), () -> {
            throw new AssertionError("a devnet node needs no password");
        })) {
            NodeClient client = new NodeClient("http://127.0.0.1:" + node.port());
            NodeApi api = new NodeApi(client);
            AccountKey customer = newKey();
            api.faucet(customer.address(), "100.0");
            api.faucet(poc.address(), "10.0"); // for its fees
            await("customer and PoC validator funded", () -> api.account(customer.address()).balance().signum() > 0
                    && api.account(poc.address()).balance().signum() > 0);
            AccountKey k1 = newKey();
            AccountKey k2 = newKey();
            List<String> accounts = List.of(customer.address(), k1.address(), k2.address(),
                    poc.address(), genesis.treasuryAddress());
            BigInteger before = total(api, accounts);
            try (PocValidator v = PocValidator.start(config(tmp.resolve("poc")).withDuplicateProbability(1), poc,
                    new NodeLedger(client), InstantSource.system())) {
                MarketClient c = new MarketClient(v.url());
                Random rnd = new Random(13);
                int m = 16, k = 16, n = 8;
                byte[] a = randomMatrix(rnd, m, k);
                byte[] b = randomMatrix(rnd, k, n);
                String ha = c.uploadBlob(a).path("hash").asText();
                String hb = c.uploadBlob(b).path("hash").asText();
                Worker w1 = startWorker(v.workerUrl(), k1, PoolWorker.Options.defaults().withMaxJobs(2));
                Worker w2 = startWorker(v.workerUrl(), k2, PoolWorker.Options.defaults().withMaxJobs(2));
                await("both workers connected", () -> v.workers().path("workers").size() == 2);
                Transaction create = createTask(customer, params, "matmul", matmulPayload(a, b, m, k, n, 4), "10.0",
                        System.currentTimeMillis() / 1000 + 600, 0);
                String id = c.createTask(create).path("task_id").asText();
                await("task completed and every duplicate run paid", () -> {
                    JsonNode t = c.task(id);
                    if (!t.path("status").asText().equals("completed") || t.path("audit_payments").size() != 4) return false;
                    for (JsonNode p : t.path("audit_payments")) if (!p.path("status").asText().equals("paid")) return false;
                    return true;
                });
                assertThat(c.result(id)).isEqualTo(product(a, b, m, k, n));
                w1.stop();
                w2.stop();

                JsonNode onChain = NodeClient.require(client.get("/task/" + id));
                BigInteger jobShare = Amounts.parseCpc("2.5"); // 10 CPC over 4 jobs
                BigInteger pay = jobShare.multiply(BigInteger.valueOf(params.marketPocShareBps()))
                        .divide(BigInteger.valueOf(10_000));
                Map<String, BigInteger> earned = new HashMap<>();
                Map<Long, String> resultWorker = new HashMap<>();
                BigInteger pocRewards = BigInteger.ZERO;
                BigInteger pocFees = BigInteger.ZERO;
                for (JsonNode r : onChain.path("results")) {
                    earned.merge(r.path("worker_address").asText(), new BigInteger(r.path("worker_reward").asText()),
                            BigInteger::add);
                    resultWorker.put(r.path("job").asLong(), r.path("worker_address").asText());
                    pocRewards = pocRewards.add(new BigInteger(r.path("poc_reward").asText()));
                    pocFees = pocFees.add(fee(client, r.path("tx_hash").asText()));
                }
                assertThat(resultWorker).hasSize(4);
                BigInteger paid = BigInteger.ZERO;
                for (JsonNode p : c.task(id).path("audit_payments")) {
                    String auditor = p.path("worker").asText();
                    assertThat(auditor).isNotEqualTo(resultWorker.get(p.path("job").asLong()));
                    assertThat(new BigInteger(p.path("amount_wei").asText())).isEqualTo(pay);
                    JsonNode tx = NodeClient.require(client.get("/tx/" + p.path("tx_hash").asText()));
                    assertThat(tx.path("status").asText()).isEqualTo("included");
                    assertThat(tx.path("tx").path("to_address").asText()).isEqualTo(auditor);
                    earned.merge(auditor, pay, BigInteger::add);
                    paid = paid.add(pay);
                    pocFees = pocFees.add(fee(client, p.path("tx_hash").asText()));
                }
                assertThat(earned.keySet()).containsExactlyInAnyOrder(k1.address(), k2.address());
                for (AccountKey w : new AccountKey[] {k1, k2}) {
                    assertThat(api.account(w.address()).balance()).as("worker %s", w.address())
                            .isEqualTo(earned.get(w.address()));
                }
                assertThat(api.account(poc.address()).balance()).as("PoC validator: its parts, less payments and fees")
                        .isEqualTo(Amounts.parseCpc("10.0").add(pocRewards).subtract(paid).subtract(pocFees));
                BigInteger fees = pocFees.add(fee(client, create.hashHex()));
                assertThat(total(api, accounts)).as("no wei created or lost, fees aside").isEqualTo(before.subtract(fees));
            }
        }
    }

    /** A devnet node on a free port, its data dir under {@code tmp/node}, blocks every {@code params}' block time. */
    private NodeRunner startNode(NetworkParams params) {
        NodeInit.init(tmp.resolve("node"), params, null, NodeInit.DEFAULT_VALIDATOR_KEY, 0, null, System.currentTimeMillis());
        return NodeRunner.start(new DataDir(tmp.resolve("node")), 0, InstantSource.system(), () -> {
            throw new AssertionError("a devnet node needs no password");
        });
    }

    /** The devnet's operator account: its genesis PoC validator. */
    private AccountKey operator() {
        return new Keyring(new DataDir(tmp.resolve("node")).keys()).unlockSecp256k1(NodeInit.OPERATOR_KEY,
                NodeInit.DEVNET_KEY_PASSWORD.toCharArray());
    }

    private static BigInteger total(NodeApi api, List<String> accounts) {
        BigInteger sum = BigInteger.ZERO;
        for (String a : accounts) sum = sum.add(api.account(a).balance());
        return sum;
    }

    private static BigInteger fee(NodeClient client, String txHash) {
        JsonNode t = NodeClient.require(client.get("/tx/" + txHash));
        return BigInteger.valueOf(t.path("gas_used").asLong()).multiply(BigInteger.valueOf(t.path("tx").path("gas_price").asLong()));
    }

    /** A new account the faucet sent {@code cpc}; returns once the node shows it funded. */
    private static AccountKey funded(NodeApi api, String cpc) throws InterruptedException {
        AccountKey k = newKey();
        api.faucet(k.address(), cpc);
        await(k.address() + " funded", () -> api.account(k.address()).balance().signum() > 0);
        return k;
    }
}
