package org.cpc.chain;

/**
 * A block whose timestamp is more than {@code max_future_block_ms} ahead of this node's clock. Unlike every other
 * {@link InvalidBlockException} this may be this node's fault (a clock that is behind), and the same block may be
 * valid a moment later: whoever sent it is not to be blamed for it.
 */
public final class BlockFromTheFutureException extends InvalidBlockException {
    private final long aheadMs;

    public BlockFromTheFutureException(String message, long aheadMs) {
        super(message);
        this.aheadMs = aheadMs;
    }

    /** How far the block's timestamp is ahead of this node's clock. */
    public long aheadMs() {
        return aheadMs;
    }
}
