package org.cpc.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.cpc.chain.Admission;
import org.cpc.chain.Chain;
import org.cpc.http.ApiException;
import org.cpc.http.JsonHttp;
import org.cpc.http.Requests;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.types.Transaction;
import org.cpc.protocol.types.TxType;

/**
 * {@code POST /tx/batch}: many transactions in one request, for clients that send at high rates. The chain admits
 * them in the order given ({@link Chain#submitAll}: signatures checked on several threads first) and the answer
 * holds one result per transaction in that order, so a client learns exactly which went in. Each transaction is
 * read with the same strictness as {@code POST /tx/send} (known fields only, canonical-JSON-able) and hashed once;
 * the size limit is the chain's ({@code max_tx_bytes}, a per-transaction rejection here). SUBMIT_RESULT is not
 * taken here: its proof check is rate limited per peer on {@code POST /tx/send}.
 */
final class TxBatchApi {
    /** Transactions in one batch. */
    static final int MAX_TXS = 1000;
    /** Bytes of one batch's body. */
    static final long MAX_BODY_BYTES = 4L << 20;
    private static final Set<String> FIELDS = Set.of("transactions");

    private final Chain chain;
    private final NodeMetrics metrics;
    private final AdmissionGate admissions;

    TxBatchApi(Chain chain, NodeMetrics metrics, AdmissionGate admissions) {
        this.chain = chain;
        this.metrics = metrics;
        this.admissions = admissions;
    }

    void handle(Context ctx) {
        JsonNode body = Requests.json(ctx, MAX_BODY_BYTES, "{\"transactions\":[...]}");
        JsonNode list;
        try {
            list = JsonFields.of(body, "batch", FIELDS).raw("transactions");
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage() + "; send {\"transactions\":[tx, ...]}");
        }
        if (!list.isArray()) throw ApiException.badRequest("batch.transactions must be an array of transactions");
        if (list.isEmpty()) throw ApiException.badRequest("batch.transactions is empty; send 1 to " + MAX_TXS);
        if (list.size() > MAX_TXS) {
            throw ApiException.tooLarge("batch holds " + list.size() + " transactions; the limit is " + MAX_TXS);
        }
        // Read every transaction first; those that read go to the chain together, in order.
        ObjectNode[] results = new ObjectNode[list.size()];
        List<Transaction> txs = new ArrayList<>(list.size());
        List<Integer> at = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            try {
                Transaction tx = Transaction.fromJson(list.get(i));
                if (tx.txType() == TxType.SUBMIT_RESULT) {
                    results[i] = rejected(null, "SUBMIT_RESULT is not taken in a batch; send it with POST /tx/send");
                    continue;
                }
                txs.add(tx);
                at.add(i);
            } catch (IllegalArgumentException e) {
                results[i] = rejected(null, "transactions[" + i + "]: " + e.getMessage());
            }
        }
        List<Admission> answers = admissions.admit(() -> chain.submitAll(txs));
        int accepted = 0;
        for (int k = 0; k < answers.size(); k++) {
            results[at.get(k)] = switch (answers.get(k)) {
                case Admission.Accepted a -> {
                    accepted++;
                    metrics.txAccepted();
                    ObjectNode o = Json.object();
                    o.put("tx_hash", a.txHash());
                    o.put("status", "received");
                    yield o;
                }
                case Admission.Rejected r -> rejected(r.txHash(), r.reason());
            };
        }
        ObjectNode o = Json.object();
        o.put("accepted", accepted);
        o.put("rejected", results.length - accepted);
        ArrayNode arr = o.putArray("results");
        for (ObjectNode r : results) arr.add(r);
        JsonHttp.json(ctx, 200, o);
    }

    private ObjectNode rejected(String txHash, String reason) {
        metrics.txRejected(reason);
        ObjectNode o = Json.object();
        if (txHash != null) o.put("tx_hash", txHash);
        o.put("status", "rejected");
        o.put("error", reason);
        return o;
    }
}
