package org.cpc.consensus;

/** The identity of a block value: lowercase hex SHA-256 (for cpc blocks, the header hash). Pure. */
@FunctionalInterface
public interface BlockHasher<B> {
    String hashHex(B block);
}
