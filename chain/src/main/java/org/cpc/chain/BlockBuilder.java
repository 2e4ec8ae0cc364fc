package org.cpc.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Function;
import org.cpc.chain.exec.BlockExecutor;
import org.cpc.chain.exec.HeaderRules;
import org.cpc.chain.exec.PreparedTx;
import org.cpc.chain.exec.StateWrite;
import org.cpc.chain.exec.TxRejected;
import org.cpc.chain.mempool.Mempool;
import org.cpc.chain.state.SparseMerkleTree;
import org.cpc.chain.store.ChainStore;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.BlockHeader;
import org.cpc.protocol.types.Roots;
import org.cpc.protocol.types.Transaction;

/**
 * Builds the next block from the mempool: each sender's pending transactions in nonce order, the senders
 * interleaved by gas price (highest first, then arrival), as many as fit the block gas limit and max_block_txs.
 * Each one is executed as it is chosen, so the block comes out with its roots and gas. Not thread-safe: the chain
 * calls it under its writer lock.
 */
final class BlockBuilder {
    private final NetworkParams params;
    private final BlockExecutor executor;
    private final ChainStore store;
    private final ChainHead head;
    private final SparseMerkleTree tree;
    private final Mempool mempool;
    private final Function<String, Account> accounts;

    BlockBuilder(NetworkParams params, BlockExecutor executor, ChainStore store,
                 ChainHead head, SparseMerkleTree tree, Mempool mempool, Function<String, Account> accounts) {
        this.params = params;
        this.executor = executor;
        this.store = store;
        this.head = head;
        this.tree = tree;
        this.mempool = mempool;
        this.accounts = accounts;
    }

    /**
     * A sender's run of consecutive pending transactions and how far the block has taken it, ordered by its next
     * transaction: highest gas price first, then arrival. The key is copied out of the entry, since a block of
     * thousands compares cursors tens of thousands of times.
     */
    private static final class Cursor implements Comparable<Cursor> {
        final List<Mempool.Entry> run;
        int i;
        long gasPrice;
        long seq;

        Cursor(List<Mempool.Entry> run) {
            this.run = run;
            key();
        }

        Mempool.Entry cur() {
            return run.get(i);
        }

        /** Moves to the run's next transaction; false when the run is done. */
        boolean advance() {
            if (++i >= run.size()) return false;
            key();
            return true;
        }

        private void key() {
            Mempool.Entry e = run.get(i);
            gasPrice = e.gasPrice();
            seq = e.seq();
        }

        @Override
        public int compareTo(Cursor o) {
            return gasPrice != o.gasPrice ? Long.compare(o.gasPrice, gasPrice) : Long.compare(seq, o.seq);
        }
    }

    /**
     * The unsigned next block at {@code timestampMs}, proposed by {@code proposer} (the set's proposer of
     * {@code round}: consensus only asks the proposer), carrying {@code lastCommit} (the parent's certificate; null at
     * height 1) and the items of {@code evidence} that apply (each checked against the head state; one that does
     * not is left out). A transaction that no longer applies leaves the mempool (its sender's later ones wait); one
     * that does not fit waits for a later block.
     *
     * @param operator the proposer's operator address (where the block's validators' part goes if no set is in
     *     effect)
     */
    ExecutedBlock build(HeaderRules.Sets sets, String proposer, String operator, long round, long timestampMs,
                        JsonNode lastCommit, List<JsonNode> evidence) {
        Block parent = head.block();
        long height = parent.header().height() + 1;
        if (!sets.current().proposer((int) round).address().equals(proposer)) {
            throw new IllegalArgumentException(proposer + " is not the proposer of height " + height + " round " + round);
        }
        Set<String> signers;
        try {
            signers = HeaderRules.lastCommitSigners(lastCommit, height, parent.hashHex(), params, sets.previous());
        } catch (InvalidBlockException e) {
            throw new IllegalArgumentException("cannot propose height " + height + ": " + e.getMessage(), e);
        }
        BlockExecutor.Session s = executor.begin(store::state, head, store.deadlines(), height, timestampMs,
                proposer, operator, signers);
        List<JsonNode> included = new ArrayList<>();
        for (JsonNode e : evidence) {
            if (included.size() == Block.MAX_EVIDENCE) break;
            BlockExecutor.Session trial = executor.begin(store::state, head, store.deadlines(), height, timestampMs,
                    proposer, operator, signers);
            try {
                List<JsonNode> more = new ArrayList<>(included);
                more.add(e);
                trial.applyEvidence(more);
                included.add(e);
            } catch (TxRejected | RuntimeException refused) {
                // stale (already slashed, too old) or not evidence at all: left out
            }
        }
        try {
            s.applyEvidence(included);
        } catch (TxRejected e) {
            throw new IllegalStateException("evidence that applied alone failed together: " + e.reason(), e);
        }
        PriorityQueue<Cursor> pq = new PriorityQueue<>();
        // The pool's lock is taken twice here, not once per sender: the account reads happen between, off the lock.
        List<String> senders = mempool.senders();
        long[] next = new long[senders.size()];
        for (int i = 0; i < next.length; i++) next[i] = accounts.apply(senders.get(i)).nonce();
        for (List<Mempool.Entry> run : mempool.runsFrom(senders, next)) {
            if (!run.isEmpty()) pq.add(new Cursor(run));
        }
        List<PreparedTx> chosen = new ArrayList<>();
        long gasLimit = params.blockGasLimit();
        while (!pq.isEmpty() && chosen.size() < params.maxBlockTxs()) {
            Cursor c = pq.poll();
            PreparedTx p = c.cur().p();
            try {
                if (s.tryApply(p, gasLimit - s.gasUsed()) < 0) continue; // this sender waits for the next block
            } catch (TxRejected | RuntimeException e) {
                mempool.remove(p.hash()); // no longer applies; its sender's later ones wait
                continue;
            }
            chosen.add(p);
            if (c.advance()) pq.add(c);
        }
        BlockExecutor.Outcome o = s.finish();
        SparseMerkleTree.Update u = tree.update(head.stateRoot(), StateWrite.treeChanges(o.writes()));
        List<Transaction> txs = new ArrayList<>(chosen.size());
        List<byte[]> hashes = new ArrayList<>(chosen.size());
        for (PreparedTx p : chosen) {
            txs.add(p.tx());
            hashes.add(p.hash());
        }
        BlockHeader h = new BlockHeader(height, parent.hashHex(), timestampMs, params.chainId(), proposer,
                round, HeaderRules.txRoot(hashes), Hex.encode(u.root().hash()), Roots.computeRoot(txs), o.gasUsed(),
                gasLimit, sets.current().hashHex(), sets.nextHash(), Block.lastCommitHash(lastCommit),
                Block.evidenceHash(included), null, null);
        return new ExecutedBlock(new Block(h, txs, null, lastCommit, included), o, u, hashes);
    }
}
