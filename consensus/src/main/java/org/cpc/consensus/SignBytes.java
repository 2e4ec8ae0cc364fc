package org.cpc.consensus;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cpc.protocol.codec.Jcs;
import org.cpc.protocol.codec.Json;

/**
 * The canonical bytes that consensus signatures cover: RFC 8785 JCS of the message's fields without the
 * signature, plus a domain tag (so a vote can never be replayed as a proposal or anything else) and the
 * {@code chain_id} (so it cannot be replayed on another chain). Block signatures sign 32 raw hash bytes; these are
 * JSON objects of well over 32 bytes, so the two can never be confused either.
 *
 * <pre>
 * vote:     {"block_hash":"…hex…"|null,"chain_id":"cpc-devnet","domain":"cpc/consensus/vote/v1","height":7,
 *            "round":0,"type":"prevote"|"precommit","validator_address":"cpcvalcons1…"}
 * proposal: {"block_hash":"…hex…","chain_id":"cpc-devnet","domain":"cpc/consensus/proposal/v1","height":7,
 *            "pol_round":-1,"round":0}
 * </pre>
 */
public final class SignBytes {
    public static final String VOTE_DOMAIN = "cpc/consensus/vote/v1";
    public static final String PROPOSAL_DOMAIN = "cpc/consensus/proposal/v1";

    private SignBytes() {}

    public static byte[] vote(String chainId, VoteType type, long height, int round, String blockHash,
            String validatorAddress) {
        ObjectNode o = Json.object();
        o.put("domain", VOTE_DOMAIN);
        o.put("chain_id", chainId);
        o.put("type", type.wire());
        o.put("height", height);
        o.put("round", round);
        if (blockHash == null) o.putNull("block_hash"); else o.put("block_hash", blockHash);
        o.put("validator_address", validatorAddress);
        return Jcs.canonicalize(o);
    }

    public static byte[] vote(String chainId, Vote v) {
        return vote(chainId, v.type(), v.height(), v.round(), v.blockHash(), v.validatorAddress());
    }

    public static byte[] proposal(String chainId, long height, int round, int polRound, String blockHash) {
        ObjectNode o = Json.object();
        o.put("domain", PROPOSAL_DOMAIN);
        o.put("chain_id", chainId);
        o.put("height", height);
        o.put("round", round);
        o.put("pol_round", polRound);
        o.put("block_hash", blockHash);
        return Jcs.canonicalize(o);
    }
}
