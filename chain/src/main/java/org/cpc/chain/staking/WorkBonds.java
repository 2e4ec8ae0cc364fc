package org.cpc.chain.staking;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.cpc.chain.exec.TxRejected;
import org.cpc.chain.state.StateKeys;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.params.NetworkParams;

/**
 * The work bonds of workers and PoC validators (docs/protocol.md, "Work bonds"): BOND, UNBOND, the maturing of
 * unbonding entries after {@code bond_unbonding_blocks}, and {@link #slash}, the one entry point by which audits,
 * challenges and fraud proofs take wei from a bond. A slash burns what it does not pay out, the way staking's
 * slashes burn ({@link StakingState#burn}): one slashing framework for the chain. Deterministic, exact integers;
 * checks that can fail throw {@link TxRejected} before anything is written.
 */
public final class WorkBonds {
    /** Most unbonding entries one bond may have at once. */
    public static final int MAX_UNBONDING = 32;
    private static final BigInteger BPS = BigInteger.valueOf(10_000);

    private final NetworkParams params;
    private final StakingState s;

    public WorkBonds(NetworkParams params, StakingLedger ledger) {
        this.params = params;
        this.s = new StakingState(ledger, params.staking());
    }

    /** The bond of {@code address} in {@code role}, or null when it never bonded. */
    public WorkBond bond(BondRole role, String address) {
        return WorkBond.decode(s.ledger().get(StateKeys.WORK_BOND, WorkBond.id(role, address)));
    }

    private WorkBond existingOrEmpty(BondRole role, String address) {
        WorkBond b = bond(role, address);
        return b == null ? WorkBond.empty(role, address) : b;
    }

    private void put(WorkBond b) {
        s.ledger().put(StateKeys.WORK_BOND, b.id(), b.encode());
    }

    /** The wei {@code address} has bonded in {@code role} (0 when none). */
    public BigInteger bonded(BondRole role, String address) {
        WorkBond b = bond(role, address);
        return b == null ? BigInteger.ZERO : b.amount();
    }

    // ---------------------------------------------------------------- admission

    /** A synthetic result of {@code worker}: refused unless its worker bond is at least {@code min_worker_bond}. */
    public void checkWorkerAdmitted(String worker) throws TxRejected {
        BigInteger min = params.bonds().minWorkerBond();
        BigInteger has = bonded(BondRole.WORKER, worker);
        if (has.compareTo(min) < 0) {
            throw new TxRejected("worker " + worker + " has bonded " + has + " wei; a synthetic result needs a worker"
                    + " bond of at least min_worker_bond " + min + " wei (send BOND {\"role\":\"worker\"}:"
                    + " cpc tx bond --role worker --amount ...)");
        }
    }

    /** Whether {@code address} may put market results on chain (or attest them): bonded ≥ {@code min_poc_bond}. */
    public boolean isPoc(String address) {
        return bonded(BondRole.POC_VALIDATOR, address).compareTo(params.bonds().minPocBond()) >= 0;
    }

    // ---------------------------------------------------------------- genesis

    /**
     * The genesis PoC validators' bonds: {@code min_poc_bond} each, taken out of their alloc by the caller (see
     * {@code Genesis#bonds}), with no endpoint until the PoC validator announces one with a BOND.
     */
    public void genesis(List<String> pocValidators) {
        for (String a : pocValidators) {
            put(WorkBond.empty(BondRole.POC_VALIDATOR, a).withAmount(params.bonds().minPocBond()));
        }
    }

    // ---------------------------------------------------------------- BOND / UNBOND

    /** The rules of BOND: an amount above 0, or 0 when a PoC validator only moves its listing (endpoint, name). */
    public void checkBond(String address, BondPayload p, BigInteger amount) throws TxRejected {
        if (amount.signum() > 0) return;
        if (p.role() != BondRole.POC_VALIDATOR || bonded(BondRole.POC_VALIDATOR, address).signum() == 0) {
            throw new TxRejected("BOND must carry an amount above 0 wei (an amount of 0 only updates the endpoint and"
                    + " name of a bonded PoC validator)");
        }
    }

