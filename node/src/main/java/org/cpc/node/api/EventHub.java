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
    /**
     * Streams one IP address may hold by default ({@code sse_max_streams_per_ip}), so that one client cannot take
     * every subscriber slot.
     */
    public static final int MAX_SUBSCRIBERS_PER_IP = 32;

    private record Frame(String event, String data) {}

    private final class Subscriber {
        final SseClient client;
        final String ip;
        final BlockingQueue<Frame> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        volatile boolean closed;

        Subscriber(SseClient client, String ip) {
            this.client = client;
            this.ip = ip;
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
            if (subscribers.remove(this)) release(ip);
            try {
                client.close();
            } catch (RuntimeException ignored) {
                // The connection is already gone; nothing else to release.
            }
        }
    }

    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    /** Streams per IP: reserved by {@link #reserve} before a stream's headers go out, released when it ends. */
    private final ConcurrentHashMap<String, Integer> perIp = new ConcurrentHashMap<>();
    private final int maxSubscribers;
    private final int maxPerIp;
    private final Duration heartbeat;

    /** With {@link #MAX_SUBSCRIBERS_PER_IP} streams per address. */
    public EventHub(int maxSubscribers, Duration heartbeat) {
        this(maxSubscribers, MAX_SUBSCRIBERS_PER_IP, heartbeat);
    }

    public EventHub(int maxSubscribers, int maxPerIp, Duration heartbeat) {
        if (maxSubscribers < 1 || maxPerIp < 1) throw new IllegalArgumentException("stream caps must be positive");
        this.maxSubscribers = maxSubscribers;
        this.maxPerIp = maxPerIp;
        this.heartbeat = heartbeat;
    }

    /** Streams one IP address may hold. */
    public int maxPerIp() {
        return maxPerIp;
    }

    public boolean full() {
        return subscribers.size() >= maxSubscribers;
    }

    public int subscriberCount() {
        return subscribers.size();
    }

    /**
     * Takes one of {@code ip}'s {@link #maxPerIp} stream slots; false if it holds them all. A reserved
     * slot goes to {@link #subscribe} or back through {@link #release}.
     */
    public boolean reserve(String ip) {
        boolean[] ok = {false};
        perIp.compute(ip, (k, n) -> {
            int held = n == null ? 0 : n;
            if (held >= maxPerIp) return n;
            ok[0] = true;
            return held + 1;
        });
        return ok[0];
    }

    public void release(String ip) {
        perIp.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Takes over an SSE connection with a slot {@link #reserve}d for {@code ip}; returns at once, the subscriber's own thread writes to it. */
    public void subscribe(SseClient client, String ip) {
        Subscriber s = new Subscriber(client, ip);
        if (full()) {
            release(ip);
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
    public void onTransactionAccepted(Transaction tx, String hashHex) {
        if (subscribers.isEmpty()) return;
        ObjectNode o = tx.toJson();
        o.put("tx_hash", hashHex);
        publish(new Frame("tx", Jcs.canonicalString(o)));
    }

    private void publish(Frame f) {
        for (Subscriber s : subscribers) s.offer(f);
    }
}
