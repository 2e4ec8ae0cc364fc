package org.cpc.chain.exec;

/** What execution may ask of the committed chain: the hash (hex) of the block at a height, or null. */
public interface ChainView {
    String blockHash(long height);
}
