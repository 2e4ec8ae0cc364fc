package org.cpc.node.api;

import static org.cpc.http.JsonHttp.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cpc.chain.market.MarketTask;
import org.cpc.chain.query.AddressTx;
import org.cpc.chain.query.AddressTxPage;
import org.cpc.chain.query.ChainQuery;
import org.cpc.chain.query.TaskPage;
import org.cpc.chain.query.TxPosition;
import org.cpc.chain.query.TxStatus;
import org.cpc.http.ApiException;
import org.cpc.http.Requests;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Address;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.TaskStatus;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

/**
 * The routes a block explorer needs beyond the node's core API: block headers page by page, a block by hash, an
 * address's transactions, the market tasks on chain, rolling statistics; and the explorer itself
 * ({@link ExplorerAssets}). Every read goes through {@link ChainQuery}; every limit is a constant here, documented
 * in {@code openapi.json} and docs/api.md.
 */
public final class ExplorerApi {
    static final int MAX_BLOCKS_PAGE = 100;
    static final int DEFAULT_BLOCKS_PAGE = 20;
    static final int MAX_TXS_PAGE = 100;
    static final int DEFAULT_TXS_PAGE = 25;
    static final int MAX_TASKS_PAGE = 100;
    static final int DEFAULT_TASKS_PAGE = 25;
    /** Filtered task lists walk every task they skip; the offset bounds that walk. */
    static final int MAX_TASKS_OFFSET = 10_000;
    /** Longest search query; everything it looks for is shorter. */
    static final int MAX_SEARCH_CHARS = 100;

    /** "H" or "H:I": before block H, or before the transaction at index I of block H. */
    private static final Pattern POSITION = Pattern.compile("(\\d{1,18})(?::(\\d{1,9}))?");

    private final ChainQuery query;
    private final ExplorerStats stats;

    public ExplorerApi(ChainQuery query) {
        this.query = query;
        this.stats = new ExplorerStats(query);
    }

    /** Registers the explorer's API routes and its pages with {@code get} (which also answers HEAD). */
    public void register(BiConsumer<String, Handler> get) {
        get.accept("/blocks", this::blocks);
        get.accept("/block/hash/{hash}", this::blockByHash);
        get.accept("/block/{height}/txs", this::blockTxs);
        get.accept("/address/{address}/txs", this::addressTxs);
        get.accept("/tasks", this::tasks);
        get.accept("/stats", this::stats);
        get.accept("/search", this::search);
        new ExplorerAssets().register(get);
    }

    /** A block as lists show it: its header, hash, transaction count and SUBMIT_RESULT count. */
    static ObjectNode blockSummary(Block b) {
        ObjectNode o = b.header().toJson();
        o.put("hash", b.hashHex());
        o.put("tx_count", b.transactions().size());
        o.put("result_count", b.transactions().stream().filter(t -> t.txType() == TxType.SUBMIT_RESULT).count());
        return o;
    }

    /** A market task without its payload and jobs ({@code GET /task/{id}} adds those). */
    static ObjectNode taskJson(MarketTask t) {
        ObjectNode o = Json.object();
        o.put("task_id", t.taskId());
        o.put("creator", t.creator());
        o.put("challenge_type", t.challengeType());
        WeiJson.put(o, "reward", t.reward());
        WeiJson.put(o, "escrow_left", t.escrowLeft());
        o.put("deadline", t.deadline());
        o.put("status", t.status().wire());
        o.put("jobs_total", t.jobsTotal());
        o.put("jobs_done", t.jobsDone());
        o.put("created_height", t.createdHeight());
        return o;
    }

    private void blocks(Context ctx) {
        long head = query.head().header().height();
        int limit = Requests.intQuery(ctx, "limit", DEFAULT_BLOCKS_PAGE, 1, MAX_BLOCKS_PAGE);
        String raw = ctx.queryParam("before");
        long before = head + 1;
        if (raw != null) {
            try {
                before = Long.parseLong(raw);
            } catch (NumberFormatException e) {
                before = -1;
            }
            if (before < 0) throw ApiException.badRequest("before must be a block height (an integer >= 0), not '" + raw + "'");
            before = Math.min(before, head + 1);
        }
        ObjectNode o = Json.object();
        ArrayNode arr = o.putArray("blocks");
        // A pruned node lists down to the lowest block it keeps.
        long lowest = query.earliestBlock() > 1 ? query.earliestBlock() : 0;
        long h = before - 1;
        for (; h >= lowest && arr.size() < limit; h--) {
            Block b = query.block(h).orElse(null);
            if (b == null) break; // pruned meanwhile
            arr.add(blockSummary(b));
        }
        if (h >= lowest && arr.size() == limit) o.put("next_before", h + 1); else o.putNull("next_before");
        json(ctx, 200, o);
    }

    private void blockByHash(Context ctx) {
        String hash = ctx.pathParam("hash");
        if (hash.length() != 64 || !Hex.isHex(hash)) throw ApiException.badRequest("block hash must be 64 lowercase hex characters");
        Block b = query.blockByHash(hash).orElseThrow(() -> ApiException.notFound("no block with hash " + hash));
        NodeServer.served(ctx, query, b.header().height());
    }

