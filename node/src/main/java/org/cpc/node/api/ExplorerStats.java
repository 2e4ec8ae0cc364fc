package org.cpc.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.cpc.chain.exec.ResultPayment;
import org.cpc.chain.query.ChainQuery;
import org.cpc.chain.query.ResultReward;
import org.cpc.compute.market.ChallengeType;
import org.cpc.consensus.ValidatorSet;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.types.Block;

/**
 * The rolling figures of {@code GET /stats} over the head and the {@link #WINDOW} blocks before it; docs/api.md
 * defines each. Everything is computed from committed blocks, their commit certificates and the validator set, in
 * exact integer (and decimal) arithmetic, so every node with the same chain answers the same, except
 * {@code mempool_size}.
 */
final class ExplorerStats {
    /** {@code GET /stats} looks at the blocks of the last this many block intervals. */
    static final int WINDOW = 100;
    /** {@code GET /stats} lists at most this many active workers (those with most results first). */
    static final int MAX_ACTIVE_WORKERS = 100;

    private final ChainQuery query;
    /**
     * What the figures need of each block in the window, by height. Committed blocks never change (BFT: no reorgs),
     * so each is read once; heights that leave the window are dropped.
     */
    private final Map<Long, BlockStat> blocks = new ConcurrentHashMap<>();

    /**
     * @param round the consensus round the block was proposed and committed in (0: its first proposal)
     * @param workers the worker_address of each accepted SUBMIT_RESULT, in block order
     * @param ops the integer operations its accepted results stand for: 2 × the multiply-accumulates of each
     */
    private record BlockStat(long timestamp, long round, int txs, List<String> workers, long ops) {}

    /** A market task's challenge type and payload: what the work of each of its jobs follows from. */
    private record MarketWork(ChallengeType type, JsonNode payload) {}

    ExplorerStats(ChainQuery query) {
        this.query = query;
    }

    ObjectNode json() {
        long head = query.head().header().height();
        long first = Math.max(0, head - WINDOW);
        blocks.keySet().removeIf(h -> h < first);
        long txs = 0;
        long results = 0;
        BigInteger ops = BigInteger.ZERO;
        Map<String, Integer> byWorker = new HashMap<>();
        long blockMs = query.params().blockTimeMs();
        long[] finality = new long[(int) (head - first)];
        int finalitySamples = 0;
        BlockStat previous = stat(first);
        // What the blocks after the first carry: made in the window's time span.
        for (long h = first + 1; h <= head; h++) {
            BlockStat s = stat(h);
            txs += s.txs();
            results += s.workers().size();
            ops = ops.add(BigInteger.valueOf(s.ops()));
            for (String w : s.workers()) byWorker.merge(w, 1, Integer::sum);
            // Block h was proposed block_time_ms (the commit timeout) after its proposer committed block h - 1, when
            // it went through in its first round; genesis was never proposed.
            if (h - 1 > 0 && s.round() == 0) {
                finality[finalitySamples++] = Math.max(0, s.timestamp() - previous.timestamp() - blockMs);
            }
            previous = s;
        }
        long intervals = head - first;
        long spanMs = stat(head).timestamp() - stat(first).timestamp();
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
        o.put("finality_ms", median(Arrays.copyOf(finality, finalitySamples)));
        o.put("finality_samples", finalitySamples);
        o.put("compute_ops", ops);
        o.put("gops", spanMs == 0 ? null
                : new BigDecimal(ops).divide(BigDecimal.valueOf(spanMs).multiply(BigDecimal.valueOf(1_000_000)), 2,
                        RoundingMode.HALF_EVEN));
        o.put("workers_active", byWorker.size());
        ArrayNode workers = o.putArray("active_workers");
        byWorker.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(MAX_ACTIVE_WORKERS)
                .forEach(e -> workers.addObject().put("address", e.getKey()).put("results", e.getValue()));
        putValidatorsUp(o, head);
        o.put("tasks_open", query.openTaskCount());
        o.put("mempool_size", query.mempoolSize());
        return o;
    }

    /**
     * {@code validators} (the set that signs block {@code head}), {@code commit_round}, {@code validators_up} (the
     * members whose precommit is in the head's commit certificate) and {@code validators_up_power_bps} (their share
     * of the set's power, floor); the last three are null when the head has no certificate (genesis).
     */
    private void putValidatorsUp(ObjectNode o, long head) {
        ValidatorSet set = query.validatorSet(Math.max(1, head));
        o.put("validators", set.size());
        JsonNode commit = query.commitOf(head).orElse(null);
        if (commit == null) {
            o.putNull("commit_round");
            o.putNull("validators_up");
            o.putNull("validators_up_power_bps");
            return;
        }
        int up = 0;
        long power = 0;
        for (JsonNode sig : commit.path("signatures")) {
            int i = set.indexOf(sig.path("validator_address").asText());
            if (i < 0) continue; // a stored certificate verified against this set; nothing else can be in it
            up++;
            power += set.get(i).power();
        }
        o.put("commit_round", commit.path("round").asLong());
        o.put("validators_up", up);
        o.put("validators_up_power_bps", set.totalPower() == 0 ? 0 : Math.floorDiv(power * 10_000, set.totalPower()));
    }

    private BlockStat stat(long height) {
        return blocks.computeIfAbsent(height, this::read);
    }

    private BlockStat read(long height) {
        Block b = query.block(height).orElseThrow();
        List<String> workers = new ArrayList<>();
        long macs = 0;
        int n = query.params().syntheticMatrixSize();
        Map<String, MarketWork> tasks = new HashMap<>(); // a block often carries many jobs of one task
        for (ResultReward r : query.blockResults(height).orElseThrow()) {
            workers.add(r.result().workerAddress());
            if (r.kind() == ResultPayment.Kind.SYNTHETIC) {
                macs = Math.addExact(macs, (long) n * n * n);
            } else {
                MarketWork task = tasks.computeIfAbsent(r.result().taskId(), id -> {
                    var v = query.task(id).orElseThrow();
                    return new MarketWork(ChallengeType.require(v.task().challengeType()), v.payload());
                });
                macs = Math.addExact(macs, task.type().jobMacs(task.payload(), Math.toIntExact(r.result().nonce())));
            }
        }
        return new BlockStat(b.header().timestamp(), b.header().round(), b.transactions().size(), List.copyOf(workers),
                Math.multiplyExact(2, macs));
    }

    /** The middle sample, or the mean of the two middle ones; null for none. */
    private static BigDecimal median(long[] samples) {
        if (samples.length == 0) return null;
        Arrays.sort(samples);
        int mid = samples.length / 2;
        return samples.length % 2 == 1 ? BigDecimal.valueOf(samples[mid]).setScale(2)
                : ratio(samples[mid - 1] + samples[mid], 2);
    }

    static BigDecimal ratio(long a, long b) {
        return BigDecimal.valueOf(a).divide(BigDecimal.valueOf(b), 2, RoundingMode.HALF_EVEN);
    }
}
