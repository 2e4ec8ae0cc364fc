package org.cpc.node.consensus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.cpc.chain.exec.HeaderRules;
import org.cpc.consensus.Proposal;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.types.Block;
import org.cpc.protocol.types.Transaction;

/**
 * The wire form of compact proposals (docs/protocol.md, "Compact proposals"), version 1: a proposal that carries its
 * block's header and transaction hashes instead of the transactions, and the request and answer by which a peer
 * fetches the transactions it lacks. Strict like every consensus payload: unknown or missing fields, another
 * version, bad hex, duplicate hashes, more hashes than {@code max_block_txs} and a tx root that the hashes do not
 * give are refused with an {@link IllegalArgumentException} naming the problem. Signatures are not checked here.
 */
public final class CompactMessages {
    public static final int VERSION = 1;
    public static final String PROPOSAL = "compact_proposal";
    public static final String GET_TXS = "get_txs";
    public static final String TXS = "txs";

    /** Whether {@code type} is one of the messages here. */
    public static boolean handles(String type) {
        return PROPOSAL.equals(type) || GET_TXS.equals(type) || TXS.equals(type);
    }

    /** A block without its transactions, their hashes in block order, and the bodies sent along (any subset). */
    public sealed interface Message permits Compact, GetTxs, Txs {}

    /**
     * @param skeleton the block with an empty transaction list (header, proposer signature, last commit, evidence)
     * @param txHashes the hashes of the block's transactions in order; they give the header's {@code tx_root}
     * @param bodies transactions of the block sent along, each one of {@code txHashes}
     */
    public record Compact(long height, int round, int polRound, Block skeleton, List<String> txHashes,
                          List<Transaction> bodies, String signature) implements Message {
        public String blockHash() {
            return skeleton.hashHex();
        }

        /** The proposal of {@code block}, which must be this one's block with its transactions. */
        public Proposal<Block> proposal(Block block) {
            return new Proposal<>(height, round, polRound, block, signature);
        }
    }

    /** A request for the bodies of {@code hashes}, transactions of the proposed block {@code blockHash}. */
    public record GetTxs(String blockHash, List<String> hashes) implements Message {}

    /** The answer to {@link GetTxs}: the requested bodies the peer has (none, some or all). */
    public record Txs(String blockHash, List<Transaction> txs) implements Message {}

    private static final Set<String> PROPOSAL_FIELDS = Set.of("type", "version", "height", "round", "pol_round",
            "header", "block_signature", "last_commit", "evidence", "tx_hashes", "txs", "signature");
    private static final Set<String> GET_FIELDS = Set.of("type", "version", "block_hash", "hashes");
    private static final Set<String> TXS_FIELDS = Set.of("type", "version", "block_hash", "txs");

    private final long maxTxs;

    /** @param maxTxs the most transaction hashes a message may carry: the chain's {@code max_block_txs} */
    public CompactMessages(long maxTxs) {
        this.maxTxs = maxTxs;
    }

    /** {@code p} compact: {@code hashes} are its block's transaction hashes, {@code inline} those sent whole. */
    public static ObjectNode toJson(Proposal<Block> p, List<String> hashes, List<Transaction> inline) {
        Block b = p.block();
        ObjectNode o = Json.object().put("type", PROPOSAL).put("version", VERSION).put("height", p.height())
                .put("round", p.round()).put("pol_round", p.polRound());
        o.set("header", b.header().toJson());
        if (b.signature() == null) o.putNull("block_signature"); else o.put("block_signature", b.signature());
        if (b.lastCommit() == null) o.putNull("last_commit"); else o.set("last_commit", b.lastCommit());
        ArrayNode ev = o.putArray("evidence");
        b.evidence().forEach(ev::add);
        ArrayNode hs = o.putArray("tx_hashes");
        hashes.forEach(hs::add);
        ArrayNode txs = o.putArray("txs");
        for (Transaction tx : inline) txs.add(tx.toJson());
        o.put("signature", p.signature());
        return o;
    }

    public static ObjectNode toJson(GetTxs g) {
        ObjectNode o = Json.object().put("type", GET_TXS).put("version", VERSION).put("block_hash", g.blockHash());
        ArrayNode hs = o.putArray("hashes");
        g.hashes().forEach(hs::add);
        return o;
    }

    public static ObjectNode toJson(Txs t) {
        ObjectNode o = Json.object().put("type", TXS).put("version", VERSION).put("block_hash", t.blockHash());
        ArrayNode txs = o.putArray("txs");
        for (Transaction tx : t.txs()) txs.add(tx.toJson());
        return o;
    }

