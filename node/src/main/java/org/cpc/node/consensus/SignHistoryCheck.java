package org.cpc.node.consensus;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.cpc.chain.query.ChainQuery;
import org.cpc.consensus.SignState;
import org.cpc.protocol.types.Block;

/**
 * The double-sign check before a validator signs (CometBFT's {@code double_sign_check_height}, which halts the node
 * where this one follows): the chain's last {@link #LOOKBACK_BLOCKS} blocks are searched for this key's
 * precommits — in the stored commit certificates and in the blocks' {@code last_commit}, which holds late precommits
 * too. If the chain shows the key signing at a height above the highest its local sign state
 * ({@code priv_validator_state.log}) remembers — the state is missing, or older than the chain — then something
 * else has signed with this key since: the validator was moved or restored without its sign state, or another copy
 * of it is running. Signing now could sign a second, different vote at a height that copy already signed, which
 * the network slashes and tombstones as a double sign. The node follows instead, and signs only once the chain has
 * gone {@link #LOOKBACK_BLOCKS} blocks without any signature of this key (nobody else is signing with it any more).
 */
public final class SignHistoryCheck {
    /**
     * How far back the chain is searched: long enough that a copy of the validator which was stopped shows up (100
     * blocks are 100 s on devnet, about 8 minutes at 5 s blocks), short enough to read at each check (200 small
     * reads).
     */
    public static final int LOOKBACK_BLOCKS = 100;

    private SignHistoryCheck() {}

    /**
     * Why this key must not sign yet, or empty when it may: the chain's last {@code lookback} blocks show it signing
     * above the height {@code local} remembers (null: the key never signed here).
     */
    public static Optional<String> holdBack(ChainQuery chain, String address, SignState local, int lookback) {
        long head = chain.head().header().height();
        long onChain = lastSigned(chain, address, head, lookback);
        long remembered = local == null ? 0 : local.height();
        if (onChain <= remembered) return Optional.empty();
        return Optional.of("the chain shows validator " + address + " signing height " + onChain + ", but its sign"
                + " state remembers " + (local == null ? "no signature at all (priv_validator_state.log is missing)"
                        : "signatures up to height " + remembered)
                + ": the key has signed elsewhere (a moved or restored validator without its sign state, or a second"
                + " copy running). Following without signing until the chain has gone " + lookback + " blocks without a"
                + " signature of this key, i.e. not before height " + (onChain + lookback + 1) + ". If another copy of"
                + " this validator is running, stop one of them now: two running copies double-sign and are slashed and"
                + " tombstoned. To move a validator, copy its keys with priv_validator_state.log and the wal"
                + " (docs/operations.md, \"Moving a validator\")");
    }

    /** The highest height in {@code (head - lookback, head]} the key precommitted, or 0 when none. */
    static long lastSigned(ChainQuery chain, String address, long head, int lookback) {
        for (long h = head; h >= 1 && h > head - lookback; h--) {
            if (chain.commitOf(h).map(c -> signedBy(c, address)).orElse(false)) return h;
            // Block h's last_commit is the certificate of h - 1 with the precommits its proposer held.
            Optional<Block> b = chain.block(h);
            if (h - 1 > head - lookback && b.isPresent() && signedBy(b.get().lastCommit(), address)) return h - 1;
        }
        return 0;
    }

    private static boolean signedBy(JsonNode certificate, String address) {
        if (certificate == null) return false;
        for (JsonNode s : certificate.path("signatures")) {
            if (address.equals(s.path("validator_address").asText())) return true;
        }
        return false;
    }
}
