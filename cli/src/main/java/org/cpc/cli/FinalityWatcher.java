package org.cpc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cpc.client.NodeClient;

/**
 * Reads node0's blocks in order as soon as each is served (polling every 5 ms) and, for each transaction the
 * bench submitted, keeps the time from its submission to then: the submit-to-final latency, since a block is
 * served only once committed with its certificate. A transaction is known by sender and nonce, which identify
 * it on the chain without hashing it again.
 */
final class FinalityWatcher implements Runnable {
    private final NodeClient node;
    private final Map<String, Long> submitted;
    private final List<Long> latencies = new ArrayList<>();
    private volatile long next;
    private volatile boolean stopped;

    FinalityWatcher(NodeClient node, long from, Map<String, Long> submitted) {
        this.node = node;
        this.next = from;
        this.submitted = submitted;
    }

    static String key(String from, long nonce) {
        return from + "/" + nonce;
    }

    @Override
    public void run() {
        while (!stopped) {
            NodeClient.Reply r = node.get("/block/" + next);
            if (r.status() == 404) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            long seen = System.nanoTime();
            JsonNode b = NodeClient.require(r);
            synchronized (latencies) {
                for (JsonNode tx : b.path("transactions")) {
                    Long at = submitted.remove(key(tx.path("from_address").asText(), tx.path("nonce").asLong()));
                    if (at != null) latencies.add((seen - at) / 1_000_000);
                }
            }
            next++;
        }
    }

    /** Ends the loop after the request in flight, if any (an interrupt would surface as a failed request). */
    void stop() {
        stopped = true;
    }

    void awaitHeight(long height) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (next <= height && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    long[] latenciesMs() {
        synchronized (latencies) {
            return latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        }
    }
}
