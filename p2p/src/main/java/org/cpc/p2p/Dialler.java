package org.cpc.p2p;

import static org.cpc.p2p.TcpPeerNetwork.closeQuietly;
import static org.cpc.p2p.TcpPeerNetwork.nowMs;

import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outbound connections and the peer exchange that finds them. Each static peer has a thread that dials it at start
 * and whenever its connection is lost, with backoff, until close. The rest of max_outbound is filled by the timer
 * from the address book, which peer exchange feeds: a new peer is asked for addresses at once, and every peer again
 * each PEX interval while outbound slots are free; a request is answered with the listen addresses of the peers
 * {@link TcpPeerNetwork#peers()} lists.
 *
 * <p>What dialling has learnt stays here: this node's own addresses (never dialled) and the node found at each
 * static address (a static peer connected the other way round is not dialled again while that lasts).
 */
final class Dialler {
    private static final int ADDRESS_BOOK_CAPACITY = 1000;
    /** How often the timer fills free outbound slots from the address book. */
    static final long LEARNT_DIAL_INTERVAL_MS = 500;
    /** The network's logger, not this class's: operators and tests follow the p2p lines under one name. */
    private static final Logger log = LoggerFactory.getLogger(TcpPeerNetwork.class);

    private final TcpPeerNetwork net;
    private final AddressBook addressBook = new AddressBook(ADDRESS_BOOK_CAPACITY);
    private final Set<PeerAddress> staticAddresses;
    private final Set<PeerAddress> selfAddresses = ConcurrentHashMap.newKeySet();
    /** The node id found at each dialled address, so a static peer connected the other way is not re-dialled. */
    private final Map<PeerAddress, String> idsByAddress = new ConcurrentHashMap<>();
    private final Set<PeerAddress> dialling = ConcurrentHashMap.newKeySet();

    Dialler(TcpPeerNetwork net) {
        this.net = net;
        this.staticAddresses = net.config.staticPeers().stream().map(PeerAddress::of)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Starts each static peer's dialler thread (from {@link TcpPeerNetwork#start}). */
    void dialStaticPeers() {
        for (PeerAddress address : staticAddresses) net.spawn("p2p-static-" + address, () -> dialForever(address));
    }

    /** An address of this node (the advertised one, or one that answered with our own id): never dialled. */
    void addSelf(PeerAddress address) {
        selfAddresses.add(address);
        addressBook.remove(address);
    }

    /** The node {@code id} answered at {@code dialled} (null for an inbound connection); kept for static peers. */
    void found(PeerAddress dialled, String id) {
        if (dialled != null && staticAddresses.contains(dialled)) idsByAddress.put(dialled, id);
    }

    /** A static peer: dialled at start and whenever its connection is lost, with backoff, until close. */
    private void dialForever(PeerAddress address) {
        int failures = 0;
        try {
            while (net.running) {
                if (selfAddresses.contains(address)) {
                    log.warn("[{}] static peer {} is this node; not dialling it", net.tag, address);
                    return;
                }
                String id = idsByAddress.get(address);
                if (id != null && net.peers.containsKey(id)) {
                    // Connected the other way round (it dialled us); check again shortly.
                    Thread.sleep(Backoff.BASE_MS);
                    continue;
                }
                boolean established = dial(address);
                failures = established ? 0 : failures + 1;
                if (failures == 1) {
                    log.info("[{}] static peer {} not connected; re-dialling with backoff up to {} ms", net.tag,
                            address, Backoff.CAP_MS);
                }
                Thread.sleep(Backoff.delayMs(failures));
            }
        } catch (InterruptedException e) {
            // close() interrupts the diallers; nothing to clean up.
        }
    }

    /** Fills free outbound slots from the address book (timer thread). */
    void dialLearnt() {
        if (!net.running) return;
        long slots = net.config.maxOutbound() - net.connections.stream().filter(p -> p.outbound).count()
                - dialling.size();
        if (slots <= 0) return;
        Set<PeerAddress> connected = ConcurrentHashMap.newKeySet();
        for (Peer p : net.connections) {
            if (p.listen != null) connected.add(p.listen);
            if (p.dialled != null) connected.add(p.dialled);
        }
        connected.addAll(staticAddresses);
        for (PeerAddress a : addressBook.due(nowMs())) {
            if (slots <= 0) break;
            if (selfAddresses.contains(a) || connected.contains(a) || !dialling.add(a)) continue;
            slots--;
            boolean started = net.spawn("p2p-dial-" + a, () -> {
                if (dial(a)) {
                    addressBook.succeeded(a, nowMs());
                } else {
                    addressBook.failed(a, nowMs());
                }
            });
            if (!started) dialling.remove(a);
        }
    }

    /** Dials once and serves the connection until it ends; true if it got past the handshake. */
    private boolean dial(PeerAddress address) {
        Socket s = new Socket();
        try {
            s.connect(address.resolve(), (int) Math.min(Integer.MAX_VALUE, net.config.handshakeTimeoutMs()));
        } catch (IOException | IllegalArgumentException e) {
            log.debug("[{}] cannot connect to {}: {}", net.tag, address, e.getMessage());
            closeQuietly(s);
            return false;
        } finally {
            dialling.remove(address);
        }
        Peer p;
        try {
            p = new Peer(s, true, address, net.config);
        } catch (IOException e) {
            closeQuietly(s);
            return false;
        }
        net.connections.add(p);
        // Checked after adding: close() either sees this connection or we see that it ran.
        if (!net.running) {
            net.lifecycle.disconnect(p, "shutting down");
            return false;
        }
        return net.lifecycle.serve(p);
    }

    /** A PEX message from a registered peer (its reader thread). */
    void onPex(Peer p, PexMessage m) {
        switch (m) {
            case PexMessage.Request r -> {
                List<PeerAddress> known = net.peers().stream()
                        .filter(i -> !i.id().equals(p.id) && i.listen() != null)
                        .limit(PexMessage.MAX_ADDRESSES)
                        .map(i -> new PeerAddress(i.listen().getHostString(), i.listen().getPort()))
                        .toList();
                net.enqueue(p, Frame.encode(Channel.PEX.wire(), new PexMessage.Addresses(known).encode()));
            }
            case PexMessage.Addresses a -> {
                int added = 0;
                for (PeerAddress address : a.addresses()) {
                    if (!selfAddresses.contains(address)) {
                        addressBook.add(address);
                        added++;
                    }
                }
                log.debug("[{}] {} address(es) from {}", net.tag, added, p.id);
                if (added > 0 && net.running) {
                    try {
                        net.timer.execute(this::dialLearnt);
                    } catch (RejectedExecutionException e) {
                        // Closing.
                    }
                }
            }
        }
    }

    /** Asks every peer for addresses while outbound slots are free (timer thread). */
    void requestAddresses() {
        if (net.connections.stream().filter(p -> p.outbound).count() >= net.config.maxOutbound()) return;
        byte[] request = Frame.encode(Channel.PEX.wire(), new PexMessage.Request().encode());
        for (Peer p : net.peers.values()) net.enqueue(p, request);
    }
}
