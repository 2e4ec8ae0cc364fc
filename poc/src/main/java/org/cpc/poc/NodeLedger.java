package org.cpc.poc;

import com.fasterxml.jackson.databind.JsonNode;
import org.cpc.client.NodeClient;
import org.cpc.client.NodeClient.NodeUnavailableException;
import org.cpc.poc.core.WorkerStanding;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Transaction;

/** The L1 through the node's REST API ({@link NodeClient}). */
public final class NodeLedger implements Ledger {
    private final NodeClient client;
    private volatile NetworkParams params;

    public NodeLedger(NodeClient client) {
        this.client = client;
    }

    public NodeClient client() {
        return client;
    }

    @Override
    public NetworkParams params() {
        NetworkParams p = params;
        if (p == null) params = p = NetworkParams.fromJson(read("/params"));
        return p;
    }

    @Override
    public Sent send(Transaction tx) {
        NodeClient.Reply r = call(() -> client.sendTransaction(tx));
        if (r.ok()) return new Sent.Accepted(r.body().path("tx_hash").asText(tx.hashHex()));
        if (r.status() >= 500) throw new Unavailable("the node failed on /tx/send: " + r.error(), null);
        return new Sent.Rejected(r.error());
    }

    @Override
    public TxState txState(String txHash) {
        NodeClient.Reply r = call(() -> client.get("/tx/" + txHash));
        if (r.status() == 404) return TxState.UNKNOWN;
        if (!r.ok()) throw new Unavailable("the node answered " + r.status() + " on /tx/" + txHash + ": " + r.error(), null);
        return "included".equals(r.body().path("status").asText()) ? TxState.INCLUDED : TxState.PENDING;
    }

    @Override
    public java.util.Optional<org.cpc.protocol.types.TaskStatus> taskStatus(String taskId) {
        NodeClient.Reply r = call(() -> client.get("/task/" + NodeClient.encode(taskId)));
        if (r.status() == 404) return java.util.Optional.empty();
        if (!r.ok()) throw new Unavailable("the node answered " + r.status() + " on /task/" + taskId + ": " + r.error(), null);
        return java.util.Optional.of(org.cpc.protocol.types.TaskStatus.ofWire(r.body().path("status").asText()));
    }

    @Override
    public java.util.List<Dispute> disputes(String taskId) {
        NodeClient.Reply r = call(() -> client.get("/task/" + NodeClient.encode(taskId)));
        if (r.status() == 404) return java.util.List.of();
        if (!r.ok()) throw new Unavailable("the node answered " + r.status() + " on /task/" + taskId + ": " + r.error(), null);
        java.util.List<Dispute> out = new java.util.ArrayList<>();
        for (JsonNode j : r.body().path("results")) {
            JsonNode d = j.path("dispute");
            if (!d.isObject()) continue;
            out.add(new Dispute(taskId, j.path("job").asInt(), j.path("poc_validator").asText(),
                    j.path("worker_address").asText(), d.path("tx_hash").asText(), d.path("height").asLong(),
                    new java.math.BigInteger(d.path("poc_slashed").asText()),
                    new java.math.BigInteger(d.path("worker_slashed").asText())));
        }
        return out;
    }

    @Override
    public long nextNonce(String address) {
        return read("/balance/" + NodeClient.encode(address)).path("nonce").asLong();
    }

    @Override
    public long height() {
        return read("/status").path("height").asLong();
    }

    @Override
    public WorkerStanding workerStanding(String address) {
        JsonNode w = read("/worker/" + NodeClient.encode(address));
        int reputation = w.path("reputation").asInt(-1);
        if (!w.path("bonded_enough").isBoolean() || reputation < 0 || reputation > WorkerStanding.MAX_BPS) {
            throw new Unavailable("the node's /worker/" + address + " has no bonded_enough and reputation (0.."
                    + WorkerStanding.MAX_BPS + "): " + w, null);
        }
        return new WorkerStanding(w.path("bonded_enough").asBoolean(), reputation);
    }

    private JsonNode read(String path) {
        NodeClient.Reply r = call(() -> client.get(path));
        if (!r.ok()) throw new Unavailable("the node answered " + r.status() + " on " + path + ": " + r.error(), null);
        return r.body();
    }

    private static NodeClient.Reply call(java.util.function.Supplier<NodeClient.Reply> c) {
        try {
            return c.get();
        } catch (NodeUnavailableException e) {
            throw new Unavailable(e.getMessage(), e);
        }
    }
}
