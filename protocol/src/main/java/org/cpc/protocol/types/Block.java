package org.cpc.protocol.types;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.crypto.Sha256;

/**
 * A block: header, the full signed transactions in order, the proposer's ML-DSA-65 signature over the hash, and what
 * consensus puts in it: {@code last_commit}, the certificate of the previous block ({@code {"round","signatures"}}
 * as {@code GET /block/{height}} serves a commit; null at height 1), and {@code evidence}, double-sign evidence
 * (each {@code {"first": vote, "second": vote}}, the {@code /evidence} format). Those two are kept as their JSON
 * here, in canonical form, and interpreted by the chain, which checks them against the header's
 * {@code last_commit_hash} and {@code evidence_hash} and the validator sets.
 */
public record Block(BlockHeader header, List<Transaction> transactions, String signature, JsonNode lastCommit,
                    List<JsonNode> evidence) {
    public static final Set<String> FIELDS = Set.of("hash", "header", "transactions", "signature", "last_commit",
            "evidence");
    /** Also accepted when reading: {@code commit}, the certificate {@code GET /block/{height}} serves beside it. */
    private static final Set<String> READ_FIELDS = Set.of("hash", "header", "transactions", "signature",
            "last_commit", "evidence", "commit");
    /** Most evidence items one block carries (a bound on the work of checking a block). */
    public static final int MAX_EVIDENCE = 16;

    public Block {
        transactions = List.copyOf(transactions);
        evidence = List.copyOf(evidence);
        if (lastCommit != null && lastCommit.isNull()) lastCommit = null;
    }

    /** A block without last commit and evidence (genesis, and tests of the parts that ignore them). */
    public Block(BlockHeader header, List<Transaction> transactions, String signature) {
        this(header, transactions, signature, null, List.of());
    }

    public String hashHex() {
        return header.hashHex();
    }

    public Block withSignature(String sig) {
        return new Block(header, transactions, sig, lastCommit, evidence);
    }

    /** {@code last_commit_hash}: SHA-256 (hex) of the JCS of {@code last_commit}, {@code ""} when there is none. */
    public static String lastCommitHash(JsonNode lastCommit) {
        return lastCommit == null ? "" : Hex.encode(Sha256.hash(Jcs.canonicalize(lastCommit)));
    }

    /** {@code evidence_hash}: SHA-256 (hex) of the JCS of the {@code evidence} array, {@code ""} when it is empty. */
    public static String evidenceHash(List<JsonNode> evidence) {
        if (evidence.isEmpty()) return "";
        ArrayNode a = Json.NODES.arrayNode();
        evidence.forEach(a::add);
        return Hex.encode(Sha256.hash(Jcs.canonicalize(a)));
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("hash", header.hashHex());
        o.set("header", header.toJson());
        ArrayNode txs = o.putArray("transactions");
        for (Transaction tx : transactions) txs.add(tx.toJson());
        if (signature == null) o.putNull("signature"); else o.put("signature", signature);
        if (lastCommit == null) o.putNull("last_commit"); else o.set("last_commit", lastCommit);
        ArrayNode ev = o.putArray("evidence");
        evidence.forEach(ev::add);
        return o;
    }

    /** The last block {@link #jsonBytes()} encoded, with its bytes. */
    private record Encoded(Block block, byte[] bytes) {}
    private static final java.util.concurrent.atomic.AtomicReference<Encoded> LAST_ENCODED =
            new java.util.concurrent.atomic.AtomicReference<>();

    /**
     * {@link #toJson()} as UTF-8 bytes, written without building the tree of its transactions. The block a node has
     * just built is encoded twice otherwise (in the consensus log and in the store), so the bytes of the last block
     * encoded are kept, by identity, and handed out again: callers must not change them.
     */
    public byte[] jsonBytes() {
        Encoded last = LAST_ENCODED.get();
        if (last != null && last.block() == this) return last.bytes();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(1024 + 512 * transactions.size());
        try (com.fasterxml.jackson.core.JsonGenerator g = Json.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("hash", header.hashHex());
            g.writeFieldName("header");
            g.writeTree(header.toJson());
            g.writeArrayFieldStart("transactions");
            for (Transaction tx : transactions) tx.writeJson(g);
            g.writeEndArray();
            if (signature == null) g.writeNullField("signature"); else g.writeStringField("signature", signature);
            g.writeFieldName("last_commit");
            if (lastCommit == null) g.writeNull(); else g.writeTree(lastCommit);
            g.writeArrayFieldStart("evidence");
            for (JsonNode e : evidence) g.writeTree(e);
            g.writeEndArray();
            g.writeEndObject();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        byte[] bytes = out.toByteArray();
        LAST_ENCODED.set(new Encoded(this, bytes));
        return bytes;
    }

    /**
     * Reads a block; the optional {@code hash} field is informative and must match when present. A {@code commit}
     * field (the commit certificate served beside the block by the node API) is not part of the block and is
     * ignored, so a block read from {@code GET /block/{height}} parses. {@code last_commit} and {@code evidence}
     * must match the header's hashes of them, so that what a block carries is what its hash covers.
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
        JsonNode lc = node.get("last_commit");
        if (lc == null) throw new IllegalArgumentException("block.last_commit is missing (null at height 1)");
        if (!lc.isNull() && !lc.isObject()) throw new IllegalArgumentException("block.last_commit must be an object or null");
        JsonNode ev = node.get("evidence");
        if (ev == null || !ev.isArray()) throw new IllegalArgumentException("block.evidence must be an array");
        if (ev.size() > MAX_EVIDENCE) {
            throw new IllegalArgumentException("block.evidence has " + ev.size() + " items; at most " + MAX_EVIDENCE);
        }
        List<JsonNode> evidence = new ArrayList<>(ev.size());
        for (JsonNode e : ev) {
            if (!e.isObject()) throw new IllegalArgumentException("block.evidence items must be objects");
            evidence.add(e);
        }
        Block b = new Block(header, list, signature, lc, evidence);
        if (!lastCommitHash(b.lastCommit()).equals(header.lastCommitHash())) {
            throw new IllegalArgumentException("block.last_commit does not match header.last_commit_hash");
        }
        if (!evidenceHash(evidence).equals(header.evidenceHash())) {
            throw new IllegalArgumentException("block.evidence does not match header.evidence_hash");
        }
        return b;
    }
}
