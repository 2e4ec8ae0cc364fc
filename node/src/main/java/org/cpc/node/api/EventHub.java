package org.cpc.node.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.cpc.chain.ChainListener;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans chain events out to SSE subscribers ({@code GET /events}): {@code block} for each committed block (its
 * header summary) and {@code tx} for each transaction admitted to the mempool. Each subscriber has a bounded queue
 * drained by its own virtual thread, so a slow reader never holds up the chain; one that falls
 * {@value #QUEUE_CAPACITY} events behind is disconnected. Idle streams get a comment line as a heartbeat, which
 * keeps proxies from closing them and lets the server notice a client that went away.
 */
public final class EventHub implements ChainListener {
    private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);
    static final int QUEUE_CAPACITY = 4096;

    private record Frame(String event, String data) {}

    private final class Subscriber {
        final SseClient client;
        final BlockingQueue<Frame> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        volatile boolean closed;

        Subscriber(SseClient client) {
            this.client = client;
        }

        void offer(Frame f) {
            if (!closed && !queue.offer(f)) {
                LOG.info("dropping a slow event subscriber ({} events behind)", QUEUE_CAPACITY);
                close();
            }
        }

        void pump() {
            try {
                while (!closed && !client.terminated()) {
                    Frame f = queue.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
                    if (f == null) client.sendComment("heartbeat");
                    else client.sendEvent(f.event(), f.data());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.debug("event subscriber went away: {}", e.toString());
            } finally {
                close();
            }
        }

        void close() {
            if (closed) return;
            closed = true;
            subscribers.remove(this);
            try {
                client.close();
            } catch (RuntimeException ignored) {
                // The connection is already gone; nothing else to release.
            }
        }
    }

    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final int maxSubscribers;
    private final Duration heartbeat;

    public EventHub(int maxSubscribers, Duration heartbeat) {
        this.maxSubscribers = maxSubscribers;
        this.heartbeat = heartbeat;
    }

    public boolean full() {
        return subscribers.size() >= maxSubscribers;
    }

    public int subscriberCount() {
        return subscribers.size();
    }

    /** Takes over an SSE connection; returns at once, the subscriber's own thread writes to it. */
    public void subscribe(SseClient client) {
        Subscriber s = new Subscriber(client);
        if (full()) {
            client.sendComment("too many subscribers (" + maxSubscribers + "); try again later");
            client.close();
            return;
        }
        client.keepAlive();
        client.onClose(s::close);
        subscribers.add(s);
        client.sendComment("connected");
        Thread.ofVirtual().name("sse-subscriber").start(s::pump);
    }

    public void closeAll() {
        for (Subscriber s : subscribers) s.close();
    }

    @Override
    public void onBlockCommitted(Block block) {
        if (subscribers.isEmpty()) return;
        ObjectNode o = block.header().toJson();
        o.put("hash", block.hashHex());
        o.put("tx_count", block.transactions().size());
        publish(new Frame("block", Jcs.canonicalString(o)));
    }

    @Override
    public void onTransactionAccepted(Transaction tx) {
        if (subscribers.isEmpty()) return;
        ObjectNode o = tx.toJson();
        o.put("tx_hash", tx.hashHex());
        publish(new Frame("tx", Jcs.canonicalString(o)));
    }

    private void publish(Frame f) {
        for (Subscriber s : subscribers) s.offer(f);
    }
}
