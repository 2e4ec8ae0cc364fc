package org.cpc.chain.staking;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.cpc.chain.exec.TxRejected;
import org.cpc.protocol.params.StakingParams;

/**
 * The staking state machine: bonds, F1 rewards, unbonding, jailing and slashing, as transitions over a
 * {@link StakingState}. Deterministic and exact: integers only, every remainder kept (see docs/protocol.md,
 * "Staking"). Checks that can fail throw {@link TxRejected} before anything is written.
 *
 * <p><b>F1 rewards.</b> A validator's delegators share its rewards in proportion to their shares. Rather than pay
 * every delegator every block, the validator adds what they earned to {@code period_rewards} (O(1) per block);
 * when one of its delegations changes, the current period ends and its rewards per share are added to a
 * cumulative ratio stored for that period ({@link RewardPeriod}). A delegation is paid
 * {@code shares × (ratio_now − ratio_at_its_start)} — so the work per block does not depend on the number of
 * delegators, and the work per transaction is constant.
 */
public final class Staking {
    /** Fixed-point scale of the F1 ratios (wei per share × 10^18). */
    public static final BigInteger RATIO_SCALE = BigInteger.TEN.pow(18);
    /** Most validators one account may delegate to at once (WITHDRAW_REWARDS for all visits each). */
    public static final int MAX_DELEGATIONS_PER_ACCOUNT = 32;
    /** Most unbonding entries one account may have at once. */
    public static final int MAX_UNBONDING_PER_ACCOUNT = 32;
    /** Commission of the validators made from a genesis file, which has no field for it. */
    public static final int GENESIS_COMMISSION_BPS = 1000;
    private static final BigInteger BPS = BigInteger.valueOf(10_000);

    private final StakingParams params;
    private final StakingState s;
    private final String treasury;

    /** @param treasury the account that takes the dust a validator holds when its last share leaves */
    public Staking(StakingParams params, StakingLedger ledger, String treasury) {
        this.params = params;
        this.s = new StakingState(ledger, params);
        this.treasury = treasury;
    }

    public StakingState state() {
        return s;
    }

    // ---------------------------------------------------------------- genesis

    /** A validator of the genesis file: its key, operated by its reward address, with its power as self-bond. */
    public record GenesisValidator(ConsensusKey key, BigInteger bond) {}

    /**
     * The staking state of a genesis: each validator created with commission {@link #GENESIS_COMMISSION_BPS} and
     * its bond (taken out of its operator's alloc by the caller, see {@code Genesis#bonds}); the issuance; and the
     * first active set, in effect from height 1.
     *
     * @param supply what genesis created: the sum of its alloc, bonds included
     */
    public void genesis(List<GenesisValidator> validators, BigInteger supply) {
        for (GenesisValidator g : validators) {
            String op = g.key().operatorAddress();
            try {
                createValidator(op, g.key(), "", "", GENESIS_COMMISSION_BPS, g.bond(), 0);
            } catch (TxRejected e) {
                throw new IllegalArgumentException("genesis validator " + g.key().consensusAddress() + ": " + e.reason());
            }
        }
        s.putIssuance(new Issuance(supply, BigInteger.ZERO));
        s.flush();
        s.setSchedule(s.schedule().decide(1, ActiveSet.choose(s.index().candidates(), params.maxValidators())));
        s.flush();
        new ConsensusSets(s).start();
    }

    // ---------------------------------------------------------------- validators

    /**
     * Creates the validator of {@code operator} with consensus key {@code consensusKey} and bonds {@code amount}
     * (already taken from the operator's balance) as its self-bond.
     */
    public void createValidator(String operator, ConsensusKey consensusKey, String name, String website,
                                int commissionBps, BigInteger amount, long height) throws TxRejected {
        checkCreate(operator, consensusKey.consensusAddress(), amount);
        s.putConsensusKey(consensusKey);
        s.putPeriod(operator, 0, new RewardPeriod(BigInteger.ZERO, 1));
        s.putValidator(new ValidatorRecord(operator, consensusKey.consensusAddress(), name, website, commissionBps,
                height, BigInteger.ZERO, BigInteger.ZERO, false, 0, false, 1, BigInteger.ZERO, BigInteger.ZERO, 0,
                height));
        bond(operator, operator, amount);
    }

