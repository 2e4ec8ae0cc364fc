package org.cpc.consensus;

import org.cpc.protocol.types.BlockHeader;

/**
 * What a light client needs of one height: the header, the commit certificate that made it final, and the validator
 * set of that height (members only; the header's {@code validators_hash} must be its hash). Served by full nodes;
 * trusted only after {@link LightClient} verified it.
 */
public record LightBlock(BlockHeader header, CommitCertificate commit, ValidatorSet validators) {
    public long height() {
        return header.height();
    }

    public String hashHex() {
        return header.hashHex();
    }
}
