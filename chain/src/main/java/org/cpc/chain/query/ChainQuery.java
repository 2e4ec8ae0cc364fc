package org.cpc.chain.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import org.cpc.chain.staking.BondRole;
import org.cpc.chain.staking.WorkBond;
import org.cpc.chain.Account;
import org.cpc.chain.ValidatorInfo;
import org.cpc.chain.WorkerStats;
import org.cpc.chain.staking.Supply;
import org.cpc.chain.staking.UnbondingEntry;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.TaskStatus;

/**
 * Everything a reader may ask of a chain: blocks and their certificates and result rewards, transactions,
 * accounts, workers, market tasks with their jobs, validators, staking (validators, bonds, rewards, unbonding,
 * supply), the mempool's size. Committed data unless a method
 * says otherwise; answers are records and protocol types, never storage keys or encodings. Implementations are
 * thread-safe, and each answer is consistent in itself (two calls may see different heads).
 */
public interface ChainQuery {
    NetworkParams params();

    /** The last committed block (the genesis block at height 0 right after initialisation). */
    Block head();

    /** The committed block at {@code height}; empty past the head. */
    Optional<Block> block(long height);

    Optional<Block> blockByHash(String hashHex);

    /**
     * The lowest height above genesis whose block this node still keeps: 1 on an archive node; on a pruned node
     * (docs/operations.md, "Pruning") blocks 1 to this minus one, with their certificates, results and index
     * entries, are gone, and {@link #block} and the others answer empty for them.
     */
    default long earliestBlock() {
        return 1;
    }

    /** Whether the block at {@code height} (at or below the head) was pruned; read after a lookup came back empty. */
    default boolean pruned(long height) {
        return height >= 1 && height < earliestBlock();
    }

    /**
     * The commit certificate stored with the block of {@code height} (consensus's JSON form,
     * {@code {"round", "signatures": [{"validator_address", "signature"}]}}); empty for genesis, for a block
     * committed without one, and past the head.
     */
    Optional<JsonNode> commitOf(long height);

    /**
     * {@code GET /block/{height}}'s body: the block's JSON with its commit certificate (or null) beside it as
     * {@code commit}, written from the stored bytes instead of decoding the block and encoding it again; empty
     * where {@link #block} is.
     */
    Optional<byte[]> blockWithCommitJson(long height);

    /** The SUBMIT_RESULTs of a committed block in block order with each one's reward; empty past the head. */
    Optional<List<ResultReward>> blockResults(long height);

    /** A transaction by hash: pending in the mempool or included in a block. */
    Optional<TxStatus> transaction(String txHashHex);

    /** A transaction waiting in the mempool, by its 32-byte hash; no store read (a compact proposal's rebuild). */
    Optional<org.cpc.protocol.types.Transaction> pendingTransaction(byte[] hash);

    /** Committed state of an account; an unknown address is an empty account. */
    Account account(String address);

    /** The nonce the account's next transaction should carry, counting its transactions pending in the mempool. */
    long nextNonce(String address);

    /** The genesis validators, in genesis order. */
    /**
     * The validator set of {@code height} as consensus uses it (consensus address, public key, power, in set order),
     * for heights 1 to the head + 2 (the set of head + 2 is decided by the head); those of head + 1 and head + 2 come
     * with their proposer priorities. The state keeps only the sets from the head - 1 on: a height before the last
     * change of the set fails once the head is past it (a committed height's set is
     * {@link org.cpc.chain.Chain#validatorSetByHash} of its header's {@code validators_hash}).
     *
     * @throws IllegalArgumentException for a height outside 1 to the head + 2
     * @throws IllegalStateException for a height whose set the state no longer keeps
     */
    org.cpc.consensus.ValidatorSet validatorSet(long height);

    List<ValidatorInfo> validators();

    /** A committed market task with its payload and accepted jobs; empty for an unknown task_id. */
    Optional<TaskView> task(String taskId);

    /**
     * Committed transactions naming {@code address} — as sender, as recipient, or as the {@code worker_address} of
     * a SUBMIT_RESULT someone else sent (a PoC validator, for market jobs) — newest first, strictly before
     * {@code before} (null: from the head), at most {@code limit}.
     */
    AddressTxPage addressTransactions(String address, TxPosition before, int limit);

    /**
     * Committed market tasks, newest first, with {@code status} (null: any), skipping the first {@code offset} that
     * match, at most {@code limit}. Reads every task it passes: a filter that few tasks match costs a walk over all.
     */
    TaskPage tasks(TaskStatus status, int offset, int limit);

    /** Market tasks still open (pending or in progress). */
    int openTaskCount();

    /** A worker's accepted results and the wei they earned it (block-reward shares and market jobs). */
    WorkerStats workerStats(String address);

    /** Transactions pending in the mempool. */
    int mempoolSize();

    /** Every staking validator, in operator address order. */
    List<ValidatorView> stakingValidators();

    /** The staking validator operated by {@code operator}; empty if none. */
    Optional<ValidatorView> stakingValidator(String operator);

    /** An account's bonds (delegations, its self-bond included) with their pending rewards. */
    List<DelegationView> delegations(String delegator);

    /** An account's unbonding entries. */
    List<UnbondingEntry> unbonding(String delegator);

    /** The work bond of {@code address} in {@code role} (with its record: slashes, audits, jobs settled); empty if
     * it never bonded. */
    Optional<WorkBond> workBond(BondRole role, String address);

    /**
     * The bond's dispute lock: the latest deadline (unix seconds) of a market task whose job results it backs, before
     * which L1 refuses its UNBOND; 0 when it backs none.
     */
    long unbondLockedUntil(BondRole role, String address);

    /**
     * The PoC validators: bonds of role poc_validator of at least {@code min_poc_bond}, largest bond first, then by
     * address. Reads the work-bond key space, so it is for listings, not hot paths.
     */
    List<WorkBond> pocValidators();

    /**
     * The audit record of the synthetic result of {@code taskId} (what it was paid, whether it was audited, by
     * whom, and what a failed audit slashed); empty when no synthetic result has that task_id.
     */
    Optional<org.cpc.chain.audit.ResultAudit> resultAudit(String taskId);

    /** Where every wei is at the head ({@link Supply}); reads the whole state, so it is for audits, not hot paths. */
    Supply supply();
}
