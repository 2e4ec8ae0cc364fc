package org.cpc.chain.staking;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.cpc.chain.state.StateKeys;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.params.StakingParams;

/**
 * Typed access to the staking key spaces of a {@link StakingLedger}. The validator index and the set schedule,
 * which change with many validators in one block, are decoded once and written back by {@link #flush}.
 */
public final class StakingState {
    static final String INDEX_ID = "validator_index", SETS_ID = "validator_sets", ISSUANCE_ID = "issuance";

    private final StakingLedger ledger;
    private final StakingParams params;
    /** Validators whose index entry must be recomputed at {@link #flush}, in address order. */
    private final TreeSet<String> dirty = new TreeSet<>();
    private ValidatorIndex index;
    private SetSchedule schedule;
    private boolean scheduleChanged;

    public StakingState(StakingLedger ledger, StakingParams params) {
        this.ledger = ledger;
        this.params = params;
    }

    public StakingLedger ledger() {
        return ledger;
    }

    public ValidatorRecord validator(String operator) {
        return ValidatorRecord.decode(ledger.get(StateKeys.STAKING_VALIDATOR, operator));
    }

    /** Writes a validator; its index entry (power, eligibility) is brought in step at {@link #flush}. */
    public void putValidator(ValidatorRecord v) {
        ledger.put(StateKeys.STAKING_VALIDATOR, v.operatorAddress(), v.encode());
        dirty.add(v.operatorAddress());
    }

    public ConsensusKey consensusKey(String consensusAddress) {
        return ConsensusKey.decode(ledger.get(StateKeys.CONSENSUS_KEY, consensusAddress));
    }

    void putConsensusKey(ConsensusKey k) {
        ledger.put(StateKeys.CONSENSUS_KEY, k.consensusAddress(), k.encode());
    }

    /** The id of an entry a validator has many of: {@code operator + "/" + key} (a delegator, a period, a seq). */
    static String perValidator(String operator, Object key) {
        return operator + "/" + key;
    }

    public Delegation delegation(String operator, String delegator) {
        return Delegation.decode(ledger.get(StateKeys.DELEGATION, perValidator(operator, delegator)));
    }

    void putDelegation(String operator, String delegator, Delegation d) {
        ledger.put(StateKeys.DELEGATION, perValidator(operator, delegator), d == null ? null : d.encode());
        if (operator.equals(delegator)) dirty.add(operator); // the self-bond decides eligibility
    }

    public RewardPeriod period(String operator, long period) {
        return RewardPeriod.decode(ledger.get(StateKeys.REWARD_PERIOD, perValidator(operator, period)));
    }

    void putPeriod(String operator, long period, RewardPeriod p) {
        ledger.put(StateKeys.REWARD_PERIOD, perValidator(operator, period), p == null ? null : p.encode());
    }

    public UnbondingEntry unbonding(String id) {
        return UnbondingEntry.decode(ledger.get(StateKeys.UNBONDING, id));
    }

    void putUnbonding(String id, UnbondingEntry e) {
        ledger.put(StateKeys.UNBONDING, id, e == null ? null : e.encode());
    }

    /** The ids of the unbonding entries that mature at {@code height}, in creation order. */
    List<String> maturing(long height) {
        byte[] v = ledger.get(StateKeys.UNBONDING_QUEUE, Long.toString(height));
        return v == null ? List.of() : StakerIndex.strings(Json.parse(v));
    }

    void putMaturing(long height, List<String> ids) {
        byte[] v = null;
        if (!ids.isEmpty()) {
            var a = Json.NODES.arrayNode();
            ids.forEach(a::add);
            v = Jcs.canonicalize(a);
        }
        ledger.put(StateKeys.UNBONDING_QUEUE, Long.toString(height), v);
    }

    public StakerIndex staker(String address) {
        return StakerIndex.decode(ledger.get(StateKeys.STAKER, address));
    }

    void putStaker(String address, StakerIndex s) {
        ledger.put(StateKeys.STAKER, address, s.isEmpty() ? null : s.encode());
    }

    Liveness liveness(String operator) {
        return Liveness.decode(ledger.get(StateKeys.LIVENESS, operator), params.signedBlocksWindow());
    }

    void putLiveness(String operator, Liveness l) {
        ledger.put(StateKeys.LIVENESS, operator, l == null ? null : l.encode());
    }

    public Issuance issuance() {
        return Issuance.decode(ledger.get(StateKeys.STAKING_GLOBAL, ISSUANCE_ID));
    }

    void putIssuance(Issuance i) {
        ledger.put(StateKeys.STAKING_GLOBAL, ISSUANCE_ID, i.encode());
    }

    /** Burns {@code wei} taken by a slash (staking's or a work bond's): total supply falls by it. */
    void burn(java.math.BigInteger wei) {
        Issuance i = issuance();
        putIssuance(new Issuance(i.genesis(), i.burned().add(wei)));
    }

    /** Every validator with its power and eligibility, as of the last {@link #flush}. */
    public ValidatorIndex index() {
        if (index == null) index = ValidatorIndex.decode(ledger.get(StateKeys.STAKING_GLOBAL, INDEX_ID));
        return index;
    }

    public SetSchedule schedule() {
        if (schedule == null) schedule = SetSchedule.decode(ledger.get(StateKeys.STAKING_GLOBAL, SETS_ID));
        return schedule;
    }

    void setSchedule(SetSchedule s) {
        if (s.equals(schedule())) return;
        schedule = s;
        scheduleChanged = true;
    }

    /** Brings the index in step with the validators written since the last flush and writes what changed. */
    public void flush() {
        if (!dirty.isEmpty()) {
            ValidatorIndex idx = index();
            boolean changed = false;
            for (String op : dirty) {
                ValidatorRecord v = validator(op);
                ValidatorIndex.Entry e = new ValidatorIndex.Entry(op, v.consensusAddress(), v.power(), eligible(v));
                if (!e.equals(idx.entries().get(op))) {
                    idx.entries().put(op, e);
                    changed = true;
                }
            }
            dirty.clear();
            if (changed) ledger.put(StateKeys.STAKING_GLOBAL, INDEX_ID, idx.encode());
        }
        if (scheduleChanged) {
            ledger.put(StateKeys.STAKING_GLOBAL, SETS_ID, schedule.encode());
            scheduleChanged = false;
        }
    }

    /** The operator's own bond in wei. */
    public java.math.BigInteger selfBond(ValidatorRecord v) {
        Delegation self = delegation(v.operatorAddress(), v.operatorAddress());
        return self == null ? java.math.BigInteger.ZERO : v.valueOf(self.shares());
    }

    /** May the validator be in the active set: not jailed or tombstoned, power ≥ 1, self-bond ≥ min_self_bond. */
    boolean eligible(ValidatorRecord v) {
        return !v.jailed() && !v.tombstoned() && v.power() >= 1 && selfBond(v).compareTo(params.minSelfBond()) >= 0;
    }

    /** The validators in index order (operator address); a list so callers cannot change the index. */
    public List<ValidatorIndex.Entry> indexEntries() {
        return new ArrayList<>(index().entries().values());
    }
}