    /** The rules of a first STAKE that need state, without the proof of possession. */
    public void checkCreate(String operator, String consensusAddress, BigInteger amount) throws TxRejected {
        if (s.validator(operator) != null) {
            throw new TxRejected(operator + " already operates a validator; a later STAKE carries the payload {}");
        }
        if (s.consensusKey(consensusAddress) != null) {
            throw new TxRejected("consensus key " + consensusAddress + " already belongs to a validator");
        }
        if (amount.compareTo(params.minSelfBond()) < 0) {
            throw new TxRejected("a new validator's first STAKE must bond at least min_self_bond " + params.minSelfBond()
                    + " wei, not " + amount);
        }
    }

    /** UPDATE_VALIDATOR: null fields keep their value. */
    public void updateValidator(String operator, String name, String website, Integer commissionBps, long height)
            throws TxRejected {
        s.putValidator(checkUpdate(operator, name, website, commissionBps, height));
    }

    /**
     * The rules of UPDATE_VALIDATOR; returns the validator as it would be. A commission change moves by at most
     * {@code max_commission_change_bps} and comes at least {@code commission_change_blocks} after the last one.
     */
    public ValidatorRecord checkUpdate(String operator, String name, String website, Integer commissionBps,
                                       long height) throws TxRejected {
        ValidatorRecord v = existing(operator);
        int commission = v.commissionBps();
        long changed = v.commissionChangedHeight();
        if (commissionBps != null && commissionBps != v.commissionBps()) {
            int step = Math.abs(commissionBps - v.commissionBps());
            if (step > params.maxCommissionChangeBps()) {
                throw new TxRejected("commission may change by at most max_commission_change_bps "
                        + params.maxCommissionChangeBps() + " at a time, not " + step + " (" + v.commissionBps()
                        + " → " + commissionBps + ")");
            }
            if (height - changed < params.commissionChangeBlocks()) {
                throw new TxRejected("commission last changed at height " + changed + "; the next change may come at"
                        + " height " + (changed + params.commissionChangeBlocks()) + " (commission_change_blocks "
                        + params.commissionChangeBlocks() + ")");
            }
            commission = commissionBps;
            changed = height;
        }
        return v.withDescription(name != null ? name : v.name(), website != null ? website : v.website(), commission,
                changed);
    }

    /** UNJAIL: frees the validator; see {@link #checkUnjail}. */
    public void unjail(String operator, long height) throws TxRejected {
        checkUnjail(operator, height);
        s.putValidator(s.validator(operator).withJail(false, 0, false));
    }

    /** The rules of UNJAIL: the validator is jailed, not tombstoned, its jail time is over, its self-bond suffices. */
    public void checkUnjail(String operator, long height) throws TxRejected {
        ValidatorRecord v = existing(operator);
        if (v.tombstoned()) throw new TxRejected("validator " + operator + " double-signed and can never be unjailed");
        if (!v.jailed()) throw new TxRejected("validator " + operator + " is not jailed");
        if (height < v.jailedUntil()) {
            throw new TxRejected("validator " + operator + " is jailed until height " + v.jailedUntil());
        }
        BigInteger self = s.selfBond(v);
        if (self.compareTo(params.minSelfBond()) < 0) {
            throw new TxRejected("self-bond " + self + " wei is below min_self_bond " + params.minSelfBond()
                    + "; STAKE more before UNJAIL");
        }
    }

    ValidatorRecord existing(String operator) throws TxRejected {
        ValidatorRecord v = s.validator(operator);
        if (v == null) throw new TxRejected("no validator is operated by " + operator);
        return v;
    }

    // ---------------------------------------------------------------- bonds