    /** BOND: adds {@code amount} (already taken from the sender's balance); a PoC validator's listing is set. */
    public void bond(String address, BondPayload p, BigInteger amount) throws TxRejected {
        checkBond(address, p, amount);
        WorkBond b = existingOrEmpty(p.role(), address);
        b = b.withAmount(b.amount().add(amount));
        if (p.role() == BondRole.POC_VALIDATOR) b = b.withListing(p.endpoint(), p.name());
        put(b);
    }

    /** The rules of UNBOND. */
    public void checkUnbond(String address, BondRole role, BigInteger amount) throws TxRejected {
        WorkBond b = bond(role, address);
        BigInteger has = b == null ? BigInteger.ZERO : b.amount();
        if (amount.signum() <= 0 || amount.compareTo(has) > 0) {
            throw new TxRejected("the " + role.wire() + " bond of " + address + " is " + has + " wei; cannot unbond "
                    + amount);
        }
        if (b.unbonding().size() >= MAX_UNBONDING) {
            throw new TxRejected("the " + role.wire() + " bond of " + address + " already has " + MAX_UNBONDING
                    + " unbonding entries, the most one bond may; wait for one to mature");
        }
    }

    /** UNBOND: {@code amount} leaves the bond and comes back at {@code height + bond_unbonding_blocks}. */
    public WorkBond.Unbonding unbond(String address, BondRole role, BigInteger amount, long height) throws TxRejected {
        checkUnbond(address, role, amount);
        WorkBond b = bond(role, address);
        WorkBond.Unbonding e = new WorkBond.Unbonding(amount, height,
                height + params.bonds().bondUnbondingBlocks());
        List<WorkBond.Unbonding> u = new ArrayList<>(b.unbonding());
        u.add(e);
        put(b.withAmount(b.amount().subtract(amount)).withUnbonding(u));
        List<String> queue = new ArrayList<>(maturing(e.maturesHeight()));
        if (!queue.contains(b.id())) queue.add(b.id());
        putMaturing(e.maturesHeight(), queue);
        return e;
    }

    /** Pays the unbonding entries that mature at {@code height}, bonds in the order they first unbonded then. */
    public void matureUnbonding(long height) {
        List<String> ids = maturing(height);
        for (String id : ids) {
            WorkBond b = WorkBond.decode(s.ledger().get(StateKeys.WORK_BOND, id));
            List<WorkBond.Unbonding> left = new ArrayList<>();
            for (WorkBond.Unbonding e : b.unbonding()) {
                if (e.maturesHeight() == height) s.ledger().credit(b.address(), e.balance());
                else left.add(e);
            }
            put(b.withUnbonding(left));
        }
        if (!ids.isEmpty()) putMaturing(height, List.of());
    }

    private List<String> maturing(long height) {
        byte[] v = s.ledger().get(StateKeys.WORK_UNBONDING_QUEUE, Long.toString(height));
        return v == null ? List.of() : StakerIndex.strings(Json.parse(v));
    }

    private void putMaturing(long height, List<String> ids) {
        byte[] v = null;
        if (!ids.isEmpty()) {
            ArrayNode a = Json.NODES.arrayNode();
            ids.forEach(a::add);
            v = Jcs.canonicalize(a);
        }
        s.ledger().put(StateKeys.WORK_UNBONDING_QUEUE, Long.toString(height), v);
    }

    // ---------------------------------------------------------------- counters

    /** A market job this PoC validator put on chain (or attested) settled. */
    public void recordSettled(String poc) {
        WorkBond b = existingOrEmpty(BondRole.POC_VALIDATOR, poc);
        put(b.withCounts(b.tasksSettled() + 1, b.audited(), b.failedAudits()));
    }

    /** A synthetic result of {@code worker} was audited in full; {@code failed}: it was found wrong. */
    public void recordAudit(String worker, boolean failed) {
        WorkBond b = existingOrEmpty(BondRole.WORKER, worker);
        put(b.withCounts(b.tasksSettled(), b.audited() + 1, b.failedAudits() + (failed ? 1 : 0)));
    }

    // ---------------------------------------------------------------- slashing

