package org.cpc.consensus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import org.cpc.protocol.codec.Hex;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;

/**
 * The JSON wire form of consensus messages, for the P2P transport (strict: unknown or missing fields, bad hex and
 * out-of-range numbers are refused with a message naming the field). Signatures are not checked here; the state
 * machine checks them.
 *
 * <pre>
 * {"type":"proposal","height":7,"round":1,"pol_round":-1,"block":{…},"signature":"…"}
 * {"type":"prevote"|"precommit","height":7,"round":1,"block_hash":"…"|null,"validator_address":"cpcvalcons1…","signature":"…"}
 * {"type":"decision","height":7,"block":{…},"commit":{"round":1,"signatures":[{"validator_address":"…","signature":"…"}]}}
 * </pre>
 */
public final class MessageCodec<B> {
    /** How blocks are written inside messages (for cpc: {@code Block::toJson} and {@code Block::fromJson}). */
    public interface BlockCodec<B> extends BlockHasher<B> {
        JsonNode toJson(B block);

        /** {@link #toJson}'s object as UTF-8 bytes; a codec that can write them without the tree should. */
        default byte[] toJsonBytes(B block) {
            try {
                return Json.MAPPER.writeValueAsBytes(toJson(block));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("a block's JSON could not be written", e);
            }
        }

        B fromJson(JsonNode node);
    }

    private static final Set<String> PROPOSAL = Set.of("type", "height", "round", "pol_round", "block", "signature");
    private static final Set<String> VOTE = Set.of("type", "height", "round", "block_hash", "validator_address", "signature");
    private static final Set<String> DECISION = Set.of("type", "height", "block", "commit");

    private final BlockCodec<B> blocks;

    public MessageCodec(BlockCodec<B> blocks) {
        this.blocks = blocks;
    }

    public ObjectNode toJson(ConsensusMessage m) {
        ObjectNode o = Json.object();
        switch (m) {
            case Proposal<?> p -> {
                o.put("type", "proposal");
                o.put("height", p.height());
                o.put("round", p.round());
                o.put("pol_round", p.polRound());
                o.set("block", blockJson(p.block()));
                o.put("signature", p.signature());
            }
            case Vote v -> {
                o.put("type", v.type().wire());
                o.put("height", v.height());
                o.put("round", v.round());
                if (v.blockHash() == null) o.putNull("block_hash"); else o.put("block_hash", v.blockHash());
                o.put("validator_address", v.validatorAddress());
                o.put("signature", v.signature());
            }
            case Decision<?> d -> {
                o.put("type", "decision");
                o.put("height", d.height());
                o.set("block", blockJson(d.block()));
                o.set("commit", d.certificate().toJson());
            }
        }
        return o;
    }

    @SuppressWarnings("unchecked")
    private JsonNode blockJson(Object block) {
        return blocks.toJson((B) block);
    }

    public ConsensusMessage fromJson(JsonNode node) {
        if (node == null || !node.isObject() || !node.path("type").isTextual()) {
            throw new IllegalArgumentException("consensus message must be a JSON object with a string 'type'");
        }
        String type = node.get("type").textValue();
        return switch (type) {
            case "proposal" -> {
                JsonFields f = JsonFields.of(node, "proposal", PROPOSAL);
                int round = round(f.uint("round"), "proposal.round");
                JsonNode pol = f.raw("pol_round");
                if (!pol.isIntegralNumber() || !pol.canConvertToInt()
                        || pol.intValue() != -1 && (pol.intValue() < 0 || pol.intValue() >= round)) {
                    throw new IllegalArgumentException("proposal.pol_round must be -1 or an integer below round");
                }
                B block = blocks.fromJson(f.raw("block"));
                yield new Proposal<>(f.uint("height"), round, pol.intValue(), block, signature(f.string("signature"), "proposal"));
            }
            case "prevote", "precommit" -> {
                JsonFields f = JsonFields.of(node, "vote", VOTE);
                // Its sign bytes are JCS: a vote that has none (a lone surrogate in validator_address) could not be
                // written to the WAL or checked.
                Jcs.requireCanonical(node, "vote");
                String hash = f.nullableString("block_hash");
                if (hash != null) Hex.decode(hash, 32, "vote.block_hash");
                yield new Vote(type.equals("prevote") ? VoteType.PREVOTE : VoteType.PRECOMMIT, f.uint("height"),
                        round(f.uint("round"), "vote.round"), hash, f.string("validator_address"),
                        signature(f.string("signature"), "vote"));
            }
            case "decision" -> {
                JsonFields f = JsonFields.of(node, "decision", DECISION);
                long height = f.uint("height");
                B block = blocks.fromJson(f.raw("block"));
                CommitCertificate cert = CommitCertificate.fromJson(f.raw("commit"), height, blocks.hashHex(block));
                for (CommitSignature s : cert.signatures()) signature(s.signature(), "commit");
                yield new Decision<>(height, block, cert);
            }
            default -> throw new IllegalArgumentException("unknown consensus message type '" + type + "'");
        };
    }

    private static int round(long r, String what) {
        return Rounds.check(r, what);
    }

    private static String signature(String hex, String what) {
        if (hex.isEmpty() || !Hex.isHex(hex) || hex.length() % 2 != 0) {
            throw new IllegalArgumentException(what + ".signature must be lowercase hex");
        }
        return hex;
    }
}
