package org.cpc.node.api;

import static org.cpc.http.JsonHttp.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.sse.SseClient;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.cpc.chain.Account;
import org.cpc.chain.Admission;
import org.cpc.chain.Chain;
import org.cpc.chain.WorkerStats;
import org.cpc.chain.market.JobRecord;
import org.cpc.chain.query.ChainQuery;
import org.cpc.chain.query.ResultReward;
import org.cpc.chain.query.TaskView;
import org.cpc.chain.query.TxStatus;
import org.cpc.node.consensus.EvidenceStore;
import org.cpc.chain.mempool.StrikeWindow;
import org.cpc.http.ApiException;
import org.cpc.http.ApiServer;
import org.cpc.http.HttpService;
import org.cpc.http.JsonHttp;
import org.cpc.http.Requests;
import org.cpc.node.net.NodeNetwork;
import org.cpc.p2p.PeerInfo;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.types.Amounts;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

/**
 * The node's REST API (documented in {@code openapi.json} beside this class, served at {@code GET /openapi.json}).
 * Every answer is JSON; every error is {@code {"error": "..."}} with a 4xx status that says whose fault it was, and
 * a transaction refusal adds {@code "status":"rejected"}. Request bodies, worker threads and event subscribers are
 * bounded, and no exception text or stack trace of the server reaches a client.
 */
public final class NodeServer extends ApiServer<NodeServer> {
    private static final long FAUCET_MAX_BODY = 4096;
    private static final Set<String> FAUCET_FIELDS = Set.of("address", "amount");

    /**
     * @param maxThreads Jetty worker threads; requests beyond them queue, then get refused
     * @param connections the caps on connections (the {@code /events} streams' are the {@link EventHub}'s)
     */
    public record Options(String host, int port, int maxThreads, HttpService.ConnectionLimits connections) {
        public static Options defaults(String host, int port) {
            return new Options(host, port, 64, HttpService.ConnectionLimits.DEFAULTS);
        }

        public Options withConnections(HttpService.ConnectionLimits c) {
            return new Options(host, port, maxThreads, c);
        }
    }

    private final Chain chain;
    /** Every read goes through here; {@link #chain} only takes transactions. */
    private final ChainQuery query;
    private final BondApi bonds;
    private final NodeMetrics metrics;
    private final EventHub events;
    private final Faucet faucet;
    private final NodeNetwork network;
    private final EvidenceStore evidence;
    private final long maxTxBody;
    /**
     * Peers (by IP) whose recent SUBMIT_RESULTs were refused: 32 a minute are heard, then their results get 429
     * until the minute passes. The chain limits each sender the same way; this stops one peer rotating senders.
     */
    private final StrikeWindow peerResultGuard = new StrikeWindow(32, 60_000, 10_000);
    private final AdmissionGate admissions = AdmissionGate.perCore();

    /** @param faucet null where the network has no faucet; {@code POST /faucet} then does not exist */
    public NodeServer(Chain chain, NodeMetrics metrics, EventHub events, Faucet faucet, NodeNetwork network,
            EvidenceStore evidence, Options options) {
        // Room for a maximal transaction written with generous whitespace; the canonical size is checked after.
        long maxTxBody = 2 * chain.params().maxTxBytes();
        super(new HttpService(NodeServer.class,
                new HttpService.Settings("the node", "rest", options.maxThreads(), maxTxBody, options.connections())),
                options.host(), options.port());
        this.maxTxBody = maxTxBody;
        this.chain = chain;
        this.query = chain;
        this.bonds = new BondApi(chain);
        this.network = network;
        this.evidence = evidence;
        this.metrics = metrics;
        this.events = events;
        this.faucet = faucet;
        http.observe(metrics::httpRequest);
        registerRoutes();
    }

    @Override
    public void close() {
        events.closeAll();
        super.close();
    }

