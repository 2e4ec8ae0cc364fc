package org.cpc.consensus;

/**
 * The validator set of each height: the seam for validator-set changes. Today every height uses the genesis set
 * ({@link #fixed}); with staking, the set of height h + 1 will be a result of committing block h (as in CometBFT,
 * where end-block returns validator updates that apply from h + 2) and the implementation will read it from the
 * committed state. The state machine asks for it when it enters a height.
 */
@FunctionalInterface
public interface ValidatorSets {
    ValidatorSet forHeight(long height);

    static ValidatorSets fixed(ValidatorSet set) {
        return height -> set;
    }
}
