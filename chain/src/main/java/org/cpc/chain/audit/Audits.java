package org.cpc.chain.audit;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.cpc.chain.exec.ChainView;
import org.cpc.chain.exec.TxRejected;
import org.cpc.chain.exec.WorldState;
import org.cpc.chain.staking.BondRole;
import org.cpc.chain.staking.WorkBond;
import org.cpc.chain.staking.WorkBonds;
import org.cpc.chain.state.StateKeys;
import org.cpc.compute.Verification;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.crypto.Sha256;
import org.cpc.protocol.params.NetworkParams;
import org.cpc.protocol.types.ComputeResult;

/**
 * The audits of synthetic results within one block's execution (docs/protocol.md, "Audits of synthetic results"):
 * records the block's results when it finishes, selects the results of two blocks back by the hash of the block
 * after theirs, runs at most {@link #MAX_RANDOM_AUDITS_PER_BLOCK} queued audits when a block starts, and runs the
 * audit a CHALLENGE_RESULT forces. A wrong result is slashed through {@link WorkBonds#slash}, the chain's one
 * slashing framework. Deterministic: exact integers, state in sorted key spaces, no clock, no map iteration.
 */
public final class Audits {
    /**
     * Most random audits one block runs (each a full recomputation: 2·n³ multiply-accumulates in all, 2 × 55–115 ms
     * on the pure-Java reference path at n = 1024, {@code cpc bench audit}); the rest wait in the queue.
     */
    public static final int MAX_RANDOM_AUDITS_PER_BLOCK = 2;
    private static final byte[] DOMAIN = "cpc-audit-v1".getBytes(StandardCharsets.UTF_8);
    private static final BigInteger BPS = BigInteger.valueOf(10_000);

    private final NetworkParams params;
    private final WorldState state;
    private final WorkBonds bonds;
    private final ResultAuditor auditor;
    private final long height;
    /** This block's synthetic results so far, in block order; recorded with their reward at the finish. */
    private final List<ResultAudit> accepted = new ArrayList<>();

    public Audits(NetworkParams params, WorldState state, WorkBonds bonds, ResultAuditor auditor, long height) {
        this.params = params;
        this.state = state;
        this.bonds = bonds;
        this.auditor = auditor;
        this.height = height;
    }

    /**
     * The start of the block: the synthetic results of block {@code height − 2} are selected for a random audit by
     * the hash of block {@code height − 1} (which did not exist when they were sent) and queued; then the oldest
     * queued results are audited, at most {@link #MAX_RANDOM_AUDITS_PER_BLOCK} of them.
     */
    public void start(ChainView chain) {
        AuditQueue queue = new AuditQueue(state);
        if (height >= 3) select(chain.blockHash(height - 1), queue);
        int budget = MAX_RANDOM_AUDITS_PER_BLOCK;
        while (budget > 0) {
            String taskId = queue.poll();
            if (taskId == null) break;
            ResultAudit r = record(taskId);
            if (r.status() != AuditStatus.QUEUED) continue; // a challenge audited it while it waited
            conclude(r, ResultAudit.RANDOM, "");
            budget--;
        }
    }

    private void select(String nextHash, AuditQueue queue) {
        String id = Long.toString(height - 2);
        byte[] v = state.get(StateKeys.AUDIT_CANDIDATES, id);
        if (v == null) return;
        state.put(StateKeys.AUDIT_CANDIDATES, id, null);
        for (com.fasterxml.jackson.databind.JsonNode n : Json.parse(v)) {
            String taskId = n.textValue();
            if (!selected(nextHash, taskId, params.bonds().auditRateBps())) continue;
            if (queue.offer(taskId)) put(record(taskId).queued());
        }
    }

    /**
     * Whether the result {@code taskId} is selected for a random audit: the first 8 bytes of
     * SHA-256("cpc-audit-v1" ‖ next block hash (32 bytes) ‖ UTF-8(task_id)), an unsigned big-endian integer, mod
     * 10000 is below {@code audit_rate_bps}.
     */
    public static boolean selected(String nextBlockHash, String taskId, int auditRateBps) {
        byte[] hash = Hex.decode(nextBlockHash, Sha256.LENGTH, "block hash");
        byte[] id = taskId.getBytes(StandardCharsets.UTF_8);
        byte[] in = new byte[DOMAIN.length + hash.length + id.length];
        System.arraycopy(DOMAIN, 0, in, 0, DOMAIN.length);
        System.arraycopy(hash, 0, in, DOMAIN.length, hash.length);
        System.arraycopy(id, 0, in, DOMAIN.length + hash.length, id.length);
        long draw = java.nio.ByteBuffer.wrap(Sha256.hash(in), 0, 8).getLong();
        return Long.remainderUnsigned(draw, 10_000) < auditRateBps;
    }

