package org.cpc.node.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Block sync's window: which ranges of heights are asked of which peer, and the answers held until they can be
 * committed in order. The scheduling part of {@link BlockSync}, without its I/O: the caller passes in peers' heights,
 * answers, the head and the time, and sends, penalizes and commits what it is told. Deterministic: peers are kept
 * in id order, no clock or randomness inside. Not thread-safe: one thread (the sync thread) owns it.
 *
 * <p>The policy (a node's own, not the protocol's): at most {@code maxRanges} ranges of at most {@code rangeBlocks}
 * consecutive heights are open at once, from just above the head, each asked or answered and waiting. A range is
 * asked of a peer whose reported heights (base to height) cover all of it and that has fewer than {@code perPeer} ranges asked, the
 * least loaded first, ties to the one asked least recently (round robin), then by id; a range whose answer failed
 * verification goes to another peer than the one that sent it, where another has it. No range is opened beyond the
 * first while the answers held reach {@code maxHeldBytes} (their size on the wire). A range unanswered for
 * {@code timeoutNanos} (from the ask, or from the peer's last answer if that came later) is asked elsewhere, and its
 * peer is not asked again for {@code restNanos} while another peer has what it would be asked.
 *
 * @param <B> a block as the caller holds it
 */
final class SyncWindow<B> {
    /** Ask {@code peer} for {@code from..to}. */
    record Ask(String peer, long from, long to) {}

    /** An answered range whose first block is the next to commit. */
    record Ready<B>(String peer, long from, List<B> blocks) {}

    /** What {@link #poll} says to do: ranges to ask, and asks that timed out (their peers rest). */
    record Actions(List<Ask> asks, List<Ask> timedOut) {}

    /** How an answer was taken; anything but {@code ACCEPTED} is the peer's fault. */
    enum Answer {
        ACCEPTED,
        /** Not an open range asked of this peer (or answered already). */
        NOT_ASKED,
        /** More blocks than the range holds. */
        TOO_MANY
    }

    private static final class Range {
        final long from;
        long to;
        String peer;
        long askedAt;
        List<?> blocks;
        long bytes;
        /** A peer whose answer for this range failed verification: asked again only when no other can be. */
        String failedBy;

        Range(long from, long to) {
            this.from = from;
            this.to = to;
        }
    }

    private static final class Peer {
        /** The lowest height it keeps (a pruned or state-synced peer has nothing below). */
        long base = 1;
        long height;
        /** When an answer of this peer last arrived (it may wait in the queue while we commit). */
        long heard;
        boolean everHeard;
        int asked;
        long lastAsk;
        long restUntil;
        boolean resting;
    }

    private final int maxRanges, perPeer, rangeBlocks;
    private final long maxHeldBytes, timeoutNanos, restNanos;
    private final TreeMap<Long, Range> open = new TreeMap<>();
    private final TreeMap<String, Peer> peers = new TreeMap<>();
    private long asks;
    private long held;

    SyncWindow(int maxRanges, int perPeer, int rangeBlocks, long maxHeldBytes, long timeoutNanos, long restNanos) {
        if (maxRanges < 1 || perPeer < 1 || rangeBlocks < 1 || maxHeldBytes < 1 || timeoutNanos < 1 || restNanos < 0) {
            throw new IllegalArgumentException("sync window limits must be positive");
        }
        this.maxRanges = maxRanges;
        this.perPeer = perPeer;
        this.rangeBlocks = rangeBlocks;
        this.maxHeldBytes = maxHeldBytes;
        this.timeoutNanos = timeoutNanos;
        this.restNanos = restNanos;
    }

    /**
     * A peer reported the heights it can serve, {@code base} to {@code height} (its latest report counts, also a
     * lower one).
     */
    void status(String peer, long base, long height) {
        Peer p = peers.computeIfAbsent(peer, id -> new Peer());
        p.base = base;
        p.height = height;
    }

    /**
     * An answer of {@code peer} arrived at {@code now} (stamped as it arrives, before it waits for the sync thread):
     * its asks time out only {@code timeoutNanos} after its last answer, so answers queued behind a long commit, or
     * a peer answering several asks in turn, do not count as silence.
     */
    void heard(String peer, long now) {
        Peer p = peers.get(peer);
        if (p == null) return;
        if (!p.everHeard || now - p.heard > 0) p.heard = now;
        p.everHeard = true;
    }

    /** A peer left or is no longer trusted: what it was asked goes to others; what it answered is kept. */
    void gone(String peer) {
        peers.remove(peer);
        for (Range r : open.values()) if (peer.equals(r.peer) && r.blocks == null) r.peer = null;
    }

    /** The highest height a peer reported; {@code floor} when none is higher. */
    long bestHeight(long floor) {
        long best = floor;
        for (Peer p : peers.values()) best = Math.max(best, p.height);
        return best;
    }

    /**
     * When peers are more than {@code lag} above {@code head} but none keeps block {@code head + 1} (every one of
     * them pruned it or joined by state sync after it), the lowest height they keep: block sync cannot go on from
     * these peers. Empty when some peer has the next block, or none is ahead.
     */
    OptionalLong unservable(long head, long lag) {
        long lowest = Long.MAX_VALUE;
        for (Peer p : peers.values()) {
            if (p.height <= head + lag) continue;
            if (p.base <= head + 1) return OptionalLong.empty();
            lowest = Math.min(lowest, p.base);
        }
        return lowest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(lowest);
    }

    /** Ranges open (asked, or answered and held). */
    int openRanges() {
        return open.size();
    }

    /** Wire bytes of the answers held. */
    long heldBytes() {
        return held;
    }

    /**
     * Times out unanswered asks, opens ranges while a peer is more than {@code lag} above {@code head}, and assigns
     * the unasked ones to peers.
     */
    Actions poll(long head, long lag, long now) {
        dropBelow(head);
        List<Ask> timedOut = new ArrayList<>();
        for (Range r : open.values()) {
            if (r.peer == null || r.blocks != null || now - r.askedAt < timeoutNanos) continue;
            Peer p = peers.get(r.peer);
            if (p != null && p.everHeard && p.heard - r.askedAt > 0 && now - p.heard < timeoutNanos) continue;
            timedOut.add(new Ask(r.peer, r.from, r.to));
            if (p != null) {
                p.asked--;
                p.resting = true;
                p.restUntil = now + restNanos;
            }
            r.peer = null;
        }
        long best = bestHeight(head);
        if (best > head + lag) {
            long next = open.isEmpty() ? head + 1 : Math.max(head, open.lastEntry().getValue().to) + 1;
            while (open.size() < maxRanges && next <= best && (open.isEmpty() || held < maxHeldBytes)) {
                long to = Math.min(best, next + rangeBlocks - 1);
                open.put(next, new Range(next, to));
                next = to + 1;
            }
        }
        List<Ask> asked = new ArrayList<>();
        for (Range r : new ArrayList<>(open.values())) {
            if (r.peer != null || r.blocks != null) continue;
            String peer = pick(r, now);
            if (peer == null) continue;
            Peer p = peers.get(peer);
            p.asked++;
            p.lastAsk = ++asks;
            r.peer = peer;
            r.askedAt = now;
            asked.add(new Ask(peer, r.from, r.to));
        }
        return new Actions(asked, timedOut);
    }

    /**
     * The least loaded peer free to take {@code r} whose height covers it; when none covers all of it, {@code r} is
     * cut to the highest height a free peer has (the rest opened as a range of its own), or left unasked. A resting
     * peer is asked only when no peer that is not resting has the range.
     */
    private String pick(Range r, long now) {
        boolean othersHaveIt = false;
        for (Peer p : peers.values()) if (!resting(p, now) && p.base <= r.from && p.height >= r.to) othersHaveIt = true;
        String best = null;
        Peer bp = null;
        long reach = r.from - 1;
        for (Map.Entry<String, Peer> e : peers.entrySet()) {
            Peer p = e.getValue();
            if (othersHaveIt && resting(p, now)) continue;
            if (p.asked >= perPeer || p.height < r.from || p.base > r.from) continue;
            reach = Math.max(reach, p.height);
            if (p.height < r.to) continue;
            if (bp == null || better(e.getKey(), p, best, bp, r.failedBy)) {
                best = e.getKey();
                bp = p;
            }
        }
        if (best != null || reach < r.from) return best;
        open.put(reach + 1, new Range(reach + 1, r.to));
        r.to = reach;
        return pick(r, now);
    }

    private static boolean resting(Peer p, long now) {
        if (p.resting && now - p.restUntil >= 0) p.resting = false;
        return p.resting;
    }

    /** Whether peer {@code a} is to be asked before {@code b}: one that failed the range last, the more loaded, the more recently asked. */
    private static boolean better(String a, Peer pa, String b, Peer pb, String failedBy) {
        boolean aFailed = a.equals(failedBy), bFailed = b.equals(failedBy);
        if (aFailed != bFailed) return bFailed;
        return pa.asked < pb.asked || (pa.asked == pb.asked && pa.lastAsk < pb.lastAsk);
    }

    /**
     * {@code peer}'s answer of {@code count} consecutive blocks from {@code from} ({@code count} 0: it has none of
     * what it was asked first, and its height is taken to be below that).
     */
    Answer answer(String peer, long from, List<B> blocks, long bytes) {
        if (blocks.isEmpty()) {
            for (Range r : open.values()) {
                if (peer.equals(r.peer) && r.blocks == null) {
                    unask(r);
                    Peer p = peers.get(peer);
                    if (p != null) p.height = Math.min(p.height, r.from - 1);
                    return Answer.ACCEPTED;
                }
            }
            return Answer.NOT_ASKED;
        }
        Range r = open.get(from);
        if (r == null || !peer.equals(r.peer) || r.blocks != null) return Answer.NOT_ASKED;
        if (blocks.size() > r.to - r.from + 1) {
            gone(peer);
            return Answer.TOO_MANY;
        }
        unask(r);
        r.peer = peer;
        long last = from + blocks.size() - 1;
        if (last < r.to) open.put(last + 1, new Range(last + 1, r.to)); // a short answer: the rest is asked again
        r.to = last;
        r.blocks = List.copyOf(blocks);
        r.bytes = bytes;
        held += bytes;
        return Answer.ACCEPTED;
    }

    /** The answered range holding the block above {@code head}, taken out of the window; empty while it is awaited. */
    @SuppressWarnings("unchecked")
    Optional<Ready<B>> take(long head) {
        dropBelow(head);
        Map.Entry<Long, Range> first = open.firstEntry();
        if (first == null || first.getKey() > head + 1 || first.getValue().blocks == null) return Optional.empty();
        Range r = open.pollFirstEntry().getValue();
        held -= r.bytes;
        return Optional.of(new Ready<>(r.peer, r.from, (List<B>) r.blocks));
    }

    /**
     * Opens {@code from..to} again (part of a taken range that could not be committed), to be asked anew; of another
     * peer than {@code failedBy} (null: none failed) where one has it.
     */
    void reopen(long from, long to, String failedBy) {
        if (from > to || open.containsKey(from)) return;
        Range r = new Range(from, to);
        r.failedBy = failedBy;
        open.put(from, r);
    }

    /** Forgets ranges wholly at or below {@code head} (committed, by consensus or by sync). */
    private void dropBelow(long head) {
        while (!open.isEmpty() && open.firstEntry().getValue().to <= head) {
            Range r = open.pollFirstEntry().getValue();
            if (r.blocks != null) held -= r.bytes;
            else unask(r);
        }
    }

    private void unask(Range r) {
        if (r.peer == null) return;
        Peer p = peers.get(r.peer);
        if (p != null) p.asked--;
        r.peer = null;
    }
}