    /** The rules of bonding {@code amount} to {@code operator}'s validator. */
    public void checkBond(String operator, String delegator, BigInteger amount) throws TxRejected {
        ValidatorRecord v = existing(operator);
        if (v.tombstoned()) {
            throw new TxRejected("validator " + operator + " is tombstoned (it double-signed); it takes no new bonds");
        }
        if (v.shares().signum() > 0 && v.tokens().signum() == 0) {
            throw new TxRejected("validator " + operator + " has been slashed to nothing; it takes no new bonds");
        }
        if (sharesFor(v, amount).signum() == 0) {
            throw new TxRejected("amount " + amount + " wei buys no share of validator " + operator);
        }
        if (s.delegation(operator, delegator) == null
                && s.staker(delegator).validators().size() >= MAX_DELEGATIONS_PER_ACCOUNT) {
            throw new TxRejected(delegator + " already delegates to " + MAX_DELEGATIONS_PER_ACCOUNT
                    + " validators, the most one account may");
        }
    }

    private static BigInteger sharesFor(ValidatorRecord v, BigInteger amount) {
        return v.shares().signum() == 0 ? amount : amount.multiply(v.shares()).divide(v.tokens());
    }

    /** STAKE (later ones) and DELEGATE: bonds {@code amount}, already taken from the delegator's balance. */
    public void bond(String operator, String delegator, BigInteger amount) throws TxRejected {
        checkBond(operator, delegator, amount);
        Settled st = settle(operator, delegator);
        ValidatorRecord v = st.validator();
        BigInteger shares = sharesFor(v, amount);
        s.putValidator(v.withBond(v.tokens().add(amount), v.shares().add(shares)));
        s.putDelegation(operator, delegator, new Delegation(st.delegation().shares().add(shares),
                st.delegation().startPeriod()));
        StakerIndex idx = s.staker(delegator);
        if (!idx.validators().contains(operator)) {
            List<String> vs = new ArrayList<>(idx.validators());
            vs.add(operator);
            s.putStaker(delegator, idx.with(vs, idx.unbonding()));
        }
    }

    /** The rules of unbonding {@code amount} of a delegation. */
    public void checkUnbond(String operator, String delegator, BigInteger amount) throws TxRejected {
        ValidatorRecord v = existing(operator);
        Delegation d = s.delegation(operator, delegator);
        if (d == null) throw new TxRejected(delegator + " has no bond with validator " + operator);
        BigInteger value = v.valueOf(d.shares());
        if (amount.compareTo(value) > 0) {
            throw new TxRejected("the bond of " + delegator + " with validator " + operator + " is " + value
                    + " wei, less than " + amount);
        }
        if (s.staker(delegator).unbonding().size() >= MAX_UNBONDING_PER_ACCOUNT) {
            throw new TxRejected(delegator + " already has " + MAX_UNBONDING_PER_ACCOUNT
                    + " unbonding entries, the most one account may; wait for one to mature");
        }
    }

    /**
     * UNSTAKE and UNDELEGATE: {@code amount} of the bond starts unbonding; it comes back at
     * {@code height + unbonding_blocks}. The delegation gives up {@code ceil(amount × shares / tokens)} shares; when
     * that is all of them, it unbonds its whole value (what would be left is worth less than one share).
     */
    public UnbondingEntry unbond(String operator, String delegator, BigInteger amount, long height)
            throws TxRejected {
        checkUnbond(operator, delegator, amount);
        Settled st = settle(operator, delegator);
        ValidatorRecord v = st.validator();
        Delegation d = st.delegation();
        BigInteger[] qr = amount.multiply(v.shares()).divideAndRemainder(v.tokens());
        BigInteger shares = qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
        BigInteger out = amount;
        if (shares.compareTo(d.shares()) >= 0) {
            shares = d.shares();
            out = shares.equals(v.shares()) ? v.tokens() : v.valueOf(shares);
        }
        v = v.withBond(v.tokens().subtract(out), v.shares().subtract(shares));
        StakerIndex idx = s.staker(delegator);
        List<String> validators = new ArrayList<>(idx.validators());
        if (shares.equals(d.shares())) {
            release(operator, d.startPeriod());
            s.putDelegation(operator, delegator, null);
            validators.remove(operator);
        } else {
            s.putDelegation(operator, delegator, new Delegation(d.shares().subtract(shares), d.startPeriod()));
        }
        if (v.shares().signum() == 0) v = sweepDust(v);
        UnbondingEntry e = new UnbondingEntry(operator, v.nextUnbondingSeq(), delegator, out, height,
                height + params.unbondingBlocks());
        s.putValidator(v.withNextUnbondingSeq(v.nextUnbondingSeq() + 1));
        s.putUnbonding(e.id(), e);
        List<String> queue = new ArrayList<>(s.maturing(e.maturesHeight()));
        queue.add(e.id());
        s.putMaturing(e.maturesHeight(), queue);
        List<String> unbonding = new ArrayList<>(idx.unbonding());
        unbonding.add(e.id());
        s.putStaker(delegator, idx.with(validators, unbonding));
        return e;
    }

