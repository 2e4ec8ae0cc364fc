package org.cpc.chain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
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
    private final List<ValidatorInfo> validators;
    private final BlockExecutor executor;
    private final ChainStore store;
    private final ChainHead head;
    private final SparseMerkleTree tree;
    private final Mempool mempool;
    private final Function<String, Account> accounts;

    BlockBuilder(NetworkParams params, List<ValidatorInfo> validators, BlockExecutor executor, ChainStore store,
                 ChainHead head, SparseMerkleTree tree, Mempool mempool, Function<String, Account> accounts) {
        this.params = params;
        this.validators = validators;
        this.executor = executor;
        this.store = store;
        this.head = head;
        this.tree = tree;
        this.mempool = mempool;
        this.accounts = accounts;
    }

    /** A sender's run of consecutive pending transactions and how far the block has taken it. */
    private static final class Cursor {
        final List<Mempool.Entry> run;
        int i;

        Cursor(List<Mempool.Entry> run) {
            this.run = run;
        }

        Mempool.Entry cur() {
            return run.get(i);
        }
    }

    /** The proposer's validator entry; a caller naming someone else has a bug, not a bad block. */
    ValidatorInfo proposer(String address) {
        return validators.stream().filter(v -> v.address().equals(address)).findFirst().orElseThrow(() ->
                new IllegalArgumentException(address + " is not a validator of " + params.chainId()));
    }

    /**
     * The unsigned next block at {@code timestampMs}. A transaction that no longer applies leaves the mempool
     * (its sender's later ones wait); one that does not fit waits for a later block.
     */
    ExecutedBlock build(ValidatorInfo proposer, long round, long timestampMs) {
        Block parent = head.block();
        long height = parent.header().height() + 1;
        BlockExecutor.Session s = executor.begin(store::state, head, store::dueTasks, height, timestampMs,
                proposer.address(), proposer.rewardAddress(), null);
        PriorityQueue<Cursor> pq = new PriorityQueue<>(Comparator
                .comparingLong((Cursor c) -> -c.cur().gasPrice())
                .thenComparingLong(c -> c.cur().seq()));
        for (String sender : mempool.senders()) {
            List<Mempool.Entry> run = mempool.runFrom(sender, accounts.apply(sender).nonce());
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
            if (++c.i < c.run.size()) pq.add(c);
        }
        BlockExecutor.Outcome o = s.finish();
        SparseMerkleTree.Update u = tree.update(head.stateRoot(), StateWrite.treeChanges(o.writes()));
        List<Transaction> txs = new ArrayList<>(chosen.size());
        List<byte[]> hashes = new ArrayList<>(chosen.size());
        for (PreparedTx p : chosen) {
            txs.add(p.tx());
            hashes.add(p.hash());
        }
        BlockHeader h = new BlockHeader(height, parent.hashHex(), timestampMs, params.chainId(), proposer.address(),
                round, HeaderRules.txRoot(hashes), Hex.encode(u.root().hash()), Roots.computeRoot(txs), o.gasUsed(),
                gasLimit, null, null);
        return new ExecutedBlock(new Block(h, txs, null), o, u, hashes);
    }
}