    /** The routes besides {@code GET /openapi.json}, which {@link HttpService} serves from beside this class. */
    private void registerRoutes() {
        http.get("/status", this::status);
        http.get("/params", ctx -> json(ctx, 200, query.params().toJson()));
        http.get("/block/latest", ctx -> served(ctx, query, query.head().header().height()));
        http.get("/block/{height}", this::block);
        http.get("/block/{height}/results", this::blockResults);
        http.get("/task/{task_id}", this::task);
        http.get("/worker/{address}", this::worker);
        http.get("/tx/{hash}", this::tx);
        http.get("/balance/{address}", this::balance);
        http.get("/peers", this::peers);
        http.get("/evidence", this::evidence);
        http.post("/tx/send", this::sendTx);
        http.post("/tx/batch", new TxBatchApi(chain, metrics, admissions)::handle);
        if (faucet != null) http.post("/faucet", this::faucet);
        http.get("/events", this::events);
        http.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        new ExplorerApi(query).register(http::get);
        new StakingApi(query).register(http::get);
        bonds.register(http::get);
        new AuditApi(query).register(http::get);
    }

    private void status(Context ctx) {
        Block head = query.head();
        ObjectNode o = Json.object();
        o.put("height", head.header().height());
        o.put("last_hash", head.hashHex());
        o.put("last_block_time", head.header().timestamp());
        o.put("chain_id", query.params().chainId());
        o.put("network", query.params().network());
        o.put("mempool_size", query.mempoolSize());
        o.put("node_id", network.nodeId());
        String listen = network.listenText();
        if (listen == null) o.putNull("p2p_listen"); else o.put("p2p_listen", listen);
        o.put("peers", network.connectedPeers().size());
        o.put("syncing", network.syncing());
        o.put("best_peer_height", network.bestPeerHeight());
        json(ctx, 200, o);
    }

    private void peers(Context ctx) {
        ObjectNode o = Json.object();
        ArrayNode arr = o.putArray("peers");
        for (PeerInfo p : network.connectedPeers()) {
            ObjectNode po = arr.addObject();
            po.put("id", p.id());
            po.put("remote", p.remote().getHostString() + ":" + p.remote().getPort());
            if (p.listen() == null) po.putNull("listen"); else po.put("listen", p.listen().getHostString() + ":" + p.listen().getPort());
            po.put("outbound", p.outbound());
            po.put("connected_at_ms", p.connectedAtMs());
            po.put("score", p.score());
            po.put("moniker", p.moniker());
        }
        json(ctx, 200, o);
    }

    /**
     * Opens an event stream. Javalin's own SSE route answers only requests that send
     * {@code Accept: text/event-stream}; this one serves curl and scripts as well.
     */
    private void events(Context ctx) throws IOException {
        if (events.full()) throw ApiException.unavailable("too many event subscribers; try again later");
        String ip = ctx.ip();
        if (ctx.method() == HandlerType.HEAD) {
            streamHeaders(ctx); // the headers of the stream, without subscribing
            return;
        }
        if (!events.reserve(ip)) {
            throw new ApiException(429, "too many event streams from " + ip + " (at most "
                    + events.maxPerIp() + " per address); close some and try again");
        }
        try {
            streamHeaders(ctx);
        } catch (IOException | RuntimeException e) {
            events.release(ip);
            throw e;
        }
        events.subscribe(new SseClient(ctx), ip);
    }

    private static void streamHeaders(Context ctx) throws IOException {
        ctx.res().setStatus(200);
        ctx.res().setCharacterEncoding("UTF-8");
        ctx.res().setContentType("text/event-stream");
        ctx.res().addHeader("Cache-Control", "no-cache");
        ctx.res().addHeader("X-Accel-Buffering", "no");
        ctx.res().flushBuffer();
    }

    static long heightParam(Context ctx) {
        String raw = ctx.pathParam("height");
        long height;
        try {
            height = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("block height '" + raw + "' is not a number; use a height such as 42, or 'latest'");
        }
        if (height < 0) throw ApiException.badRequest("block height must not be negative");
        return height;
    }

    private ApiException noBlock(long height) {
        return noBlock(query, height, "block");
    }

    /**
     * Why {@code what} of the block at {@code height} was not found: 410 when this node pruned it (checked after
     * the lookup, so a prune racing the request still answers 410), else 404.
     */
    static ApiException noBlock(ChainQuery query, long height, String what) {
        if (query.pruned(height)) {
            return ApiException.gone(what + " at height " + height + " was pruned: this node keeps blocks from height "
                    + query.earliestBlock() + " to the head (and genesis); ask an archive node");
        }
        return ApiException.notFound("no block at height " + height + "; the chain's height is "
                + query.head().header().height());
    }

