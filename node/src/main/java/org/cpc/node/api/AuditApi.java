package org.cpc.node.api;

import static org.cpc.http.JsonHttp.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.function.BiConsumer;
import org.cpc.chain.audit.ResultAudit;
import org.cpc.chain.query.ChainQuery;
import org.cpc.http.ApiException;
import org.cpc.protocol.types.Amounts;

/**
 * {@code GET /audit/{task_id}}: a synthetic result as the audits see it: what it was paid, until which height it
 * may be challenged, and the outcome of its full audit (random or forced by CHALLENGE_RESULT) once there is one.
 */
final class AuditApi {
    private final ChainQuery query;

    AuditApi(ChainQuery query) {
        this.query = query;
    }

    void register(BiConsumer<String, Handler> get) {
        get.accept("/audit/{task_id}", this::audit);
    }

    private void audit(Context ctx) {
        String id = NodeServer.taskIdParam(ctx);
        ResultAudit a = query.resultAudit(id).orElseThrow(() -> ApiException.notFound("no synthetic result with"
                + " task_id " + id + " on chain (a market task is read with GET /task/{task_id})"));
        ObjectNode o = a.toJson();
        long until = a.height() + query.params().bonds().challengeWindow();
        o.put("challenge_until", until);
        o.put("challengeable", !a.status().done() && query.head().header().height() < until);
        o.put("reward_cpc", Amounts.formatCpc(a.reward()));
        o.put("taken_cpc", Amounts.formatCpc(a.taken()));
        json(ctx, 200, o);
    }
}
