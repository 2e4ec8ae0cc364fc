package org.cpc.chain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;

/**
 * The narrow interface between the chain (state machine, storage, mempool) and everything around it: the REST
 * API, BFT consensus and, later, P2P. In the spirit of CometBFT's ABCI: the outside proposes,
 * validates and commits whole blocks, submits transactions, and reads; it never touches state directly.
 * Implementations are thread-safe.
 */
public interface Chain extends AutoCloseable {
    NetworkParams params();

    Genesis genesis();

    /** The last committed block (the genesis block at height 0 right after initialisation). */
    Block head();

    Optional<Block> block(long height);

    Optional<Block> blockByHash(String hashHex);

    /**
     * The commit certificate stored with the block of {@code height} (consensus's JSON form,
     * {@code {"round", "signatures": [{"validator_address", "signature"}]}}); empty for genesis, for a block
     * committed without one, and past the head.
     */
    Optional<JsonNode> commitOf(long height);

    /** A transaction by hash: pending in the mempool or included in a block. */
    Optional<TxStatus> transaction(String txHashHex);

    /** Committed state of an account; an unknown address is an empty account. */
    Account account(String address);

    /** The nonce the account's next transaction should carry, counting its transactions pending in the mempool. */
    long nextNonce(String address);

    List<ValidatorInfo> validators();

    /** A committed market task with its payload and accepted jobs; empty for an unknown task_id. */
    Optional<org.cpc.chain.market.TaskView> task(String taskId);

    /** A worker's accepted results and the wei they earned it (block-reward shares and market jobs). */
    WorkerStats workerStats(String address);

    /** The SUBMIT_RESULTs of a committed block in block order with each one's reward; empty past the head. */
    Optional<List<ResultReward>> blockResults(long height);

    int mempoolSize();

    /** Checks a transaction against the committed state and the mempool, and keeps it if it passes. */
    Admission submit(Transaction tx);

    /**
     * Builds the next block from the mempool (fee and nonce order, under the block gas limit), executed against
     * the head state; its signature is null, for the proposer to add. Does not change the chain.
     */
    Block propose(String proposerAddress, long round, long timestampMs);

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

    @Override
    void close();
}