    /** A synthetic result this block accepted, from block {@code sourceHash} (its nonce). */
    public void accepted(ComputeResult r, String sourceHash) {
        accepted.add(ResultAudit.of(r.taskId(), r.workerAddress(), sourceHash, r.nonce(), r.resultHash(), height));
    }

    /** The block's finish: each of its synthetic results was paid {@code each}; records them for the audits. */
    public void finish(BigInteger each) {
        if (accepted.isEmpty()) return;
        com.fasterxml.jackson.databind.node.ArrayNode ids = Json.NODES.arrayNode();
        for (ResultAudit a : accepted) {
            put(a.paid(each));
            ids.add(a.taskId());
        }
        if (params.bonds().auditRateBps() > 0) {
            state.put(StateKeys.AUDIT_CANDIDATES, Long.toString(height), Jcs.canonicalize(ids));
        }
    }

    /**
     * The rules of a CHALLENGE_RESULT of {@code taskId} in block {@code height}: a synthetic result, not audited yet
     * (a queued one may be: the challenge audits it at once), included at most {@code challenge_window} blocks
     * before.
     */
    public static void checkChallenge(NetworkParams params, WorldState state, String taskId, long height)
            throws TxRejected {
        ResultAudit r = ResultAudit.decode(state.get(StateKeys.RESULT_AUDIT, taskId));
        if (r == null) {
            if (state.task(taskId) != null) {
                throw new TxRejected("task " + taskId + " is a market task; CHALLENGE_RESULT audits synthetic results"
                        + " (a market job's result is disputed with a fraud proof)");
            }
            throw new TxRejected("no synthetic result with task_id " + taskId + " is on chain (nothing to challenge)");
        }
        if (r.status().done()) {
            throw new TxRejected("the result of task " + taskId + " was already audited at height " + r.auditedHeight()
                    + " (" + r.status().wire() + ", by " + r.by() + "); a result is audited once");
        }
        long last = r.height() + params.bonds().challengeWindow();
        if (height > last) {
            throw new TxRejected("the challenge window of the result of task " + taskId + " closed at height " + last
                    + " (included at height " + r.height() + ", challenge_window " + params.bonds().challengeWindow()
                    + "); this block is " + height);
        }
    }

    /** A CHALLENGE_RESULT of {@code challenger} whose rules passed: the audit runs now, in this transaction. */
    public void challenge(String taskId, String challenger) {
        conclude(record(taskId), ResultAudit.CHALLENGE, challenger);
    }

    /**
     * Recomputes the result and settles the outcome. Right: the worker's bond counts a passed audit. Wrong: with
     * B = the bond plus its unbonding entries, s = floor(B × slash_result_bps / 10000) and the result's reward r,
     * {@code slash} takes up to r + s from it (bond first, then unbonding entries newest first), pays a challenger
     * floor(s × challenge_bounty_bps / 10000) out of it and burns the rest; the bond counts a failed audit.
     */
    private void conclude(ResultAudit r, String by, String challenger) {
        Verification v = auditor.audit(r, params);
        String worker = r.workerAddress();
        if (v.ok()) {
            bonds.recordAudit(worker, false);
            put(r.passed(by, challenger, height));
            return;
        }
        WorkBond b = bonds.bond(BondRole.WORKER, worker);
        BigInteger backing = b == null ? BigInteger.ZERO : b.amount().add(b.unbondingTotal());
        BigInteger slash = backing.multiply(BigInteger.valueOf(params.bonds().slashResultBps())).divide(BPS);
        List<WorkBonds.Payout> payouts = challenger.isEmpty() ? List.of() : List.of(new WorkBonds.Payout(challenger,
                slash.multiply(BigInteger.valueOf(params.bonds().challengeBountyBps())).divide(BPS)));
        WorkBonds.Slashed s = bonds.slash(worker, BondRole.WORKER, new WorkBonds.Cut.Wei(r.reward().add(slash)),
                payouts, "failed audit of the synthetic result of task " + r.taskId());
        bonds.recordAudit(worker, true);
        BigInteger bounty = s.paid().isEmpty() ? BigInteger.ZERO : s.paid().get(0).wei();
        put(r.failed(by, challenger, height, v.reason(), s.taken(), bounty, s.burned()));
    }

    private ResultAudit record(String taskId) {
        return ResultAudit.decode(state.get(StateKeys.RESULT_AUDIT, taskId));
    }

    private void put(ResultAudit r) {
        state.put(StateKeys.RESULT_AUDIT, r.taskId(), r.encode());
    }
}
