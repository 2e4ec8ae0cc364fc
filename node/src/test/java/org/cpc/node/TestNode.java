package org.cpc.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import org.cpc.chain.market.JobDigest;
import org.cpc.client.NodeClient;
import org.cpc.client.TxBuilder;
import org.cpc.compute.SyntheticProver;
import org.cpc.compute.SyntheticResult;
import org.cpc.compute.gemm.Backends;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Secp256k1;
import org.cpc.protocol.gas.GasSchedule;
import org.cpc.protocol.keys.AccountKey;
import org.cpc.protocol.keys.Keyring;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.ComputeResult;
import org.cpc.protocol.types.Transaction;

/** A real devnet node on loopback (ephemeral port, RocksDB in a temp dir, 200 ms blocks) and helpers to drive it. */
final class TestNode implements AutoCloseable {
    static final long BLOCK_MS = 200;

    final NodeRunner runner;
    final NodeClient client;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final NetworkParams params;

    TestNode(NodeRunner runner) {
        this.runner = runner;
        this.client = new NodeClient(url());
        this.params = runner.chain().params();
    }

    /** Small synthetic matrices keep a SUBMIT_RESULT's verification gas affordable for test accounts. */
    static NetworkParams params() {
        return NetworkParams.devnet().withSynthetic(16, 4).withBlockTime(BLOCK_MS);
    }

    static TestNode start(Path dir) {
        return start(dir, params());
    }

    static TestNode start(Path dir, NetworkParams params) {
        NodeInit.init(dir, params, null, NodeInit.DEFAULT_VALIDATOR_KEY, 0, null, System.currentTimeMillis());
        return resume(dir);
    }

    static TestNode resume(Path dir) {
        return new TestNode(NodeRunner.start(new DataDir(dir), 0, InstantSource.system(), () -> {
            throw new AssertionError("a devnet node must not ask for a password");
        }));
    }

    String url() {
        return "http://127.0.0.1:" + runner.port();
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) {
        return Json.parse(r.body());
    }

    static AccountKey newAccount() {
        return AccountKey.of(Secp256k1.randomPrivateKey());
    }

    /** Funds a fresh account from the faucet and waits until the transfer is in a block. */
    AccountKey funded(String cpc) throws Exception {
        AccountKey k = newAccount();
        ObjectNode req = Json.object().put("address", k.address()).put("amount", cpc);
        NodeClient.Reply r = client.post("/faucet", req);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        awaitIncluded(r.body().path("tx_hash").asText());
        return k;
    }

    Transaction transfer(AccountKey from, String to, BigInteger wei, long nonce) {
        return TxBuilder.of(params, from).nonce(nonce).timestamp(System.currentTimeMillis() / 1000).transfer(to, wei);
    }

    /** Waits for a transaction to be included; returns its {@code GET /tx} answer. */
    JsonNode awaitIncluded(String txHash) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            NodeClient.Reply r = client.get("/tx/" + txHash);
            if (r.ok() && "included".equals(r.body().path("status").asText())) return r.body();
            Thread.sleep(BLOCK_MS / 2);
        }
        throw new AssertionError("transaction " + txHash + " was not included within 20 s");
    }

    /** Waits until the chain's head is at {@code height} or above. */
    void awaitHeight(long height) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (runner.chain().head().header().height() >= height) return;
            Thread.sleep(BLOCK_MS / 2);
        }
        throw new AssertionError("the chain did not reach height " + height + " within 20 s");
    }

    /** The devnet's operator account: the validator's reward address, and the genesis PoC validator. */
    AccountKey operator() {
        return new Keyring(runner.dataDir().keys()).unlockSecp256k1(NodeInit.OPERATOR_KEY,
                NodeInit.DEVNET_KEY_PASSWORD.toCharArray());
    }

    /**
     * Bonds {@code worker} (a funded account that has sent nothing yet) as a worker, waits for the bond, and sends a
     * synthetic result on the head block (nonce 1); returns that SUBMIT_RESULT, accepted into the mempool.
     */
    Transaction sendSyntheticResult(AccountKey worker) throws Exception {
        Transaction bond = TxBuilder.of(params, worker).timestamp(System.currentTimeMillis() / 1000)
                .bondWorker(params.bonds().minWorkerBond());
        assertThat(client.sendTransaction(bond).status()).isEqualTo(200);
        awaitIncluded(bond.hashHex());
        JsonNode source = json(get("/block/latest"));
        long h0 = source.path("header").path("height").asLong();
        SyntheticResult proved = new SyntheticProver(Backends.java(1).gemm()).prove(source.path("hash").asText(), h0,
                worker.address(), params.syntheticMatrixSize(), params.syntheticSpotChecks());
        Transaction submit = TxBuilder.of(params, worker).nonce(1).timestamp(System.currentTimeMillis() / 1000)
                .gasLimit(2_000_000).submitResult(new ComputeResult(proved.taskId(), worker.address(),
                        proved.resultHash(), proved.proof(), h0, null));
        NodeClient.Reply r = client.sendTransaction(submit);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return submit;
    }

    /**
     * Job {@code job} of market task {@code taskId} with {@code resultHash}, signed by {@code worker} and sent by the
     * operator (the PoC validator); returns the SUBMIT_RESULT, accepted into the mempool.
     */
    Transaction sendMarketJob(AccountKey worker, String taskId, int job, String resultHash) {
        AccountKey operator = operator();
        ComputeResult r = new ComputeResult(taskId, worker.address(), resultHash, null, (long) job,
                Hex.encode(worker.signRecoverable(JobDigest.of(taskId, worker.address(), resultHash, job))));
        Transaction t = TxBuilder.of(params, operator).nonce(client.balance(operator.address()).path("nonce").asLong())
                .timestamp(System.currentTimeMillis() / 1000).gasLimit(GasSchedule.MARKET_RESULT_GAS).submitResult(r);
        NodeClient.Reply reply = client.sendTransaction(t);
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
        return t;
    }

    BigInteger balance(String address) {
        return new BigInteger(client.balance(address).path("balance").asText());
    }

    static BigInteger cpc(String s) {
        return Amounts.parseCpc(s);
    }

    @Override
    public void close() {
        runner.close();
    }
}
