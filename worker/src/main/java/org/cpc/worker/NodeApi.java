package org.cpc.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Optional;
import org.cpc.client.NodeClient;
import org.cpc.client.NodeClient.NodeUnavailableException;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;

/**
 * The node's REST API as the worker uses it, typed. Built on the node's {@link NodeClient} so the CLI and the worker
 * share one HTTP client. Two kinds of failure: {@link NodeUnavailableException} when the node cannot be reached or
 * fails on its side (5xx), worth retrying; {@link IllegalStateException} carrying the node's message when it
 * refuses the request, not worth retrying as is.
 */
public final class NodeApi {
    /** An account as {@code GET /balance/{address}} reports it; {@code nextNonce} counts its pending transactions. */
    public record Account(BigInteger balance, long nextNonce) {}

    /** What {@code POST /tx/send} answered. */
    public sealed interface Submission {
        record Accepted(String txHash) implements Submission {}

        record Rejected(String reason) implements Submission {}
    }

    /** Where a transaction is: in the mempool, or in the block at {@code blockHeight}. */
    public record TxState(boolean included, long blockHeight) {}

    private final NodeClient client;

    public NodeApi(NodeClient client) {
        this.client = client;
    }

    public NodeApi(String baseUrl) {
        this(new NodeClient(baseUrl));
    }

    public String url() {
        return client.base().toString();
    }

    public NetworkParams params() {
        return NetworkParams.fromJson(read("/params"));
    }

    public BlockRef latestBlock() {
        return BlockRef.fromBlockJson(read("/block/latest"));
    }

    public Block block(long height) {
        return Block.fromJson(read("/block/" + height));
    }

    /** What the chain paid the result {@code txHash} included at {@code height} (GET /block/{h}/results). */
    public BigInteger resultReward(long height, String txHash) {
        for (JsonNode r : read("/block/" + height + "/results").path("results")) {
            if (txHash.equals(r.path("tx_hash").asText())) return Amounts.parseWei(r.path("reward").asText());
        }
        // The node said the transaction is in this block; a result it does not list earned nothing there.
        return BigInteger.ZERO;
    }

    public Account account(String address) {
        JsonNode b = read("/balance/" + NodeClient.encode(address));
        return new Account(Amounts.parseWei(b.path("balance").asText()), b.path("nonce").asLong());
    }

    /** The worker bond of {@code address} in wei (GET /worker/{address}, field bond). */
    public BigInteger workerBond(String address) {
        return Amounts.parseWei(read("/worker/" + NodeClient.encode(address)).path("bond").asText("0"));
    }

    public Submission submit(Transaction tx) {
        NodeClient.Reply r = client.sendTransaction(tx);
        if (r.ok()) return new Submission.Accepted(r.body().path("tx_hash").asText(tx.hashHex()));
        failIfServerError(r, "/tx/send");
        return new Submission.Rejected(r.error());
    }

    /** Empty when the node knows no such transaction: never received, or dropped from its mempool. */
    public Optional<TxState> transaction(String txHash) {
        NodeClient.Reply r = client.get("/tx/" + txHash);
        if (r.status() == 404) return Optional.empty();
        JsonNode o = require(r, "/tx/" + txHash);
        boolean included = "included".equals(o.path("status").asText());
        return Optional.of(new TxState(included, included ? o.path("block_height").asLong() : -1));
    }

    /**
     * Asks a devnet node's faucet for {@code amountCpc}; returns the hash of the faucet's transfer. The node's
     * refusal becomes an exception with its reason.
     */
    public String faucet(String address, String amountCpc) {
        ObjectNode body = Json.object();
        body.put("address", address);
        body.put("amount", amountCpc);
        return require(client.post("/faucet", body), "/faucet").path("tx_hash").asText();
    }

    private JsonNode read(String path) {
        return require(client.get(path), path);
    }

    private JsonNode require(NodeClient.Reply r, String path) {
        failIfServerError(r, path);
        return NodeClient.require(r);
    }

    private void failIfServerError(NodeClient.Reply r, String path) {
        if (r.status() >= 500) {
            throw new NodeUnavailableException("the node at " + url() + " failed on " + path + ": " + r.error(), null);
        }
    }
}
