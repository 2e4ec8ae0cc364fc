package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.file.Path;
import org.cpc.chain.market.JobDigest;
import org.cpc.client.NodeClient;
import org.cpc.client.TxBuilder;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.gas.GasSchedule;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.keys.Keyring;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.ComputeTask;
import org.cpc.protocol.types.Transaction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Market tasks through the REST API: CREATE_TASK and job results over /tx/send, GET /task, /worker, /block/{h}/results. */
class NodeMarketTest {
    @TempDir
    static Path dir;
    static TestNode node;
    static AccountKey operator;

    @BeforeAll
    static void start() {
        node = TestNode.start(dir);
        // devnet: the operator account (the validator's reward address) is the genesis PoC validator
        operator = new Keyring(new DataDir(dir).keys()).unlockSecp256k1(NodeInit.OPERATOR_KEY,
                NodeInit.DEVNET_KEY_PASSWORD.toCharArray());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static TxBuilder tx(AccountKey from, long nonce) {
        return TxBuilder.of(node.params, from).nonce(nonce).timestamp(System.currentTimeMillis() / 1000);
    }

    static String send(Transaction t) {
        NodeClient.Reply r = node.client.sendTransaction(t);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("tx_hash").asText();
    }

    static long nonce(String address) {
        return node.client.balance(address).path("nonce").asLong();
    }

    @Test
    void aTaskIsCreatedWorkedAndSettledAndTheRoutesShowIt() throws Exception {
        assertThat(TestNode.json(node.get("/params")).path("market_worker_share_bps").asInt()).isEqualTo(8000);
        AccountKey customer = node.funded("100.0");
        AccountKey worker = TestNode.newAccount();
        String id = "5b0e3c1a-7d2f-4e4b-9a61-0c7f3e2d1b00";
        BigInteger reward = TestNode.cpc("10.0");
        ObjectNode task = Json.object();
        task.put("task_id", id);
        task.put("challenge_type", "synthetic");
        task.set("payload", Json.object().put("seed", "cd".repeat(32)).put("matrix_size", 16).put("iterations", 2));
        task.put("reward", reward.toString());
        task.put("deadline", System.currentTimeMillis() / 1000 + 600);
        node.awaitIncluded(send(tx(customer, 0).createTask(ComputeTask.fromJson(task))));

        JsonNode t = TestNode.json(node.get("/task/" + id));
        assertThat(t.path("status").asText()).isEqualTo("pending");
        assertThat(t.path("creator").asText()).isEqualTo(customer.address());
        assertThat(t.path("challenge_type").asText()).isEqualTo("synthetic");
        assertThat(t.path("payload").path("iterations").asInt()).isEqualTo(2);
        assertThat(t.path("reward").asText()).isEqualTo(reward.toString());
        assertThat(t.path("reward_cpc").asText()).isEqualTo("10.0");
        assertThat(t.path("escrow_left").asText()).isEqualTo(reward.toString());
        assertThat(t.path("jobs_total").asInt()).isEqualTo(2);
        assertThat(t.path("jobs_done").asInt()).isZero();
        assertThat(t.path("results").isArray() && t.path("results").isEmpty()).isTrue();

        // job 0, sent by the PoC validator with the worker's signature
        for (int job = 0; job < 2; job++) {
            String rh = Hex.encode(Sha256.hash(("out" + job).getBytes()));
            byte[] d = JobDigest.of(id, worker.address(), rh, job);
            ComputeResult r = new ComputeResult(id, worker.address(), rh, null, (long) job,
                    Hex.encode(worker.signRecoverable(d)));
            // A market job result's exact gas, below what the builder offers for a (synthetic) SUBMIT_RESULT.
            JsonNode inc = node.awaitIncluded(send(tx(operator, nonce(operator.address()))
                    .gasLimit(GasSchedule.MARKET_RESULT_GAS).submitResult(r)));
            long h = inc.path("block_height").asLong();
            JsonNode br = TestNode.json(node.get("/block/" + h + "/results"));
            assertThat(br.path("height").asLong()).isEqualTo(h);
            JsonNode res = br.path("results").get(0);
            assertThat(res.path("kind").asText()).isEqualTo("market");
            assertThat(res.path("result").path("nonce").asInt()).isEqualTo(job);
            assertThat(res.path("reward").asText()).isEqualTo("4000000000000000000");
            assertThat(res.path("reward_cpc").asText()).isEqualTo("4.0");
            assertThat(res.path("poc_validator").asText()).isEqualTo(operator.address());
        }
        t = TestNode.json(node.get("/task/" + id));
        assertThat(t.path("status").asText()).isEqualTo("completed");
        assertThat(t.path("escrow_left").asText()).isEqualTo("0");
        assertThat(t.path("jobs_done").asInt()).isEqualTo(2);
        JsonNode j0 = t.path("results").get(0);
        assertThat(j0.path("job").asInt()).isZero();
        assertThat(j0.path("worker_address").asText()).isEqualTo(worker.address());
        assertThat(j0.path("poc_validator").asText()).isEqualTo(operator.address());
        assertThat(j0.path("block_height").asLong()).isPositive();
        assertThat(j0.path("result_hash").asText()).hasSize(64);

        JsonNode w = TestNode.json(node.get("/worker/" + worker.address()));
        assertThat(w.path("accepted_results").asInt()).isEqualTo(2);
        assertThat(w.path("earned").asText()).isEqualTo("8000000000000000000");
        assertThat(w.path("earned_cpc").asText()).isEqualTo("8.0");
        assertThat(node.balance(worker.address())).isEqualTo(TestNode.cpc("8.0"));
    }

    @Test
    void badOrUnknownIdsAreClearErrors() throws Exception {
        var r = node.get("/task/not-a-uuid");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestNode.json(r).path("error").asText()).contains("is not a lowercase UUID");
        r = node.get("/task/00000000-0000-4000-8000-000000000000");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(TestNode.json(r).path("error").asText()).contains("no market task");
        r = node.get("/worker/cpc1nope");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode w = TestNode.json(node.get("/worker/" + TestNode.newAccount().address()));
        assertThat(w.path("accepted_results").asInt()).isZero();
        assertThat(w.path("earned").asText()).isEqualTo("0");
        assertThat(node.get("/block/99999999/results").statusCode()).isEqualTo(404);
        assertThat(node.get("/block/x/results").statusCode()).isEqualTo(400);
        JsonNode empty = TestNode.json(node.get("/block/0/results"));
        assertThat(empty.path("results").isArray() && empty.path("results").isEmpty()).isTrue();
    }
}
