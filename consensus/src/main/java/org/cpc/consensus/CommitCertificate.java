package org.cpc.consensus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;
import org.cpc.protocol.codec.JsonFields;
import org.cpc.protocol.codec.RecordJson;

/**
 * What makes a block final: the precommits for it of more than 2/3 of the voting power, all from one round. Each
 * signature is over {@link SignBytes#vote}(chain_id, precommit, height, round, blockHash, validator), so anyone who
 * knows the validator set of {@code height} can check it ({@link CommitVerifier}). Signatures are in validator-set
 * order.
 *
 * <p>JSON, as served beside a block by {@code GET /block/{height}} ({@code height} and {@code block_hash} are the
 * block's own and not repeated): {@code "commit": {"round": 0, "signatures": [{"validator_address": "cpcvalcons1…",
 * "signature": "…hex…"}]}}.
 */
public record CommitCertificate(long height, int round, String blockHash, List<CommitSignature> signatures) {
    public static final Set<String> FIELDS = Set.of("round", "signatures");
    private static final Set<String> SIG_FIELDS = Set.of("validator_address", "signature");

    public CommitCertificate {
        signatures = List.copyOf(signatures);
        if (blockHash == null) throw new IllegalArgumentException("a commit is for a block, not nil");
    }

    /**
     * A certificate with the precommits of {@code signers} (given in set order) for the block: what a single-node
     * tool or test that commits blocks without running consensus uses as each block's proof.
     */
    public static CommitCertificate signed(String chainId, long height, int round, String blockHash,
                                           List<Signer> signers) {
        List<CommitSignature> sigs = new ArrayList<>(signers.size());
        for (Signer s : signers) {
            Vote v = new Vote(VoteType.PRECOMMIT, height, round, blockHash, s.address(), null);
            try {
                sigs.add(new CommitSignature(s.address(), s.sign(SignBytes.vote(chainId, v))));
            } catch (SignRefusedException e) {
                throw new IllegalStateException("signer " + s.address() + " refused a precommit", e);
            }
        }
        return new CommitCertificate(height, round, blockHash, sigs);
    }

    /** The precommit vote that signature {@code s} signed. */
    public Vote precommitOf(CommitSignature s) {
        return new Vote(VoteType.PRECOMMIT, height, round, blockHash, s.validatorAddress(), s.signature());
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("round", round);
        o.set("signatures", RecordJson.of(CommitSignature.class).writeAll(signatures));
        return o;
    }

    /** Reads the {@code commit} object served with the block of {@code height} whose hash is {@code blockHash}. */
    public static CommitCertificate fromJson(JsonNode node, long height, String blockHash) {
        JsonFields f = JsonFields.of(node, "commit", FIELDS);
        Jcs.requireCanonical(node, "commit"); // each signature covers a precommit's JCS, validator_address included
        int round = Rounds.check(f.uint("round"), "commit.round");
        JsonNode arr = f.raw("signatures");
        if (!arr.isArray()) throw new IllegalArgumentException("commit.signatures must be an array");
        List<CommitSignature> list = new ArrayList<>(arr.size());
        for (JsonNode e : arr) {
            JsonFields g = JsonFields.of(e, "commit signature", SIG_FIELDS);
            list.add(new CommitSignature(g.string("validator_address"), g.string("signature")));
        }
        return new CommitCertificate(height, round, blockHash, list);
    }
}