    /**
     * A validator whose last share left: what it still holds for delegators (the F1 dust: the floors of the payouts
     * and the division remainder carried in period_rewards) belongs to no one, and goes to the treasury.
     */
    private ValidatorRecord sweepDust(ValidatorRecord v) {
        s.ledger().credit(treasury, v.outstanding());
        return v.withRewards(v.period(), BigInteger.ZERO, BigInteger.ZERO);
    }

    /** Pays out the unbonding entries that mature at {@code height}, in the order they were made. */
    public void matureUnbonding(long height) {
        List<String> ids = s.maturing(height);
        for (String id : ids) {
            UnbondingEntry e = s.unbonding(id);
            s.ledger().credit(e.delegator(), e.balance());
            s.putUnbonding(id, null);
            StakerIndex idx = s.staker(e.delegator());
            List<String> unbonding = new ArrayList<>(idx.unbonding());
            unbonding.remove(id);
            s.putStaker(e.delegator(), idx.with(idx.validators(), unbonding));
        }
        if (!ids.isEmpty()) s.putMaturing(height, List.of());
    }

    // ---------------------------------------------------------------- F1 rewards

    private record Settled(ValidatorRecord validator, Delegation delegation) {}

    /**
     * Ends the validator's current period and pays the delegation (if any) what it earned up to now; returns the
     * validator and the delegation starting afresh (a new one with 0 shares when there was none). Nothing of the
     * delegation is written here.
     */
    private Settled settle(String operator, String delegator) {
        ValidatorRecord v = endPeriod(s.validator(operator));
        long end = v.period() - 1;
        Delegation d = s.delegation(operator, delegator);
        if (d != null) {
            BigInteger reward = earned(d, s.period(operator, d.startPeriod()).ratio(), s.period(operator, end).ratio());
            release(operator, d.startPeriod());
            v = v.withRewards(v.period(), v.periodRewards(), v.outstanding().subtract(reward));
            s.ledger().credit(delegator, reward);
        }
        retain(operator, end);
        s.putValidator(v);
        return new Settled(v, new Delegation(d == null ? BigInteger.ZERO : d.shares(), end));
    }

    static BigInteger earned(Delegation d, BigInteger startRatio, BigInteger endRatio) {
        return d.shares().multiply(endRatio.subtract(startRatio)).divide(RATIO_SCALE);
    }

    /**
     * Closes the validator's current period: its ratio is the previous one plus {@code period_rewards / shares};
     * the remainder of that division stays in {@code period_rewards} for the next period, so no wei is lost.
     */
    private ValidatorRecord endPeriod(ValidatorRecord v) {
        String op = v.operatorAddress();
        long p = v.period();
        BigInteger last = s.period(op, p - 1).ratio();
        BigInteger add = BigInteger.ZERO, carry = v.periodRewards();
        if (v.shares().signum() > 0) {
            BigInteger[] qr = v.periodRewards().divideAndRemainder(v.shares());
            add = qr[0];
            carry = qr[1];
        }
        s.putPeriod(op, p, new RewardPeriod(last.add(add), 1));
        release(op, p - 1);
        return v.withRewards(p + 1, carry, v.outstanding());
    }

    private void retain(String op, long period) {
        RewardPeriod r = s.period(op, period);
        s.putPeriod(op, period, new RewardPeriod(r.ratio(), r.references() + 1));
    }

