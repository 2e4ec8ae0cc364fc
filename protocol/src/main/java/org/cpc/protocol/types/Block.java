package org.cpc.protocol.types;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;

/** A block: header, the full signed transactions in order, and the proposer's ML-DSA-65 signature over the hash. */
public record Block(BlockHeader header, List<Transaction> transactions, String signature) {
    public static final Set<String> FIELDS = Set.of("hash", "header", "transactions", "signature");
    /** Also accepted when reading: {@code commit}, the certificate {@code GET /block/{height}} serves beside it. */
    private static final Set<String> READ_FIELDS = Set.of("hash", "header", "transactions", "signature", "commit");

    public Block {
        transactions = List.copyOf(transactions);
    }

    public String hashHex() {
        return header.hashHex();
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("hash", header.hashHex());
        o.set("header", header.toJson());
        ArrayNode txs = o.putArray("transactions");
        for (Transaction tx : transactions) txs.add(tx.toJson());
        if (signature == null) o.putNull("signature"); else o.put("signature", signature);
        return o;
    }

    /**
     * Reads a block; the optional {@code hash} field is informative and must match when present. A {@code commit}
     * field (the commit certificate served beside the block by the node API) is not part of the block and is
     * ignored, so a block read from {@code GET /block/{height}} parses.
     */
    public static Block fromJson(JsonNode node) {
        JsonFields f = JsonFields.of(node, "block", READ_FIELDS);
        BlockHeader header = BlockHeader.fromJson(f.raw("header"));
        JsonNode txs = f.raw("transactions");
        if (!txs.isArray()) throw new IllegalArgumentException("block.transactions must be an array");
        List<Transaction> list = new ArrayList<>(txs.size());
        for (JsonNode t : txs) list.add(Transaction.fromJson(t));
        String hash = f.optionalString("hash");
        if (hash != null && !hash.equals(header.hashHex())) {
            throw new IllegalArgumentException("block.hash " + hash + " does not match its header (" + header.hashHex() + ")");
        }
        String signature = f.nullableString("signature");
        if (signature != null && !Hex.isHex(signature)) throw new IllegalArgumentException("block.signature must be lowercase hex");
        return new Block(header, list, signature);
    }
}
