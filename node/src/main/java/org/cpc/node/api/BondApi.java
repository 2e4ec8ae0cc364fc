package org.cpc.node.api;

import static org.cpc.http.JsonHttp.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.math.BigInteger;
import java.util.function.BiConsumer;
import org.cpc.chain.WorkerStats;
import org.cpc.chain.query.ChainQuery;
import org.cpc.chain.staking.BondRole;
import org.cpc.chain.staking.Reputation;
import org.cpc.chain.staking.WorkBond;
import org.cpc.protocol.codec.Json;

/**
 * The work-bond routes: {@code GET /pocs}, the bonded PoC validators customers pick a Task Market from, and the
 * bond and reputation fields of {@code GET /worker/{address}}. Amounts are wei strings with a {@code _cpc} twin.
 */
public final class BondApi {
    private final ChainQuery query;

    public BondApi(ChainQuery query) {
        this.query = query;
    }

    public void register(BiConsumer<String, Handler> get) {
        get.accept("/pocs", this::pocs);
    }

    private void pocs(Context ctx) {
        ObjectNode o = Json.object();
        o.put("min_poc_bond", query.params().bonds().minPocBond().toString());
        ArrayNode arr = o.putArray("pocs");
        for (WorkBond b : query.pocValidators()) {
            ObjectNode p = arr.addObject();
            p.put("address", b.address());
            p.put("endpoint", b.endpoint());
            p.put("name", b.name());
            WeiJson.put(p, "bond", b.amount());
            WeiJson.put(p, "unbonding", b.unbondingTotal());
            p.put("tasks_settled", b.tasksSettled());
            WeiJson.put(p, "slashed", b.slashed());
            p.put("slashes", b.slashes());
            p.put("unbond_locked_until", query.unbondLockedUntil(BondRole.POC_VALIDATOR, b.address()));
        }
        json(ctx, 200, o);
    }

    /**
     * Adds a worker's bond fields to {@code o}: {@code bond}, {@code unbonding}, {@code audited},
     * {@code failed_audits}, {@code slashed} (wei), {@code unbond_locked_until} (the dispute lock, unix seconds) and
     * {@code reputation} (bps, {@link Reputation#bps}).
     */
    void workerFields(String address, WorkerStats stats, ObjectNode o) {
        WorkBond b = query.workBond(BondRole.WORKER, address).orElse(null);
        BigInteger bond = b == null ? BigInteger.ZERO : b.amount();
        WeiJson.put(o, "bond", bond);
        WeiJson.put(o, "unbonding", b == null ? BigInteger.ZERO : b.unbondingTotal());
        o.put("bonded_enough", bond.compareTo(query.params().bonds().minWorkerBond()) >= 0);
        o.put("audited", b == null ? 0 : b.audited());
        o.put("failed_audits", b == null ? 0 : b.failedAudits());
        WeiJson.put(o, "slashed", b == null ? BigInteger.ZERO : b.slashed());
        o.put("slashes", b == null ? 0 : b.slashes());
        o.put("unbond_locked_until", query.unbondLockedUntil(BondRole.WORKER, address));
        o.put("reputation", Reputation.bps(stats.accepted(), b == null ? 0 : b.failedAudits(),
                b == null ? 0 : b.slashes()));
    }
}