    private void release(String op, long period) {
        RewardPeriod r = s.period(op, period);
        s.putPeriod(op, period, r.references() == 1 ? null : new RewardPeriod(r.ratio(), r.references() - 1));
    }

    /** WITHDRAW_REWARDS from one validator: the rules. */
    public void checkWithdraw(String operator, String delegator) throws TxRejected {
        existing(operator);
        if (s.delegation(operator, delegator) == null) {
            throw new TxRejected(delegator + " has no bond with validator " + operator);
        }
    }

    /** WITHDRAW_REWARDS: pays the delegation's rewards; returns them. */
    public BigInteger withdraw(String operator, String delegator) throws TxRejected {
        checkWithdraw(operator, delegator);
        BigInteger before = s.ledger().balance(delegator);
        Settled st = settle(operator, delegator);
        s.putDelegation(operator, delegator, st.delegation());
        return s.ledger().balance(delegator).subtract(before);
    }

    /** WITHDRAW_REWARDS with to_address null: the rules. */
    public void checkWithdrawAll(String delegator) throws TxRejected {
        if (s.staker(delegator).validators().isEmpty()) {
            throw new TxRejected(delegator + " has no bonds, so no rewards to withdraw");
        }
    }

    /** WITHDRAW_REWARDS with to_address null: every delegation of the account, in operator order. */
    public BigInteger withdrawAll(String delegator) throws TxRejected {
        checkWithdrawAll(delegator);
        List<String> vs = s.staker(delegator).validators();
        BigInteger total = BigInteger.ZERO;
        for (String op : vs) total = total.add(withdraw(op, delegator));
        return total;
    }

    /**
     * What a delegation has earned and not been paid, were it paid now (queries); nothing is written. The same
     * arithmetic as {@link #settle}.
     */
    public BigInteger pendingRewards(String operator, String delegator) {
        ValidatorRecord v = s.validator(operator);
        Delegation d = s.delegation(operator, delegator);
        if (v == null || d == null) return BigInteger.ZERO;
        BigInteger now = s.period(operator, v.period() - 1).ratio();
        if (v.shares().signum() > 0) now = now.add(v.periodRewards().divide(v.shares()));
        return earned(d, s.period(operator, d.startPeriod()).ratio(), now);
    }

    /**
     * Pays the validators' part of a block to the set in effect at {@code height}: each member's part
     * ({@link RewardSplit}) pays its commission to its operator and the rest to its delegators (F1). A member with no
     * shares left has no delegators: its operator takes all of it. Returns false, paying nothing, when the set is
     * empty.
     */
    public boolean distribute(long height, String proposerConsensusAddress, BigInteger total) {
        ActiveSet set = s.schedule().at(height);
        if (set.members().isEmpty()) return false;
        for (RewardSplit.Part part : RewardSplit.split(set, proposerConsensusAddress, total)) {
            ValidatorRecord v = s.validator(part.member().operatorAddress());
            BigInteger commission = RewardSplit.commission(part.wei(), v.commissionBps());
            BigInteger delegators = part.wei().subtract(commission);
            if (v.shares().signum() == 0) {
                s.ledger().credit(v.operatorAddress(), part.wei());
                continue;
            }
            s.ledger().credit(v.operatorAddress(), commission);
            s.putValidator(v.withRewards(v.period(), v.periodRewards().add(delegators.multiply(RATIO_SCALE)),
                    v.outstanding().add(delegators)));
        }
        return true;
    }

    // ---------------------------------------------------------------- active set

    /** Drops the schedule's entries no height from {@code height − 1} on uses (liveness looks one block back). */
    public void pruneSets(long height) {
        s.setSchedule(s.schedule().prune(height - 1));
    }

    /**
     * Decides the active set that takes effect at {@code height + 2} from the validators as they are now, and the
     * proposer priorities of {@code height + 1}. A set with no member is not decided (the one before it stays):
     * with nobody to sign, the chain could never make another block, whereas the old set may still recover.
     */
    public void decideSet(long height) {
        s.flush();
        ActiveSet next = ActiveSet.choose(s.index().candidates(), params.maxValidators());
        if (!next.members().isEmpty()) s.setSchedule(s.schedule().decide(height + 2, next));
        s.flush();
        new ConsensusSets(s).advance(height);
    }

