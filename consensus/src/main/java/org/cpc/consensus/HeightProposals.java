package org.cpc.consensus;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The proposals of one height, by round, and the blocks they carry, by hash (what a vote or a +2/3 precommit names
 * is looked up here). The first proposal of a round is the one kept. Against a Byzantine proposer that signs
 * proposals for endless future rounds of its own, beyond {@code current + 1} each proposer keeps at most one proposal
 * (its highest), as {@link HeightVotes} does for votes. A replaced far proposal's block goes with it (unless a
 * kept round proposes the same block): otherwise a proposer signing rising far rounds would make this height hold
 * one of its blocks per round it proposes, up to {@link Rounds#MAX} / n. So at any time the blocks held are those of
 * the rounds up to {@code current + 1} that have a proposal and one far proposal per proposer. Signatures are
 * checked by the caller before anything is added.
 */
final class HeightProposals<B> {
    private final TreeMap<Integer, Proposal<B>> byRound = new TreeMap<>();
    private final Map<Integer, String> hashByRound = new HashMap<>();
    private final Map<String, B> blocksByHash = new HashMap<>();
    /** Each proposer's far proposal: the round of the last one added beyond the then current round + 1. */
    private final Map<String, Integer> farRound = new HashMap<>();

    boolean has(int round) {
        return byRound.containsKey(round);
    }

    /** The proposal kept for {@code round}, or null. */
    Proposal<B> get(int round) {
        return byRound.get(round);
    }

    /** The block hash of the proposal kept for {@code round}, or null. */
    String hash(int round) {
        return hashByRound.get(round);
    }

    /** A block proposed at this height, by its hash, or null. */
    B block(String hash) {
        return blocksByHash.get(hash);
    }

    boolean hasBlock(String hash) {
        return blocksByHash.containsKey(hash);
    }

    int size() {
        return byRound.size();
    }

    /** How many blocks are held (for tests of the bound). */
    int blocks() {
        return blocksByHash.size();
    }

    /**
     * Whether {@code proposer}'s proposal for far round {@code round} (beyond {@code currentRound + 1}) is dropped
     * because the proposer's far proposal kept is of a higher round; answered before its signature is checked.
     */
    boolean belowKeptFar(String proposer, int round, int currentRound) {
        Integer far = farRound.get(proposer);
        return round > currentRound + 1 && far != null && far > currentRound + 1 && far > round;
    }

    /**
     * Adds a received proposal for a round that has none, its signature by {@code proposer} checked. A far one
     * (beyond {@code currentRound + 1}) replaces the proposer's far proposal kept so far.
     */
    void addReceived(Proposal<B> p, String hash, String proposer, int currentRound) {
        if (p.round() > currentRound + 1) {
            Integer far = farRound.get(proposer);
            if (far != null && far > currentRound + 1 && byRound.containsKey(far)) {
                byRound.remove(far);
                String dropped = hashByRound.remove(far);
                // A look-up over the kept rounds (at most current + 2 plus one per proposer), not an iteration whose
                // order could matter.
                if (!hashByRound.containsValue(dropped)) blocksByHash.remove(dropped);
            }
            farRound.put(proposer, p.round());
        }
        addOwn(p, hash);
    }

    /** Adds (or replaces) the proposal of {@code p.round()}; this validator's own proposals come here directly. */
    void addOwn(Proposal<B> p, String hash) {
        byRound.put(p.round(), p);
        hashByRound.put(p.round(), hash);
        blocksByHash.putIfAbsent(hash, p.block());
    }
}