    public Message fromJson(JsonNode node) {
        String type = node == null ? null : node.path("type").textValue();
        if (type == null || !handles(type)) throw new IllegalArgumentException("not a compact proposal message");
        Set<String> fields = switch (type) {
            case PROPOSAL -> PROPOSAL_FIELDS;
            case GET_TXS -> GET_FIELDS;
            default -> TXS_FIELDS;
        };
        JsonFields f = JsonFields.of(node, type, fields);
        if (f.uint("version") != VERSION) {
            throw new IllegalArgumentException(type + ".version must be " + VERSION + ", not " + f.raw("version"));
        }
        return switch (type) {
            case PROPOSAL -> compact(node, f);
            case GET_TXS -> {
                List<String> hashes = hashes(f.raw("hashes"), type + ".hashes");
                if (hashes.isEmpty()) throw new IllegalArgumentException("get_txs.hashes is empty");
                yield new GetTxs(hash(f.string("block_hash"), type + ".block_hash"), hashes);
            }
            default -> new Txs(hash(f.string("block_hash"), type + ".block_hash"), transactions(f.raw("txs"), type));
        };
    }

    private Compact compact(JsonNode node, JsonFields f) {
        int round = round(f.uint("round"), "compact_proposal.round");
        JsonNode pol = f.raw("pol_round");
        if (!pol.isIntegralNumber() || !pol.canConvertToInt()
                || pol.intValue() != -1 && (pol.intValue() < 0 || pol.intValue() >= round)) {
            throw new IllegalArgumentException("compact_proposal.pol_round must be -1 or an integer below round");
        }
        ObjectNode b = Json.object();
        b.set("header", f.raw("header"));
        b.putArray("transactions");
        b.set("signature", f.raw("block_signature"));
        b.set("last_commit", node.get("last_commit"));
        b.set("evidence", node.get("evidence"));
        Block skeleton = Block.fromJson(b);
        List<String> hashes = hashes(f.raw("tx_hashes"), "compact_proposal.tx_hashes");
        List<byte[]> raw = hashes.stream().map(Hex::decode).toList();
        if (!HeaderRules.txRoot(raw).equals(skeleton.header().txRoot())) {
            throw new IllegalArgumentException("compact_proposal.tx_hashes do not give the header's tx_root");
        }
        List<Transaction> bodies = transactions(f.raw("txs"), "compact_proposal");
        Set<String> listed = new HashSet<>(hashes);
        Set<String> sent = new HashSet<>();
        for (Transaction tx : bodies) {
            String h = tx.hashHex();
            if (!listed.contains(h)) throw new IllegalArgumentException("compact_proposal.txs holds " + h + ", not in tx_hashes");
            if (!sent.add(h)) throw new IllegalArgumentException("compact_proposal.txs holds " + h + " twice");
        }
        String sig = f.string("signature");
        if (sig.isEmpty() || !Hex.isHex(sig) || sig.length() % 2 != 0) {
            throw new IllegalArgumentException("compact_proposal.signature must be lowercase hex");
        }
        return new Compact(f.uint("height"), round, pol.intValue(), skeleton, hashes, bodies, sig);
    }

    private List<String> hashes(JsonNode a, String what) {
        if (a == null || !a.isArray()) throw new IllegalArgumentException(what + " must be an array");
        if (a.size() > maxTxs) throw new IllegalArgumentException(what + " has " + a.size() + " items; at most " + maxTxs);
        List<String> out = new ArrayList<>(a.size());
        Set<String> seen = new HashSet<>();
        for (JsonNode h : a) {
            String s = hash(h.isTextual() ? h.textValue() : null, what);
            if (!seen.add(s)) throw new IllegalArgumentException(what + " lists " + s + " twice");
            out.add(s);
        }
        return out;
    }

    private List<Transaction> transactions(JsonNode a, String what) {
        if (a == null || !a.isArray()) throw new IllegalArgumentException(what + ".txs must be an array");
        if (a.size() > maxTxs) throw new IllegalArgumentException(what + ".txs has " + a.size() + " items; at most " + maxTxs);
        List<Transaction> out = new ArrayList<>(a.size());
        for (JsonNode t : a) out.add(Transaction.fromJson(t));
        return out;
    }

    private static String hash(String s, String what) {
        if (s == null || s.length() != 64 || !Hex.isHex(s)) {
            throw new IllegalArgumentException(what + " must hold 64 lowercase hex digits (a SHA-256)");
        }
        return s;
    }

    private static int round(long r, String what) {
        return org.cpc.consensus.Rounds.check(r, what);
    }
}
