package org.cpc.protocol.types;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Objects;
import java.util.Set;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.crypto.Sha256;

/**
 * A transaction as it travels and is signed. Its hash is SHA-256 of the JCS of every field but {@code signature};
 * {@code chain_id} is inside it, so a signature is valid on one chain only. This type checks form only (types,
 * hex); whether a transaction may execute is the chain's business.
 *
 * <p>{@code payload} is a JSON object; treat it as immutable once the transaction is built.
 */
public record Transaction(
        String chainId,
        TxType txType,
        String fromAddress,
        String toAddress,
        BigInteger amount,
        BigInteger fee,
        long nonce,
        long gasPrice,
        long gasLimit,
        long timestamp,
        String pubKey,
        ObjectNode payload,
        String signature) {

    public static final Set<String> FIELDS = Set.of("chain_id", "tx_type", "from_address", "to_address", "amount",
            "fee", "nonce", "gas_price", "gas_limit", "timestamp", "pub_key", "payload", "signature");

    public Transaction {
        Objects.requireNonNull(chainId, "chain_id");
        Objects.requireNonNull(txType, "tx_type");
        Objects.requireNonNull(fromAddress, "from_address");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(fee, "fee");
        Objects.requireNonNull(pubKey, "pub_key");
        Objects.requireNonNull(payload, "payload");
    }

    /** The same transaction carrying {@code signatureHex}. */
    public Transaction withSignature(String signatureHex) {
        return new Transaction(chainId, txType, fromAddress, toAddress, amount, fee, nonce, gasPrice, gasLimit,
                timestamp, pubKey, payload, signatureHex);
    }

    /** Every field but the signature: the object that is hashed and signed. */
    public ObjectNode unsignedJson() {
        ObjectNode o = Json.object();
        o.put("chain_id", chainId);
        o.put("tx_type", txType.name());
        o.put("from_address", fromAddress);
        if (toAddress == null) o.putNull("to_address"); else o.put("to_address", toAddress);
        o.put("amount", amount.toString());
        o.put("fee", fee.toString());
        o.put("nonce", nonce);
        o.put("gas_price", gasPrice);
        o.put("gas_limit", gasLimit);
        o.put("timestamp", timestamp);
        o.put("pub_key", pubKey);
        o.set("payload", payload);
        return o;
    }

    public ObjectNode toJson() {
        ObjectNode o = unsignedJson();
        if (signature == null) o.putNull("signature"); else o.put("signature", signature);
        return o;
    }

    /**
     * Writes {@link #toJson()}'s object, field for field in the same order, without building the tree: what a block
     * of thousands of transactions is stored and logged as.
     */
    public void writeJson(com.fasterxml.jackson.core.JsonGenerator g) throws java.io.IOException {
        g.writeStartObject();
        g.writeStringField("chain_id", chainId);
        g.writeStringField("tx_type", txType.name());
        g.writeStringField("from_address", fromAddress);
        if (toAddress == null) g.writeNullField("to_address"); else g.writeStringField("to_address", toAddress);
        g.writeStringField("amount", amount.toString());
        g.writeStringField("fee", fee.toString());
        g.writeNumberField("nonce", nonce);
        g.writeNumberField("gas_price", gasPrice);
        g.writeNumberField("gas_limit", gasLimit);
        g.writeNumberField("timestamp", timestamp);
        g.writeStringField("pub_key", pubKey);
        g.writeFieldName("payload");
        g.writeTree(payload);
        if (signature == null) g.writeNullField("signature"); else g.writeStringField("signature", signature);
        g.writeEndObject();
    }

    public byte[] signingBytes() {
        return Jcs.canonicalize(unsignedJson());
    }

    public byte[] hash() {
        return Sha256.hash(signingBytes());
    }

    public String hashHex() {
        return Hex.encode(hash());
    }

    /** Size of the transaction's canonical encoding, signature included; what limits and per-byte gas count. */
    public int encodedSize() {
        return Jcs.canonicalize(toJson()).length;
    }

    /** Reads a transaction strictly: every field present with its type, nothing unknown. */
    public static Transaction fromJson(JsonNode node) {
        JsonFields f = JsonFields.of(node, "transaction", FIELDS);
        // Read in declaration order, so the first problem reported is the first field a reader would check.
        Transaction tx = new Transaction(
                f.string("chain_id"),
                TxType.parse(f.string("tx_type")),
                f.string("from_address"),
                f.nullableString("to_address"),
                f.wei("amount"),
                f.wei("fee"),
                f.uint("nonce"),
                f.uint("gas_price"),
                f.uint("gas_limit"),
                f.uint("timestamp"),
                f.string("pub_key"),
                f.object("payload").deepCopy(),
                f.nullableString("signature"));
        if (!Hex.isHex(tx.pubKey)) throw new IllegalArgumentException("transaction.pub_key must be lowercase hex");
        if (tx.signature != null && !Hex.isHex(tx.signature)) {
            throw new IllegalArgumentException("transaction.signature must be lowercase hex");
        }
        // Its hash is that of its JCS: one that has none (a fraction or a lone surrogate in the payload, say) would
        // fail wherever it is first hashed instead of here.
        Jcs.requireCanonical(node, "transaction");
        return tx;
    }
}