    private void block(Context ctx) {
        served(ctx, query, heightParam(ctx));
    }

    /**
     * Answers with a committed block's JSON and its commit certificate beside it ({@code "commit": {"round",
     * "signatures"}} or null), from the stored bytes.
     */
    static void served(Context ctx, ChainQuery query, long height) {
        JsonHttp.jsonBytes(ctx, 200, query.blockWithCommitJson(height).orElseThrow(() -> noBlock(query, height, "block")));
    }

    private void blockResults(Context ctx) {
        long height = heightParam(ctx);
        List<ResultReward> results = query.blockResults(height).orElseThrow(() -> noBlock(query, height, "results of the block"));
        ObjectNode o = Json.object();
        o.put("height", height);
        ArrayNode arr = o.putArray("results");
        for (ResultReward r : results) {
            ObjectNode ro = arr.addObject();
            ro.put("index", r.index());
            ro.put("tx_hash", r.txHash());
            ro.put("kind", r.kind().wire());
            ro.set("result", r.result().toJson());
            WeiJson.put(ro, "reward", r.reward());
            if (r.pocValidator() == null) ro.putNull("poc_validator"); else ro.put("poc_validator", r.pocValidator());
        }
        json(ctx, 200, o);
    }

    static final java.util.regex.Pattern UUID =
            java.util.regex.Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** The {@code task_id} path parameter, refused unless a lowercase UUID. */
    static String taskIdParam(Context ctx) {
        String id = ctx.pathParam("task_id");
        if (!UUID.matcher(id).matches()) {
            throw ApiException.badRequest("task_id '" + id + "' is not a lowercase UUID such as "
                    + "123e4567-e89b-42d3-a456-426614174000");
        }
        return id;
    }

    private void task(Context ctx) {
        String id = taskIdParam(ctx);
        TaskView v = query.task(id).orElseThrow(() -> ApiException.notFound("no market task " + id
                + " on chain (a CREATE_TASK still in the mempool is not a task yet)"));
        ObjectNode o = ExplorerApi.taskJson(v.task());
        o.set("payload", v.payload());
        o.put("last_settled_height", v.lastSettledHeight());
        if (v.disputeUntil() == null) o.putNull("dispute_until"); else o.put("dispute_until", v.disputeUntil());
        java.util.Map<Integer, ObjectNode> disputes = new java.util.TreeMap<>();
        v.disputes().forEach(d -> disputes.put(d.job(), d.toJson()));
        ArrayNode arr = o.putArray("results");
        for (JobRecord j : v.jobs()) {
            ObjectNode jo = j.toJson(); // the record as kept, less the task_id the task already says
            jo.remove("task_id");
            jo.set("dispute", disputes.get(j.job()) == null ? jo.nullNode() : disputes.get(j.job()));
            arr.add(jo);
        }
        json(ctx, 200, o);
    }

    private void worker(Context ctx) {
        String address = Requests.accountPath(ctx, "address");
        WorkerStats w = query.workerStats(address);
        ObjectNode o = Json.object();
        o.put("address", address);
        o.put("accepted_results", w.accepted());
        WeiJson.put(o, "earned", w.earned());
        bonds.workerFields(address, w, o);
        json(ctx, 200, o);
    }

    private void tx(Context ctx) {
        String hash = ctx.pathParam("hash");
        if (hash.length() != 64 || !Hex.isHex(hash)) {
            throw ApiException.badRequest("transaction hash must be 64 lowercase hex characters");
        }
        TxStatus s = query.transaction(hash).orElseThrow(() -> ApiException.notFound("no transaction " + hash
                + " in the mempool or in any block"));
        ObjectNode o = Json.object();
        o.put("tx_hash", hash);
        o.set("tx", s.tx().toJson());
        o.put("status", s.status());
        if (s.blockHeight() == null) o.putNull("block_height"); else o.put("block_height", s.blockHeight());
        if (s.index() == null) o.putNull("index"); else o.put("index", s.index());
        o.put("gas_used", s.gasUsed());
        json(ctx, 200, o);
    }

    private void balance(Context ctx) {
        String address = Requests.accountPath(ctx, "address");
        Account a = query.account(address);
        ObjectNode o = Json.object();
        o.put("address", address);
        WeiJson.put(o, "balance", a.balance());
        o.put("nonce", query.nextNonce(address));
        json(ctx, 200, o);
    }

