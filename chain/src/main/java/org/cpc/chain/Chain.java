package org.cpc.chain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.cpc.chain.query.ChainQuery;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;

/**
 * The narrow interface between the chain (state machine, storage, mempool) and everything around it: the REST
 * API, BFT consensus, P2P. In the spirit of CometBFT's ABCI: the outside proposes, validates and commits whole
 * blocks, submits transactions, and reads through {@link ChainQuery}; it never touches state directly.
 * Implementations are thread-safe.
 */
public interface Chain extends ChainQuery, AutoCloseable {
    Genesis genesis();

    /** Checks a transaction against the committed state and the mempool, and keeps it if it passes. */
    Admission submit(Transaction tx);

    /**
     * Submits transactions in order, one answer each in the same order; what {@link #submit} does for each, but
     * an implementation may check their signatures on several threads first.
     */
    default List<Admission> submitAll(List<Transaction> txs) {
        return txs.stream().map(this::submit).toList();
    }

    /** {@link #submitAll} of transactions already hashed (gossip hashes each one to skip those it has seen). */
    default List<Admission> submitAllPrepared(List<org.cpc.chain.exec.PreparedTx> txs) {
        return submitAll(txs.stream().map(org.cpc.chain.exec.PreparedTx::tx).toList());
    }

    /**
     * Builds the next block from the mempool (fee and nonce order, under the block gas limit), executed against
     * the head state; its signature is null, for the proposer to add. Does not change the chain.
     *
     * @param proposerAddress the consensus address of the height's proposer for {@code round}
     * @param lastCommit the head's certificate for the block's {@code last_commit} (every precommit held for it);
     *     null for the one stored with the head
     * @param evidence double-sign evidence to include; what no longer applies is left out
     */
    Block propose(String proposerAddress, long round, long timestampMs, JsonNode lastCommit, List<JsonNode> evidence);

    /** {@link #propose(String, long, long, JsonNode, List)} with the stored certificate and no evidence. */
    default Block propose(String proposerAddress, long round, long timestampMs) {
        return propose(proposerAddress, round, timestampMs, null, List.of());
    }

    /** Checks a block fully (roots, gas, timestamps, proposer signature) without committing it. */
    void validate(Block block) throws InvalidBlockException;

    /**
     * Validates and commits a block: the block, its state changes and its indexes in one atomic write. After it
     * returns the block survives a crash; listeners are told.
     */
    default void commit(Block block) throws InvalidBlockException {
        commit(block, null);
    }

    /**
     * Validates and commits a block with the proof of its finality: the block, its commit certificate (a JSON
     * object that consensus has checked; the chain stores it as is and does not interpret it; null for none), its
     * state changes and its indexes in one atomic write. After it returns both survive a crash; listeners are told.
     */
    void commit(Block block, JsonNode certificate) throws InvalidBlockException;

    void subscribe(ChainListener listener);

    // ---- state sync (ABCI's snapshot verbs) ----

    /** The snapshots this node keeps, to serve to peers; empty when it takes none. */
    java.util.Optional<org.cpc.chain.snapshot.SnapshotStore> snapshots();

    /** A validator set a committed header named, by its {@code validators_hash}; empty if not kept. */
    java.util.Optional<org.cpc.consensus.ValidatorSet> validatorSetByHash(String hashHex);

    /**
     * Starts restoring a snapshot into this chain, which must be at genesis; see {@link ChainRestore}.
     *
     * @param blocks the snapshot's block last, after the blocks before it that execution may look back to,
     *     consecutive, each with its commit certificate in {@code commits}; the caller has verified them
     */
    ChainRestore beginRestore(org.cpc.chain.snapshot.SnapshotManifest manifest, List<Block> blocks,
                              List<JsonNode> commits);

    @Override
    void close();
}
