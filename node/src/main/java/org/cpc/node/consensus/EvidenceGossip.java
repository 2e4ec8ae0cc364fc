package org.cpc.node.consensus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.cpc.chain.Chain;
import org.cpc.consensus.DuplicateVoteEvidence;
import org.cpc.consensus.MessageCodec;
import org.cpc.consensus.MlDsaSignatures;
import org.cpc.consensus.ValidatorSet;
import org.cpc.consensus.Vote;
import org.cpc.p2p.Channel;
import org.cpc.p2p.Misbehaviour;
import org.cpc.p2p.PeerNetwork;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.types.Block;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spreads equivocation evidence to every node, so that whoever proposes next can put it in a block: a validator that
 * double-signs towards only some peers is slashed as soon as any proposer holds the proof, not only when one of the
 * nodes that saw both votes happens to propose. CometBFT's evidence reactor does the same.
 *
 * <p>On {@link Channel#CONSENSUS} as {@code {"type":"evidence","first":vote,"second":vote}} (the item a block's
 * {@code evidence} carries, with the type). Evidence is relayed once, when this node first keeps it; a node that
 * connects is sent the pending evidence. A node keeps only evidence whose two votes verify against the set of their
 * height, within {@code evidence_max_age_blocks} of its head; a peer that sends votes that do not verify is
 * penalized, one that sends evidence too old is not (it may be behind). Evidence of a height this node has not
 * reached (it is syncing) is held, bounded, and checked once the node gets there.
 */
public final class EvidenceGossip {
    private static final Logger LOG = LoggerFactory.getLogger(EvidenceGossip.class);
    static final String TYPE = "evidence";
    /** At most this many pending items go to a peer that connects (newest kept first by the proposer anyway). */
    static final int MAX_SENT_ON_CONNECT = 64;
    /**
     * Evidence of heights this node has not reached (it is syncing) is held, unverified, until it has: at most this
     * many items, the oldest dropped first, so a peer cannot fill memory with evidence of far heights.
     */
    static final int MAX_DEFERRED = 64;
    private static final Set<String> FIELDS = Set.of("type", "first", "second");

    /** What became of evidence a peer sent. */
    public enum Outcome {
        /** New and valid: kept and relayed. */
        KEPT,
        /** Already held. */
        KNOWN,
        /**
         * Older than evidence_max_age_blocks, or of a block this node does not keep (below its state-sync snapshot):
         * dropped, no blame.
         */
        TOO_OLD,
        /** Of a height whose set this node does not know yet (it is behind): held until it does. */
        DEFERRED,
        /** Its votes do not verify against the set of their height: dropped, the sender penalized. */
        INVALID
    }

    private final Chain chain;
    private final EvidenceStore store;
    private final PeerNetwork network;
    private final MessageCodec<Block> codec = new MessageCodec<>(BlockJson.CODEC);
    private record Deferred(String peerId, DuplicateVoteEvidence evidence) {}
    private final ArrayDeque<Deferred> deferred = new ArrayDeque<>();

    public EvidenceGossip(Chain chain, EvidenceStore store, PeerNetwork network) {
        this.chain = chain;
        this.store = store;
        this.network = network;
    }

    /** Whether a consensus-channel message is evidence (else it is a consensus message proper). */
    static boolean isEvidence(JsonNode node) {
        return TYPE.equals(node.path("type").textValue());
    }

    /**
     * Parses an evidence message.
     *
     * @throws IllegalArgumentException it is malformed (two votes that are not a conflict included)
     */
    DuplicateVoteEvidence parse(JsonNode node) {
        JsonFields f = JsonFields.of(node, "evidence", FIELDS);
        for (String which : List.of("first", "second")) {
            String t = f.raw(which).path("type").textValue();
            if (!"prevote".equals(t) && !"precommit".equals(t)) {
                throw new IllegalArgumentException("evidence." + which + " must be a prevote or a precommit");
            }
        }
        if (!(codec.fromJson(f.raw("first")) instanceof Vote first) || !(codec.fromJson(f.raw("second")) instanceof Vote second)) {
            throw new IllegalArgumentException("evidence.first and evidence.second must be votes");
        }
        return new DuplicateVoteEvidence(first, second);
    }