    /** Verified equivocation evidence this node recorded, newest first; {@code ?limit=} 1..1000 (default 100). */
    private void evidence(Context ctx) {
        int limit = Requests.intQuery(ctx, "limit", 100, 1, EvidenceStore.MAX_ENTRIES);
        ObjectNode o = Json.object();
        o.put("total", evidence.size());
        var list = o.putArray("evidence");
        evidence.newest(limit).forEach(list::add);
        json(ctx, 200, o);
    }

    private void sendTx(Context ctx) {
        Transaction tx;
        try {
            byte[] body = Requests.body(ctx, maxTxBody, "a JSON object");
            tx = Transaction.fromJson(Json.parse(body));
        } catch (ApiException e) {
            metrics.txRejected(e.status() == 413 ? "too large" : "malformed");
            throw malformedTx(e.status(), e.getMessage());
        } catch (IllegalArgumentException e) {
            metrics.txRejected("malformed");
            throw malformedTx(400, e.getMessage());
        }
        int size = tx.encodedSize();
        if (size > query.params().maxTxBytes()) {
            metrics.txRejected("too large");
            throw malformedTx(413, "transaction is " + size + " bytes in canonical form; the limit is "
                    + query.params().maxTxBytes() + " bytes (max_tx_bytes)");
        }
        boolean result = tx.txType() == TxType.SUBMIT_RESULT;
        String peer = ctx.ip();
        if (result) {
            long wait = peerResultGuard.blockedForMs(peer, System.currentTimeMillis());
            if (wait > 0) {
                metrics.txRejected("rate limited");
                throw malformedTx(429, peerResultGuard.maxStrikes() + " results from " + peer
                        + " were refused in the last " + peerResultGuard.windowMs() / 1000 + " s; send again in "
                        + (wait + 999) / 1000 + " s");
            }
        }
        Admission admission = admissions.admit(() -> chain.submit(tx));
        if (result && admission instanceof Admission.Rejected) peerResultGuard.strike(peer, System.currentTimeMillis());
        answer(ctx, admission);
    }

    private void faucet(Context ctx) {
        JsonNode body = Requests.json(ctx, FAUCET_MAX_BODY, "a JSON object");
        String address;
        String amount;
        try {
            JsonFields f = JsonFields.of(body, "faucet request", FAUCET_FIELDS);
            address = f.string("address");
            amount = f.string("amount");
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage() + "; send {\"address\":\"cpc1...\",\"amount\":\"10.0\"}");
        }
        Admission a = faucet.send(address, amount);
        if (a instanceof Admission.Accepted acc) {
            ObjectNode o = Json.object();
            o.put("tx_hash", acc.txHash());
            o.put("status", "received");
            o.put("from", faucet.address());
            o.put("address", address);
            o.put("amount", Amounts.formatCpc(Amounts.parseCpc(amount)));
            metrics.txAccepted();
            json(ctx, 200, o);
        } else {
            answer(ctx, a);
        }
    }

    private void answer(Context ctx, Admission admission) {
        switch (admission) {
            case Admission.Accepted a -> {
                metrics.txAccepted();
                ObjectNode o = Json.object();
                o.put("tx_hash", a.txHash());
                o.put("status", "received");
                json(ctx, 200, o);
            }
            case Admission.Rejected r -> {
                metrics.txRejected(r.reason());
                throw rejectedTx(r.txHash(), r.reason());
            }
        }
    }

    /** A transaction refused before the chain saw it: not JSON, wrong shape, too large (400, 413) or rate limited (429). */
    private static ApiException malformedTx(int status, String message) {
        return new ApiException(status, message, rejected(null));
    }

    /** A well-formed transaction the chain refused under its rules (nonce, signature, balance...): 422. */
    private static ApiException rejectedTx(String txHash, String reason) {
        return new ApiException(422, reason, rejected(txHash));
    }

    /** What a transaction refusal's error body says besides the error: {@code "status":"rejected"} and its hash if known. */
    private static ObjectNode rejected(String txHash) {
        ObjectNode o = Json.object();
        o.put("status", "rejected");
        if (txHash != null) o.put("tx_hash", txHash);
        return o;
    }
}