    // ---------------------------------------------------------------- slashing

    /**
     * Counts the certificate of block {@code height − 1}: each member of the set in effect then that is not among
     * {@code signers} (consensus addresses) missed it. A member that missed more than the window allows, once it
     * has been counted over a whole window, is slashed {@code slash_downtime_bps} and jailed for
     * {@code downtime_jail_blocks}.
     */
    public void recordSignatures(long height, Set<String> signers) {
        int window = params.signedBlocksWindow();
        for (ActiveSet.Member m : s.schedule().at(height - 1).members()) {
            ValidatorRecord v = s.validator(m.operatorAddress());
            if (v.jailed()) continue; // jailed since the set was chosen; its window starts again when it is back
            Liveness l = s.liveness(m.operatorAddress()).record(signers.contains(m.consensusAddress()), window);
            if (l.counted() >= window && l.missed() > params.maxMissedBlocks()) {
                slash(m.operatorAddress(), height - 1, params.slashDowntimeBps());
                v = s.validator(m.operatorAddress());
                s.putValidator(v.withJail(true, height + params.downtimeJailBlocks(), false));
                s.putLiveness(m.operatorAddress(), null);
            } else {
                s.putLiveness(m.operatorAddress(), l);
            }
        }
    }

    /** The rules of double-sign evidence against the key {@code consensusAddress} for an infraction at a height. */
    public ConsensusKey checkEvidence(String consensusAddress, long infractionHeight, long height) throws TxRejected {
        ConsensusKey k = s.consensusKey(consensusAddress);
        if (k == null) throw new TxRejected("no validator has the consensus key " + consensusAddress);
        if (infractionHeight >= height) {
            throw new TxRejected("the votes are for height " + infractionHeight + ", not before this block's " + height);
        }
        if (height - infractionHeight > params.evidenceMaxAgeBlocks()) {
            throw new TxRejected("the votes are " + (height - infractionHeight) + " blocks old; evidence_max_age_blocks"
                    + " is " + params.evidenceMaxAgeBlocks());
        }
        if (s.validator(k.operatorAddress()).tombstoned()) {
            throw new TxRejected("validator " + k.operatorAddress() + " is already tombstoned for a double sign");
        }
        return k;
    }

    /** A verified double sign: slash {@code slash_double_sign_bps}, jail and tombstone the validator. */
    public BigInteger doubleSign(String operator, long infractionHeight) {
        BigInteger burned = slash(operator, infractionHeight, params.slashDoubleSignBps());
        ValidatorRecord v = s.validator(operator);
        s.putValidator(v.withJail(true, Long.MAX_VALUE >>> 11, true)); // 2^52: forever, and a safe JSON integer
        s.putLiveness(operator, null);
        return burned;
    }

    /**
     * Burns {@code bps} of the validator's bond as it was at {@code infractionHeight}: of its tokens now (every
     * delegation loses the same part, as its shares are worth less) and of each of its unbonding entries made at or
     * after that height (coins that were bonded when the infraction was committed). Each cut is rounded down.
     * Returns the wei burned.
     */
    public BigInteger slash(String operator, long infractionHeight, int bps) {
        ValidatorRecord v = s.validator(operator);
        BigInteger f = BigInteger.valueOf(bps);
        BigInteger cut = v.tokens().multiply(f).divide(BPS);
        BigInteger burned = cut;
        for (long seq = v.nextUnbondingSeq() - 1; seq >= 0; seq--) {
            UnbondingEntry e = s.unbonding(UnbondingEntry.id(operator, seq));
            // A validator's entries mature in seq order: a missing one means every older one has matured too.
            if (e == null || e.createdHeight() < infractionHeight) break;
            BigInteger c = e.balance().multiply(f).divide(BPS);
            s.putUnbonding(e.id(), e.withBalance(e.balance().subtract(c)));
            burned = burned.add(c);
        }
        s.putValidator(v.withBond(v.tokens().subtract(cut), v.shares()));
        s.burn(burned);
        return burned;
    }
}
