package org.cpc.chain.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.cpc.chain.exec.StateReader;
import org.cpc.chain.exec.WorldState;
import org.cpc.chain.staking.ActiveSet;
import org.cpc.chain.staking.Delegation;
import org.cpc.chain.staking.Staking;
import org.cpc.chain.staking.StakingState;
import org.cpc.chain.staking.UnbondingEntry;
import org.cpc.chain.staking.ValidatorIndex;
import org.cpc.chain.staking.ValidatorRecord;
import org.cpc.protocol.params.NetworkParams;

/** The staking answers of {@link ChainQuery}, read from committed state at a height; writes nothing. */
public final class StakingReads {
    private final Staking staking;
    private final StakingState state;
    private final long height;

    /** @param height the committed height the state is after */
    public StakingReads(NetworkParams params, StateReader committed, String treasury, long height) {
        this.staking = new Staking(params.staking(), new WorldState(committed), treasury);
        this.state = staking.state();
        this.height = height;
    }

    /** Every validator, in operator address order. */
    public List<ValidatorView> validators() {
        List<ValidatorView> out = new ArrayList<>();
        for (ValidatorIndex.Entry e : state.indexEntries()) out.add(view(state.validator(e.operatorAddress())));
        return out;
    }

    public Optional<ValidatorView> validator(String operator) {
        ValidatorRecord v = state.validator(operator);
        return v == null ? Optional.empty() : Optional.of(view(v));
    }

    private ValidatorView view(ValidatorRecord v) {
        ActiveSet next = state.schedule().at(height + 1);
        String status = v.tombstoned() ? "tombstoned" : v.jailed() ? "jailed"
                : next.contains(v.operatorAddress()) ? "active" : "inactive";
        return new ValidatorView(v.operatorAddress(), v.consensusAddress(), v.name(), v.website(), v.commissionBps(),
                v.tokens(), v.power(), state.selfBond(v), status, v.jailed() ? v.jailedUntil() : 0, v.outstanding());
    }

    /** The account's bonds, in validator order. */
    public List<DelegationView> delegations(String delegator) {
        List<DelegationView> out = new ArrayList<>();
        for (String op : state.staker(delegator).validators()) {
            ValidatorRecord v = state.validator(op);
            Delegation d = state.delegation(op, delegator);
            out.add(new DelegationView(delegator, op, d.shares(), v.valueOf(d.shares()),
                    staking.pendingRewards(op, delegator)));
        }
        return out;
    }

    /** The account's unbonding entries, in id order. */
    public List<UnbondingEntry> unbonding(String delegator) {
        List<UnbondingEntry> out = new ArrayList<>();
        for (String id : state.staker(delegator).unbonding()) out.add(state.unbonding(id));
        return out;
    }
}