    /** How much a slash takes. */
    public sealed interface Cut {
        /** {@code bps} of the bond and of each unbonding entry, each rounded down. */
        record Bps(int bps) implements Cut {
            public Bps {
                if (bps < 0 || bps > 10_000) throw new IllegalArgumentException("bps must be 0..10000, not " + bps);
            }
        }

        /** Up to {@code wei}: from the bond first, then from the unbonding entries, newest first. */
        record Wei(BigInteger wei) implements Cut {
            public Wei {
                if (wei.signum() < 0) throw new IllegalArgumentException("a slash of " + wei + " wei");
            }
        }
    }

    /** Who is paid out of a slash, and up to how much (a refund to a customer, a bounty to a challenger). */
    public record Payout(String address, BigInteger wei) {}

    /**
     * What a slash did: the wei taken from the bond and from its unbonding entries, what each payout received (in
     * the order asked, each up to what was left), and what was burned (the rest).
     */
    public record Slashed(BondRole role, String address, BigInteger fromBond, BigInteger fromUnbonding,
                          List<Payout> paid, BigInteger burned, String reason) {
        public BigInteger taken() {
            return fromBond.add(fromUnbonding);
        }
    }

    /**
     * Slashes the {@code role} bond of {@code address}: takes {@code cut} from the bond and from its unbonding
     * entries (every one not yet matured: {@code bond_unbonding_blocks} exceeds both dispute windows, so each still
     * backs results that can be disputed), pays {@code payouts} out of what was taken in order, each up to what is
     * left, and burns the rest (total supply falls by it, as with staking's slashes). Never refused: a bond that
     * holds less gives what it has (an account that never bonded gives 0). Counts in the bond's {@code slashed} and
     * {@code slashes}. This is the entry point of random audits, CHALLENGE_RESULT and FRAUD_PROOF.
     *
     * @param reason why, for the caller's receipts and logs (e.g. "failed audit of task X")
     */
    public Slashed slash(String address, BondRole role, Cut cut, List<Payout> payouts, String reason) {
        WorkBond b = existingOrEmpty(role, address);
        BigInteger fromBond;
        BigInteger fromUnbonding = BigInteger.ZERO;
        List<WorkBond.Unbonding> entries = new ArrayList<>(b.unbonding());
        switch (cut) {
            case Cut.Bps(int bps) -> {
                BigInteger f = BigInteger.valueOf(bps);
                fromBond = b.amount().multiply(f).divide(BPS);
                for (int i = 0; i < entries.size(); i++) {
                    WorkBond.Unbonding e = entries.get(i);
                    BigInteger c = e.balance().multiply(f).divide(BPS);
                    entries.set(i, new WorkBond.Unbonding(e.balance().subtract(c), e.createdHeight(), e.maturesHeight()));
                    fromUnbonding = fromUnbonding.add(c);
                }
            }
            case Cut.Wei(BigInteger wei) -> {
                fromBond = wei.min(b.amount());
                BigInteger want = wei.subtract(fromBond);
                for (int i = entries.size() - 1; i >= 0 && want.signum() > 0; i--) {
                    WorkBond.Unbonding e = entries.get(i);
                    BigInteger c = want.min(e.balance());
                    entries.set(i, new WorkBond.Unbonding(e.balance().subtract(c), e.createdHeight(), e.maturesHeight()));
                    fromUnbonding = fromUnbonding.add(c);
                    want = want.subtract(c);
                }
            }
        }
        BigInteger left = fromBond.add(fromUnbonding);
        List<Payout> paid = new ArrayList<>();
        for (Payout p : payouts) {
            BigInteger w = p.wei().min(left);
            if (w.signum() > 0) s.ledger().credit(p.address(), w);
            paid.add(new Payout(p.address(), w));
            left = left.subtract(w);
        }
        s.burn(left);
        put(b.withAmount(b.amount().subtract(fromBond)).withUnbonding(entries).withSlash(fromBond.add(fromUnbonding)));
        return new Slashed(role, address, fromBond, fromUnbonding, List.copyOf(paid), left, reason);
    }
}
