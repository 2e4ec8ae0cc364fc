package org.cpc.chain;

import java.util.List;

/**
 * Who may propose a block: the genesis validators in genesis order, round-robin by {@code height + round}. With one
 * validator (devnet) it is always that one. BFT consensus replaces this with its own schedule.
 */
public final class ProposerSchedule {
    private ProposerSchedule() {}

    public static ValidatorInfo proposer(List<ValidatorInfo> validators, long height, long round) {
        int n = validators.size();
        return validators.get((int) Math.floorMod(height + round, (long) n));
    }
}
