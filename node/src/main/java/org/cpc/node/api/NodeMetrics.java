package org.cpc.node.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.cpc.chain.Chain;
import org.cpc.chain.ChainListener;
import org.cpc.node.consensus.ChainApplication;
import org.cpc.node.consensus.TendermintConsensus;
import org.cpc.node.net.NodeNetwork;
import org.cpc.p2p.Channel;
import org.cpc.protocol.types.Block;

/** The node's Prometheus metrics. Tag values come from small fixed sets, so series never multiply. */
public final class NodeMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter accepted;
    private final ConcurrentMap<String, Counter> rejected = new ConcurrentHashMap<>();
    private final Timer blockProduction;
    private final Counter blockTxs;
    private final Counter blocksPrepared;
    private final Timer blockInterval;
    private final Timer commitDelay;
    private final Counter committedTxs;
    /** Timestamp (ms) of the last block committed while this node ran; 0 before the first. */
    private final AtomicLong lastBlockMs = new AtomicLong();

    public NodeMetrics(Chain chain) {
        Gauge.builder("cpc_chain_height", chain, c -> c.head().header().height())
                .description("height of the last committed block").register(registry);
        Gauge.builder("cpc_mempool_size", chain, Chain::mempoolSize)
                .description("transactions waiting in the mempool").register(registry);
        accepted = Counter.builder("cpc_txs_accepted").description("transactions admitted to the mempool")
                .register(registry);
        blockProduction = Timer.builder("cpc_block_production")
                .description("time from proposal to durable commit of a block this node produced")
                .register(registry);
        blocksPrepared = Counter.builder("cpc_blocks_prepared")
                .description("blocks this node produced that it built in the commit pause (full ones)").register(registry);
        blockTxs = Counter.builder("cpc_block_txs").description("transactions in blocks this node produced")
                .register(registry);
        Gauge.builder("cpc_chain_head_timestamp_seconds", chain, c -> c.head().header().timestamp() / 1000.0)
                .description("the timestamp of the last committed block (unix seconds)").register(registry);
        blockInterval = Timer.builder("cpc_block_interval")
                .description("time between the timestamps of consecutive blocks committed here").register(registry);
        commitDelay = Timer.builder("cpc_block_commit_delay")
                .description("time from a block's timestamp to its durable commit on this node").register(registry);
        committedTxs = Counter.builder("cpc_committed_txs").description("transactions in blocks committed here")
                .register(registry);
        chain.subscribe(new ChainListener() {
            @Override
            public void onBlockCommitted(Block block) {
                blockCommitted(block);
            }
        });
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    private void blockCommitted(Block block) {
        long ts = block.header().timestamp();
        long prev = lastBlockMs.getAndSet(ts);
        if (prev > 0 && ts >= prev) blockInterval.record(Duration.ofMillis(ts - prev));
        commitDelay.record(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - ts)));
        committedTxs.increment(block.transactions().size());
    }

    /** Peers, sync progress, per-channel traffic in, and what was dropped for lack of queue room. */
    public void registerNetwork(NodeNetwork network, TendermintConsensus consensus) {
        Gauge.builder("cpc_p2p_peers", network, n -> n.connectedPeers().size())
                .description("connected P2P peers").register(registry);
        Gauge.builder("cpc_sync_best_peer_height", network, NodeNetwork::bestPeerHeight)
                .description("highest height a peer reported (our own head when none is higher)").register(registry);
        Gauge.builder("cpc_syncing", network, n -> n.syncing() ? 1 : 0)
                .description("1 while block sync is catching up").register(registry);
        FunctionCounter.builder("cpc_sync_blocks", network, NodeNetwork::syncedBlocks)
                .description("blocks committed by block sync").register(registry);
        Gauge.builder("cpc_sync_peers_used", network, n -> n.syncedByPeer().size())
                .description("peers whose blocks block sync has committed since start").register(registry);
        for (Channel c : Channel.values()) {
            String tag = c.name().toLowerCase(Locale.ROOT);
            FunctionCounter.builder("cpc_p2p_messages_in", network, n -> n.messagesIn(c)).tag("channel", tag)
                    .description("P2P messages received").register(registry);
            FunctionCounter.builder("cpc_p2p_bytes_in", network, n -> n.bytesIn(c)).tag("channel", tag)
                    .description("P2P payload bytes received").register(registry);
        }
        FunctionCounter.builder("cpc_tx_gossip_received", network, n -> n.gossip().received())
                .description("transactions received from peers").register(registry);
        FunctionCounter.builder("cpc_tx_gossip_admitted", network, n -> n.gossip().admitted())
                .description("transactions from peers admitted to the mempool (and relayed)").register(registry);
        FunctionCounter.builder("cpc_tx_gossip_dropped", network, n -> n.gossip().dropped())
                .description("transactions from peers dropped because the admission queue was full").register(registry);
        if (consensus != null) {
            FunctionCounter.builder("cpc_consensus_dropped_messages", consensus, TendermintConsensus::droppedMessages)
                    .description("consensus messages dropped because the consensus queue was full").register(registry);
            Gauge.builder("cpc_consensus_height", consensus, TendermintConsensus::height)
                    .description("the height consensus is deciding").register(registry);
            Gauge.builder("cpc_consensus_round", consensus, TendermintConsensus::round)
                    .description("the round consensus is in at that height (0 when the first proposal went through)")
                    .register(registry);
            FunctionCounter.builder("cpc_consensus_round_changes", consensus, TendermintConsensus::roundChanges)
                    .description("rounds after the first at a height: each is a proposal that did not commit")
                    .register(registry);
        }
    }

    public void txAccepted() {
        accepted.increment();
    }

    /** Counts a refused transaction under a reason class derived from the refusal message. */
    public void txRejected(String reason) {
        String cls = reasonClass(reason);
        rejected.computeIfAbsent(cls, c -> Counter.builder("cpc_txs_rejected").tag("reason", c)
                .description("transactions refused, by reason class").register(registry)).increment();
    }

    public void blockProduced(ChainApplication.Produced p) {
        blockProduction.record(Duration.ofNanos(p.nanos()));
        blockTxs.increment(p.block().transactions().size());
        if (p.prepared()) blocksPrepared.increment();
    }

    public void httpRequest(String method, String route, int status, long nanos) {
        Timer.builder("cpc_http_requests").tag("method", method).tag("route", route)
                .tag("status", Integer.toString(status)).register(registry).record(Duration.ofNanos(nanos));
    }

    public String scrape() {
        return registry.scrape();
    }

    static String reasonClass(String reason) {
        String r = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        if (r.startsWith("malformed") || r.contains("must be") || r.contains("unknown field")
                || r.contains("missing field")) return "malformed";
        if (r.contains("too large") || r.contains("bytes")) return "too_large";
        if (r.contains("chain_id") || r.contains("for chain")) return "chain_id";
        if (r.contains("signature") || r.contains("pub_key")) return "signature";
        if (r.contains("nonce")) return "nonce";
        if (r.contains("balance") || r.contains("insufficient") || r.contains("fund")) return "balance";
        if (r.contains("gas") || r.contains("fee")) return "gas";
        if (r.contains("mempool") || r.contains("duplicate") || r.contains("already")) return "mempool";
        return "other";
    }
}
