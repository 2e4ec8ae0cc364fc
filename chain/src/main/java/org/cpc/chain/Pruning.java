package org.cpc.chain;

import org.cpc.protocol.params.NetworkParams;

/**
 * How many committed blocks a node keeps ({@code --pruning archive|default|N}, {@code "pruning"} in node.json).
 * The state needs no pruning: the store keeps one state, the head's (the tree's nodes are overwritten in place), so
 * what grows with every block is the blocks themselves and their indexes. A pruned node keeps the genesis block and
 * the last {@code keepBlocks} blocks with their commit certificates, result payments, transaction index and
 * address index entries; older ones are deleted in the background.
 *
 * @param keepBlocks blocks kept below and including the head; 0 for an archive node, which keeps them all
 */
public record Pruning(long keepBlocks) {
    /** What {@code default} keeps: about 28 hours of one-second blocks. */
    public static final long DEFAULT_KEEP = 100_000;
    /** Below this a node could not serve the recent history the protocol and the API rely on. */
    public static final long MIN_KEEP = 128;
    public static final Pruning ARCHIVE = new Pruning(0);
    public static final Pruning DEFAULT = new Pruning(DEFAULT_KEEP);

    public Pruning {
        if (keepBlocks != 0 && keepBlocks < MIN_KEEP) {
            throw new IllegalArgumentException("pruning must keep at least " + MIN_KEEP + " blocks (or be archive); got "
                    + keepBlocks);
        }
    }

    /** Reads {@code archive}, {@code default} or a number of blocks to keep. */
    public static Pruning parse(String text) {
        String t = text.strip();
        if (t.equals("archive")) return ARCHIVE;
        if (t.equals("default")) return DEFAULT;
        try {
            return new Pruning(Long.parseLong(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("pruning must be archive, default or a number of blocks to keep (at least "
                    + MIN_KEEP + "); got '" + text + "'");
        }
    }

    public boolean archive() {
        return keepBlocks == 0;
    }

    /**
     * Checks that the blocks kept cover every window the rules read back over: results name a source block within
     * {@code synthetic_window}, evidence is taken for {@code evidence_max_age_blocks}, uptime is counted over
     * {@code signed_blocks_window} commit certificates.
     */
    public void check(NetworkParams params) {
        if (archive()) return;
        long need = Math.max(params.syntheticWindow(), Math.max(params.staking().evidenceMaxAgeBlocks(),
                params.staking().signedBlocksWindow())) + 1;
        if (keepBlocks < need) {
            throw new IllegalArgumentException("pruning keeps " + keepBlocks + " blocks but this network reads back "
                    + need + " (synthetic_window, evidence_max_age_blocks, signed_blocks_window); keep at least that");
        }
    }

    /** The form {@link #parse} reads. */
    @Override
    public String toString() {
        return archive() ? "archive" : keepBlocks == DEFAULT_KEEP ? "default" : Long.toString(keepBlocks);
    }
}