    /** The block's transactions with their hashes and gas used (the block itself carries neither). */
    private void blockTxs(Context ctx) {
        long height = NodeServer.heightParam(ctx);
        Block b = query.block(height).orElseThrow(() -> NodeServer.noBlock(query, height, "block"));
        ObjectNode o = Json.object();
        o.put("height", height);
        ArrayNode arr = o.putArray("txs");
        for (int i = 0; i < b.transactions().size(); i++) {
            Transaction tx = b.transactions().get(i);
            String hash = tx.hashHex();
            ObjectNode to = arr.addObject();
            to.put("index", i);
            to.put("tx_hash", hash);
            to.put("gas_used", query.transaction(hash).map(TxStatus::gasUsed).orElse(0L));
            to.set("tx", tx.toJson());
        }
        json(ctx, 200, o);
    }

    private void addressTxs(Context ctx) {
        String address = Requests.accountPath(ctx, "address");
        int limit = Requests.intQuery(ctx, "limit", DEFAULT_TXS_PAGE, 1, MAX_TXS_PAGE);
        TxPosition before = null;
        String raw = ctx.queryParam("before");
        if (raw != null) {
            Matcher m = POSITION.matcher(raw);
            if (!m.matches()) {
                throw ApiException.badRequest("before must be a block height H or a position H:I (a previous page's"
                        + " next_before), not '" + raw + "'");
            }
            long h = Long.parseLong(m.group(1));
            before = m.group(2) == null ? TxPosition.startOf(h) : new TxPosition(h, Integer.parseInt(m.group(2)));
        }
        AddressTxPage page = query.addressTransactions(address, before, limit);
        ObjectNode o = Json.object();
        o.put("address", address);
        ArrayNode arr = o.putArray("txs");
        for (AddressTx t : page.txs()) {
            ObjectNode to = arr.addObject();
            to.put("tx_hash", t.txHash());
            to.put("block_height", t.position().height());
            to.put("index", t.position().index());
            to.put("block_time", t.blockTimestamp());
            to.put("gas_used", t.gasUsed());
            to.set("tx", t.tx().toJson());
        }
        if (page.next() == null) o.putNull("next_before");
        else o.put("next_before", page.next().height() + ":" + page.next().index());
        json(ctx, 200, o);
    }

    private void tasks(Context ctx) {
        String raw = ctx.queryParam("status");
        TaskStatus status = null;
        if (raw != null && !raw.isEmpty()) {
            try {
                status = TaskStatus.ofWire(raw);
            } catch (IllegalArgumentException e) {
                status = TaskStatus.PUBLISHING; // refused just below, with the same message
            }
            if (status == TaskStatus.PUBLISHING) {
                throw ApiException.badRequest("status must be one of pending, in_progress, completed, failed, cancelled"
                        + " (a task on chain is never publishing), not '" + raw + "'");
            }
        }
        int limit = Requests.intQuery(ctx, "limit", DEFAULT_TASKS_PAGE, 1, MAX_TASKS_PAGE);
        int offset = Requests.intQuery(ctx, "offset", 0, 0, MAX_TASKS_OFFSET);
        TaskPage page = query.tasks(status, offset, limit);
        ObjectNode o = Json.object();
        ArrayNode arr = o.putArray("tasks");
        page.tasks().forEach(t -> arr.add(taskJson(t)));
        o.put("limit", limit);
        o.put("offset", offset);
        if (page.more()) o.put("next_offset", offset + page.tasks().size()); else o.putNull("next_offset");
        json(ctx, 200, o);
    }

    /** Rolling figures over the last {@link ExplorerStats#WINDOW} block intervals; docs/api.md defines each. */
    private void stats(Context ctx) {
        json(ctx, 200, stats.json());
    }

    /**
     * What a query names on this chain: a block (by height or hash), a transaction, an account, a market task, a
     * synthetic result (by its task id).
     * Answers 200 with an empty list when nothing matches, so a browser's search logs no error.
     */
    private void search(Context ctx) {
        String q = ctx.queryParam("q") == null ? "" : ctx.queryParam("q").strip();
        if (q.isEmpty() || q.length() > MAX_SEARCH_CHARS) {
            throw ApiException.badRequest("q must be 1 to " + MAX_SEARCH_CHARS + " characters: a block height, a block"
                    + " or transaction hash, a cpc1... address or a task id");
        }
        ObjectNode o = Json.object();
        o.put("query", q);
        ArrayNode arr = o.putArray("results");
        String lower = q.toLowerCase(java.util.Locale.ROOT);
        if (q.matches("\\d{1,18}") && query.block(Long.parseLong(q)).isPresent()) {
            arr.addObject().put("kind", "block").put("id", q);
        }
        if (lower.length() == 64 && Hex.isHex(lower)) {
            query.blockByHash(lower).ifPresent(b -> arr.addObject().put("kind", "block")
                    .put("id", String.valueOf(b.header().height())));
            query.transaction(lower).ifPresent(t -> arr.addObject().put("kind", "tx").put("id", lower));
        }
        if (Address.isAccount(q)) arr.addObject().put("kind", "address").put("id", q);
        if (NodeServer.UUID.matcher(lower).matches()) {
            if (query.task(lower).isPresent()) arr.addObject().put("kind", "task").put("id", lower);
            else if (query.resultAudit(lower).isPresent()) arr.addObject().put("kind", "result").put("id", lower);
        }
        json(ctx, 200, o);
    }
}
