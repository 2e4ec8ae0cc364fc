package org.cpc.chain.query;

/**
 * Where a committed transaction sits: its block's height and its index in the block. Positions order as the chain
 * does; paged lists use one as the exclusive cursor {@code before}.
 */
public record TxPosition(long height, int index) {
    public TxPosition {
        if (height < 0 || index < 0) throw new IllegalArgumentException("a position has a height and index >= 0");
    }

    /** The position before every transaction of block {@code height}: a cursor that starts below that block. */
    public static TxPosition startOf(long height) {
        return new TxPosition(height, 0);
    }
}
