package org.cpc.chain.staking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.cpc.chain.state.StateKeys;
import org.cpc.consensus.Validator;
import org.cpc.consensus.ValidatorSet;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;

/**
 * The active sets as consensus sees them: each member's consensus address, ML-DSA-65 public key and power in set
 * order ({@link ValidatorSet}), and the proposer priorities of the next height, which are replicated state (key
 * space 0x11, id {@code "proposer_priorities"}): {@code {"height": h, "priorities": ["<decimal>", …]}} in the set
 * order of height h, written at genesis for height 1 and by every block H for H + 1
 * ({@link org.cpc.consensus.ProposerSelection}). Decimal strings, because a priority may exceed 2^53.
 */
public final class ConsensusSets {
    static final String PRIORITIES_ID = "proposer_priorities";
    private static final Set<String> FIELDS = Set.of("height", "priorities");

    private final StakingState s;

    public ConsensusSets(StakingState s) {
        this.s = s;
    }

    /** The set in effect at {@code height} with all priorities zero (enough to check votes and certificates). */
    public ValidatorSet at(long height) {
        return new ValidatorSet(members(height));
    }

    /** {@code validators_hash} of the set in effect at {@code height}. */
    public String hashAt(long height) {
        return ValidatorSet.hashHex(members(height));
    }

    /**
     * The set of {@code height} with its proposer priorities; only the next height's are kept, so {@code height}
     * must be the committed head + 1.
     */
    public ValidatorSet withPriorities(long height) {
        Stored p = stored();
        if (p == null || p.height() != height) {
            throw new IllegalStateException("proposer priorities are kept for height "
                    + (p == null ? "none" : p.height()) + ", not " + height);
        }
        return new ValidatorSet(members(height), p.priorities());
    }

    /**
     * The set of {@code height} as consensus and the API need it: with proposer priorities for the next height (the
     * committed head + 1, whose priorities the state keeps) and the one after it (its members were decided by the
     * head, its priorities follow from the next height's), without them for earlier heights (checking votes and
     * certificates needs none). The kept priorities are read once and decide what "next" is, so a block committed
     * on another thread meanwhile (block sync, consensus) cannot make the answer inconsistent.
     *
     * @throws IllegalArgumentException {@code height} is below 1 or beyond the next height + 1
     */
    public ValidatorSet forHeight(long height) {
        Stored p = stored();
        if (p == null) throw new IllegalStateException("no proposer priorities in state (a genesis writes them)");
        long next = p.height();
        if (height < 1 || height > next + 1) {
            throw new IllegalArgumentException("the validator set of height " + height + " is not known (the head is "
                    + (next - 1) + ")");
        }
        if (height < next) return at(height);
        ValidatorSet prioritized = new ValidatorSet(members(next), p.priorities());
        return height == next ? prioritized : prioritized.next(members(next + 1));
    }

    /** Consensus address → operator address of every member of the set in effect at {@code height}. */
    public java.util.Map<String, String> operators(long height) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (ActiveSet.Member m : s.schedule().at(height).members()) out.put(m.consensusAddress(), m.operatorAddress());
        return out;
    }

    /** After block {@code height}: the priorities of {@code height + 1}, carried from those of {@code height}. */
    void advance(long height) {
        ValidatorSet next = withPriorities(height).next(members(height + 1));
        store(height + 1, next.priorities());
    }

    /** At genesis: the set of height 1 starts with every priority zero. */
    void start() {
        store(1, new long[members(1).size()]);
    }

    private List<Validator> members(long height) {
        ActiveSet set = s.schedule().at(height);
        List<Validator> out = new ArrayList<>(set.members().size());
        for (ActiveSet.Member m : set.members()) {
            out.add(new Validator(m.consensusAddress(), s.consensusKey(m.consensusAddress()).publicKey(), m.power()));
        }
        if (out.isEmpty()) throw new IllegalStateException("no validator set in effect at height " + height);
        return out;
    }

    private record Stored(long height, long[] priorities) {}

    private Stored stored() {
        byte[] v = s.ledger().get(StateKeys.STAKING_GLOBAL, PRIORITIES_ID);
        if (v == null) return null;
        JsonFields f = JsonFields.of(Json.parse(v), "proposer priorities", FIELDS);
        JsonNode a = f.raw("priorities");
        long[] p = new long[a.size()];
        for (int i = 0; i < p.length; i++) p[i] = Long.parseLong(a.get(i).textValue());
        return new Stored(f.uint("height"), p);
    }

    private void store(long height, long[] priorities) {
        ObjectNode o = Json.object();
        o.put("height", height);
        ArrayNode a = o.putArray("priorities");
        for (long p : priorities) a.add(Long.toString(p));
        s.ledger().put(StateKeys.STAKING_GLOBAL, PRIORITIES_ID, Jcs.canonicalize(o));
    }
}
