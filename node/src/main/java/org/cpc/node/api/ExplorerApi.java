package org.cpc.node.api;

import static org.cpc.http.JsonHttp.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
    /** {@code GET /stats} looks at the blocks of the last this many block intervals. */
    static final int STATS_WINDOW = 100;
    /** {@code GET /stats} lists at most this many active workers (those with most results first). */
    static final int MAX_ACTIVE_WORKERS = 100;

    /** Longest search query; everything it looks for is shorter. */
    static final int MAX_SEARCH_CHARS = 100;

    /** "H" or "H:I": before block H, or before the transaction at index I of block H. */
    private static final Pattern POSITION = Pattern.compile("(\\d{1,18})(?::(\\d{1,9}))?");

    private final ChainQuery query;
    /**
     * What {@code /stats} needs of each block in its window, by height. Committed blocks never change (BFT: no
     * reorgs), so each is read once; heights that leave the window are dropped.
     */
    private final Map<Long, BlockStat> stats = new ConcurrentHashMap<>();

    private record BlockStat(long timestamp, int txs, List<String> workers) {
        static BlockStat of(Block b) {
            List<String> workers = new ArrayList<>();
            for (Transaction tx : b.transactions()) {
                if (tx.txType() == TxType.SUBMIT_RESULT) workers.add(tx.payload().path("worker_address").asText());
            }
            return new BlockStat(b.header().timestamp(), b.transactions().size(), List.copyOf(workers));
        }
    }

    public ExplorerApi(ChainQuery query) {
        this.query = query;
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
        json(ctx, 200, NodeServer.withCommit(query, b));
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

    /** Rolling figures over the last {@link #STATS_WINDOW} block intervals; docs/api.md defines each. */
    private void stats(Context ctx) {
        long head = query.head().header().height();
        long first = Math.max(0, head - STATS_WINDOW);
        stats.keySet().removeIf(h -> h < first);
        long txs = 0;
        long results = 0;
        Map<String, Integer> byWorker = new HashMap<>();
        BlockStat oldest = stat(first);
        BlockStat newest = stat(head);
        // Transactions and results of the blocks after the first: those made in the window's time span.
        for (long h = first + 1; h <= head; h++) {
            BlockStat s = stat(h);
            txs += s.txs();
            results += s.workers().size();
            for (String w : s.workers()) byWorker.merge(w, 1, Integer::sum);
        }
        long intervals = head - first;
        long spanMs = newest.timestamp() - oldest.timestamp();
        ObjectNode o = Json.object();
        o.put("height", head);
        o.put("window_blocks", intervals);
        o.put("window_ms", spanMs);
        if (intervals == 0) {
            o.putNull("block_time_ms");
            o.putNull("tx_per_s");
        } else {
            o.put("block_time_ms", ratio(spanMs, intervals));
            o.put("tx_per_s", spanMs == 0 ? null : ratio(txs * 1000, spanMs));
        }
        o.put("txs_per_block", intervals == 0 ? BigDecimal.ZERO : ratio(txs, intervals));
        o.put("results_per_block", intervals == 0 ? BigDecimal.ZERO : ratio(results, intervals));
        o.put("workers_active", byWorker.size());
        ArrayNode workers = o.putArray("active_workers");
        byWorker.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(MAX_ACTIVE_WORKERS)
                .forEach(e -> workers.addObject().put("address", e.getKey()).put("results", e.getValue()));
        o.put("validators", query.validators().size());
        o.put("tasks_open", query.openTaskCount());
        o.put("mempool_size", query.mempoolSize());
        json(ctx, 200, o);
    }

    /**
     * What a query names on this chain: a block (by height or hash), a transaction, an account, a market task.
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
        if (NodeServer.UUID.matcher(lower).matches() && query.task(lower).isPresent()) {
            arr.addObject().put("kind", "task").put("id", lower);
        }
        json(ctx, 200, o);
    }

    private BlockStat stat(long height) {
        return stats.computeIfAbsent(height, h -> BlockStat.of(query.block(h).orElseThrow()));
    }

    private static BigDecimal ratio(long a, long b) {
        return BigDecimal.valueOf(a).divide(BigDecimal.valueOf(b), 2, RoundingMode.HALF_EVEN);
    }

    private static int intParam(Context ctx, String name, int dflt, int min, int max) {
        String raw = ctx.queryParam(name);
        if (raw == null) return dflt;
        int v;
        try {
            v = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            v = min - 1;
        }
        if (v < min || v > max) {
            throw ApiException.badRequest(name + " must be an integer from " + min + " to " + max + ", not '" + raw + "'");
        }
        return v;
    }
}
