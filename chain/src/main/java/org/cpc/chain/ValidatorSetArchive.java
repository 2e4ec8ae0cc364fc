package org.cpc.chain;

import java.util.Optional;
import java.util.function.LongFunction;
import org.cpc.chain.store.ChainStore;
import org.cpc.consensus.ValidatorSet;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.types.Block;

/**
 * Every validator set a committed header named ({@code validators_hash}, {@code next_validators_hash}), kept by
 * its hash in the store, so that the node can serve light blocks (header, certificate, set) of any height it keeps:
 * the state holds only the sets of the next few heights. Sets change rarely, so this stays small.
 */
final class ValidatorSetArchive {
    private final ChainStore store;

    ValidatorSetArchive(ChainStore store) {
        this.store = store;
    }

    /**
     * Keeps the sets {@code block}'s header names that are not kept yet; {@code setOf} gives the set of a height
     * (both of this block's are known to the head before it commits). Written ahead of the block: content-addressed,
     * a set kept for a block that then fails to commit is harmless.
     */
    void keep(Block block, LongFunction<ValidatorSet> setOf) {
        long h = block.header().height();
        if (store.validatorSetBytes(block.header().validatorsHash()) == null) put(setOf.apply(h));
        if (store.validatorSetBytes(block.header().nextValidatorsHash()) == null) put(setOf.apply(h + 1));
    }

    private void put(ValidatorSet set) {
        store.putValidatorSet(set.hashHex(), ValidatorSet.membersJcs(set.validators()));
    }

    Optional<ValidatorSet> byHash(String hashHex) {
        byte[] v = store.validatorSetBytes(hashHex);
        return v == null ? Optional.empty() : Optional.of(ValidatorSet.fromMembersJson(Json.parse(v)));
    }
}