    /** Evidence this node's own consensus saw (against the set it voted with): kept and sent to every peer. */
    void recorded(DuplicateVoteEvidence e, ValidatorSet set) {
        if (!store.add(e, set)) return;
        LOG.warn("equivocation by {} at height {} round {}: evidence kept and sent to peers", e.validatorAddress(),
                e.height(), e.first().round());
        network.broadcast(Channel.CONSENSUS, encode(e));
    }

    /** Evidence from {@code peerId}: checked, kept and relayed to the other peers when new. */
    public Outcome received(String peerId, DuplicateVoteEvidence e) {
        if (store.contains(e)) return Outcome.KNOWN;
        long next = chain.head().header().height() + 1;
        if (next - e.height() > chain.params().staking().evidenceMaxAgeBlocks()) return Outcome.TOO_OLD;
        if (e.height() > next + 1) return defer(peerId, e);
        Optional<ValidatorSet> kept;
        try {
            kept = setOf(e.height(), next - 1);
        } catch (IllegalArgumentException notYet) {
            // Block sync moved the state past the head just read, or not yet to this height: not the peer's fault.
            return defer(peerId, e);
        }
        if (kept.isEmpty()) return Outcome.TOO_OLD;
        ValidatorSet set = kept.get();
        if (!e.verify(chain.params().chainId(), set, MlDsaSignatures.VERIFIER)) {
            network.penalize(peerId, Misbehaviour.INVALID, "evidence against " + e.validatorAddress() + " at height "
                    + e.height() + " whose votes do not verify against that height's set");
            return Outcome.INVALID;
        }
        if (!store.add(e, set)) return Outcome.KNOWN;
        LOG.warn("equivocation by {} at height {} round {}: evidence from peer {} kept and relayed",
                e.validatorAddress(), e.height(), e.first().round(), peerId);
        network.broadcastExcept(peerId, Channel.CONSENSUS, encode(e));
        return Outcome.KEPT;
    }

    /**
     * The set of {@code height}, at most {@code head} + 2. A committed height's is the one its header names, from the
     * chain's archive of sets: once the set has changed, the state keeps only the sets from the head - 1 on, and a
     * node that syncs fast (or hears of the evidence late) is past the change before it checks. Empty when the block
     * is not kept (below a state-sync snapshot).
     *
     * @throws IllegalArgumentException the state does not know the set of a height above the head yet
     */
    private Optional<ValidatorSet> setOf(long height, long head) {
        if (height > head) return Optional.of(chain.validatorSet(height));
        return chain.block(height).flatMap(b -> chain.validatorSetByHash(b.header().validatorsHash()));
    }

    private Outcome defer(String peerId, DuplicateVoteEvidence e) {
        synchronized (deferred) {
            if (deferred.size() == MAX_DEFERRED) deferred.removeFirst();
            deferred.addLast(new Deferred(peerId, e));
        }
        return Outcome.DEFERRED;
    }

    /** Checks the held evidence whose height this node has reached since (called as the chain moves). */
    void retryDeferred() {
        long next = chain.head().header().height() + 1;
        List<Deferred> due = new ArrayList<>();
        synchronized (deferred) {
            deferred.removeIf(d -> d.evidence().height() <= next + 1 && due.add(d));
        }
        for (Deferred d : due) {
            try {
                received(d.peerId(), d.evidence());
            } catch (RuntimeException e) {
                // One item that fails for a reason nobody foresaw must not take the others due with it.
                LOG.error("held evidence against {} at height {} from peer {} could not be checked; dropped",
                        d.evidence().validatorAddress(), d.evidence().height(), d.peerId(), e);
            }
        }
    }

    /** Sends a peer that just connected the evidence not yet too old to be included. */
    void peerConnected(String peerId) {
        long next = chain.head().header().height() + 1;
        long minHeight = Math.max(1, next - chain.params().staking().evidenceMaxAgeBlocks());
        for (JsonNode item : store.forBlock(minHeight, MAX_SENT_ON_CONNECT)) {
            ObjectNode o = ((ObjectNode) item).deepCopy();
            o.put("type", TYPE);
            network.send(peerId, Channel.CONSENSUS, o.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private byte[] encode(DuplicateVoteEvidence e) {
        ObjectNode o = Json.object();
        o.put("type", TYPE);
        o.set("first", codec.toJson(e.first()));
        o.set("second", codec.toJson(e.second()));
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }
}
